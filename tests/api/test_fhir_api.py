"""FHIR R4 over the API: import (admin), NDJSON export (admin; a member their own)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "fhir"
API = "/api/v1"


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings)) as c:
        yield c


def _token(ctx: AppContext, name: str, role: str) -> dict[str, str]:
    scope = {"countries": ["GHA"]} if role == "programme_officer" else {}
    accounts.add_user(ctx, LOCAL_ADMIN, name, role, **scope)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {accounts.create_token(ctx, LOCAL_ADMIN, name, 't').secret}"}


def _upload(path: Path) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (path.name, path.read_bytes(), "application/json")}


def test_import_then_export_ndjson(client: TestClient, ctx: AppContext) -> None:
    admin = _token(ctx, "fhir-admin", "admin")
    bundle = DATA / "bundle.json"
    r = client.post(
        f"{API}/diaspora/fhir", files=_upload(bundle), params={"dry_run": "true"}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"file": "bundle.json", "imported": 3, "dry_run": True}
    r = client.post(f"{API}/diaspora/fhir", files=_upload(bundle), headers=admin)
    assert r.json()["imported"] == 3
    r = client.get(f"{API}/diaspora/fhir", headers=admin)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/fhir+ndjson")
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert [x["id"] for x in lines if x["resourceType"] != "Consent"] == [
        "F001",
        "F001-role",
        "F002",
        "F002-role",
    ]
    assert [x["id"] for x in lines[2:5]] == [f"F001-consent-{k}" for k in (1, 2, 3)]
    assert lines[0]["name"] == [{"text": "Ama Serwaa Mensah"}]


def test_bad_upload_is_located_without_personal_values(client: TestClient, ctx: AppContext) -> None:
    admin = _token(ctx, "fhir-admin", "admin")
    r = client.post(f"{API}/diaspora/fhir", files=_upload(DATA / "bad_date.ndjson"), headers=admin)
    assert r.status_code == 422
    assert "1980-13-45" not in r.text and "birthDate" in r.text
    r = client.post(f"{API}/diaspora/fhir", files=_upload(DATA / "practitioner.xml"), headers=admin)
    assert r.status_code == 422 and "only FHIR JSON" in r.text
    files = {"file": ("..", b"{}", "application/json")}
    assert client.post(f"{API}/diaspora/fhir", files=files, headers=admin).status_code == 422


def test_roles(client: TestClient, ctx: AppContext) -> None:
    officer = _token(ctx, "fhir-officer", "programme_officer")
    bundle = DATA / "bundle.json"
    assert client.post(f"{API}/diaspora/fhir", files=_upload(bundle)).status_code == 401
    r = client.post(f"{API}/diaspora/fhir", files=_upload(bundle), headers=officer)
    assert r.status_code == 403
    assert client.get(f"{API}/diaspora/fhir", headers=officer).status_code == 403
    body = {
        "username": "zola",
        "password": "a-long-password-1",
        "cadre": "2221",
        "origin": "ZAF",
        "residence": "GBR",
        "modes": ["virtual"],
        "name": "Zola Dlamini",
    }
    assert client.post(f"{API}/diaspora/register", json=body).status_code == 201
    member = {
        "Authorization": f"Bearer {accounts.create_token(ctx, LOCAL_ADMIN, 'zola', 't').secret}"
    }
    r = client.get(f"{API}/diaspora/me/fhir", headers=member)
    assert r.status_code == 200
    mine = [json.loads(x) for x in r.text.splitlines()]
    assert [x["resourceType"] for x in mine] == ["Practitioner", "PractitionerRole"] + [
        "Consent"
    ] * 3
    assert mine[0]["name"] == [{"text": "Zola Dlamini"}]
    assert client.get(f"{API}/diaspora/fhir", headers=member).status_code == 403
