"""The accounts API: e-mail addresses, user changes, one's own password and sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts
from hrh.services.context import AppContext

PASSWORD = "correct horse battery staple"


def _bearer(ctx: AppContext, username: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {accounts.create_token(ctx, LOCAL_ADMIN, username, 't').secret}"
    }


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings)) as c:
        yield c


@pytest.fixture
def admin(ctx: AppContext) -> dict[str, str]:
    accounts.add_user(ctx, LOCAL_ADMIN, "root", "admin")
    return _bearer(ctx, "root")


def test_admins_set_and_see_addresses(
    ctx: AppContext, client: TestClient, admin: dict[str, str]
) -> None:
    body = {"username": "ama", "role": "analyst", "email": "ama@example.org", "password": PASSWORD}
    created = client.post("/api/v1/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["email"] == "ama@example.org"
    again = client.post(
        "/api/v1/users", json=body | {"username": "ama2", "email": "AMA@example.org"}, headers=admin
    )
    assert again.status_code == 409
    bad = client.post(
        "/api/v1/users", json=body | {"username": "x", "email": "nope"}, headers=admin
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    listed = client.get("/api/v1/users", headers=admin).json()["data"]
    assert {u["username"]: u["email"] for u in listed} == {"root": None, "ama": "ama@example.org"}

    changed = client.patch(
        "/api/v1/users/ama",
        json={"role": "recruiter", "organisation": "acme", "email": "a.m@example.org"},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["role"], changed.json()["organisation"]) == ("recruiter", "acme")
    assert changed.json()["email"] == "a.m@example.org"
    assert (
        client.patch("/api/v1/users/ama", json={"email": ""}, headers=admin).json()["email"] is None
    )
    assert client.patch("/api/v1/users/nobody", json={}, headers=admin).status_code == 404
    missing_org = client.patch("/api/v1/users/ama", json={"role": "analyst"}, headers=admin)
    assert missing_org.status_code == 200 and missing_org.json()["organisation"] == ""


def test_users_see_only_their_own_address(ctx: AppContext, client: TestClient) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email="ama@example.org")
    accounts.add_user(ctx, LOCAL_ADMIN, "kofi", "analyst", email="kofi@example.org")
    ama = _bearer(ctx, "ama")
    assert client.get("/api/v1/me", headers=ama).json()["email"] == "ama@example.org"
    assert client.get("/api/v1/users", headers=ama).status_code == 403
    assert (
        client.patch("/api/v1/users/kofi", json={"email": "x@example.org"}, headers=ama).status_code
        == 403
    )
    assert "kofi@example.org" not in client.get("/api/v1/me", headers=ama).text


def test_changing_ones_own_password(ctx: AppContext, client: TestClient) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", password=PASSWORD)
    ama = _bearer(ctx, "ama")
    new = "a brand new passphrase"
    wrong = client.post(
        "/api/v1/auth/password",
        json={"current_password": "guess", "new_password": new},
        headers=ama,
    )
    assert wrong.status_code == 422 and "not right" in wrong.json()["error"]
    right = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": new},
        headers=ama,
    )
    assert right.status_code == 204
    assert accounts.login(ctx, "ama", new).name == "ama"
    assert client.get("/api/v1/me", headers=ama).status_code == 200  # tokens stay valid
    anonymous = client.post(
        "/api/v1/auth/password", json={"current_password": new, "new_password": PASSWORD}
    )
    assert anonymous.status_code == 401


def test_revoking_sessions(ctx: AppContext, client: TestClient, admin: dict[str, str]) -> None:
    view = accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", password=PASSWORD)
    ama = _bearer(ctx, "ama")
    first = accounts.sign_in(ctx, "ama", PASSWORD).session_version
    assert client.post("/api/v1/auth/sessions/revoke", headers=ama).status_code == 204
    assert accounts.principal_for_session(ctx, view.id, first) is None
    second = accounts.sign_in(ctx, "ama", PASSWORD).session_version
    assert client.post("/api/v1/users/ama/sessions/revoke", headers=ama).status_code == 403
    assert client.post("/api/v1/users/ama/sessions/revoke", headers=admin).status_code == 204
    assert accounts.principal_for_session(ctx, view.id, second) is None
    assert client.post("/api/v1/users/nobody/sessions/revoke", headers=admin).status_code == 404
    assert client.post("/api/v1/auth/sessions/revoke").status_code == 401


def test_forgot_password_validates_its_body(client: TestClient) -> None:
    assert client.post("/api/v1/auth/forgot-password", json={"login": ""}).status_code == 422
    assert client.post("/api/v1/auth/forgot-password", json={}).status_code == 422
    too_long = client.post("/api/v1/auth/forgot-password", json={"login": "x" * 321})
    assert too_long.status_code == 422
    nul = client.post("/api/v1/auth/forgot-password", json={"login": "a\x00b"})
    assert nul.status_code == 422
