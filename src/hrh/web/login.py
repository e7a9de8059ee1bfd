"""Signing in and out of the web pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from hrh.errors import Unauthorized
from hrh.services.accounts import LOCKOUT, login
from hrh.web.auth import WebAuth, record_logout, safe_next, signed_in
from hrh.web.i18n import N_

#: One message for every failure (unknown user, wrong password, locked, disabled), so the
#: page never tells whether a username exists.
LOGIN_FAILED_MSGID = N_(
    "Wrong username or password, or too many failed attempts: after 5 in a row the account "
    "is locked for %(minutes)d minutes. Try again later or ask an administrator."
)
LOCKOUT_MINUTES = int(LOCKOUT.total_seconds() // 60)
#: The message in English, as the page shows it.
LOGIN_FAILED = LOGIN_FAILED_MSGID % {"minutes": LOCKOUT_MINUTES}


def make_login_router(auth: WebAuth) -> APIRouter:
    """Build ``GET/POST /login`` and ``POST /logout``."""
    router = auth.router()

    @router.get("/login", name="login")
    def login_form(
        request: Request, next_path: Annotated[str, Query(alias="next")] = "/"
    ) -> Response:
        """The sign-in form."""
        context = {"next": safe_next(next_path), "username": ""}
        return auth.render(request, "login.html", context)

    @router.post("/login", dependencies=[auth.csrf])
    def login_submit(
        request: Request,
        username: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        next_path: Annotated[str, Form(alias="next")] = "/",
    ) -> Response:
        """Check the password; on success start a session and go on to ``next``."""
        target = safe_next(next_path)
        try:
            principal = login(auth.ctx, username, password)
        except Unauthorized:
            context = {
                "next": target,
                "username": username,
                "error": LOGIN_FAILED_MSGID,
                "lockout_minutes": LOCKOUT_MINUTES,
            }
            return auth.render(request, "login.html", context, status_code=401)
        if principal.user_id is None:  # pragma: no cover - login always names a user
            raise Unauthorized(LOGIN_FAILED)
        response = RedirectResponse(target, status_code=303)
        auth.start_session(response, principal.user_id)
        return response

    @router.post("/logout", dependencies=[auth.csrf])
    def logout(request: Request) -> Response:
        """End the session (audited) and go back to the home page."""
        principal = request.state.principal
        if signed_in(principal):
            record_logout(auth.ctx, principal)
        response = RedirectResponse("/", status_code=303)
        auth.end_session(response)
        return response

    return router
