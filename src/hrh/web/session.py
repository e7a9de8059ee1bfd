"""Signed web cookies and CSRF tokens (pure: the key and the time are passed in).

A cookie value is ``base64url(claims JSON) "." base64url(HMAC-SHA256)``. The MAC covers a
purpose label as well as the claims, so a value signed for one cookie is never accepted as
another. Nothing in a cookie is secret from its holder (it is signed, not encrypted): the
session holds the user id, the user's session version (bumped on the server to revoke every
session of the user), when it was issued and a random CSRF secret.

A CSRF token is ``base64url(HMAC-SHA256(key, "hrh csrf token" + secret))``: forms carry the
token, the cookie carries the secret, and a token is valid only next to its own cookie.

>>> signer = Signer(bytes(32))
>>> value = signer.issue_session(7, version=2, now=1_000, csrf_secret="s3cret")
>>> signer.read_session(value, now=1_000 + 60)
WebSession(user_id=7, issued_at=1000, csrf_secret='s3cret', version=2)
>>> signer.read_session(value, now=1_000 + SESSION_MAX_AGE_S) is None  # expired
True
>>> signer.read_session(value[:-2] + "AA", now=1_000) is None  # tampered
True
>>> signer.read_csrf_cookie(value, now=1_000) is None  # signed for another purpose
True
>>> token = signer.csrf_token("s3cret")
>>> signer.csrf_ok("s3cret", token), signer.csrf_ok("other", token), signer.csrf_ok(None, token)
(True, False, False)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

SESSION_COOKIE = "hrh_session"
CSRF_COOKIE = "hrh_csrf"
#: The form field that carries the CSRF token.
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE_S = 8 * 3600
#: How long a form shown before signing in stays valid.
CSRF_COOKIE_MAX_AGE_S = 2 * 3600
#: Tolerated clock skew for an ``issued_at`` in the future (several workers, one clock).
_SKEW_S = 60
_SESSION = "hrh_session v1"
_PRE_SESSION = "hrh_csrf v1"
_TOKEN = b"hrh csrf token\x00"


def new_secret() -> str:
    """Return a fresh random CSRF secret (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class WebSession:
    """What the session cookie says: who, when (Unix seconds), the CSRF secret and version.

    ``version`` is the user's session version when the session began; the session is valid
    only while it is still the user's (the server bumps it to end every session at once).
    """

    user_id: int
    issued_at: int
    csrf_secret: str
    version: int


@dataclass(frozen=True)
class Signer:
    """Signs and checks cookie values and CSRF tokens with one 32-byte key."""

    key: bytes

    def _mac(self, purpose: str, body: str) -> str:
        message = purpose.encode() + b"\x00" + body.encode("ascii")
        return _b64(hmac.new(self.key, message, hashlib.sha256).digest())

    def sign(self, purpose: str, claims: dict[str, int | str]) -> str:
        """Return the signed cookie value of ``claims`` for ``purpose``."""
        body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{self._mac(purpose, body)}"

    def verify(self, purpose: str, value: str) -> dict[str, object] | None:
        """Return the claims of a value signed for ``purpose``; None when altered or malformed."""
        body, dot, mac = value.partition(".")
        if not dot or not body.isascii() or not mac.isascii():
            return None
        if not hmac.compare_digest(mac, self._mac(purpose, body)):
            return None
        try:
            claims = json.loads(_unb64(body))
        except (binascii.Error, ValueError):
            return None
        return claims if isinstance(claims, dict) else None

    def issue_session(
        self, user_id: int, *, version: int, now: int, csrf_secret: str | None = None
    ) -> str:
        """Return a new session cookie value (with a fresh CSRF secret unless one is given)."""
        claims: dict[str, int | str] = {
            "uid": user_id,
            "sv": version,
            "iat": now,
            "csrf": csrf_secret or new_secret(),
        }
        return self.sign(_SESSION, claims)

    def read_session(self, value: str, *, now: int) -> WebSession | None:
        """Return the session of a cookie value; None when tampered, malformed or expired."""
        claims = self.verify(_SESSION, value)
        if claims is None:
            return None
        uid, iat, csrf = claims.get("uid"), claims.get("iat"), claims.get("csrf")
        version = claims.get("sv")  # absent from cookies issued before versions: sign in again
        if not (isinstance(uid, int) and isinstance(iat, int) and isinstance(csrf, str)):
            return None
        if not isinstance(version, int) or not _fresh(iat, now, SESSION_MAX_AGE_S) or not csrf:
            return None
        return WebSession(uid, iat, csrf, version)

    def issue_csrf_cookie(self, csrf_secret: str, *, now: int) -> str:
        """Return the value of the pre-session CSRF cookie (forms shown before signing in)."""
        return self.sign(_PRE_SESSION, {"iat": now, "csrf": csrf_secret})

    def read_csrf_cookie(self, value: str, *, now: int) -> str | None:
        """Return the CSRF secret of a pre-session cookie; None when not valid or too old."""
        claims = self.verify(_PRE_SESSION, value)
        if claims is None:
            return None
        iat, csrf = claims.get("iat"), claims.get("csrf")
        if not (isinstance(iat, int) and isinstance(csrf, str) and csrf):
            return None
        return csrf if _fresh(iat, now, CSRF_COOKIE_MAX_AGE_S) else None

    def csrf_token(self, csrf_secret: str) -> str:
        """Return the form token bound to a CSRF secret."""
        digest = hmac.new(self.key, _TOKEN + csrf_secret.encode(), hashlib.sha256).digest()
        return _b64(digest)

    def csrf_ok(self, csrf_secret: str | None, token: str) -> bool:
        """Tell whether ``token`` is the form token of ``csrf_secret`` (constant time)."""
        if not csrf_secret or not token or not token.isascii():
            return False
        return hmac.compare_digest(token, self.csrf_token(csrf_secret))


def _fresh(issued_at: int, now: int, max_age_s: int) -> bool:
    return -_SKEW_S <= now - issued_at < max_age_s
