"""Who is looking at a page, and whether a form really came from our own pages.

:class:`WebAuth` is the web pages' one gate:

- :meth:`WebAuth.load` (a dependency of every web router) reads the signed ``hrh_session``
  cookie, re-reads the user with :func:`~hrh.services.accounts.principal_for_session` (so a
  disabled user, or a session revoked on the server by bumping the user's session version,
  loses access at once) and stores the principal on ``request.state.principal``.
- :meth:`WebAuth.check_csrf` (``dependencies=[auth.csrf]`` on every form POST) compares the
  form's ``csrf_token`` with the secret in the session cookie, or, before signing in, in the
  short-lived signed ``hrh_csrf`` cookie; on a mismatch it raises :class:`CsrfRejected`, which
  renders the 403 page before the handler runs, so nothing changes.
- :meth:`WebAuth.render` renders a template and sets or clears the cookies the request needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from hrh.domain.policy import ANONYMOUS, Principal
from hrh.services import audit
from hrh.services.accounts import principal_for_session
from hrh.services.context import AppContext
from hrh.web.i18n import (
    LANG_COOKIE,
    LANG_COOKIE_MAX_AGE_S,
    N_,
    Formatter,
    choose_language,
    language_links,
)
from hrh.web.session import (
    CSRF_COOKIE,
    CSRF_COOKIE_MAX_AGE_S,
    CSRF_FIELD,
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    Signer,
    new_secret,
)

CSRF_MESSAGE = N_("The form expired or came from another site; reload and try again.")
CSRF_TITLE = N_("Form not accepted")


class CsrfRejected(Exception):
    """A form POST without the right CSRF token (answered with the 403 page)."""


def _now() -> int:
    return int(datetime.now(UTC).timestamp())


def safe_next(target: str | None, default: str = "/") -> str:
    r"""Return ``target`` when it is a path on this site, else ``default`` (no open redirect).

    >>> safe_next("/countries/GHA?x=1"), safe_next("//evil.example/"), safe_next("https://x.y/")
    ('/countries/GHA?x=1', '/', '/')
    >>> safe_next("/\\evil.example"), safe_next("login"), safe_next(None)
    ('/', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 0x20 or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def request_principal(request: Request) -> Principal:
    """Return who makes ``request`` (set by the session middleware; anonymous otherwise)."""
    principal = getattr(request.state, "principal", ANONYMOUS)
    return principal if isinstance(principal, Principal) else ANONYMOUS


def signed_in(principal: Principal) -> bool:
    """Tell whether the principal is a signed-in user (not the public or the CLI)."""
    return principal.kind == "user" and principal.user_id is not None


@dataclass(frozen=True)
class WebAuth:
    """The web pages' sessions, CSRF protection and page rendering over one context."""

    ctx: AppContext
    signer: Signer
    templates: Jinja2Templates
    secure_cookies: bool

    # -- reading the request -------------------------------------------------------------

    def load(self, request: Request) -> None:
        """Resolve the session cookie into ``request.state.principal`` (a router dependency)."""
        now = _now()
        state = request.state
        state.principal = ANONYMOUS
        state.csrf_secret = None
        state.csrf_cookie_due = False
        state.drop_session = False
        state.lang, state.lang_cookie_due = choose_language(
            request.query_params.get("lang"),
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
        )
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            session = self.signer.read_session(raw, now=now)
            principal = (
                principal_for_session(self.ctx, session.user_id, session.version)
                if session
                else None
            )
            if session is None or principal is None:
                state.drop_session = True  # expired, tampered, revoked, or the user disabled
            else:
                state.principal = principal
                state.csrf_secret = session.csrf_secret
        if state.csrf_secret is None and (pre := request.cookies.get(CSRF_COOKIE)):
            state.csrf_secret = self.signer.read_csrf_cookie(pre, now=now)

    def check_csrf(self, request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
        """Raise :class:`CsrfRejected` unless the form's token matches this browser's secret."""
        if not self.signer.csrf_ok(getattr(request.state, "csrf_secret", None), csrf_token):
            raise CsrfRejected

    @property
    def csrf(self) -> Any:
        """The dependency to put on every form POST: ``dependencies=[auth.csrf]``."""
        return Depends(self.check_csrf)

    def router(self) -> APIRouter:
        """Return a router for web pages: out of the OpenAPI schema, sessions resolved."""
        return APIRouter(include_in_schema=False, dependencies=[Depends(self.load)])

    def csrf_token_for(self, request: Request) -> str:
        """Return the form token of this request's CSRF secret, creating one when needed."""
        state = request.state
        if getattr(state, "csrf_secret", None) is None:
            state.csrf_secret = new_secret()
            state.csrf_cookie_due = True
        return self.signer.csrf_token(state.csrf_secret)

    # -- writing the response ------------------------------------------------------------

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, object] | None = None,
        status_code: int = 200,
    ) -> Response:
        """Render a template; set or clear the cookies the page needs."""
        values = {"lang": request_language(request), **(context or {})}
        response = self.templates.TemplateResponse(request, name, values, status_code=status_code)
        self.finish(request, response)
        return response

    def finish(self, request: Request, response: Response) -> None:
        """Set the pre-session CSRF cookie a rendered form needs; drop a dead session cookie."""
        state = request.state
        if getattr(state, "csrf_cookie_due", False):
            value = self.signer.issue_csrf_cookie(state.csrf_secret, now=_now())
            self._set(response, CSRF_COOKIE, value, CSRF_COOKIE_MAX_AGE_S)
        if getattr(state, "drop_session", False):
            self._delete(response, SESSION_COOKIE)
        if getattr(state, "lang_cookie_due", False):
            response.set_cookie(
                LANG_COOKIE,
                state.lang,
                max_age=LANG_COOKIE_MAX_AGE_S,
                path="/",
                secure=self.secure_cookies,
                httponly=True,
                samesite="lax",
            )

    def start_session(self, response: Response, user_id: int, version: int) -> None:
        """Set a new session cookie (with a fresh CSRF secret); drop the pre-session one.

        ``version`` is the user's current session version (from signing in or a change).
        """
        value = self.signer.issue_session(user_id, version=version, now=_now())
        self._set(response, SESSION_COOKIE, value, SESSION_MAX_AGE_S)
        self._delete(response, CSRF_COOKIE)

    def end_session(self, response: Response) -> None:
        """Clear the session cookie."""
        self._delete(response, SESSION_COOKIE)

    def _set(self, response: Response, name: str, value: str, max_age_s: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age_s,
            path="/",
            secure=self.secure_cookies,
            httponly=True,
            samesite="lax",
        )

    def _delete(self, response: Response, name: str) -> None:
        response.delete_cookie(
            name, path="/", secure=self.secure_cookies, httponly=True, samesite="lax"
        )

    # -- template helpers ----------------------------------------------------------------

    def template_globals(self) -> dict[str, Callable[..., object]]:
        """Return the Jinja globals ``csrf_field()`` and ``viewer()``."""

        @pass_context
        def csrf_field(context: Context) -> Markup:
            """Return the hidden CSRF input that every form includes."""
            token = self.csrf_token_for(context["request"])
            return Markup('<input type="hidden" name="{}" value="{}">').format(
                CSRF_FIELD, escape(token)
            )

        @pass_context
        def viewer(context: Context) -> Principal | None:
            """Return the signed-in user looking at the page, or None."""
            principal = getattr(context["request"].state, "principal", ANONYMOUS)
            return principal if signed_in(principal) else None

        @pass_context
        def fmt(context: Context) -> Formatter:
            """Return the number and date formatter of the page's language."""
            return Formatter(request_language(context["request"]))

        @pass_context
        def languages(context: Context) -> list[tuple[str, str, str]]:
            """Return ``(lang, name, URL)`` of this page in each interface language."""
            request = context["request"]
            return language_links(request.url.path, dict(request.query_params))

        return {"csrf_field": csrf_field, "viewer": viewer, "fmt": fmt, "languages": languages}


def request_language(request: Request) -> str:
    """Return the interface language chosen for this request (English before it is known)."""
    return str(getattr(request.state, "lang", "en"))


def record_logout(ctx: AppContext, principal: Principal) -> None:
    """Append ``auth.logout`` to the audit trail."""
    with ctx.unit() as s:
        audit.record(s, principal, "auth.logout", f"user:{principal.user_id}")
