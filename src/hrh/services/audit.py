"""The audit trail: every write appends who, when, what and a hash of the change.

Events are chained: each event's hash covers the previous event's hash, so editing,
deleting or reordering any stored event breaks the chain, and ``verify`` finds where.
Details never hold personal fields (names, contacts, notes): only ids, counts and hashes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from hrh.domain.policy import Principal, require
from hrh.services.context import AppContext
from hrh.store import audit as store


def _utc_text(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def canonical(detail: dict[str, Any]) -> str:
    """Return the canonical JSON text of an event's detail.

    >>> canonical({"b": 1, "a": [2]})
    '{"a":[2],"b":1}'
    """
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev: str, at: datetime, actor: str, action: str, target: str, change: str) -> str:
    """Return an event's hash from its fields and the previous event's hash."""
    text = "|".join([prev, _utc_text(at), actor, action, target, change])
    return hashlib.sha256(text.encode()).hexdigest()


def record(
    session: Session,
    principal: Principal | str,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """Append an event in the caller's transaction; return its id."""
    actor = principal if isinstance(principal, str) else principal.label
    store.lock_chain(session)
    prev = store.last_hash(session)
    at = datetime.now(UTC)
    text = canonical(detail or {})
    change = hashlib.sha256(text.encode()).hexdigest()
    return store.append(
        session,
        at=at,
        actor=actor,
        action=action,
        target=target,
        detail=text,
        change_hash=change,
        prev_hash=prev,
        event_hash=chain_hash(prev, at, actor, action, target, change),
    )


@dataclass(frozen=True)
class AuditEventView:
    """An event as shown to an administrator."""

    id: int
    at: str
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class Verification:
    """The result of walking the chain."""

    ok: bool
    events: int
    first_bad_id: int | None
    problem: str


def verify(ctx: AppContext) -> Verification:
    """Recompute every hash and link; report the first event that does not match."""
    prev = store.GENESIS
    n = 0
    with ctx.unit() as s:
        for e in store.iter_events(s):
            n += 1
            change = hashlib.sha256(e.detail.encode()).hexdigest()
            if change != e.change_hash:
                return Verification(False, n, e.id, "its detail was changed after it was written")
            if e.prev_hash != prev:
                return Verification(
                    False,
                    n,
                    e.id,
                    "it does not follow the previous event "
                    "(an event was deleted, inserted or reordered)",
                )
            expected = chain_hash(prev, e.at, e.actor, e.action, e.target, e.change_hash)
            if expected != e.hash:
                return Verification(False, n, e.id, "its time, actor, action or target was changed")
            prev = e.hash
    return Verification(True, n, None, "")


def list_events(
    ctx: AppContext,
    principal: Principal,
    *,
    since_id: int = 0,
    action: str | None = None,
    limit: int | None = None,
) -> list[AuditEventView]:
    """Return events for an administrator, oldest first."""
    require(principal, "audit.read")
    with ctx.unit() as s:
        return [
            AuditEventView(
                e.id,
                _utc_text(e.at) + "Z",
                e.actor,
                e.action,
                e.target,
                json.loads(e.detail),
                e.hash,
            )
            for e in store.iter_events(s, since_id=since_id, action=action, limit=limit)
        ]
