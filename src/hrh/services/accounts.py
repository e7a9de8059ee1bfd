"""Accounts: users with roles and scopes, argon2id passwords, personal access tokens.

Every change is audited. Tokens are shown once and stored as SHA-256 hashes; they expire,
can be revoked, and may be limited to some actions (scopes).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hrh.domain.codes import is_iso3
from hrh.domain.policy import ANONYMOUS, POLICY, ROLES, Principal, require
from hrh.errors import Conflict, Invalid, NotFound, Unauthorized
from hrh.services import audit
from hrh.services.context import AppContext
from hrh.store import accounts as store
from hrh.store import reads
from hrh.store import tables as t

TOKEN_PREFIX = "hrh_"  # noqa: S105 (a public prefix, not a secret)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 12
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class UserView:
    """A user as listed to an administrator (no secrets)."""

    id: int
    username: str
    role: str
    organisation: str
    countries: list[str]
    disabled: bool
    created_at: str
    has_password: bool


def _view(u: t.User) -> UserView:
    return UserView(
        u.id,
        u.username,
        u.role,
        u.organisation,
        u.countries.split(),
        u.disabled,
        u.created_at.isoformat(),
        bool(u.password_hash),
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"A password needs at least {MIN_PASSWORD} characters.")


def add_user(
    ctx: AppContext,
    principal: Principal,
    username: str,
    role: str,
    *,
    organisation: str = "",
    countries: list[str] | None = None,
    password: str | None = None,
) -> UserView:
    """Create a user; recruiters need an organisation, programme officers countries."""
    require(principal, "users.manage")
    name = username.strip()
    if not name or len(name) > 120 or any(c.isspace() for c in name):
        raise Invalid(f"Bad username {username!r}: 1-120 characters, no spaces.")
    if role not in ROLES:
        raise Invalid(f"Unknown role {role!r}.", hint="Roles: " + ", ".join(ROLES) + ".")
    codes = sorted({c.strip().upper() for c in countries or [] if c.strip()})
    if role == "recruiter" and not organisation.strip():
        raise Invalid("A recruiter belongs to one organisation.", hint="Pass --org ORG.")
    if role == "programme_officer" and not codes:
        raise Invalid("A programme officer is scoped to countries.", hint="Pass --country ISO3.")
    if password is not None:
        _check_password(password)
    with ctx.unit() as s:
        known = {c.iso3 for c in reads.load_countries(s)}
        bad = [c for c in codes if not is_iso3(c) or c not in known]
        if bad:
            raise Invalid(f"Unknown country code(s): {', '.join(bad)}.", hint="Use ISO3 codes.")
        if store.find_user(s, name) is not None:
            raise Conflict(f"User {name!r} already exists.")
        row = store.add_user(
            s,
            name,
            role,
            organisation.strip(),
            " ".join(codes),
            _hasher.hash(password) if password else "",
            datetime.now(UTC),
        )
        audit.record(
            s,
            principal,
            "user.add",
            f"user:{row.id}",
            {"role": role, "organisation": row.organisation, "countries": codes},
        )
        return _view(row)


def list_users(ctx: AppContext, principal: Principal) -> list[UserView]:
    """Return every user."""
    require(principal, "users.manage")
    with ctx.unit() as s:
        return [_view(u) for u in store.list_users(s)]


def set_disabled(ctx: AppContext, principal: Principal, username: str, disabled: bool) -> None:
    """Disable (or re-enable) a user; a disabled user's tokens stop working at once."""
    require(principal, "users.manage")
    with ctx.unit() as s:
        u = store.find_user(s, username)
        if u is None:
            raise NotFound(f"No user {username!r}.")
        u.disabled = disabled
        audit.record(s, principal, "user.disable" if disabled else "user.enable", f"user:{u.id}")


def set_password(ctx: AppContext, principal: Principal, username: str, password: str) -> None:
    """Set a user's password (administrators, or the user themself)."""
    _check_password(password)
    with ctx.unit() as s:
        u = store.find_user(s, username)
        if u is None:
            raise NotFound(f"No user {username!r}.")
        if principal.user_id != u.id:
            require(principal, "users.manage")
        u.password_hash = _hasher.hash(password)
        u.failed_logins = 0
        u.locked_until = None
        audit.record(s, principal, "user.password", f"user:{u.id}")


def _principal(u: t.User, kind: str, token: t.ApiToken | None = None) -> Principal:
    scopes = frozenset(token.scopes.split()) if token is not None and token.scopes else None
    return Principal(
        kind,
        u.username,
        u.role,
        u.id,
        u.organisation,
        frozenset(u.countries.split()),
        scopes,
        token.id if token is not None else None,
    )


def _aware(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at


def login(ctx: AppContext, username: str, password: str) -> Principal:
    """Check a password; lock the account for a while after repeated failures.

    Failed attempts are counted and audited (committed) before the error is raised.

    Raises:
        Unauthorized: wrong username or password (one message for both), or locked.
    """
    now = datetime.now(UTC)
    failure: Unauthorized | None = None
    with ctx.unit() as s:
        u = store.find_user(s, username.strip())
        if u is None or u.disabled or not u.password_hash:
            _hasher.hash("timing-equaliser")  # as slow as a real check
            audit.record(s, "anonymous", "auth.login_failed", "", {"reason": "unknown"})
            failure = Unauthorized("Wrong username or password.")
        elif (locked := _aware(u.locked_until)) is not None and locked > now:
            audit.record(s, "anonymous", "auth.login_locked", f"user:{u.id}")
            failure = Unauthorized(
                "Too many failed attempts; this account is locked for a while.",
                hint=f"Try again after {locked:%H:%M} UTC or ask an administrator.",
            )
        elif not _verify(u.password_hash, password):
            u.failed_logins += 1
            if u.failed_logins >= MAX_FAILED_LOGINS:
                u.locked_until = now + LOCKOUT
            audit.record(
                s,
                "anonymous",
                "auth.login_failed",
                f"user:{u.id}",
                {"failed_logins": u.failed_logins},
            )
            failure = Unauthorized("Wrong username or password.")
        else:
            u.failed_logins = 0
            u.locked_until = None
            u.last_login_at = now
            if _hasher.check_needs_rehash(u.password_hash):
                u.password_hash = _hasher.hash(password)
            principal = _principal(u, "user")
            audit.record(s, principal, "auth.login", f"user:{u.id}")
    if failure is not None:
        raise failure
    return principal


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def principal_for_user(ctx: AppContext, user_id: int) -> Principal | None:
    """Return the principal of an active user (for sessions), or None."""
    with ctx.unit() as s:
        u = store.get_user(s, user_id)
        return None if u is None or u.disabled else _principal(u, "user")


RESET_HOURS = 24


@dataclass(frozen=True)
class IssuedReset:
    """A one-time password-reset secret for one user; shown once, stored as a hash."""

    username: str
    expires_at: datetime
    secret: str


def create_password_reset(
    ctx: AppContext, principal: Principal, username: str, hours: int = RESET_HOURS
) -> IssuedReset:
    """Issue a one-time reset secret (administrators) to hand to the user out of band."""
    require(principal, "users.manage")
    if not 1 <= hours <= 168:
        raise Invalid(f"A reset link is valid for 1 to 168 hours, got {hours}.")
    secret = "hrhreset_" + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with ctx.unit() as s:
        u = store.find_user(s, username)
        if u is None:
            raise NotFound(f"No user {username!r}.")
        store.add_password_reset(s, u.id, _hash(secret), now, now + timedelta(hours=hours))
        audit.record(s, principal, "user.password_reset_issued", f"user:{u.id}", {"hours": hours})
    return IssuedReset(u.username, now + timedelta(hours=hours), secret)


def reset_password(ctx: AppContext, secret: str, password: str) -> None:
    """Set a new password with a one-time reset secret (anyone holding it may).

    Raises:
        Unauthorized: unknown, used or expired secret, or a disabled account (one message).
    """
    require(ANONYMOUS, "auth.password_reset")
    _check_password(password)
    now = datetime.now(UTC)
    failure: Unauthorized | None = None
    with ctx.unit() as s:
        row = store.find_password_reset(s, _hash(secret.strip()))
        u = store.get_user(s, row.user_id) if row is not None else None
        expires = _aware(row.expires_at) if row is not None else None
        if (
            row is None
            or row.used_at is not None
            or u is None
            or u.disabled
            or (expires is not None and expires < now)
        ):
            audit.record(s, "anonymous", "auth.password_reset_failed", "")
            failure = Unauthorized(
                "This reset link is invalid, used or expired.",
                hint="Ask an administrator for a new one.",
            )
        else:
            row.used_at = now
            u.password_hash = _hasher.hash(password)
            u.failed_logins = 0
            u.locked_until = None
            audit.record(s, "anonymous", "auth.password_reset", f"user:{u.id}")
    if failure is not None:
        raise failure


@dataclass(frozen=True)
class IssuedToken:
    """A new token; ``secret`` is shown once and never stored."""

    id: int
    name: str
    username: str
    role: str
    scopes: list[str]
    expires_at: datetime
    secret: str


@dataclass(frozen=True)
class TokenView:
    """A token as listed (no secret)."""

    id: int
    name: str
    user_id: int | None
    role: str
    scopes: list[str]
    created_at: str
    expires_at: str | None
    revoked: bool


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    ctx: AppContext,
    principal: Principal,
    username: str,
    name: str,
    *,
    days: int = 90,
    scopes: list[str] | None = None,
) -> IssuedToken:
    """Issue a personal access token for ``username`` (admins: anyone; users: themselves)."""
    if not 1 <= days <= 366:
        raise Invalid(f"A token is valid for 1 to 366 days, got {days}.")
    with ctx.unit() as s:
        u = store.find_user(s, username)
        if u is None:
            raise NotFound(f"No user {username!r}.", hint="Create it with `hrh user add`.")
        if principal.user_id == u.id:
            require(principal, "tokens.own", owner_id=u.id)
        else:
            require(principal, "tokens.manage")
        wanted = sorted(set(scopes or []))
        bad = [a for a in wanted if a not in POLICY or u.role not in POLICY[a]]
        if bad:
            raise Invalid(
                f"Scope(s) {', '.join(bad)} are not actions role {u.role!r} may perform.",
                hint="Allowed: " + ", ".join(a for a, r in POLICY.items() if u.role in r) + ".",
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = now + timedelta(days=days)
        token_id = store.add_token(
            s,
            name=name,
            token_hash=_hash(secret),
            role=u.role,
            user_id=u.id,
            scopes=" ".join(wanted),
            now=now,
            expires=expires,
        )
        audit.record(
            s,
            principal,
            "token.create",
            f"token:{token_id}",
            {"user": u.id, "scopes": wanted, "days": days},
        )
    return IssuedToken(token_id, name, u.username, u.role, wanted, expires, secret)


def revoke_token(ctx: AppContext, principal: Principal, token_id: int) -> None:
    """Revoke a token at once (admins: any; users: their own)."""
    with ctx.unit() as s:
        row = store.get_token(s, token_id)
        if row is None:
            raise NotFound(f"No token with id {token_id}.")
        if row.user_id is not None and row.user_id == principal.user_id:
            require(principal, "tokens.own", owner_id=row.user_id)
        else:
            require(principal, "tokens.manage")
        row.revoked = True
        audit.record(s, principal, "token.revoke", f"token:{token_id}")


def list_tokens(ctx: AppContext, principal: Principal) -> list[TokenView]:
    """Return every token (admins) or one's own."""
    with ctx.unit() as s:
        if principal.role == "admin" and principal.scopes is None:
            rows = store.list_tokens(s)
        else:
            require(principal, "tokens.own")
            rows = store.list_tokens(s, principal.user_id)
        return [
            TokenView(
                r.id,
                r.name,
                r.user_id,
                r.role,
                r.scopes.split(),
                r.created_at.isoformat(),
                r.expires_at.isoformat() if r.expires_at else None,
                r.revoked,
            )
            for r in rows
        ]


def authenticate_token(ctx: AppContext, secret: str) -> Principal:
    """Return the principal of a valid token.

    Raises:
        Unauthorized: unknown, revoked or expired token, or disabled user.
    """
    with ctx.unit() as s:
        row = store.find_token(s, _hash(secret))
        if row is None or row.revoked:
            raise Unauthorized("Invalid or revoked API token.")
        expires = _aware(row.expires_at)
        if expires is not None and expires < datetime.now(UTC):
            raise Unauthorized("The API token has expired.", hint="Create a new one.")
        u = store.get_user(s, row.user_id) if row.user_id is not None else None
        if u is None or u.disabled:
            raise Unauthorized("The API token's user is disabled or gone.")
        return _principal(u, "token", row)
