"""API tokens: issued once, stored as SHA-256 hashes, expiring and revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hrh.errors import Invalid, NotFound, Unauthorized
from hrh.services.context import AppContext
from hrh.store import tokens as store

ROLES = ("admin", "analyst")
_PREFIX = "hrh_"


@dataclass(frozen=True)
class IssuedToken:
    """A new token; ``secret`` is shown once and never stored."""

    id: int
    name: str
    role: str
    expires_at: datetime
    secret: str


@dataclass(frozen=True)
class Principal:
    """Who is calling."""

    name: str
    role: str
    token_id: int | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(ctx: AppContext, name: str, role: str = "admin", days: int = 90) -> IssuedToken:
    """Issue a token for ``role`` valid for ``days`` days."""
    if role not in ROLES:
        raise Invalid(f"Unknown role {role!r}.", hint="Roles: " + ", ".join(ROLES) + ".")
    if days <= 0:
        raise Invalid(f"A token must be valid for at least one day, got {days}.")
    secret = _PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(days=days)
    with ctx.unit() as s:
        token_id = store.add_token(s, name, _hash(secret), role, now, expires)
    return IssuedToken(token_id, name, role, expires, secret)


def revoke_token(ctx: AppContext, token_id: int) -> None:
    """Revoke a token at once."""
    with ctx.unit() as s:
        if not store.revoke_token(s, token_id):
            raise NotFound(f"No token with id {token_id}.")


def authenticate(ctx: AppContext, secret: str) -> Principal:
    """Return the principal of a valid token.

    Raises:
        Unauthorized: for an unknown, revoked or expired token.
    """
    with ctx.unit() as s:
        row = store.find_token(s, _hash(secret))
        if row is None or row.revoked:
            raise Unauthorized("Invalid or revoked API token.")
        expires = row.expires_at
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        if expires is not None and expires < datetime.now(UTC):
            raise Unauthorized("The API token has expired.", hint="Create a new one.")
        return Principal(row.name, row.role, row.id)
