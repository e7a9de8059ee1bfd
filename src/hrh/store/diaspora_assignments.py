"""Queries of the diaspora assignment workflow. Never commit: the services own transactions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from hrh.store.tables_diaspora import DiasporaOpportunity, DiasporaProfile
from hrh.store.tables_diaspora_workflow import (
    DiasporaAssignment,
    DiasporaIncentive,
    DiasporaNotification,
    DiasporaOutcome,
    DiasporaReturn,
)

#: An assignment with its opportunity and (unless erased) its profile.
Joined = tuple[DiasporaAssignment, DiasporaOpportunity, DiasporaProfile | None]


def _joined() -> Select[DiasporaAssignment, DiasporaOpportunity, DiasporaProfile]:
    return (
        select(DiasporaAssignment, DiasporaOpportunity, DiasporaProfile)
        .join(DiasporaOpportunity, DiasporaAssignment.opportunity_pk == DiasporaOpportunity.id)
        .outerjoin(DiasporaProfile, DiasporaAssignment.profile_pk == DiasporaProfile.id)
    )


def get(session: Session, assignment_id: str, *, lock: bool = False) -> Joined | None:
    """Return one assignment with its opportunity and profile (optionally locked for update)."""
    q = _joined().where(DiasporaAssignment.assignment_id == assignment_id)
    if lock:
        q = q.with_for_update(of=DiasporaAssignment)
    row = session.execute(q).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


def listing(
    session: Session,
    *,
    countries: Iterable[str] | None = None,
    profile_pk: int | None = None,
    opportunity_id: str | None = None,
) -> list[Joined]:
    """Return assignments, newest first (optionally of countries, a profile, an opportunity)."""
    q = _joined()
    if countries is not None:
        q = q.where(DiasporaOpportunity.country.in_(sorted(countries)))
    if profile_pk is not None:
        q = q.where(DiasporaAssignment.profile_pk == profile_pk)
    if opportunity_id is not None:
        q = q.where(DiasporaOpportunity.opportunity_id == opportunity_id)
    q = q.order_by(DiasporaAssignment.id.desc())
    return [(a, o, p) for a, o, p in session.execute(q)]


def active_pairs(session: Session, statuses: Iterable[str]) -> set[tuple[int, int]]:
    """Return (profile key, opportunity key) of every assignment in these statuses."""
    q = select(DiasporaAssignment.profile_pk, DiasporaAssignment.opportunity_pk).where(
        DiasporaAssignment.status.in_(sorted(statuses)),
        DiasporaAssignment.profile_pk.is_not(None),
    )
    return {(int(p), int(o)) for p, o in session.execute(q) if p is not None}


def holding(session: Session, opportunity_pk: int, statuses: Iterable[str]) -> int:
    """Return how many assignments of an opportunity are in these statuses."""
    q = select(func.count()).where(
        DiasporaAssignment.opportunity_pk == opportunity_pk,
        DiasporaAssignment.status.in_(sorted(statuses)),
    )
    return int(session.scalar(q) or 0)


def lock_opportunity(session: Session, opportunity_pk: int) -> None:
    """Serialise confirmations of one opportunity until the transaction ends.

    A no-op UPDATE: a row lock on PostgreSQL, the database write lock on SQLite (where
    ``SELECT … FOR UPDATE`` does not exist), taken before the slots are counted.
    """
    session.execute(
        update(DiasporaOpportunity)
        .where(DiasporaOpportunity.id == opportunity_pk)
        .values(slots=DiasporaOpportunity.slots)
    )


def add(session: Session, row: DiasporaAssignment) -> DiasporaAssignment:
    """Store an assignment and return it with its key."""
    session.add(row)
    session.flush()
    return row


def add_notification(
    session: Session,
    assignment_pk: int,
    event: str,
    recipient: str,
    status: str,
    error: str,
    at: datetime,
) -> None:
    """Record whether one notification went out."""
    session.add(
        DiasporaNotification(
            assignment_pk=assignment_pk,
            event=event,
            recipient=recipient,
            status=status,
            error=error[:300],
            at=at,
        )
    )


def notifications(session: Session, assignment_pk: int) -> list[DiasporaNotification]:
    """Return an assignment's notification records, oldest first."""
    q = select(DiasporaNotification).where(DiasporaNotification.assignment_pk == assignment_pk)
    return list(session.scalars(q.order_by(DiasporaNotification.id)))


def outcome_of(session: Session, assignment_pk: int) -> DiasporaOutcome | None:
    """Return the outcome report of an assignment."""
    q = select(DiasporaOutcome).where(DiasporaOutcome.assignment_pk == assignment_pk)
    return session.scalar(q)


def add_outcome(session: Session, row: DiasporaOutcome) -> None:
    """Store an outcome report."""
    session.add(row)
    session.flush()


def add_return(
    session: Session, row: DiasporaReturn, incentives: Iterable[tuple[str, float | None, str]]
) -> DiasporaReturn:
    """Store a permanent return with its incentives."""
    session.add(row)
    session.flush()
    for kind, amount, currency in incentives:
        session.add(
            DiasporaIncentive(return_pk=row.id, kind=kind, amount=amount, currency=currency)
        )
    session.flush()
    return row


def returns(
    session: Session, countries: Iterable[str] | None = None
) -> list[tuple[DiasporaReturn, DiasporaProfile | None, list[DiasporaIncentive]]]:
    """Return permanent returns (optionally in some countries) with their incentives."""
    q = select(DiasporaReturn, DiasporaProfile).outerjoin(
        DiasporaProfile, DiasporaReturn.profile_pk == DiasporaProfile.id
    )
    if countries is not None:
        q = q.where(DiasporaReturn.country.in_(sorted(countries)))
    rows = list(session.execute(q.order_by(DiasporaReturn.id)))
    keys = [r.id for r, _ in rows]
    by_return: dict[int, list[DiasporaIncentive]] = {k: [] for k in keys}
    if keys:
        iq = select(DiasporaIncentive).where(DiasporaIncentive.return_pk.in_(keys))
        for inc in session.scalars(iq.order_by(DiasporaIncentive.id)):
            by_return[inc.return_pk].append(inc)
    return [(r, p, by_return[r.id]) for r, p in rows]


def figures(session: Session) -> list[tuple[str, str, str, str, float | None]]:
    """Return (country, cadre, mode, status, outcome hours) for every assignment ever proposed."""
    q = (
        select(
            DiasporaOpportunity.country,
            DiasporaOpportunity.cadre,
            DiasporaOpportunity.mode,
            DiasporaAssignment.status,
            DiasporaOutcome.hours,
        )
        .join(DiasporaOpportunity, DiasporaAssignment.opportunity_pk == DiasporaOpportunity.id)
        .outerjoin(DiasporaOutcome, DiasporaOutcome.assignment_pk == DiasporaAssignment.id)
    )
    return [(c, k, m, s, None if h is None else float(h)) for c, k, m, s, h in session.execute(q)]


def detach_profile(session: Session, profile_pk: int) -> int:
    """Unlink an erased person from their assignments and returns; drop their outcome feedback.

    Return how many assignments were unlinked. The figures (counts, hours) stay.
    """
    keys = list(
        session.scalars(
            select(DiasporaAssignment.id).where(DiasporaAssignment.profile_pk == profile_pk)
        )
    )
    if keys:
        session.execute(
            update(DiasporaOutcome)
            .where(DiasporaOutcome.assignment_pk.in_(keys))
            .values(feedback_enc="")
        )
        session.execute(
            update(DiasporaAssignment)
            .where(DiasporaAssignment.id.in_(keys))
            .values(profile_pk=None)
        )
    session.execute(
        update(DiasporaReturn)
        .where(DiasporaReturn.profile_pk == profile_pk)
        .values(profile_pk=None)
    )
    session.flush()
    return len(keys)
