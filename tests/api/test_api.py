from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.services import tokens
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


def test_imports_need_an_admin_token(client: TestClient, ctx: AppContext, tmp_path: Path) -> None:
    files = {"file": ("ghana.csv", CSV.encode(), "text/csv")}
    r = client.post("/api/v1/imports/tidy", files=files)
    assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
    bad = client.post("/api/v1/imports/tidy", files=files, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    analyst = tokens.create_token(ctx, "analyst", "analyst")
    r = client.post(
        "/api/v1/imports/tidy", files=files, headers={"Authorization": f"Bearer {analyst.secret}"}
    )
    assert r.status_code == 403
    admin = tokens.create_token(ctx, "ci", "admin")
    auth = {"Authorization": f"Bearer {admin.secret}"}
    r = client.post("/api/v1/imports/tidy", files=files, headers=auth)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["inserted"]) == ("imported", 2)
    ind = client.get("/api/v1/countries/GHA/indicators").json()
    dnm = next(i for i in ind["indicators"] if i["id"] == "dnm_density_per_10k")
    assert (dnm["value"], dnm["year"]) == (pytest.approx(37.4), 2020)
    tokens.revoke_token(ctx, admin.id)
    assert client.post("/api/v1/imports/tidy", files=files, headers=auth).status_code == 401


def test_bad_upload_lists_rows(client: TestClient, ctx: AppContext) -> None:
    admin = tokens.create_token(ctx, "ci", "admin")
    files = {
        "file": ("bad.csv", (CSV + "ZZZ,2221,2020,T,total,all,per_10k,1,X\n").encode(), "text/csv")
    }
    r = client.post(
        "/api/v1/imports/tidy", files=files, headers={"Authorization": f"Bearer {admin.secret}"}
    )
    body = r.json()
    assert (r.status_code, body["code"]) == (422, "invalid")
    assert body["errors"] == [
        {
            "file": "bad.csv",
            "line": 4,
            "column": "country",
            "value": "ZZZ",
            "expected": "an ISO 3166-1 alpha-3 country code such as GHA",
        }
    ]


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
    ):
        assert p in paths
