"""The assignment workflow: propose, respond, confirm, start, complete, cancel; outcomes.

A programme officer proposes professionals for opportunities in their countries (one chosen
feasible pair, or every pair of the current optimal match); the professional accepts or
declines; the officer confirms an accepted one (never beyond the opportunity's slots), then
marks it started, completed or cancelled. The moves are the pure state machine of
``hrh.diaspora.workflow``. Every transition is audited (ids only) and, where someone must
act next, e-mailed (``hrh.services.diaspora_notices``) after the transition is committed,
so a mail failure never loses it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from hrh.diaspora.matching import Explanation, explain
from hrh.diaspora.workflow import (
    ACTIVE,
    HOLDS_SLOT,
    Outcome,
    allowed_events,
    check_capacity,
    check_outcome,
    joined,
    next_status,
)
from hrh.domain.policy import Principal, require, scope_of
from hrh.errors import M_, Conflict, Invalid, NotFound
from hrh.services import audit, diaspora_matching
from hrh.services.context import AppContext
from hrh.services.diaspora import iso_utc, to_candidate
from hrh.services.diaspora_notices import Notice, NoticeView, deliver, notice_for
from hrh.services.keys import field_cipher
from hrh.store import diaspora as profiles
from hrh.store import diaspora_assignments as store
from hrh.store.diaspora_assignments import Joined
from hrh.store.tables_diaspora import DiasporaOpportunity, DiasporaProfile
from hrh.store.tables_diaspora_workflow import DiasporaAssignment, DiasporaOutcome

#: When each status was reached (the column stamped by the transition into it).
_STAMP = {
    "accepted": "responded_at",
    "declined": "responded_at",
    "confirmed": "confirmed_at",
    "started": "started_at",
    "completed": "ended_at",
    "cancelled": "ended_at",
}


@dataclass(frozen=True)
class ComponentView:
    """One part of the score the proposal was made with."""

    name: str
    points: float
    weight: float
    value: float
    reason: str


@dataclass(frozen=True)
class OutcomeView:
    """The outcome report (``feedback`` only for those entitled, else empty)."""

    hours: float
    patients_seen: int
    staff_trained: int
    feedback: str
    reported_at: str


@dataclass(frozen=True)
class AssignmentView:
    """An assignment as the professional, the officer or an administrator sees it."""

    assignment_id: str
    status: str
    profile_id: str | None  # None once the person has been erased
    opportunity_id: str
    country: str
    facility: str
    cadre: str
    specialty: str
    mode: str
    start: str
    end: str
    score: float
    components: list[ComponentView]
    proposed_at: str
    responded_at: str | None
    confirmed_at: str | None
    started_at: str | None
    ended_at: str | None
    next_events: list[str]
    outcome: OutcomeView | None
    notifications: list[NoticeView]
    #: name and e-mail, shown to the opportunity's officers once the professional has
    #: accepted, and only with their consent to contact
    contact: dict[str, str]


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(at: datetime | None) -> str | None:
    return iso_utc(at) if at is not None else None


#: Statuses in which the officers of the opportunity see the professional's contact details.
_CONTACTABLE = frozenset({"accepted", "confirmed", "started", "completed"})


def _contact(
    ctx: AppContext, p: DiasporaProfile | None, status: str, consents: dict[int, dict[str, bool]]
) -> dict[str, str]:
    """Return name and e-mail of a professional who accepted and consents to contact."""
    if p is None or status not in _CONTACTABLE or not consents.get(p.id, {}).get("contact"):
        return {}
    cipher = field_cipher(ctx.settings)
    out = {}
    for name in ("name", "email"):
        token = getattr(p, f"{name}_enc")
        if token:
            out[name] = cipher.decrypt(token, context=f"profile.{name}")
    return out


def _view(
    s: Session, ctx: AppContext, row: Joined, consents: dict[int, dict[str, bool]] | None
) -> AssignmentView:
    """Build the view; ``consents`` given (officers, admins): with contact details when due."""
    a, o, p = row
    out = store.outcome_of(s, a.id)
    outcome = None
    if out is not None:
        text = ""
        if out.feedback_enc:
            text = field_cipher(ctx.settings).decrypt(out.feedback_enc, context="outcome.feedback")
        outcome = OutcomeView(
            out.hours, out.patients_seen, out.staff_trained, text, iso_utc(out.reported_at)
        )
    return AssignmentView(
        assignment_id=a.assignment_id,
        status=a.status,
        profile_id=p.profile_id if p is not None else None,
        opportunity_id=o.opportunity_id,
        country=o.country,
        facility=o.facility,
        cadre=o.cadre,
        specialty=o.specialty,
        mode=o.mode,
        start=o.starts_on.isoformat(),
        end=o.ends_on.isoformat(),
        score=a.score,
        components=[ComponentView(**c) for c in json.loads(a.components or "[]")],
        proposed_at=iso_utc(a.proposed_at),
        responded_at=_stamp(a.responded_at),
        confirmed_at=_stamp(a.confirmed_at),
        started_at=_stamp(a.started_at),
        ended_at=_stamp(a.ended_at),
        next_events=allowed_events(a.status),
        outcome=outcome,
        notifications=[
            NoticeView(n.event, n.recipient, n.status, n.error, iso_utc(n.at))
            for n in store.notifications(s, a.id)
        ],
        contact=_contact(ctx, p, a.status, consents) if consents is not None else {},
    )


def _explained(s: Session, p: DiasporaProfile, o: DiasporaOpportunity) -> Explanation:
    consents = profiles.current_consents(s).get(p.id, {})
    return explain(to_candidate(p, consents), diaspora_matching.to_opening(o))


def _propose_one(
    s: Session, ctx: AppContext, principal: Principal, p: DiasporaProfile, o: DiasporaOpportunity
) -> tuple[DiasporaAssignment, Notice]:
    require(principal, "assignments.propose", country=o.country)
    if o.status != "open":
        raise Conflict.of(
            M_("Opportunity %(id)s is %(status)s, not open."), id=o.opportunity_id, status=o.status
        )
    e = _explained(s, p, o)
    if not e.feasible:
        raise Invalid.of(
            M_("Profile %(profile)s cannot take opportunity %(id)s: %(reasons)s."),
            hint=M_("Only feasible pairs (see `hrh diaspora scores`) may be proposed."),
            profile=p.profile_id,
            id=o.opportunity_id,
            reasons=joined([f.text for f in e.failures]),
        )
    if (p.id, o.id) in store.active_pairs(s, ACTIVE):
        raise Conflict.of(
            M_("Profile %(profile)s already has an assignment under way for %(id)s."),
            profile=p.profile_id,
            id=o.opportunity_id,
        )
    now = _now()
    a = store.add(
        s,
        DiasporaAssignment(
            assignment_id="as-" + secrets.token_hex(6),
            profile_pk=p.id,
            opportunity_pk=o.id,
            status="proposed",
            score=e.score,
            components=json.dumps([c.__dict__ for c in e.components]),
            proposed_by=principal.label,
            proposed_by_user_id=principal.user_id,
            proposed_at=now,
            updated_at=now,
        ),
    )
    _audit(s, principal, "assignments.propose", a, o, p, "", "proposed")
    return a, notice_for(s, ctx, "proposed", (a, o, p))


def _audit(
    s: Session,
    principal: Principal,
    action: str,
    a: DiasporaAssignment,
    o: DiasporaOpportunity,
    p: DiasporaProfile | None,
    before: str,
    after: str,
) -> None:
    detail = {
        "opportunity": o.opportunity_id,
        "profile": p.profile_id if p is not None else None,
        "from": before or None,
        "to": after,
    }
    audit.record(s, principal, action, f"assignment:{a.assignment_id}", detail)


def propose(
    ctx: AppContext, principal: Principal, profile_id: str, opportunity_id: str
) -> AssignmentView:
    """Propose one feasible professional × opportunity pair; e-mail the professional."""
    require(principal, "assignments.propose")
    with ctx.unit() as s:
        o = profiles.get_opportunity(s, opportunity_id)
        limited = scope_of(principal, "assignments.propose") == "countries"
        if o is None or (limited and o.country not in principal.countries):
            raise NotFound.of(
                M_("No opportunity %(id)s in your countries."), id=repr(opportunity_id)
            )
        p = profiles.get_profile(s, profile_id)
        if p is None:
            raise NotFound.of(M_("No profile %(id)s."), id=repr(profile_id))
        a, notice = _propose_one(s, ctx, principal, p, o)
        key = a.assignment_id
    deliver(ctx, [notice])
    return get_assignment(ctx, principal, key)


def propose_matches(
    ctx: AppContext, principal: Principal, opportunity_id: str | None = None
) -> list[AssignmentView]:
    """Propose every pair of the current optimal match in the caller's countries.

    Pairs that already have an assignment under way are left as they are. All proposals are
    stored in one transaction, then the professionals are e-mailed.
    """
    require(principal, "assignments.propose")
    result = diaspora_matching.match(ctx, principal, opportunity_id)
    made: list[str] = []
    notices: list[Notice] = []
    with ctx.unit() as s:
        busy = store.active_pairs(s, ACTIVE)
        for pair in result.assignments:
            o = profiles.get_opportunity(s, pair.opportunity_id)
            p = profiles.get_profile(s, pair.profile_id)
            if o is None or p is None or (p.id, o.id) in busy:
                continue
            a, notice = _propose_one(s, ctx, principal, p, o)
            made.append(a.assignment_id)
            notices.append(notice)
    deliver(ctx, notices)
    return [get_assignment(ctx, principal, key) for key in made]


def _load(s: Session, principal: Principal, assignment_id: str, action: str) -> Joined:
    """Return the assignment if the caller may act on it; others read as not found."""
    row = store.get(s, assignment_id, lock=True)
    if row is None:
        raise NotFound.of(M_("No assignment %(id)s."), id=repr(assignment_id))
    _, o, p = row
    scope = scope_of(principal, action)
    if scope == "countries" and o.country not in principal.countries:
        raise NotFound.of(M_("No assignment %(id)s."), id=repr(assignment_id))
    if scope == "self" and (p is None or p.owner_user_id != principal.user_id):
        raise NotFound.of(M_("No assignment %(id)s."), id=repr(assignment_id))
    return row


def _move(s: Session, principal: Principal, row: Joined, event: str, action: str) -> str:
    a, o, p = row
    before = a.status
    after = next_status(before, event)
    if event == "confirm":
        store.lock_opportunity(s, o.id)
        check_capacity(store.holding(s, o.id, HOLDS_SLOT), o.slots, o.opportunity_id)
    now = _now()
    a.status = after
    a.updated_at = now
    setattr(a, _STAMP[after], now)
    s.flush()
    _audit(s, principal, action, a, o, p, before, after)
    return after


def respond(
    ctx: AppContext, principal: Principal, assignment_id: str, accept: bool
) -> AssignmentView:
    """Accept or decline a proposal (the professional; an administrator records a reply)."""
    require(principal, "assignments.respond")
    with ctx.unit() as s:
        row = _load(s, principal, assignment_id, "assignments.respond")
        after = _move(s, principal, row, "accept" if accept else "decline", "assignments.respond")
        notice = notice_for(s, ctx, after, row)
    deliver(ctx, [notice])
    return get_assignment(ctx, principal, assignment_id)


#: Officer moves: event → the audit action.
OFFICER_EVENTS = ("confirm", "start", "complete", "cancel")


def advance(
    ctx: AppContext, principal: Principal, assignment_id: str, event: str
) -> AssignmentView:
    """Confirm, start, complete or cancel an assignment (officers in its country, admins)."""
    require(principal, "assignments.confirm")
    if event not in OFFICER_EVENTS:
        raise Invalid.of(
            M_("Unknown step %(step)s."),
            hint=M_("Steps: %(steps)s"),
            step=repr(event),
            steps=", ".join(OFFICER_EVENTS),
        )
    notices = []
    with ctx.unit() as s:
        row = _load(s, principal, assignment_id, "assignments.confirm")
        after = _move(s, principal, row, event, f"assignments.{event}")
        if after == "confirmed":
            notices.append(notice_for(s, ctx, after, row))
    deliver(ctx, notices)
    return get_assignment(ctx, principal, assignment_id)


def report_outcome(
    ctx: AppContext, principal: Principal, assignment_id: str, outcome: Outcome
) -> AssignmentView:
    """Store the outcome of a completed assignment (feedback encrypted); once only."""
    require(principal, "outcomes.write")
    check_outcome(outcome)
    cipher = field_cipher(ctx.settings)
    with ctx.unit() as s:
        a, _, _ = _load(s, principal, assignment_id, "outcomes.write")
        if a.status != "completed":
            raise Conflict.of(
                M_("Assignment %(id)s is %(status)s: only a completed one gets an outcome."),
                id=assignment_id,
                status=a.status,
            )
        if store.outcome_of(s, a.id) is not None:
            raise Conflict.of(
                M_("Assignment %(id)s already has an outcome report."), id=assignment_id
            )
        text = outcome.feedback.strip()
        store.add_outcome(
            s,
            DiasporaOutcome(
                assignment_pk=a.id,
                hours=outcome.hours,
                patients_seen=outcome.patients_seen,
                staff_trained=outcome.staff_trained,
                feedback_enc=cipher.encrypt(text, context="outcome.feedback") if text else "",
                reported_by=principal.label,
                reported_at=_now(),
            ),
        )
        detail = {
            "hours": outcome.hours,
            "patients_seen": outcome.patients_seen,
            "staff_trained": outcome.staff_trained,
            "feedback": bool(text),
        }
        audit.record(s, principal, "outcomes.write", f"assignment:{a.assignment_id}", detail)
    return get_assignment(ctx, principal, assignment_id)


def get_assignment(ctx: AppContext, principal: Principal, assignment_id: str) -> AssignmentView:
    """Return one assignment the caller may see."""
    require(principal, "assignments.read")
    with ctx.unit() as s:
        row = _load(s, principal, assignment_id, "assignments.read")
        return _view(s, ctx, row, _consents_for(s, principal))


def list_assignments(
    ctx: AppContext, principal: Principal, opportunity_id: str | None = None
) -> list[AssignmentView]:
    """Return the assignments the caller may see, newest first."""
    require(principal, "assignments.read")
    scope = scope_of(principal, "assignments.read")
    with ctx.unit() as s:
        if scope == "self":
            mine = profiles.profile_of_owner(s, principal.user_id) if principal.user_id else None
            if mine is None:
                return []
            rows = store.listing(s, profile_pk=mine.id, opportunity_id=opportunity_id)
        else:
            countries = principal.countries if scope == "countries" else None
            rows = store.listing(s, countries=countries, opportunity_id=opportunity_id)
        consents = _consents_for(s, principal)
        return [_view(s, ctx, r, consents) for r in rows]


def _consents_for(s: Session, principal: Principal) -> dict[int, dict[str, bool]] | None:
    """Return the consents when the caller is an officer or admin (who may see contacts)."""
    if scope_of(principal, "assignments.read") == "self":
        return None
    return profiles.current_consents(s)
