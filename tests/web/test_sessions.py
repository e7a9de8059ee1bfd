"""Web sessions: signing in and out, the cookie's flags, CSRF, tampering, disabled users."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, audit
from hrh.services.context import AppContext
from hrh.services.keys import session_key
from hrh.web.auth import CSRF_MESSAGE
from hrh.web.login import LOGIN_FAILED
from hrh.web.session import Signer

WRONG = "not the password at all"
SIGNED_IN = "Signed in as <strong>ana</strong> (analyst)"


def _app(ctx: AppContext, tmp_path: Path, **settings: object) -> FastAPI:
    """The app over the test database, with its key (so it reads encrypted fields)."""
    return create_app(ctx.settings.model_copy(update=settings))


@pytest.fixture
def client(ctx: AppContext, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(_app(ctx, tmp_path), follow_redirects=False) as c:
        yield c


def _token(html: str) -> str:
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', html)
    assert match is not None, "no CSRF field on the page"
    return match[1]


def _login(client: TestClient, fields: dict[str, str], **changes: str) -> Response:
    """Open the sign-in form and submit it with ``fields`` (changed by ``changes``)."""
    token = _token(client.get("/login").text)
    response: Response = client.post("/login", data={"csrf_token": token, **fields, **changes})
    return response


def _set_cookies(response: Response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def _events(ctx: AppContext, action: str) -> list[audit.AuditEventView]:
    return audit.list_events(ctx, LOCAL_ADMIN, action=action)


def test_login_page_is_an_accessible_form(client: TestClient) -> None:
    response = client.get("/login?next=/countries/GHA")
    html = response.text
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert '<label for="username">Username</label>' in html
    assert '<label for="password">Password</label>' in html
    assert re.search(r'<input id="password" name="password" type="password"', html)
    assert '<input type="hidden" name="next" value="/countries/GHA">' in html
    # the pre-session CSRF cookie goes with the form, and the page is not cached
    cookie = _set_cookies(response)["hrh_csrf"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert response.headers["cache-control"] == "no-store"


def test_login_sets_a_session_cookie_and_shows_the_user(
    client: TestClient, analyst: dict[str, str]
) -> None:
    response = _login(client, analyst, next="/api/v1/docs")
    assert response.status_code == 303
    assert response.headers["location"] == "/api/v1/docs"
    cookies = _set_cookies(response)
    session = cookies["hrh_session"]
    assert "HttpOnly" in session
    assert "SameSite=lax" in session
    assert "Path=/" in session
    assert "Max-Age=28800" in session
    assert "Secure" not in session
    assert cookies["hrh_csrf"].startswith('hrh_csrf="";')  # the pre-session cookie is dropped

    page = client.get("/")
    assert SIGNED_IN in page.text
    assert '<button type="submit" class="link">Sign out</button>' in page.text
    assert page.headers["cache-control"] == "no-store"


def test_secure_cookies_setting_sets_the_secure_flag(
    ctx: AppContext, tmp_path: Path, analyst: dict[str, str]
) -> None:
    with TestClient(_app(ctx, tmp_path, secure_cookies=True), follow_redirects=False) as c:
        login_page = c.get("/login")
        assert "Secure" in _set_cookies(login_page)["hrh_csrf"]
        token = _token(login_page.text)
        # a Secure cookie is not sent back over http: send it by hand
        pre = login_page.cookies["hrh_csrf"]
        form = {"csrf_token": token, **analyst}
        response = c.post("/login", data=form, headers={"Cookie": f"hrh_csrf={pre}"})
    assert response.status_code == 303
    session = _set_cookies(response)["hrh_session"]
    assert "Secure" in session
    assert "HttpOnly" in session
    assert "SameSite=lax" in session


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_login_never_redirects_off_site(
    client: TestClient, next_path: str, analyst: dict[str, str]
) -> None:
    response = _login(client, analyst, next=next_path)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_wrong_password_and_unknown_user_look_the_same(
    client: TestClient, analyst: dict[str, str]
) -> None:
    wrong = _login(client, analyst, password=WRONG)
    unknown = _login(client, {"username": "nobody", "password": WRONG})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert LOGIN_FAILED in response.text
        assert "hrh_session" not in _set_cookies(response)
    strip = re.compile(r'value="[^"]*"')  # the usernames and tokens differ, nothing else
    assert strip.sub("", wrong.text) == strip.sub("", unknown.text)
    assert SIGNED_IN not in client.get("/").text


def test_five_failures_lock_the_account(client: TestClient, analyst: dict[str, str]) -> None:
    for _ in range(5):
        assert _login(client, analyst, password=WRONG).status_code == 401
    locked = _login(client, analyst)
    assert locked.status_code == 401
    assert LOGIN_FAILED in locked.text
    assert "hrh_session" not in _set_cookies(locked)


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_login_without_the_right_csrf_token_is_refused(
    ctx: AppContext, client: TestClient, token: str | None, analyst: dict[str, str]
) -> None:
    client.get("/login")  # the browser holds a pre-session CSRF cookie
    form = dict(analyst)
    if token is not None:
        form["csrf_token"] = token
    response = client.post("/login", data=form)
    assert response.status_code == 403
    assert CSRF_MESSAGE in response.text
    assert "hrh_session" not in _set_cookies(response)
    assert _events(ctx, "auth.login") == []  # the password was not even checked
    assert SIGNED_IN not in client.get("/").text


def test_login_with_a_token_from_another_browser_is_refused(
    ctx: AppContext, tmp_path: Path, client: TestClient, analyst: dict[str, str]
) -> None:
    with TestClient(_app(ctx, tmp_path), follow_redirects=False) as other:
        token = _token(other.get("/login").text)
    client.get("/login")
    response = client.post("/login", data={"csrf_token": token, **analyst})
    assert response.status_code == 403
    assert "hrh_session" not in _set_cookies(response)


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_logout_without_the_right_csrf_token_is_refused(
    ctx: AppContext, client: TestClient, token: str | None, analyst: dict[str, str]
) -> None:
    _login(client, analyst)
    response = client.post("/logout", data={} if token is None else {"csrf_token": token})
    assert response.status_code == 403
    assert CSRF_MESSAGE in response.text
    assert "hrh_session" not in _set_cookies(response)
    assert SIGNED_IN in client.get("/").text  # still signed in
    assert _events(ctx, "auth.logout") == []


def test_logout_clears_the_cookie_and_is_audited(
    ctx: AppContext, client: TestClient, analyst: dict[str, str]
) -> None:
    _login(client, analyst)
    page = client.get("/").text
    response = client.post("/logout", data={"csrf_token": _token(page)})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert _set_cookies(response)["hrh_session"].startswith('hrh_session="";')
    assert "Sign in" in client.get("/").text
    assert SIGNED_IN not in client.get("/").text
    [event] = _events(ctx, "auth.logout")
    user_id = accounts.list_users(ctx, LOCAL_ADMIN)[0].id
    assert (event.actor, event.target) == (f"user:user#{user_id}", f"user:{user_id}")
    assert [e.actor for e in _events(ctx, "auth.login")] == [f"user:user#{user_id}"]


def test_a_tampered_cookie_is_anonymous(client: TestClient, analyst: dict[str, str]) -> None:
    _login(client, analyst)
    value = client.cookies["hrh_session"]
    body, mac = value.split(".")
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B")
    for forged in (f"{flipped}.{mac}", f"{body}.{mac[:-1]}x", body, "garbage"):
        client.cookies.set("hrh_session", forged)
        response = client.get("/")
        assert SIGNED_IN not in response.text
        assert "Sign in" in response.text
        assert _set_cookies(response)["hrh_session"].startswith('hrh_session="";')


def test_a_cookie_signed_with_another_key_is_anonymous(
    ctx: AppContext, client: TestClient, analyst: dict[str, str]
) -> None:
    _login(client, analyst)
    user_id = accounts.list_users(ctx, LOCAL_ADMIN)[0].id
    forged = Signer(bytes(32)).issue_session(user_id, version=0, now=int(time.time()))
    client.cookies.set("hrh_session", forged)
    assert SIGNED_IN not in client.get("/").text


def test_a_disabled_users_session_ends_at_once(
    ctx: AppContext, client: TestClient, analyst: dict[str, str]
) -> None:
    _login(client, analyst)
    assert SIGNED_IN in client.get("/").text
    accounts.set_disabled(ctx, LOCAL_ADMIN, "ana", True)
    response = client.get("/")
    assert SIGNED_IN not in response.text
    assert "Sign in" in response.text
    accounts.set_disabled(ctx, LOCAL_ADMIN, "ana", False)


def test_the_header_links_to_sign_in_with_the_page_to_come_back_to(client: TestClient) -> None:
    html = client.get("/api/v1/docs").text
    assert '<a href="/login?next=/api/v1/docs">Sign in</a>' in html
    assert '<a href="/login">Sign in</a>' not in client.get("/login").text


# -- server-side revocation: a copied cookie stops working ------------------------------------


def _copy_session(ctx: AppContext, tmp_path: Path, client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = TestClient(_app(ctx, tmp_path), follow_redirects=False)
    thief.cookies.set("hrh_session", client.cookies["hrh_session"])
    return thief


def _revoke(ctx: AppContext, client: TestClient, event: str) -> None:
    if event == "password change":
        page = client.get("/account").text
        form = {
            "csrf_token": _token(page),
            "current_password": "correct horse battery staple",
            "new_password": "a brand new passphrase",
            "new_password_again": "a brand new passphrase",
        }
        assert client.post("/account/password", data=form).status_code == 303
    elif event == "admin password":
        accounts.set_password(ctx, LOCAL_ADMIN, "ana", "a brand new passphrase")
    elif event == "reset":
        secret = accounts.create_password_reset(ctx, LOCAL_ADMIN, "ana").secret
        accounts.reset_password(ctx, secret, "a brand new passphrase")
    elif event == "disable":
        accounts.set_disabled(ctx, LOCAL_ADMIN, "ana", True)
        accounts.set_disabled(ctx, LOCAL_ADMIN, "ana", False)
    elif event == "role":
        accounts.update_user(ctx, LOCAL_ADMIN, "ana", role="programme_officer", countries=["GHA"])
    elif event == "organisation":
        accounts.update_user(ctx, LOCAL_ADMIN, "ana", role="recruiter", organisation="acme")
    elif event == "sign out everywhere":
        page = client.get("/account").text
        response = client.post("/account/sessions/revoke", data={"csrf_token": _token(page)})
        assert response.status_code == 303
        assert response.headers["location"] == "/login?done=signed-out"
    elif event == "admin sign-out":
        accounts.revoke_sessions(ctx, LOCAL_ADMIN, "ana")
    elif event == "api revoke":
        token = accounts.create_token(ctx, LOCAL_ADMIN, "ana", "t").secret
        response = client.post(
            "/api/v1/auth/sessions/revoke", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 204
    else:  # pragma: no cover
        raise AssertionError(event)


EVENTS = [
    "password change",
    "admin password",
    "reset",
    "disable",
    "role",
    "organisation",
    "sign out everywhere",
    "admin sign-out",
    "api revoke",
]


@pytest.mark.parametrize("event", EVENTS)
def test_a_copied_cookie_stops_working(
    ctx: AppContext, tmp_path: Path, client: TestClient, analyst: dict[str, str], event: str
) -> None:
    _login(client, analyst)
    with _copy_session(ctx, tmp_path, client) as thief:
        assert SIGNED_IN in thief.get("/").text  # the copy works, until ...
        _revoke(ctx, client, event)
        response = thief.get("/")
        assert "Signed in as" not in response.text
        assert _set_cookies(response)["hrh_session"].startswith('hrh_session="";')
        assert thief.get("/account").status_code == 303  # to the sign-in page
        # the copy cannot post forms either
        assert thief.post("/logout", data={"csrf_token": "x"}).status_code == 403
    signed_in_here = "Signed in as <strong>ana</strong>" in client.get("/").text
    assert signed_in_here is (event == "password change")  # the changer's own browser stays


def test_changing_the_password_on_the_account_page(
    ctx: AppContext, client: TestClient, analyst: dict[str, str]
) -> None:
    assert client.get("/account").headers["location"] == "/login?next=/account"
    _login(client, analyst)
    page = client.get("/account")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert '<a href="/account" aria-current="page">Your account</a>' in page.text
    assert "none (an administrator can add one)" in page.text
    form = {"csrf_token": _token(page.text), "current_password": WRONG}
    new = {"new_password": "a brand new passphrase", "new_password_again": "a brand new passphrase"}
    wrong = client.post("/account/password", data=form | new)
    assert wrong.status_code == 422
    assert "The current password is not right" in wrong.text
    short = client.post(
        "/account/password",
        data=form | {"new_password": "short", "new_password_again": "short"},
    )
    assert short.status_code == 422 and "at least 12 characters" in short.text
    differ = client.post("/account/password", data=form | new | {"new_password_again": "x" * 12})
    assert differ.status_code == 422 and "not the same" in differ.text
    refused = client.post("/account/password", data={**new, "current_password": "x"})
    assert refused.status_code == 403  # no CSRF token
    right = client.post(
        "/account/password", data=form | new | {"current_password": "correct horse battery staple"}
    )
    assert right.status_code == 303
    assert right.headers["location"] == "/account?done=password"
    assert "Your other sessions were signed out." in client.get(right.headers["location"]).text
    assert accounts.login(ctx, "ana", "a brand new passphrase").name == "ana"
    [event] = _events(ctx, "user.password_change")
    assert "passphrase" not in str(event.detail)


def test_the_account_page_shows_ones_own_address(
    ctx: AppContext, client: TestClient, analyst: dict[str, str]
) -> None:
    accounts.set_email(ctx, LOCAL_ADMIN, "ana", "ana@example.org")
    _login(client, analyst)
    html = client.get("/account").text
    assert "<dd>ana@example.org</dd>" in html
    assert "<dd>analyst</dd>" in html


def test_a_cookie_from_before_session_versions_is_anonymous(
    ctx: AppContext, client: TestClient, analyst: dict[str, str]
) -> None:
    _login(client, analyst)
    user_id = accounts.list_users(ctx, LOCAL_ADMIN)[0].id
    signer = Signer(session_key(ctx.settings))
    old = signer.sign("hrh_session v1", {"uid": user_id, "iat": int(time.time()), "csrf": "s"})
    client.cookies.set("hrh_session", old)
    assert SIGNED_IN not in client.get("/").text
