from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts
from hrh.services.context import AppContext

CSV = (
    "country,cadre,year,sex,age_band,basis,measure,value,source\n"
    "GHA,medical_doctors,2020,T,total,all,per_10k,1.7,Ghana MoH\n"
    "GHA,nursing_midwifery,2020,T,total,all,per_10k,35.7,Ghana MoH\n"
)


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings)) as c:
        yield c


def _bearer(ctx: AppContext, username: str, role: str, **kw: object) -> dict[str, str]:
    accounts.add_user(ctx, LOCAL_ADMIN, username, role, **kw)  # type: ignore[arg-type]
    issued = accounts.create_token(ctx, LOCAL_ADMIN, username, "test")
    return {"Authorization": f"Bearer {issued.secret}"}


def test_error_envelope_shape(client: TestClient) -> None:
    r = client.get("/api/v1/countries/XXX")
    assert r.status_code == 404
    assert r.json() == {
        "ok": False,
        "error": "Unknown country 'XXX'.",
        "errors": [],
        "status": 404,
        "code": "not_found",
        "hint": "Use an ISO3 code such as GHA.",
    }
    r = client.get("/api/v1/corridors?limit=0")
    body = r.json()
    assert (r.status_code, body["code"], body["errors"][0]["column"]) == (
        422,
        "invalid",
        "query.limit",
    )
    assert client.get("/api/v1/nope").json()["code"] == "not_found"


def test_countries_are_paginated_with_etag(client: TestClient) -> None:
    r = client.get("/api/v1/countries?limit=2&offset=1")
    body = r.json()
    assert body["count"] == 250
    assert [c["iso3"] for c in body["data"]] == ["AFG", "AGO"]
    again = client.get(
        "/api/v1/countries?limit=2&offset=1", headers={"If-None-Match": r.headers["etag"]}
    )
    assert again.status_code == 304


def test_imports_need_an_analyst_or_admin_token(client: TestClient, ctx: AppContext) -> None:
    files = {"file": ("ghana.csv", CSV.encode(), "text/csv")}
    r = client.post("/api/v1/imports/tidy", files=files)
    assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
    bad = client.post("/api/v1/imports/tidy", files=files, headers={"Authorization": "Bearer x"})
    assert bad.status_code == 401
    officer = _bearer(ctx, "po", "programme_officer", countries=["GHA"])
    assert client.post("/api/v1/imports/tidy", files=files, headers=officer).status_code == 403
    auth = _bearer(ctx, "ana", "analyst")
    r = client.post("/api/v1/imports/tidy", files=files, headers=auth)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["inserted"]) == ("imported", 2)
    ind = client.get("/api/v1/countries/GHA/indicators").json()
    dnm = next(i for i in ind["indicators"] if i["id"] == "dnm_density_per_10k")
    assert (dnm["value"], dnm["year"]) == (pytest.approx(37.4), 2020)
    events = client.get("/api/v1/audit", headers=_bearer(ctx, "root", "admin")).json()["data"]
    imported = [e for e in events if e["action"] == "data.import"]
    ana_id = next(u.id for u in accounts.list_users(ctx, LOCAL_ADMIN) if u.username == "ana")
    assert imported[-1]["actor"].startswith("token:")
    assert imported[-1]["actor"].endswith(f":user#{ana_id}")  # ids, never names
    assert all("ana" not in e["actor"] for e in events)
    assert imported[-1]["detail"]["inserted"] == 2


def test_bad_upload_lists_rows(client: TestClient, ctx: AppContext) -> None:
    auth = _bearer(ctx, "ana", "analyst")
    body = (CSV + "ZZZ,2221,2020,T,total,all,per_10k,1,X\n").encode()
    r = client.post("/api/v1/imports/tidy", files={"file": ("bad.csv", body)}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (422, "invalid")
    assert r.json()["errors"] == [
        {
            "file": "bad.csv",
            "line": 4,
            "column": "country",
            "value": "ZZZ",
            "expected": "an ISO 3166-1 alpha-3 country code such as GHA",
        }
    ]
    exe = client.post("/api/v1/imports/tidy", files={"file": ("x.exe", b"MZ")}, headers=auth)
    assert exe.status_code == 422
    assert "not accepted" in exe.json()["error"]


def test_upload_size_limit(ctx: AppContext) -> None:
    settings = ctx.settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(settings)) as c:
        auth = _bearer(ctx, "ana", "analyst")
        big = CSV.encode() + b"#" * (1024 * 1024 + 10)
        r = c.post("/api/v1/imports/tidy", files={"file": ("big.csv", big)}, headers=auth)
    assert r.status_code == 422
    assert "larger than 1 MB" in r.json()["error"]


def test_openapi_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/countries",
        "/api/v1/countries/{code}/indicators",
        "/api/v1/series",
        "/api/v1/corridors",
        "/api/v1/ssl/{version}",
        "/api/v1/sources",
        "/api/v1/imports/{fmt}",
        "/api/v1/audit/verify",
    ):
        assert p in paths


def test_control_characters_are_refused(client: TestClient, ctx: AppContext) -> None:
    admin = _bearer(ctx, "root", "admin")
    assert client.get("/api/v1/countries?region=A%00").status_code == 422
    assert client.post("/api/v1/users/x%00y/disable", headers=admin).status_code == 422
    r = client.post("/api/v1/tokens", json={"name": "a\x00b"}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "invalid")


def test_password_reset_over_the_api(client: TestClient, ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "kojo", "analyst", password="first passphrase!")
    issued = accounts.create_password_reset(ctx, LOCAL_ADMIN, "kojo")
    bad = client.post("/api/v1/auth/password-reset", json={"token": "nope", "password": "x" * 12})
    assert (bad.status_code, bad.json()["code"]) == (401, "unauthorized")
    ok = client.post(
        "/api/v1/auth/password-reset",
        json={"token": issued.secret, "password": "second passphrase!"},
    )
    assert ok.status_code == 204
    assert accounts.login(ctx, "kojo", "second passphrase!").name == "kojo"
