"""Signing in and out, "forgot password", resetting a password, and one's own account page.

Every form carries a CSRF token. The forgot-password page answers every request the same way
(whether or not an account matches) and sends the mail after answering, so neither the page
nor the time it takes tells who has an account.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from hrh.errors import Invalid, TooManyRequests, Unauthorized
from hrh.services import accounts
from hrh.services.accounts import LOCKOUT, MIN_PASSWORD, SELF_RESET_MINUTES, sign_in
from hrh.web.auth import WebAuth, record_logout, request_language, safe_next, signed_in
from hrh.web.i18n import N_, load_catalogs

#: One message for every failure (unknown user, wrong password, locked, disabled), so the
#: page never tells whether a username exists.
LOGIN_FAILED_MSGID = N_(
    "Wrong username or password, or too many failed attempts: after 5 in a row the account "
    "is locked for %(minutes)d minutes. Try again later or ask an administrator."
)
LOCKOUT_MINUTES = int(LOCKOUT.total_seconds() // 60)
#: The message in English, as the page shows it.
LOGIN_FAILED = LOGIN_FAILED_MSGID % {"minutes": LOCKOUT_MINUTES}

#: What the forgot-password page says after every request, account or not.
RESET_SENT = N_(
    "If an active account matches what you entered and has an e-mail address, we have sent "
    "it a link to choose a new password. The link works once, for %(minutes)d minutes."
)
RESET_THROTTLED = N_(
    "Too many password-reset requests from your network. Try again in an hour, or ask an "
    "administrator."
)
RESET_LINK_BAD = N_(
    "This reset link is invalid, already used or expired. Ask for a new one below, or ask "
    "an administrator."
)
PASSWORD_SHORT = N_("A password needs at least %(n)d characters.")
PASSWORDS_DIFFER = N_("The two new passwords are not the same.")
CURRENT_WRONG = N_(
    "The current password is not right, or too many failed attempts locked the account for "
    "%(minutes)d minutes."
)
#: Notices shown on the sign-in and account pages after a redirect (``?done=…``).
NOTICES = {
    "reset": N_("Your password was changed. Sign in with the new one."),
    "signed-out": N_("You were signed out of every session, in every browser."),
    "password": N_("Your password was changed. Your other sessions were signed out."),
}

#: The reset mail, translated into the reader's language (the same text as
#: :data:`hrh.services.accounts.RESET_MAIL_EN`; a test keeps them equal).
RESET_MAIL_SUBJECT = N_("Choose a new password for the HRH Observatory")
RESET_MAIL_BODY = N_(
    "Someone, hopefully you, asked to reset the password of the account %(username)s on "
    "the HRH Observatory.\n\n"
    "To choose a new password, open this link within %(minutes)d minutes:\n\n"
    "%(link)s\n\n"
    "The link works once. If you did not ask for this, ignore this message: "
    "your password stays as it is.\n"
)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _notice(done: str) -> str | None:
    return NOTICES.get(done)


def make_login_router(auth: WebAuth) -> APIRouter:
    """Build sign-in and out, forgot and reset password, and the account page."""
    router = auth.router()
    catalogs = load_catalogs()

    def mail_text(request: Request) -> accounts.ResetMailText:
        catalog = catalogs[request_language(request)]
        return accounts.ResetMailText(
            catalog.gettext(RESET_MAIL_SUBJECT), catalog.gettext(RESET_MAIL_BODY)
        )

    @router.get("/login", name="login")
    def login_form(
        request: Request,
        next_path: Annotated[str, Query(alias="next")] = "/",
        done: Annotated[str, Query()] = "",
    ) -> Response:
        """The sign-in form."""
        context = {"next": safe_next(next_path), "username": "", "notice": _notice(done)}
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
            session = sign_in(auth.ctx, username, password)
        except Unauthorized:
            context = {
                "next": target,
                "username": username,
                "error": LOGIN_FAILED_MSGID,
                "lockout_minutes": LOCKOUT_MINUTES,
            }
            return auth.render(request, "login.html", context, status_code=401)
        user_id = session.principal.user_id
        if user_id is None:  # pragma: no cover - sign_in always names a user
            raise Unauthorized(LOGIN_FAILED)
        response = RedirectResponse(target, status_code=303)
        auth.start_session(response, user_id, session.session_version)
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

    # -- forgot password, reset password ----------------------------------------------------

    @router.get("/forgot-password", name="forgot_password")
    def forgot_form(request: Request) -> Response:
        """Ask for a reset link by username or e-mail address."""
        return auth.render(request, "forgot_password.html", {"login": "", "sent": False})

    @router.post("/forgot-password", dependencies=[auth.csrf])
    def forgot_submit(
        request: Request, background: BackgroundTasks, login: Annotated[str, Form()] = ""
    ) -> Response:
        """Answer the same way for everyone; send the mail, if any, after answering."""
        try:
            outcome = accounts.request_password_reset(
                auth.ctx, login, client=_client(request), text=mail_text(request)
            )
        except TooManyRequests:
            context = {"login": login, "sent": False, "error": RESET_THROTTLED}
            return auth.render(request, "forgot_password.html", context, status_code=429)
        background.add_task(accounts.send_reset_mail, auth.ctx, outcome)
        context = {
            "login": "",
            "sent": True,
            "sent_message": RESET_SENT,
            "minutes": SELF_RESET_MINUTES,
        }
        return auth.render(request, "forgot_password.html", context)

    def reset_page(
        request: Request, token: str, error: str | None = None, status_code: int = 200
    ) -> Response:
        valid = bool(token) and accounts.reset_link_valid(auth.ctx, token)
        context = {
            "token": token if valid else "",
            "valid": valid,
            "error": error if valid else RESET_LINK_BAD,
            "min_password": MIN_PASSWORD,
        }
        response = auth.render(
            request, "reset_password.html", context, status_code=status_code if valid else 400
        )
        response.headers["Referrer-Policy"] = "no-referrer"  # the secret is in the URL
        return response

    @router.get("/reset-password", name="reset_password")
    def reset_form(request: Request, token: Annotated[str, Query()] = "") -> Response:
        """The form behind a mailed (or administrator-issued) one-time reset link."""
        return reset_page(request, token.strip())

    @router.post("/reset-password", dependencies=[auth.csrf])
    def reset_submit(
        request: Request,
        token: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        password_again: Annotated[str, Form()] = "",
    ) -> Response:
        """Set the new password; the link is used up and every session of the user ends."""
        if len(password) < MIN_PASSWORD:
            return reset_page(request, token, PASSWORD_SHORT, 422)
        if password != password_again:
            return reset_page(request, token, PASSWORDS_DIFFER, 422)
        try:
            accounts.reset_password(auth.ctx, token, password)
        except (Unauthorized, Invalid):
            return reset_page(request, "")
        response = RedirectResponse("/login?done=reset", status_code=303)
        auth.end_session(response)
        return response

    # -- one's own account --------------------------------------------------------------------

    def account_page(
        request: Request, error: str | None = None, notice: str | None = None, status: int = 200
    ) -> Response:
        account = accounts.my_account(auth.ctx, request.state.principal)
        context = {
            "account": account,
            "error": error,
            "notice": notice,
            "min_password": MIN_PASSWORD,
            "lockout_minutes": LOCKOUT_MINUTES,
        }
        return auth.render(request, "account.html", context, status_code=status)

    def to_login() -> Response:
        return RedirectResponse("/login?next=/account", status_code=303)

    @router.get("/account", name="account")
    def account(request: Request, done: Annotated[str, Query()] = "") -> Response:
        """One's own account: details, change password, sign out everywhere."""
        if not signed_in(request.state.principal):
            return to_login()
        return account_page(request, notice=_notice(done))

    @router.post("/account/password", dependencies=[auth.csrf])
    def change_password(
        request: Request,
        current_password: Annotated[str, Form()] = "",
        new_password: Annotated[str, Form()] = "",
        new_password_again: Annotated[str, Form()] = "",
    ) -> Response:
        """Change one's password; other sessions end, this browser gets a new session."""
        principal = request.state.principal
        if not signed_in(principal):
            return to_login()
        if len(new_password) < MIN_PASSWORD:
            return account_page(request, PASSWORD_SHORT, status=422)
        if new_password != new_password_again:
            return account_page(request, PASSWORDS_DIFFER, status=422)
        try:
            version = accounts.change_password(auth.ctx, principal, current_password, new_password)
        except Invalid:
            return account_page(request, CURRENT_WRONG, status=422)
        response = RedirectResponse("/account?done=password", status_code=303)
        auth.start_session(response, principal.user_id, version)
        return response

    @router.post("/account/sessions/revoke", dependencies=[auth.csrf])
    def sign_out_everywhere(request: Request) -> Response:
        """End every session of one's account, this one included."""
        principal = request.state.principal
        if not signed_in(principal):
            return to_login()
        accounts.revoke_sessions(auth.ctx, principal)
        response = RedirectResponse("/login?done=signed-out", status_code=303)
        auth.end_session(response)
        return response

    return router
