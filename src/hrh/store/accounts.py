"""Users and API tokens. Never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
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
    *,
    email_cipher: str | None = None,
    email_index: str | None = None,
) -> t.User:
    """Store a new user."""
    row = t.User(
        email_cipher=email_cipher,
        email_index=email_index,
        session_version=0,
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


def find_user_by_email(session: Session, email_index: str) -> t.User | None:
    """Return the user whose e-mail address has this blind index."""
    return session.scalar(select(t.User).where(t.User.email_index == email_index))


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


def expire_password_resets(session: Session, user_id: int, now: datetime) -> int:
    """Mark every unused reset token of a user as used; return how many."""
    result = session.execute(
        update(t.PasswordReset)
        .where(t.PasswordReset.user_id == user_id, t.PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def delete_user_secrets(session: Session, user_id: int) -> None:
    """Delete a user's tokens and reset tokens (before deleting the user)."""
    session.execute(delete(t.PasswordReset).where(t.PasswordReset.user_id == user_id))
    session.execute(delete(t.ApiToken).where(t.ApiToken.user_id == user_id))


def count_throttle(session: Session, bucket: str, since: datetime) -> int:
    """Return how many requests a bucket holds since ``since``."""
    q = select(func.count()).where(t.AuthThrottle.bucket == bucket, t.AuthThrottle.at >= since)
    return int(session.scalar(q) or 0)


def add_throttle(
    session: Session, buckets: list[str], now: datetime, forget_before: datetime
) -> None:
    """Count one request in each bucket; forget requests older than ``forget_before``."""
    session.execute(delete(t.AuthThrottle).where(t.AuthThrottle.at < forget_before))
    session.add_all(t.AuthThrottle(bucket=b, at=now) for b in buckets)
    session.flush()
