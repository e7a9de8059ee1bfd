"""PATCH and DELETE of registry entries over the API, and yearly scorecards.

Analysts and admins edit; only admins delete; recruiters do neither. Errors use the one
envelope with located problems; the scorecard gives each year with the status that year.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts
from hrh.services.compliance_registry import load_bundled_agreements
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "compliance"
URL = "/api/v1/compliance"
Api = tuple[TestClient, dict[str, dict[str, str]]]


def _bearer(ctx: AppContext, username: str, role: str, **kw: object) -> dict[str, str]:
    accounts.add_user(ctx, LOCAL_ADMIN, username, role, **kw)  # type: ignore[arg-type]
    issued = accounts.create_token(ctx, LOCAL_ADMIN, username, "test")
    return {"Authorization": f"Bearer {issued.secret}"}


def _upload(path: Path) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (path.name, path.read_bytes(), "text/csv")}


@pytest.fixture
def api(ctx: AppContext) -> Iterator[Api]:
    load_bundled_agreements(ctx)
    h = {
        "acme": _bearer(ctx, "rec-acme", "recruiter", organisation="acme"),
        "beta": _bearer(ctx, "rec-beta", "recruiter", organisation="beta"),
        "analyst": _bearer(ctx, "ana", "analyst"),
        "admin": _bearer(ctx, "root", "admin"),
    }
    with TestClient(create_app(ctx.settings)) as c:
        for path, file in (("organisations/import", "organisations.csv"),):
            r = c.post(f"{URL}/{path}", headers=h["analyst"], files=_upload(DATA / file))
            assert r.status_code == 200, r.text
        r = c.post(
            f"{URL}/records", headers=h["analyst"], files=_upload(DATA / "personal_records.csv")
        )
        assert r.status_code == 200, r.text
        yield c, h


def _kenya(c: TestClient) -> dict[str, object] | None:
    rows = c.get(f"{URL}/agreements").json()["data"]
    return next((a for a in rows if a["agreement_id"] == "GBR-KEN-2021"), None)


def test_patch_and_delete_agreements(api: Api) -> None:
    c, h = api
    url = f"{URL}/agreements/GBR-KEN-2021"
    assert c.patch(url, json={"valid_to": "2025-06-30"}, headers=h["acme"]).status_code == 403
    r = c.patch(url, json={"valid_to": "2025-06-30", "cadres": ["2221"]}, headers=h["analyst"])
    assert r.status_code == 200, r.text
    assert (r.json()["valid_to"], r.json()["cadres"]) == ("2025-06-30", ["nursing_professionals"])
    assert (kenya := _kenya(c)) is not None and kenya["valid_to"] == "2025-06-30"
    r = c.patch(url, json={"valid_to": None}, headers=h["analyst"])
    assert r.status_code == 200 and r.json()["valid_to"] is None  # open-ended again

    bad = c.patch(url, json={"valid_to": "2001-01-01"}, headers=h["analyst"])
    assert bad.status_code == 422
    [p] = bad.json()["errors"]
    assert (p["column"], p["value"]) == ("valid_to", "2001-01-01") and p["expected"]
    assert c.patch(url, json={"agreement_id": "X"}, headers=h["analyst"]).status_code == 422
    missing = c.patch(f"{URL}/agreements/NOPE", json={"terms": "x"}, headers=h["analyst"])
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"

    assert c.delete(url, headers=h["analyst"]).status_code == 403  # admins only
    assert c.delete(url, headers=h["acme"]).status_code == 403
    assert c.delete(url, params={"reason": "duplicate"}, headers=h["admin"]).status_code == 204
    assert _kenya(c) is None
    assert c.delete(url, headers=h["admin"]).status_code == 404


def test_patch_and_delete_organisations(api: Api) -> None:
    c, h = api
    url = f"{URL}/organisations/beta"
    body = {"listings": [{"valid_from": "2024-01-01", "source": "NHS list 2024"}]}
    assert c.patch(url, json=body, headers=h["beta"]).status_code == 403
    r = c.patch(url, json=body, headers=h["analyst"])
    assert r.status_code == 200, r.text
    assert r.json()["listings"] == [
        {"valid_from": "2024-01-01", "valid_to": None, "source": "NHS list 2024"}
    ]
    r = c.patch(url, json={"type": "employer", "country": "IRL"}, headers=h["analyst"])
    assert (r.json()["type"], r.json()["country"], len(r.json()["listings"])) == (
        "employer",
        "IRL",
        1,
    )  # listings not given: kept
    bad = c.patch(url, json={"country": "ZZZ"}, headers=h["analyst"])
    assert bad.status_code == 422
    assert [(p["column"], p["value"]) for p in bad.json()["errors"]] == [("country", "ZZZ")]
    assert c.patch(url, json={"name": "b2"}, headers=h["analyst"]).status_code == 422

    assert c.delete(url, headers=h["analyst"]).status_code == 403
    assert c.delete(url, headers=h["admin"]).status_code == 204
    names = [o["name"] for o in c.get(f"{URL}/organisations", headers=h["admin"]).json()["data"]]
    assert names == ["acme", "nhs-trust"]
    # its records stay, and now read as "not in the registry"
    cards = c.get(f"{URL}/scorecards/agency", headers=h["analyst"]).json()["data"]
    beta = next(r for r in cards if r["group"] == "beta")
    assert beta["records"] == 1 and beta["years"][0]["status"]["status"] == "not_in_registry"


def test_scorecards_have_years_and_stay_scoped(api: Api) -> None:
    c, h = api
    rows = c.get(f"{URL}/scorecards/agency", headers=h["acme"]).json()["data"]
    assert [r["group"] for r in rows] == ["acme"]  # never beta or gamma
    [acme] = rows
    assert [(y["year"], y["records"], y["flagged_records"]) for y in acme["years"]] == [
        (2023, 1, 1),
        (2024, 1, 0),
    ]
    assert {y["status"]["status"] for y in acme["years"]} == {"partly_listed"}
    assert acme["trend"] == {"2023": 1.0, "2024": 0.0}
    source = c.get(f"{URL}/scorecards/source", headers=h["analyst"]).json()["data"]
    assert all(y["status"] is None for r in source for y in r["years"])
