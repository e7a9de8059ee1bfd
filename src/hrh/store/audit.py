"""The audit trail: append-only, hash-chained. Never commits; never updates or deletes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hrh.store import tables as t

GENESIS = "0" * 64


def lock_chain(session: Session) -> None:
    """Serialise appends so that two writers never chain onto the same event."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7201)"))


def last_hash(session: Session) -> str:
    """Return the hash of the newest event (the genesis hash when there is none)."""
    q = select(t.AuditEvent.hash).order_by(t.AuditEvent.id.desc()).limit(1)
    return session.scalar(q) or GENESIS


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    detail: str,
    change_hash: str,
    prev_hash: str,
    event_hash: str,
) -> int:
    """Append one event; return its id."""
    row = t.AuditEvent(
        at=at,
        actor=actor,
        action=action,
        target=target,
        detail=detail,
        change_hash=change_hash,
        prev_hash=prev_hash,
        hash=event_hash,
    )
    session.add(row)
    session.flush()
    return row.id


def iter_events(
    session: Session, *, since_id: int = 0, action: str | None = None, limit: int | None = None
) -> Iterator[t.AuditEvent]:
    """Yield events in chain order."""
    q = select(t.AuditEvent).where(t.AuditEvent.id > since_id).order_by(t.AuditEvent.id)
    if action:
        q = q.where(t.AuditEvent.action == action)
    if limit:
        q = q.limit(limit)
    yield from session.scalars(q)
