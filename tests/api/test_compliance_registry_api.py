"""Compliance registries and personal fields over the API; Excel uploads.

Organisations: recruiters read their own only; analysts and admins write. Agreements: public
to read, written by analysts and admins. Candidate fields: the record's organisation and
analysts see them; another organisation's recruiter gets 404 for the record.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

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
    }
    with TestClient(create_app(ctx.settings)) as c:
        r = c.post(
            f"{URL}/organisations/import",
            headers=h["analyst"],
            files=_upload(DATA / "organisations.csv"),
        )
        assert r.status_code == 200, r.text
        r = c.post(
            f"{URL}/records", headers=h["analyst"], files=_upload(DATA / "personal_records.csv")
        )
        assert r.status_code == 200, r.text
        yield c, h


def test_organisations_are_scoped_and_written_by_analysts(api: Api) -> None:
    c, h = api
    everyone = c.get(f"{URL}/organisations", headers=h["analyst"]).json()
    assert [o["name"] for o in everyone["data"]] == ["acme", "beta", "nhs-trust"]
    assert everyone["data"][0]["listings"][1] == {
        "valid_from": "2024-03-01",
        "valid_to": None,
        "source": "NHS Employers Ethical Recruiters List (2024 edition)",
    }
    mine = c.get(f"{URL}/organisations", headers=h["acme"]).json()
    assert [o["name"] for o in mine["data"]] == ["acme"] and mine["count"] == 1
    assert c.get(f"{URL}/organisations").status_code == 401

    body = {"name": "delta", "country": "IRL", "type": "agency",
            "ethical_recruiter_from": "2024-01-01", "source": "NHS Employers"}  # fmt: skip
    assert c.post(f"{URL}/organisations", headers=h["acme"], json=body).status_code == 403
    r = c.post(f"{URL}/organisations", headers=h["analyst"], json=body)
    assert r.status_code == 201, r.text
    assert r.json()["listings"] == [
        {"valid_from": "2024-01-01", "valid_to": None, "source": "NHS Employers"}
    ]
    assert c.post(f"{URL}/organisations", headers=h["analyst"], json=body).status_code == 409
    wrong = {**body, "name": "e", "country": "ZZZ"}
    bad = c.post(f"{URL}/organisations", headers=h["analyst"], json=wrong)
    assert bad.status_code == 422 and bad.json()["errors"][0]["column"] == "country"


def test_agreements_create_import_and_list(api: Api) -> None:
    c, h = api
    body = {"agreement_id": "GBR-GHA-2024", "origin": "GHA", "destination": "GBR",
            "cadres": ["2221"], "valid_from": "2024-01-01", "kind": "g2g",
            "source": "test", "routes": ["g2g"], "terms": "Government channel only"}  # fmt: skip
    assert c.post(f"{URL}/agreements", headers=h["acme"], json=body).status_code == 403
    r = c.post(f"{URL}/agreements", headers=h["analyst"], json=body)
    assert r.status_code == 201, r.text
    assert r.json()["cadres"] == ["nursing_professionals"]
    assert c.post(f"{URL}/agreements", headers=h["analyst"], json=body).status_code == 409
    wrong = {**body, "agreement_id": "X", "cadres": ["surgeon"]}
    bad = c.post(f"{URL}/agreements", headers=h["analyst"], json=wrong)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["column"] == "cadres"

    r = c.post(
        f"{URL}/agreements/import",
        headers=h["analyst"],
        files=_upload(DATA / "bad_agreements.csv"),
    )
    assert r.status_code == 422
    assert {(e["line"], e["column"]) for e in r.json()["errors"]} >= {(3, "origin"), (4, "kind")}
    listed = c.get(f"{URL}/agreements").json()  # public
    assert listed["count"] == 7  # six bundled + the one created; nothing of the bad file
    ghana = next(a for a in listed["data"] if a["agreement_id"] == "GBR-GHA-2024")
    assert ghana["terms"] == "Government channel only"


def test_candidate_fields_only_for_the_entitled(api: Api) -> None:
    c, h = api
    mine = c.get(f"{URL}/records/acme/P1", headers=h["acme"])
    assert mine.status_code == 200
    assert mine.json()["candidate"]["candidate_email"] == "ama.mensah@example.org"
    assert "personal" not in mine.json()["record"]
    assert "ama.mensah" not in str(mine.json()["record"])
    ana = c.get(f"{URL}/records/acme/P1", headers=h["analyst"]).json()
    assert ana["candidate"]["candidate_name"] == "Ama Mensah"
    theirs = c.get(f"{URL}/records/acme/P1", headers=h["beta"])
    assert theirs.status_code == 404 and "Ama" not in theirs.text
    findings = c.get(f"{URL}/findings?severity=low", headers=h["analyst"])
    assert findings.json()["count"] == 2
    everything = c.get(f"{URL}/findings", headers=h["analyst"]).text
    assert "Ama" not in everything and "example.org" not in everything


def test_scorecards_show_the_organisation_status(api: Api) -> None:
    c, h = api
    card = c.get(f"{URL}/scorecards/agency", headers=h["analyst"]).json()
    rows = {r["group"]: r for r in card["data"]}
    assert rows["acme"]["status"] == {  # listed since 2024-03-01, open-ended
        "status": "listed",
        "source": "NHS Employers Ethical Recruiters List (2024 edition)",
    }
    assert rows["beta"]["status"] == {
        "status": "not_listed",
        "source": "Registered with the regulator; never on the list",
    }
    assert rows["gamma"]["status"] == {"status": "not_in_registry", "source": ""}


def test_excel_upload_names_sheet_and_row(api: Api) -> None:
    c, h = api
    header = (DATA / "records.csv").read_text().splitlines()[0].split(",")[:15]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "records"
    ws.append(header)
    ws.append(["A1", "acme", "agency", "GBR", "GHA", "GHA", 2221, "active", False,
               date(2024, 1, 10), 0, None, 0, 0, None])  # fmt: skip
    ws.append(["A2", "acme", "agency", "GBR", "GHA", "GHA", 2221, "active", False,
               "10/01/2024", 0, None, 0, 0, None])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    files = {"file": ("q1.xlsx", buf.getvalue(), "application/octet-stream")}
    r = c.post(f"{URL}/records?dry_run=true", headers=h["acme"], files=files)
    assert r.status_code == 422
    (err,) = r.json()["errors"]
    assert (err["file"], err["line"], err["column"]) == (
        "q1.xlsx (sheet records)",
        3,
        "recruitment_date",
    )
    ws.delete_rows(3)
    buf = io.BytesIO()
    wb.save(buf)
    files = {"file": ("q1.xlsx", buf.getvalue(), "application/octet-stream")}
    r = c.post(f"{URL}/records?dry_run=true", headers=h["acme"], files=files)
    assert r.status_code == 200, r.text
    assert (r.json()["records"], r.json()["dry_run"]) == (1, True)
    bomb = {"file": ("x.xlsx", b"PK\x03\x04 not really a zip", "application/octet-stream")}
    r = c.post(f"{URL}/records", headers=h["acme"], files=bomb)
    assert r.status_code == 422 and "not an Excel workbook" in r.json()["error"]
    r = c.post(f"{URL}/records", headers=h["acme"], files={"file": ("x.pdf", b"%PDF", "a/b")})
    assert r.status_code == 422
