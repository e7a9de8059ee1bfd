"""Users and API tokens. Never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hrh.store import tables as t


def add_user(
    session: Session,
    username: str,
    role: str,
    organisation: str,
    countries: str,
    password_hash: str,
    now: datetime,
) -> t.User:
    """Store a new user."""
    row = t.User(
        username=username,
        role=role,
        organisation=organisation,
        countries=countries,
        password_hash=password_hash,
        disabled=False,
        created_at=now,
        failed_logins=0,
    )
    session.add(row)
    session.flush()
    return row


def find_user(session: Session, username: str) -> t.User | None:
    """Return the user with this username."""
    return session.scalar(select(t.User).where(t.User.username == username))


def get_user(session: Session, user_id: int) -> t.User | None:
    """Return the user with this id."""
    return session.get(t.User, user_id)


def list_users(session: Session) -> list[t.User]:
    """Return every user by username."""
    return list(session.scalars(select(t.User).order_by(t.User.username)))


def add_token(
    session: Session,
    *,
    name: str,
    token_hash: str,
    role: str,
    user_id: int | None,
    scopes: str,
    now: datetime,
    expires: datetime,
) -> int:
    """Store a token hash; return its id."""
    row = t.ApiToken(
        name=name,
        token_hash=token_hash,
        role=role,
        created_at=now,
        expires_at=expires,
        revoked=False,
        user_id=user_id,
        scopes=scopes,
    )
    session.add(row)
    session.flush()
    return row.id


def find_token(session: Session, token_hash: str) -> t.ApiToken | None:
    """Return the token row with this hash."""
    return session.scalar(select(t.ApiToken).where(t.ApiToken.token_hash == token_hash))


def get_token(session: Session, token_id: int) -> t.ApiToken | None:
    """Return the token row with this id."""
    return session.get(t.ApiToken, token_id)


def list_tokens(session: Session, user_id: int | None = None) -> list[t.ApiToken]:
    """Return tokens (of one user when given), newest first."""
    q = select(t.ApiToken).order_by(t.ApiToken.id.desc())
    if user_id is not None:
        q = q.where(t.ApiToken.user_id == user_id)
    return list(session.scalars(q))


def add_password_reset(
    session: Session, user_id: int, token_hash: str, now: datetime, expires: datetime
) -> int:
    """Store a reset token hash; return its id."""
    row = t.PasswordReset(
        user_id=user_id, token_hash=token_hash, created_at=now, expires_at=expires
    )
    session.add(row)
    session.flush()
    return row.id


def find_password_reset(session: Session, token_hash: str) -> t.PasswordReset | None:
    """Return the reset token row with this hash."""
    return session.scalar(select(t.PasswordReset).where(t.PasswordReset.token_hash == token_hash))
