"""API token rows (hashed secrets only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hrh.store import tables as t


def add_token(
    session: Session, name: str, token_hash: str, role: str, now: datetime, expires: datetime
) -> int:
    """Store a token hash; return its id."""
    row = t.ApiToken(
        name=name,
        token_hash=token_hash,
        role=role,
        created_at=now,
        expires_at=expires,
        revoked=False,
    )
    session.add(row)
    session.flush()
    return row.id


def find_token(session: Session, token_hash: str) -> t.ApiToken | None:
    """Return the token row with this hash."""
    return session.scalar(select(t.ApiToken).where(t.ApiToken.token_hash == token_hash))


def revoke_token(session: Session, token_id: int) -> bool:
    """Mark a token revoked; return False when there is no such token."""
    row = session.get(t.ApiToken, token_id)
    if row is None:
        return False
    row.revoked = True
    return True
