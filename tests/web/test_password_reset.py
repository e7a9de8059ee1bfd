"""Forgot password, end to end: the API and the web form, a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import logging
import re
import socket
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from hrh.asgi import create_app
from hrh.config import Settings
from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Unauthorized
from hrh.services import accounts, audit
from hrh.services.context import AppContext
from hrh.web.login import RESET_LINK_BAD, RESET_SENT, RESET_THROTTLED

PUBLIC = "https://hrh.example.test"
ADDRESS = "ama.mensah@example.org"
OLD = "correct horse battery staple"
NEW = "a brand new passphrase"
LINK = re.compile(re.escape(PUBLIC) + r"/reset-password\?token=(\S+)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def settings(ctx: AppContext, smtp: tuple[Any, int]) -> Settings:
    """The test database's settings (same key) with the SMTP server and a public address."""
    return ctx.settings.model_copy(
        update={"smtp_url": SecretStr(f"smtp://127.0.0.1:{smtp[1]}"), "public_url": PUBLIC}
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


@pytest.fixture
def users(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", password=OLD, email=ADDRESS)
    accounts.add_user(ctx, LOCAL_ADMIN, "kofi", "analyst", password=OLD)  # no address
    accounts.add_user(ctx, LOCAL_ADMIN, "gone", "analyst", password=OLD, email="g@example.org")
    accounts.set_disabled(ctx, LOCAL_ADMIN, "gone", True)


def _csrf(html: str) -> str:
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', html)
    assert match is not None, "no CSRF field on the page"
    return match[1]


def _body(message: email.message.EmailMessage) -> str:
    part = message.get_body()
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def _reset_through_the_page(client: TestClient, secret: str, password: str = NEW) -> int:
    page = client.get("/reset-password", params={"token": secret})
    if page.status_code != 200:
        return page.status_code
    form = {"csrf_token": _csrf(page.text), "token": secret}
    response = client.post(
        "/reset-password", data={**form, "password": password} | {"password_again": password}
    )
    return response.status_code


@pytest.mark.usefixtures("users")
def test_api_request_mails_a_link_that_works_once(
    ctx: AppContext,
    client: TestClient,
    smtp: tuple[Any, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    handler = smtp[0]
    answers = [
        client.post("/api/v1/auth/forgot-password", json={"login": login})
        for login in ("ama", "nobody", "kofi", "gone", "nobody@example.org")
    ]
    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1  # one answer for everyone
    assert len(handler.messages) == 1  # and one mail: ama's
    [message] = handler.messages
    assert message["To"] == ADDRESS
    assert message["Subject"] == accounts.RESET_MAIL_EN.subject
    body = _body(message)
    match = LINK.search(body)
    assert match is not None, body
    secret = match[1]
    assert "60 minutes" in body and "ama" in body

    # the link opens the web form; the new password works; the link works once
    assert _reset_through_the_page(client, secret) == 303
    assert accounts.login(ctx, "ama", NEW).name == "ama"
    with pytest.raises(Unauthorized):
        accounts.login(ctx, "ama", OLD)
    second = client.get("/reset-password", params={"token": secret})
    assert second.status_code == 400
    assert "already used or expired" in second.text
    api_again = client.post(
        "/api/v1/auth/password-reset", json={"token": secret, "password": "another passphrase"}
    )
    assert api_again.status_code == 401

    # audited, without the secret, the address or a password; nothing of it in the logs
    actions = [e.action for e in audit.list_events(ctx, LOCAL_ADMIN)]
    assert actions.count("auth.password_reset_requested") == 5
    assert "auth.password_reset" in actions
    trail = str([(e.target, e.detail) for e in audit.list_events(ctx, LOCAL_ADMIN)])
    test_side = ("httpx", "mail.log", "asyncio")  # the test client and the test mail server
    ours = [r for r in caplog.records if not r.name.startswith(test_side)]
    logged = "".join(f"{r.getMessage()} {r.args}" for r in ours)
    assert any(r.name.startswith("hrh") for r in ours)
    for secret_text in (secret, ADDRESS, "mensah", NEW, OLD):
        assert secret_text not in trail
        assert secret_text not in logged


@pytest.mark.usefixtures("users")
def test_the_reset_secret_also_works_with_the_api(
    ctx: AppContext, client: TestClient, smtp: tuple[Any, int]
) -> None:
    client.post("/api/v1/auth/forgot-password", json={"login": ADDRESS.upper()})
    match = LINK.search(_body(smtp[0].messages[0]))
    assert match is not None
    body = {"token": match[1], "password": NEW}
    assert client.post("/api/v1/auth/password-reset", json=body).status_code == 204
    assert client.post("/api/v1/auth/password-reset", json=body).status_code == 401
    assert accounts.login(ctx, "ama", NEW).name == "ama"


@pytest.mark.usefixtures("users")
def test_the_web_form_answers_the_same_for_everyone(
    client: TestClient, smtp: tuple[Any, int]
) -> None:
    login = client.get("/login")
    assert '<a href="/forgot-password">Forgot your password?</a>' in login.text
    form = client.get("/forgot-password")
    assert form.status_code == 200
    assert '<label for="login">Username or e-mail address</label>' in form.text
    pages = []
    for who in ("ama", "nobody", "kofi", "gone"):
        token = _csrf(client.get("/forgot-password").text)
        response = client.post("/forgot-password", data={"csrf_token": token, "login": who})
        assert response.status_code == 200
        pages.append(response.text)
    assert len(set(pages)) == 1
    sent = RESET_SENT % {"minutes": accounts.SELF_RESET_MINUTES}
    assert sent in pages[0]
    assert len(smtp[0].messages) == 1
    # without the form's CSRF token nothing is sent
    refused = client.post("/forgot-password", data={"login": "ama"})
    assert refused.status_code == 403
    assert len(smtp[0].messages) == 1


@pytest.mark.usefixtures("users")
def test_the_mail_is_in_the_readers_language(client: TestClient, smtp: tuple[Any, int]) -> None:
    page = client.get("/forgot-password?lang=fr")
    assert "Mot de passe oublié ?" in page.text
    client.post("/forgot-password", data={"csrf_token": _csrf(page.text), "login": "ama"})
    [message] = smtp[0].messages
    assert message["Subject"] == "Choisissez un nouveau mot de passe pour l'Observatoire RHS"
    body = _body(message)
    assert "ouvrez ce lien dans les 60 minutes" in body
    assert LINK.search(body) is not None


@pytest.mark.usefixtures("users")
def test_requests_are_rate_limited(client: TestClient, smtp: tuple[Any, int]) -> None:
    answers = [
        client.post("/api/v1/auth/forgot-password", json={"login": "ama"}).status_code
        for _ in range(accounts.RESETS_PER_CLIENT)
    ]
    assert answers == [202] * accounts.RESETS_PER_CLIENT
    assert len(smtp[0].messages) == accounts.RESETS_PER_ACCOUNT  # per account: silently
    refused = client.post("/api/v1/auth/forgot-password", json={"login": "nobody"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    token = _csrf(client.get("/forgot-password").text)
    page = client.post("/forgot-password", data={"csrf_token": token, "login": "kofi"})
    assert page.status_code == 429
    assert RESET_THROTTLED in page.text
    assert len(smtp[0].messages) == accounts.RESETS_PER_ACCOUNT


@pytest.mark.usefixtures("users")
def test_a_reset_ends_every_session_and_checks_the_form(
    ctx: AppContext, client: TestClient, settings: Settings
) -> None:
    # ama is signed in elsewhere
    with TestClient(create_app(settings), follow_redirects=False) as elsewhere:
        token = _csrf(elsewhere.get("/login").text)
        signed = elsewhere.post(
            "/login", data={"csrf_token": token, "username": "ama", "password": OLD}
        )
        assert signed.status_code == 303
        assert "Signed in as <strong>ama</strong>" in elsewhere.get("/").text
        secret = accounts.create_password_reset(ctx, LOCAL_ADMIN, "ama").secret
        page = client.get("/reset-password", params={"token": secret})
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
        form = {"csrf_token": _csrf(page.text), "token": secret}
        short = client.post(
            "/reset-password", data={**form, "password": "short"} | {"password_again": "short"}
        )
        assert short.status_code == 422
        assert "at least 12 characters" in short.text
        differ = client.post(
            "/reset-password", data={**form, "password": NEW} | {"password_again": NEW + "x"}
        )
        assert differ.status_code == 422
        assert "not the same" in differ.text
        done = client.post(
            "/reset-password", data={**form, "password": NEW} | {"password_again": NEW}
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/login?done=reset"
        assert "Sign in with the new one." in client.get("/login?done=reset").text
        assert "Signed in as" not in elsewhere.get("/").text  # the copied session ended
    bad = client.get("/reset-password", params={"token": "hrhreset_forged"})
    assert bad.status_code == 400
    assert RESET_LINK_BAD.replace("'", "&#39;") in bad.text
    assert 'href="/forgot-password"' in bad.text


def test_without_smtp_the_mail_goes_to_the_outbox(ctx: AppContext, tmp_path: Path) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email=ADDRESS)
    settings = ctx.settings.model_copy(update={"outbox_dir": tmp_path / "outbox"})
    with TestClient(create_app(settings)) as client:
        answer = client.post("/api/v1/auth/forgot-password", json={"login": "ama"})
    assert answer.status_code == 202
    [eml] = (tmp_path / "outbox").glob("*.eml")
    parsed = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert parsed["To"] == ADDRESS
    assert "/reset-password?token=hrhreset_" in _body(parsed)  # type: ignore[arg-type]


def test_an_unreachable_mail_server_changes_nothing_for_the_requester(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email=ADDRESS)
    settings = ctx.settings.model_copy(
        update={"smtp_url": SecretStr(f"smtp://127.0.0.1:{_free_port()}")}
    )
    with TestClient(create_app(settings)) as client:
        known = client.post("/api/v1/auth/forgot-password", json={"login": "ama"})
        unknown = client.post("/api/v1/auth/forgot-password", json={"login": "nobody"})
    assert known.status_code == unknown.status_code == 202
    assert known.text == unknown.text
    assert "password-reset mail could not be sent" in caplog.text
    assert ADDRESS not in caplog.text
