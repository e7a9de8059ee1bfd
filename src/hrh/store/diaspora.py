"""Queries of the diaspora part. Never commit: the services own transactions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hrh.store import tables as t
from hrh.store.accounts import delete_user_secrets
from hrh.store.tables_diaspora import (
    DiasporaConsent,
    DiasporaErasedTally,
    DiasporaOpportunity,
    DiasporaProfile,
)


def get_profile(session: Session, profile_id: str) -> DiasporaProfile | None:
    """Return the profile with this public id."""
    return session.scalar(select(DiasporaProfile).where(DiasporaProfile.profile_id == profile_id))


def profile_of_owner(session: Session, user_id: int) -> DiasporaProfile | None:
    """Return the profile linked to this user account."""
    q = select(DiasporaProfile).where(DiasporaProfile.owner_user_id == user_id)
    return session.scalar(q.order_by(DiasporaProfile.id).limit(1))


def existing_profile_ids(session: Session, ids: Iterable[str]) -> set[str]:
    """Return which of these public ids are already stored."""
    wanted = sorted(set(ids))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        q = select(DiasporaProfile.profile_id).where(
            DiasporaProfile.profile_id.in_(wanted[i : i + 500])
        )
        found.update(session.scalars(q))
    return found


def list_profiles(session: Session) -> list[DiasporaProfile]:
    """Return every profile by public id."""
    return list(session.scalars(select(DiasporaProfile).order_by(DiasporaProfile.profile_id)))


def add_profile(session: Session, row: DiasporaProfile) -> DiasporaProfile:
    """Store a profile and return it with its key."""
    session.add(row)
    session.flush()
    return row


def add_consent(
    session: Session, profile_pk: int, purpose: str, granted: bool, at: datetime
) -> None:
    """Append one consent decision."""
    session.add(DiasporaConsent(profile_pk=profile_pk, purpose=purpose, granted=granted, at=at))


def consent_history(session: Session, profile_pk: int) -> list[DiasporaConsent]:
    """Return a profile's consent decisions, oldest first."""
    q = select(DiasporaConsent).where(DiasporaConsent.profile_pk == profile_pk)
    return list(session.scalars(q.order_by(DiasporaConsent.id)))


def current_consents(session: Session) -> dict[int, dict[str, bool]]:
    """Return every profile's newest decision per purpose (profile key → purpose → granted)."""
    out: dict[int, dict[str, bool]] = {}
    q = select(DiasporaConsent).order_by(DiasporaConsent.id)
    for c in session.scalars(q):
        out.setdefault(c.profile_pk, {})[c.purpose] = c.granted
    return out


def delete_profile(session: Session, row: DiasporaProfile) -> None:
    """Delete a profile and its consent decisions."""
    session.execute(delete(DiasporaConsent).where(DiasporaConsent.profile_pk == row.id))
    session.delete(row)
    session.flush()


def delete_member_account(session: Session, user_id: int) -> bool:
    """Delete a diaspora member's account, tokens and reset links; return whether one was."""
    user = session.get(t.User, user_id)
    if user is None or user.role != "diaspora_member":
        return False
    delete_user_secrets(session, user_id)
    session.delete(user)
    session.flush()
    return True


def add_tally(session: Session, origin: str, cadre: str, residence: str) -> None:
    """Add one to the de-identified count of erased profiles in this cell."""
    q = select(DiasporaErasedTally).where(
        DiasporaErasedTally.origin == origin,
        DiasporaErasedTally.cadre == cadre,
        DiasporaErasedTally.residence == residence,
    )
    row = session.scalar(q)
    if row is None:
        session.add(DiasporaErasedTally(origin=origin, cadre=cadre, residence=residence, count=1))
    else:
        row.count += 1
    session.flush()


def tallies(session: Session) -> list[tuple[str, str, str, int]]:
    """Return the erased-profile counts per cell."""
    q = select(
        DiasporaErasedTally.origin,
        DiasporaErasedTally.cadre,
        DiasporaErasedTally.residence,
        DiasporaErasedTally.count,
    )
    return [(a, b, c, int(n)) for a, b, c, n in session.execute(q)]


def get_opportunity(session: Session, opportunity_id: str) -> DiasporaOpportunity | None:
    """Return the opportunity with this public id."""
    q = select(DiasporaOpportunity).where(DiasporaOpportunity.opportunity_id == opportunity_id)
    return session.scalar(q)


def existing_opportunity_ids(session: Session, ids: Iterable[str]) -> set[str]:
    """Return which of these opportunity ids are already stored."""
    wanted = sorted(set(ids))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        q = select(DiasporaOpportunity.opportunity_id).where(
            DiasporaOpportunity.opportunity_id.in_(wanted[i : i + 500])
        )
        found.update(session.scalars(q))
    return found


def list_opportunities(
    session: Session, countries: Iterable[str] | None = None, *, open_only: bool = True
) -> list[DiasporaOpportunity]:
    """Return opportunities by id, optionally only in some countries and only open ones."""
    q = select(DiasporaOpportunity).order_by(DiasporaOpportunity.opportunity_id)
    if countries is not None:
        q = q.where(DiasporaOpportunity.country.in_(sorted(countries)))
    if open_only:
        q = q.where(DiasporaOpportunity.status == "open")
    return list(session.scalars(q))


def add_opportunity(session: Session, row: DiasporaOpportunity) -> DiasporaOpportunity:
    """Store an opportunity and return it with its key."""
    session.add(row)
    session.flush()
    return row


def count_profiles(session: Session) -> int:
    """Return how many profiles are stored."""
    return int(session.scalar(select(func.count()).select_from(DiasporaProfile)) or 0)


def audit_events_for(session: Session, target: str) -> list[t.AuditEvent]:
    """Return the audit events about one target, oldest first."""
    q = select(t.AuditEvent).where(t.AuditEvent.target == target).order_by(t.AuditEvent.id)
    return list(session.scalars(q))
