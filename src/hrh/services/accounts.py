"""Accounts: users with roles and scopes, argon2id passwords, web sessions, access tokens.

Every change is audited. Tokens are shown once and stored as SHA-256 hashes; they expire,
can be revoked, and may be limited to some actions (scopes).

An account may have an e-mail address: stored encrypted (:class:`~hrh.services.keys.FieldCipher`)
with a keyed blind index (HMAC-SHA256) to find an account by address; only administrators and
the user themself see it (:func:`email_of` gives it to services that send mail).

Each user has a ``session_version``: the web session cookie carries it, and bumping it (password
change or reset, disabling, a role or scope change, "sign out everywhere") ends every web
session of that user at once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from hrh.domain.codes import is_iso3
from hrh.domain.policy import ANONYMOUS, POLICY, ROLES, Principal, require
from hrh.errors import Conflict, HrhError, Invalid, NotFound, TooManyRequests, Unauthorized
from hrh.services import audit, mail
from hrh.services.context import AppContext
from hrh.services.keys import email_index, field_cipher, throttle_index
from hrh.store import accounts as store
from hrh.store import reads
from hrh.store import tables as t

log = logging.getLogger(__name__)

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
    email: str | None = None


def _view(ctx: AppContext, u: t.User) -> UserView:
    return UserView(
        u.id,
        u.username,
        u.role,
        u.organisation,
        u.countries.split(),
        u.disabled,
        u.created_at.isoformat(),
        bool(u.password_hash),
        _decrypt_email(ctx, u),
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"A password needs at least {MIN_PASSWORD} characters.")


# -- e-mail addresses ------------------------------------------------------------------------

_EMAIL_CONTEXT = "users.email"
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}"
)


def check_email(address: str) -> str:
    """Return the address without surrounding blanks, or raise :class:`Invalid`.

    Plain ASCII addresses only (write an international domain in its ``xn--`` form).

    >>> check_email("  Ama.Mensah+hrh@Example.org ")
    'Ama.Mensah+hrh@Example.org'
    >>> check_email("ama@example")
    Traceback (most recent call last):
    ...
    hrh.errors.Invalid: This is not an e-mail address. Write it as name@example.org.
    """
    text = address.strip()
    if len(text) > 254 or not _EMAIL.fullmatch(text) or ".." in text:
        raise Invalid("This is not an e-mail address.", hint="Write it as name@example.org.")
    return text


def _email_key(address: str) -> str:
    """Return what the blind index is computed over: the address, case-folded."""
    return address.strip().casefold()


def _decrypt_email(ctx: AppContext, u: t.User) -> str | None:
    if not u.email_cipher:
        return None
    return field_cipher(ctx.settings).decrypt(u.email_cipher, _EMAIL_CONTEXT)


def _store_email(ctx: AppContext, s: Session, u: t.User, address: str | None) -> bool:
    """Set (or clear, with None or blank) a user's address; return whether it changed."""
    before = _decrypt_email(ctx, u)
    if address is None or not address.strip():
        u.email_cipher = None
        u.email_index = None
        return before is not None
    text = check_email(address)
    index = email_index(ctx.settings).of(_email_key(text))
    other = store.find_user_by_email(s, index)
    if other is not None and other.id != u.id:
        raise Conflict("Another account already has this e-mail address.")
    u.email_cipher = field_cipher(ctx.settings).encrypt(text, _EMAIL_CONTEXT)
    u.email_index = index
    return before != text


def email_of(
    ctx: AppContext,
    user_id: int,
    *,
    session: Session | None = None,
    include_disabled: bool = False,
) -> str | None:
    """Return the e-mail address to write to a user at, for services that send mail.

    None when the account has no address, does not exist or (unless ``include_disabled``,
    for a privacy export) is disabled. Pass ``session`` to read within the caller's
    transaction. No policy check: never show the result to anyone but the user themself
    (display goes through :func:`list_users` or :func:`my_account`).
    """
    if session is not None:
        u = store.get_user(session, user_id)
        if u is None or (u.disabled and not include_disabled):
            return None
        return _decrypt_email(ctx, u)
    with ctx.unit() as s:
        return email_of(ctx, user_id, session=s, include_disabled=include_disabled)


def add_user(
    ctx: AppContext,
    principal: Principal,
    username: str,
    role: str,
    *,
    organisation: str = "",
    countries: list[str] | None = None,
    password: str | None = None,
    email: str | None = None,
) -> UserView:
    """Create a user; recruiters need an organisation, programme officers countries."""
    require(principal, "users.manage")
    name = username.strip()
    if not name or len(name) > 120 or any(c.isspace() for c in name):
        raise Invalid(f"Bad username {username!r}: 1-120 characters, no spaces.")
    codes = _codes(countries)
    _check_scope(role, organisation, codes)
    if password is not None:
        _check_password(password)
    if email is not None and email.strip():
        check_email(email)
    with ctx.unit() as s:
        _check_countries(s, codes)
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
        has_email = _store_email(ctx, s, row, email)
        audit.record(
            s,
            principal,
            "user.add",
            f"user:{row.id}",
            {
                "role": role,
                "organisation": row.organisation,
                "countries": codes,
                "email": has_email,
            },
        )
        return _view(ctx, row)


def _codes(countries: list[str] | None) -> list[str]:
    return sorted({c.strip().upper() for c in countries or [] if c.strip()})


def _check_scope(role: str, organisation: str, codes: list[str]) -> None:
    if role not in ROLES:
        raise Invalid(f"Unknown role {role!r}.", hint="Roles: " + ", ".join(ROLES) + ".")
    if role == "recruiter" and not organisation.strip():
        raise Invalid("A recruiter belongs to one organisation.", hint="Pass --org ORG.")
    if role == "programme_officer" and not codes:
        raise Invalid("A programme officer is scoped to countries.", hint="Pass --country ISO3.")


def _check_countries(s: Session, codes: list[str]) -> None:
    known = {c.iso3 for c in reads.load_countries(s)}
    bad = [c for c in codes if not is_iso3(c) or c not in known]
    if bad:
        raise Invalid(f"Unknown country code(s): {', '.join(bad)}.", hint="Use ISO3 codes.")


def _user(s: Session, username: str) -> t.User:
    u = store.find_user(s, username)
    if u is None:
        raise NotFound(f"No user {username!r}.")
    return u


def _end_sessions(u: t.User) -> None:
    """End every web session of the user (their cookies carry the old version)."""
    u.session_version += 1


def list_users(ctx: AppContext, principal: Principal) -> list[UserView]:
    """Return every user (with their e-mail addresses: administrators only)."""
    require(principal, "users.manage")
    with ctx.unit() as s:
        return [_view(ctx, u) for u in store.list_users(s)]


def my_account(ctx: AppContext, principal: Principal) -> UserView:
    """Return the caller's own account, with their e-mail address."""
    require(principal, "account.read")
    with ctx.unit() as s:
        u = store.get_user(s, principal.user_id) if principal.user_id is not None else None
        if u is None:
            raise NotFound("This principal has no user account.")
        return _view(ctx, u)


def update_user(
    ctx: AppContext,
    principal: Principal,
    username: str,
    *,
    role: str | None = None,
    organisation: str | None = None,
    countries: list[str] | None = None,
    email: str | None = None,
) -> UserView:
    """Change a user's role, scope or e-mail address (administrators).

    Arguments left as None stay as they are, except that a new role starts with no
    organisation or countries unless given; an empty ``email`` removes the address. A change
    of role, organisation or countries ends the user's web sessions. Changing the address
    voids reset links already sent to the old one.
    """
    require(principal, "users.manage")
    now = datetime.now(UTC)
    with ctx.unit() as s:
        u = _user(s, username)
        new_role, new_org, new_codes = u.role, u.organisation, u.countries.split()
        if role is not None and role != u.role:  # a new role starts with a new scope
            new_role, new_org, new_codes = role, "", []
        if organisation is not None:
            new_org = organisation.strip()
        if countries is not None:
            new_codes = _codes(countries)
        _check_scope(new_role, new_org, new_codes)
        _check_countries(s, new_codes)
        scoped = (new_role, new_org, sorted(new_codes)) != (
            u.role,
            u.organisation,
            sorted(u.countries.split()),
        )
        detail: dict[str, object] = {}
        if scoped:
            u.role, u.organisation, u.countries = new_role, new_org, " ".join(new_codes)
            _end_sessions(u)
            detail.update(role=new_role, organisation=new_org, countries=new_codes)
        if email is not None and _store_email(ctx, s, u, email):
            store.expire_password_resets(s, u.id, now)
            detail["email"] = u.email_cipher is not None
        if detail:
            audit.record(s, principal, "user.update", f"user:{u.id}", detail)
        return _view(ctx, u)


def set_email(ctx: AppContext, principal: Principal, username: str, email: str | None) -> UserView:
    """Set (or remove, with None or "") a user's e-mail address (administrators)."""
    return update_user(ctx, principal, username, email=email if email is not None else "")


def set_disabled(ctx: AppContext, principal: Principal, username: str, disabled: bool) -> None:
    """Disable (or re-enable) a user; their tokens and web sessions stop working at once."""
    require(principal, "users.manage")
    with ctx.unit() as s:
        u = _user(s, username)
        if disabled and not u.disabled:
            _end_sessions(u)
        u.disabled = disabled
        audit.record(s, principal, "user.disable" if disabled else "user.enable", f"user:{u.id}")


def set_password(ctx: AppContext, principal: Principal, username: str, password: str) -> None:
    """Set a user's password (administrators, or the user themself); ends their sessions."""
    _check_password(password)
    now = datetime.now(UTC)
    with ctx.unit() as s:
        u = _user(s, username)
        if principal.user_id != u.id:
            require(principal, "users.manage")
        _new_password(s, u, password, now)
        audit.record(s, principal, "user.password", f"user:{u.id}")


def _new_password(s: Session, u: t.User, password: str, now: datetime) -> None:
    """Store a new password: unlock, end every session, void outstanding reset links."""
    u.password_hash = _hasher.hash(password)
    u.failed_logins = 0
    u.locked_until = None
    store.expire_password_resets(s, u.id, now)
    _end_sessions(u)


def change_password(
    ctx: AppContext, principal: Principal, current_password: str, new_password: str
) -> int:
    """Change one's own password, given the current one; return the new session version.

    Every web session of the user ends; the caller may start a new one for the current
    browser with the returned version. A wrong current password counts as a failed sign-in
    (five lock the account).

    Raises:
        Invalid: the current password is wrong, the account is locked, or the new one is short.
    """
    require(principal, "account.write")
    if principal.user_id is None:
        raise Invalid("The local administrator has no password; use `hrh user password`.")
    _check_password(new_password)
    now = datetime.now(UTC)
    failure: Invalid | None = None
    with ctx.unit() as s:
        u = store.get_user(s, principal.user_id)
        if u is None or u.disabled:
            raise Unauthorized("This account is disabled or gone.")
        locked = _aware(u.locked_until)
        if locked is not None and locked > now:
            failure = Invalid("Too many failed attempts; this account is locked for a while.")
        elif not u.password_hash or not _verify(u.password_hash, current_password):
            u.failed_logins += 1
            if u.failed_logins >= MAX_FAILED_LOGINS:
                u.locked_until = now + LOCKOUT
            audit.record(
                s,
                principal,
                "user.password_change_failed",
                f"user:{u.id}",
                {"failed_logins": u.failed_logins},
            )
            failure = Invalid("The current password is not right.")
        else:
            _new_password(s, u, new_password, now)
            audit.record(s, principal, "user.password_change", f"user:{u.id}")
            version = u.session_version
    if failure is not None:
        raise failure
    return version


def revoke_sessions(ctx: AppContext, principal: Principal, username: str | None = None) -> None:
    """Sign a user out of every web session ("sign out everywhere").

    Users may do it for themselves (``username`` None or their own); administrators for
    anyone. API tokens are not affected (revoke them one by one).
    """
    with ctx.unit() as s:
        if username is None or (username == principal.name and principal.user_id is not None):
            require(principal, "account.write")
            u = store.get_user(s, principal.user_id) if principal.user_id is not None else None
            if u is None:
                raise NotFound("This principal has no user account.")
        else:
            require(principal, "users.manage")
            u = _user(s, username)
        _end_sessions(u)
        audit.record(s, principal, "user.sessions_revoked", f"user:{u.id}")


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


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: who, and the session version the new session cookie carries."""

    principal: Principal
    session_version: int


def login(ctx: AppContext, username: str, password: str) -> Principal:
    """Check a password; return the user's principal (see :func:`sign_in`)."""
    return sign_in(ctx, username, password).principal


def sign_in(ctx: AppContext, username: str, password: str) -> SignedIn:
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
            signed_in = SignedIn(_principal(u, "user"), u.session_version)
            audit.record(s, signed_in.principal, "auth.login", f"user:{u.id}")
    if failure is not None:
        raise failure
    return signed_in


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def principal_for_user(ctx: AppContext, user_id: int) -> Principal | None:
    """Return the principal of an active user, or None."""
    with ctx.unit() as s:
        u = store.get_user(s, user_id)
        return None if u is None or u.disabled else _principal(u, "user")


def principal_for_session(ctx: AppContext, user_id: int, version: int) -> Principal | None:
    """Return the principal of a web session, or None once it was revoked or the user disabled.

    ``version`` is the session version the cookie carries; it must still be the user's.
    """
    with ctx.unit() as s:
        u = store.get_user(s, user_id)
        if u is None or u.disabled or u.session_version != version:
            return None
        return _principal(u, "user")


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


def _usable_reset(s: Session, secret: str, now: datetime) -> tuple[t.PasswordReset, t.User] | None:
    row = store.find_password_reset(s, _hash(secret.strip()))
    if row is None or row.used_at is not None:
        return None
    expires = _aware(row.expires_at)
    u = store.get_user(s, row.user_id)
    if u is None or u.disabled or (expires is not None and expires < now):
        return None
    return row, u


def reset_link_valid(ctx: AppContext, secret: str) -> bool:
    """Tell whether a reset secret may still be used (read only: the reset page's first look)."""
    require(ANONYMOUS, "auth.password_reset")
    with ctx.unit() as s:
        return _usable_reset(s, secret, datetime.now(UTC)) is not None


def reset_password(ctx: AppContext, secret: str, password: str) -> None:
    """Set a new password with a one-time reset secret (anyone holding it may).

    The secret is used up; the user's other reset links are voided, the account unlocked,
    and every web session of the user ends.

    Raises:
        Unauthorized: unknown, used or expired secret, or a disabled account (one message).
    """
    require(ANONYMOUS, "auth.password_reset")
    _check_password(password)
    now = datetime.now(UTC)
    failure: Unauthorized | None = None
    with ctx.unit() as s:
        usable = _usable_reset(s, secret, now)
        if usable is None:
            audit.record(s, "anonymous", "auth.password_reset_failed", "")
            failure = Unauthorized(
                "This reset link is invalid, used or expired.",
                hint="Ask for a new one (“Forgot your password?” on the sign-in page) "
                "or ask an administrator.",
            )
        else:
            row, u = usable
            row.used_at = now
            _new_password(s, u, password, now)
            audit.record(s, "anonymous", "auth.password_reset", f"user:{u.id}")
    if failure is not None:
        raise failure


# -- "forgot password": self-service reset by mail -------------------------------------------

#: How long a mailed reset link works.
SELF_RESET_MINUTES = 60
#: Forgot-password requests counted per account (silently: no more mail) and per client
#: address (answered 429) within :data:`THROTTLE_WINDOW`.
RESETS_PER_ACCOUNT = 3
RESETS_PER_CLIENT = 10
THROTTLE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class ResetMailText:
    """The reset mail in one language.

    The body's placeholders are ``%(username)s``, ``%(link)s`` and ``%(minutes)d``.
    """

    subject: str
    body: str


#: The reset mail in English (the web pages pass the reader's language).
RESET_MAIL_EN = ResetMailText(
    "Choose a new password for the HRH Observatory",
    "Someone, hopefully you, asked to reset the password of the account %(username)s on "
    "the HRH Observatory.\n\n"
    "To choose a new password, open this link within %(minutes)d minutes:\n\n"
    "%(link)s\n\n"
    "The link works once. If you did not ask for this, ignore this message: "
    "your password stays as it is.\n",
)


@dataclass(frozen=True)
class ResetRequest:
    """What a forgot-password request leads to.

    Callers answer every request the same way, whether or not ``mail`` is None, and hand it
    to :func:`send_reset_mail` (best after answering, so the time taken does not tell).
    """

    mail: mail.Mail | None


def reset_link(settings_url: str, secret: str) -> str:
    """Return the web page that consumes a reset secret.

    >>> reset_link("https://hrh.example.org/", "hrhreset_abc")
    'https://hrh.example.org/reset-password?token=hrhreset_abc'
    """
    return f"{settings_url.rstrip('/')}/reset-password?token={secret}"


def request_password_reset(
    ctx: AppContext, login_or_email: str, *, client: str, text: ResetMailText = RESET_MAIL_EN
) -> ResetRequest:
    """Ask for a reset link by mail ("forgot password"), as anyone may.

    An active account with an e-mail address, found by username or address, gets a one-time
    link valid :data:`SELF_RESET_MINUTES` minutes, unless it already had
    :data:`RESETS_PER_ACCOUNT` within the hour. The request is audited with its outcome
    (never the address, username typed or secret).

    Raises:
        TooManyRequests: this client address sent :data:`RESETS_PER_CLIENT` within the hour
            (whatever the account, so the answer tells nothing about it).
    """
    require(ANONYMOUS, "auth.password_reset")
    typed = login_or_email.strip()[:320]
    now = datetime.now(UTC)
    since = now - THROTTLE_WINDOW
    buckets = throttle_index(ctx.settings)
    client_bucket = buckets.of("reset client\x00" + client)
    outgoing: mail.Mail | None = None
    with ctx.unit() as s:
        if store.count_throttle(s, client_bucket, since) >= RESETS_PER_CLIENT:
            raise TooManyRequests(
                "Too many password-reset requests from this address.",
                hint="Try again in an hour, or ask an administrator.",
            )
        by_name = store.find_user(s, typed) if typed else None
        by_email = store.find_user_by_email(s, email_index(ctx.settings).of(_email_key(typed)))
        u = by_name or by_email
        account_key = f"reset user\x00{u.id}" if u is not None else "reset typed\x00" + typed
        account_bucket = buckets.of(account_key.casefold())
        if store.count_throttle(s, account_bucket, since) >= RESETS_PER_ACCOUNT:
            outcome = "throttled"
        elif u is None:
            outcome = "unknown"
        elif u.disabled:
            outcome = "disabled"
        elif not u.email_cipher:
            outcome = "no_email"
        else:
            secret = "hrhreset_" + secrets.token_urlsafe(32)
            expires = now + timedelta(minutes=SELF_RESET_MINUTES)
            store.add_password_reset(s, u.id, _hash(secret), now, expires)
            values = {
                "username": u.username,
                "link": reset_link(ctx.settings.public_url, secret),
                "minutes": SELF_RESET_MINUTES,
            }
            to = _decrypt_email(ctx, u) or ""
            outgoing = mail.Mail(to, text.subject, text.body % values)
            outcome = "mailed"
        store.add_throttle(s, [client_bucket, account_bucket], now, since)
        target = f"user:{u.id}" if u is not None else ""
        audit.record(s, "anonymous", "auth.password_reset_requested", target, {"outcome": outcome})
    return ResetRequest(outgoing)


def send_reset_mail(ctx: AppContext, request: ResetRequest) -> None:
    """Send the mail of a reset request, if any; a failure is logged, never raised.

    (The requester gets the same answer either way; the log names no address.)
    """
    if request.mail is None:
        return
    try:
        mail.send(ctx.settings, request.mail)
    except HrhError as exc:
        log.warning("A password-reset mail could not be sent: %s", exc.message)


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
