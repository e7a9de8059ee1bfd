"""``/api/v1/library``: public search, drafts hidden (404), analysts submit, admins publish."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, library
from hrh.services.context import AppContext

BASE = "/api/v1/library"
DRAFT = {
    "id": "test-return-grant",
    "title": "A test return grant",
    "type": "return programme",
    "countries": ["gha"],
    "years": {"start": 2019},
    "summary": "A synthetic entry used by the tests; it describes no real programme.",
    "what_it_did": "Paid a one-off grant to returning midwives.",
    "sources": [{"title": "Test source", "url": "https://example.org/test"}],
}


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    library.load_seed(ctx)
    with TestClient(create_app(ctx.settings)) as c:
        yield c


def _bearer(ctx: AppContext, username: str, role: str) -> dict[str, str]:
    accounts.add_user(ctx, LOCAL_ADMIN, username, role)
    issued = accounts.create_token(ctx, LOCAL_ADMIN, username, "test")
    return {"Authorization": f"Bearer {issued.secret}"}


def test_public_search_ranks_and_links_countries(client: TestClient) -> None:
    r = client.get(BASE, params={"q": "red list"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["query"], body["terms"], body["match"]) == ("red list", ["red", "list"], "all")
    first = body["data"][0]
    assert first["id"] == "uk-code-of-practice"
    assert first["countries"] == [
        {
            "iso3": "GBR",
            "name": "United Kingdom of Great Britain and Northern Ireland",
            "url": "/countries/GBR",
        }
    ]
    assert first["url"] == "/library/uk-code-of-practice"
    assert first["type"] == "code of practice"
    assert first["status"] == "published"
    r = client.get(BASE, params={"type": "return programme", "country": "GHA"})
    assert [e["id"] for e in r.json()["data"]] == [
        "ghana-return-incentives",
        "iom-mida-ghana-health",
    ]


def test_one_entry_and_errors(client: TestClient) -> None:
    r = client.get(f"{BASE}/sri-lanka-hmdp")
    assert r.status_code == 200
    assert (r.json()["start_year"], r.json()["end_year"]) == (1997, 2006)
    r = client.get(f"{BASE}/no-such-entry")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = client.get(BASE, params={"type": "treaty"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid")
    assert "return programme" in r.json()["hint"]


def test_draft_lifecycle(client: TestClient, ctx: AppContext) -> None:
    ana = _bearer(ctx, "api-ana", "analyst")
    bob = _bearer(ctx, "api-bob", "analyst")
    admin = _bearer(ctx, "api-admin", "admin")
    assert client.post(BASE, json=DRAFT).status_code == 401
    r = client.post(BASE, json=DRAFT, headers=ana)
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["countries"][0]["iso3"]) == ("draft", "GHA")
    code = DRAFT["id"]
    for headers in ({}, bob):
        r = client.get(f"{BASE}/{code}", headers=headers)
        assert (r.status_code, r.json()["code"]) == (404, "not_found")
        r = client.get(BASE, params={"status": "draft"}, headers=headers)
        assert r.json()["count"] == 0
    assert client.get(f"{BASE}/{code}", headers=ana).json()["status"] == "draft"
    drafts = client.get(BASE, params={"status": "draft"}, headers=admin).json()
    assert [e["id"] for e in drafts["data"]] == [code]
    assert client.post(f"{BASE}/{code}/publish", headers=ana).status_code == 403
    r = client.post(f"{BASE}/{code}/publish", headers=admin)
    assert (r.status_code, r.json()["status"]) == (200, "published")
    assert client.get(f"{BASE}/{code}").status_code == 200
    assert client.post(f"{BASE}/{code}/publish", headers=admin).status_code == 409
    assert client.post(BASE, json=DRAFT, headers=bob).status_code == 409


def test_invalid_submissions(client: TestClient, ctx: AppContext) -> None:
    ana = _bearer(ctx, "api-ana2", "analyst")
    r = client.post(BASE, json={**DRAFT, "type": "treaty"}, headers=ana)
    assert (r.status_code, r.json()["code"]) == (422, "invalid")
    assert [(p["file"], p["column"], p["value"]) for p in r.json()["errors"]] == [
        ("request", "type", "treaty")
    ]
    r = client.post(BASE, json={**DRAFT, "sources": []}, headers=ana)
    assert r.status_code == 422
    r = client.post(BASE, json={**DRAFT, "countries": ["Ghana"]}, headers=ana)
    assert r.status_code == 422
    assert r.json()["errors"][0]["column"] == "countries[0]"
