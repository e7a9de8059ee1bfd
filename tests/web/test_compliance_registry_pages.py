"""The registry pages' edit and delete forms, and the yearly scorecards (TestClient).

Forms only for those entitled (edit: analysts and admins; delete: admins), CSRF on every
POST, errors shown with the field, the value and what was expected; scorecards per year with
a text alternative for the trend line and a per-year download; a recruiter sees only its own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, compliance
from hrh.services.compliance_registry import import_organisations, load_bundled_agreements
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "compliance"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    load_bundled_agreements(ctx)
    import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    compliance.import_file(ctx, LOCAL_ADMIN, DATA / "personal_records.csv")
    accounts.add_user(
        ctx, LOCAL_ADMIN, "rec-acme", "recruiter", password=PASSWORD, organisation="acme"
    )
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "analyst", password=PASSWORD)
    accounts.add_user(ctx, LOCAL_ADMIN, "root", "admin", password=PASSWORD)
    with TestClient(create_app(ctx.settings), follow_redirects=False) as c:
        yield c


def _token(html: str) -> str:
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', html)
    assert match is not None, "no CSRF field on the page"
    return match[1]


def _sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    token = _token(client.get("/login").text)
    form = {"csrf_token": token, "username": username, "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 303


def _kenya_form(page: str, **changes: str) -> dict[str, str]:
    """The values the edit form of GBR-KEN-2021 shows, with ``changes``."""
    block = page.split('id="edit-agreement-GBR-KEN-2021"')[1].split("</details>")[0]
    fields = dict(re.findall(r'<input id="ag\d+-\w+" name="(\w+)"[^>]*?value="([^"]*)"', block))
    fields["kind"] = "g2g"
    fields["terms"] = ""
    fields["routes"] = fields.get("routes", "")
    return {**fields, **changes, "csrf_token": _token(page)}


def test_forms_are_shown_only_to_those_entitled(client: TestClient) -> None:
    public = client.get("/compliance/agreements").text
    assert "GBR-KEN-2021" in public and "/edit" not in public
    _sign_in(client, "rec-acme")
    assert "/edit" not in client.get("/compliance/agreements").text
    own = client.get("/compliance/organisations").text
    assert "acme" in own and "/edit" not in own and "beta" not in own.split("<main")[1]
    _sign_in(client, "ana")
    page = client.get("/compliance/agreements").text
    assert 'action="/compliance/agreements/GBR-KEN-2021/edit"' in page
    assert "/delete" not in page  # deleting is for admins
    assert (
        'action="/compliance/organisations/beta/edit"'
        in client.get("/compliance/organisations").text
    )
    _sign_in(client, "root")
    assert (
        'action="/compliance/agreements/GBR-KEN-2021/delete"'
        in client.get("/compliance/agreements").text
    )


def test_an_analyst_ends_an_agreement_and_bad_values_are_explained(client: TestClient) -> None:
    _sign_in(client, "ana")
    page = client.get("/compliance/agreements").text
    url = "/compliance/agreements/GBR-KEN-2021/edit"
    no_token = {k: v for k, v in _kenya_form(page).items() if k != "csrf_token"}
    assert client.post(url, data=no_token).status_code == 403
    done = client.post(url, data=_kenya_form(page, valid_to="2025-06-30"))
    assert done.status_code == 303
    assert done.headers["location"] == "/compliance/agreements?done=updated#agreement-GBR-KEN-2021"
    after = client.get("/compliance/agreements?done=updated").text
    assert "The change was saved and recorded in the audit trail." in after
    assert 'name="valid_to" type="date" value="2025-06-30"' in after

    bad = client.post(url, data=_kenya_form(after, valid_to="2001-01-01", origin="ZZZ"))
    assert bad.status_code == 422
    assert "The change was not saved." in bad.text
    assert "<code>valid_to</code> · got <code>2001-01-01</code>" in bad.text
    assert "<code>origin</code> · got <code>ZZZ</code>" in bad.text
    assert 'id="edit-agreement-GBR-KEN-2021" open' in bad.text
    fr = client.post(url + "?lang=fr", data=_kenya_form(after, valid_to="2001-01-01"))
    assert "pas été enregistrée." in fr.text

    _sign_in(client, "rec-acme")
    token = _token(client.get("/compliance/organisations").text)
    assert client.post(url, data={"csrf_token": token, "valid_to": ""}).status_code == 403
    gone = client.post(
        "/compliance/agreements/GBR-KEN-2021/delete", data={"csrf_token": token, "reason": "x"}
    )
    assert gone.status_code == 403


def test_organisations_are_edited_and_deleted_on_the_page(client: TestClient) -> None:
    _sign_in(client, "ana")
    page = client.get("/compliance/organisations").text
    token = _token(page)
    listings = "2023-01-01 | 2023-12-31 | NHS list 2023\n2024-06-01 |  | NHS list 2024"
    form = {
        "csrf_token": token,
        "country": "GBR",
        "kind": "agency",
        "source": "",
        "listings": listings,
    }
    r = client.post("/compliance/organisations/beta/edit", data=form)
    assert r.status_code == 303, r.text
    after = client.get("/compliance/organisations").text
    assert "2024-06-01 |  | NHS list 2024" in after
    bad = client.post(
        "/compliance/organisations/beta/edit", data={**form, "listings": "2023-01-01 only"}
    )
    assert bad.status_code == 422
    assert "<code>listings</code> · got <code>2023-01-01 only</code>" in bad.text
    delete = {"csrf_token": token, "reason": "duplicate"}
    assert client.post("/compliance/organisations/beta/delete", data=delete).status_code == 403

    _sign_in(client, "root")
    token = _token(client.get("/compliance/organisations").text)
    r = client.post(
        "/compliance/organisations/beta/delete", data={"csrf_token": token, "reason": "dup"}
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "The entry was deleted" in page
    assert 'id="organisation-beta"' not in page


def test_scorecards_show_each_year_with_a_text_alternative(client: TestClient) -> None:
    _sign_in(client, "ana")
    page = client.get("/compliance/scorecards").text
    assert 'role="img" aria-label="Share of records with findings by year: 2023: 100' in page
    acme = page.split('<th scope="row">acme</th>')[1].split("</tr>\n    \n")[0]
    assert "on the ethical recruiters list part of the year" in acme
    assert 'href="/compliance/scorecards/agency.csv"' in page
    download = client.get("/compliance/scorecards/agency.csv")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [(r["group"], r["year"], r["status_that_year"]) for r in rows] == [
        ("acme", "2023", "partly_listed"),
        ("acme", "2024", "partly_listed"),
        ("beta", "2024", "not_listed"),
        ("gamma", "2024", "not_in_registry"),
    ]
    assert client.get("/compliance/scorecards/agency.xlsx").status_code == 200
    assert client.get("/compliance/scorecards/city.csv").status_code == 404
    fr = client.get("/compliance/scorecards?lang=fr").text
    assert "Part des dossiers avec constats par année" in fr

    _sign_in(client, "rec-acme")
    own = list(csv.DictReader(io.StringIO(client.get("/compliance/scorecards/agency.csv").text)))
    assert {r["group"] for r in own} == {"acme"}
    client.cookies.clear()
    assert client.get("/compliance/scorecards/agency.csv").status_code == 303


def test_the_registries_download_with_the_pages_access(client: TestClient) -> None:
    from openpyxl import load_workbook

    page = client.get("/compliance/agreements").text  # public, as the page
    assert 'href="/compliance/agreements.csv"' in page
    rows = list(csv.DictReader(io.StringIO(client.get("/compliance/agreements.csv").text)))
    kenya = next(r for r in rows if r["agreement_id"] == "GBR-KEN-2021")
    assert (kenya["origin"], kenya["destination"], kenya["valid_from"]) == (
        "KEN",
        "GBR",
        "2021-07-29",
    )
    wb = load_workbook(io.BytesIO(client.get("/compliance/agreements.xlsx").content))
    assert wb["Data"].max_row == len(rows) + 1
    assert client.get("/compliance/agreements.json").status_code == 400
    # organisations: signed-in readers only, a recruiter its own organisation
    assert client.get("/compliance/organisations.csv").status_code == 303
    _sign_in(client, "rec-acme")
    own = list(csv.DictReader(io.StringIO(client.get("/compliance/organisations.csv").text)))
    assert {r["name"] for r in own} == {"acme"}
    assert [(r["listed_from"], r["listed_to"]) for r in own] == [
        ("2022-01-01", "2023-06-30"),
        ("2024-03-01", ""),
    ]
    _sign_in(client, "ana")
    page = client.get("/compliance/organisations").text
    assert 'href="/compliance/organisations.xlsx"' in page
    every = list(csv.DictReader(io.StringIO(client.get("/compliance/organisations.csv").text)))
    assert {"acme", "beta", "nhs-trust"} <= {r["name"] for r in every}
    beta = next(r for r in every if r["name"] == "beta")
    assert beta["listed_from"] == "" and beta["source"].startswith("Registered")
