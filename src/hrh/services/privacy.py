"""A person's rights over their data: export everything held about them, or erase it.

Administrators (``privacy.manage``) act on any profile; a diaspora member on their own
(another's profile reads as not found). Erasure deletes the profile, its consents and the
member's account and tokens, but first adds the profile to a de-identified tally
(origin × cadre × residence, no id, no date) when it counted in the published statistics,
so anonymous aggregates stay exactly the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from hrh.domain.policy import Principal, may, require
from hrh.errors import NotFound
from hrh.services import audit
from hrh.services.accounts import email_of
from hrh.services.context import AppContext
from hrh.services.diaspora import ProfileView, iso_utc, owned_profile, profile_view
from hrh.services.keys import field_cipher
from hrh.store import accounts as account_store
from hrh.store import diaspora as store
from hrh.store import diaspora_assignments as assignment_store
from hrh.store.tables_diaspora import DiasporaProfile


@dataclass(frozen=True)
class PersonalExport:
    """Everything held about one person."""

    exported_at: str
    profile: ProfileView
    consent_history: list[dict[str, Any]]
    account: dict[str, Any] | None
    audit_events: list[dict[str, Any]]
    assignments: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed."""

    profile_id: str
    kept_in_statistics: bool
    account_deleted: bool


def _target(s: Session, principal: Principal, profile_id: str, own_action: str) -> DiasporaProfile:
    if may(principal, "privacy.manage"):
        row = store.get_profile(s, profile_id)
        if row is None:
            raise NotFound(f"No profile {profile_id!r}.")
        return row
    require(principal, own_action)
    return owned_profile(s, principal, profile_id)


def export(ctx: AppContext, principal: Principal, profile_id: str) -> PersonalExport:
    """Return everything held about the person behind a profile (and audit the export)."""
    with ctx.unit() as s:
        row = _target(s, principal, profile_id, "profile.read")
        view = profile_view(s, field_cipher(ctx.settings), row)
        history = [
            {"purpose": c.purpose, "granted": c.granted, "at": iso_utc(c.at)}
            for c in store.consent_history(s, row.id)
        ]
        account = None
        if row.owner_user_id is not None:
            u = account_store.get_user(s, row.owner_user_id)
            if u is not None:
                account = {
                    "username": u.username,
                    "role": u.role,
                    "created_at": iso_utc(u.created_at),
                    "email": email_of(ctx, u.id, session=s, include_disabled=True),
                }
        events = [
            {
                "at": iso_utc(e.at),
                "actor": e.actor,
                "action": e.action,
                "detail": json.loads(e.detail),
            }
            for e in store.audit_events_for(s, f"profile:{row.profile_id}")
        ]
        held = _assignments(s, ctx, row)
        audit.record(s, principal, "privacy.export", f"profile:{row.profile_id}", {})
    return PersonalExport(
        datetime.now(UTC).isoformat(timespec="seconds"), view, history, account, events, held
    )


def _assignments(s: Session, ctx: AppContext, row: DiasporaProfile) -> list[dict[str, Any]]:
    """Return the person's assignments with their outcomes (feedback decrypted)."""
    cipher = field_cipher(ctx.settings)
    out = []
    for a, o, _ in reversed(assignment_store.listing(s, profile_pk=row.id)):
        report = assignment_store.outcome_of(s, a.id)
        outcome = None
        if report is not None:
            feedback = report.feedback_enc
            outcome = {
                "hours": report.hours,
                "patients_seen": report.patients_seen,
                "staff_trained": report.staff_trained,
                "feedback": cipher.decrypt(feedback, context="outcome.feedback")
                if feedback
                else "",
            }
        out.append(
            {
                "assignment_id": a.assignment_id,
                "opportunity_id": o.opportunity_id,
                "status": a.status,
                "proposed_at": iso_utc(a.proposed_at),
                "outcome": outcome,
            }
        )
    return out


def erase(ctx: AppContext, principal: Principal, profile_id: str) -> Erasure:
    """Erase a person's profile, consents and member account; keep aggregates unchanged."""
    with ctx.unit() as s:
        row = _target(s, principal, profile_id, "profile.write")
        consents = store.current_consents(s).get(row.id, {})
        counted = consents.get("statistics", False)
        if counted:
            store.add_tally(s, row.origin, row.cadre, row.residence)
        owner = row.owner_user_id
        pid = row.profile_id
        assignment_store.detach_profile(s, row.id)  # figures stay; the link goes
        store.delete_profile(s, row)
        deleted = store.delete_member_account(s, owner) if owner is not None else False
        audit.record(
            s,
            principal,
            "privacy.erase",
            f"profile:{pid}",
            {"kept_in_statistics": counted, "account_deleted": deleted},
        )
    return Erasure(pid, counted, deleted)
