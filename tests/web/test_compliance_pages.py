"""The compliance pages: findings, records, scorecards, registries, report, upload (TestClient).

A recruiter of one organisation must never see another's records on any page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.ingest.reference import read_manifest
from hrh.services import accounts, compliance, imports
from hrh.services.compliance_registry import import_organisations, load_bundled_agreements
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "compliance"
PASSWORD = "correct horse battery staple"
HEADER = (
    "record_id,organisation,organisation_type,destination,candidate_residence,"
    "candidate_nationality,cadre,route,referral_bonus_paid,recruitment_date,"
    "fee_charged_to_candidate,fee_currency,repayment_clause_amount,repayment_clause_months,"
    "contract_start\n"
)
ACME = HEADER + (
    "A1,acme,agency,GBR,IND,IND,2221,active,false,2024-01-10,500,GBP,0,0,\n"
    "A2,acme,agency,GBR,IND,IND,2221,direct_application,false,2024-01-11,0,,0,0,\n"
)
BETA = HEADER + (
    "B1,beta,employer,GBR,PHL,PHL,2221,active,false,2024-02-10,9000,PHP,3000,36,\n"
    "B2,beta,employer,GBR,KEN,KEN,2221,active,false,2024-02-11,0,,0,0,\n"
    "B3,beta,employer,IRL,PHL,PHL,2221,active,false,2023-02-11,1,EUR,0,0,\n"
)
NEW = HEADER + "A7,acme,agency,GBR,IND,IND,2221,active,false,2024-05-10,250,GBP,0,0,\n"


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    load_bundled_agreements(ctx)
    users = (("rec-acme", "recruiter", "acme"), ("rec-beta", "recruiter", "beta"))
    for name, role, org in users:
        accounts.add_user(ctx, LOCAL_ADMIN, name, role, password=PASSWORD, organisation=org)
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "analyst", password=PASSWORD)
    accounts.add_user(
        ctx, LOCAL_ADMIN, "po", "programme_officer", password=PASSWORD, countries=["GHA"]
    )
    compliance.import_text(ctx, LOCAL_ADMIN, ACME, "acme.csv")
    compliance.import_text(ctx, LOCAL_ADMIN, BETA, "beta.csv")
    compliance.import_file(ctx, LOCAL_ADMIN, DATA / "personal_records.csv")
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


def test_anonymous_is_sent_to_sign_in_and_others_are_refused(client: TestClient) -> None:
    for path in ("/compliance?rule=candidate_fee", "/compliance/scorecards", "/compliance/upload"):
        r = client.get(path)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login?next=%2Fcompliance")
    assert client.get("/compliance/agreements").status_code == 200  # public reference
    _sign_in(client, "po")
    for path in ("/compliance", "/compliance/scorecards", "/compliance/records/acme/A1"):
        assert client.get(path).status_code == 403
    assert 'href="/compliance"' not in client.get("/").text  # no nav link for them


def test_analyst_sees_every_page(client: TestClient) -> None:
    _sign_in(client, "ana")
    home = client.get("/").text
    assert 'href="/compliance"' in home
    page = client.get("/compliance")
    assert page.status_code == 200
    assert "Fee charged to the candidate" in page.text
    assert 'href="/compliance/records/acme/A1"' in page.text
    assert 'href="/compliance/records/beta/B1"' in page.text
    assert "Ama Mensah" not in page.text  # personal fields never in lists
    record = client.get("/compliance/records/beta/B1")
    assert record.status_code == 200
    assert "repayment_clause" in record.text
    assert "<code>currency</code>" in record.text  # the evidence
    personal = client.get("/compliance/records/acme/P1")
    assert "Ama Mensah" in personal.text  # the analyst may read the candidate's fields
    cards = client.get("/compliance/scorecards")
    assert cards.status_code == 200
    for group in (
        "scorecard-agency",
        "scorecard-employer",
        "scorecard-source",
        "scorecard-destination",
    ):
        assert group in cards.text
    assert "beta" in cards.text
    agreements = client.get("/compliance/agreements")
    assert agreements.status_code == 200
    assert "GBR-KEN-2021" in agreements.text or "KEN" in agreements.text


def test_filters_and_pages(client: TestClient) -> None:
    _sign_in(client, "ana")
    page = client.get("/compliance?rule=repayment_clause")
    assert page.status_code == 200
    assert "beta/B1" in page.text
    assert "acme/A1" not in page.text
    by_place = client.get("/compliance?destination=IRL&since=2023-01-01&until=2023-12-31")
    assert "beta/B3" in by_place.text
    assert "beta/B1" not in by_place.text
    bad = client.get("/compliance?since=yesterday")
    assert bad.status_code == 400
    assert "Filter not understood" in bad.text
    assert client.get("/compliance?rule=nope").status_code == 400
    assert client.get("/compliance?page=2").status_code == 200


def test_recruiter_never_sees_another_organisation(client: TestClient) -> None:
    _sign_in(client, "rec-acme")
    page = client.get("/compliance")
    assert page.status_code == 200
    assert "acme/A1" in page.text
    assert "beta" not in page.text.split("<main")[1]
    assert "beta/" not in client.get("/compliance?organisation=beta").text
    by_source = client.get("/compliance?source=PHL").text
    assert "Findings: 0" in by_source
    assert "beta/" not in by_source
    theirs = client.get("/compliance/records/beta/B1")
    missing = client.get("/compliance/records/beta/NOPE")
    assert theirs.status_code == missing.status_code == 404
    assert "repayment" not in theirs.text
    assert client.get("/compliance/records/acme/A1").status_code == 200
    cards = client.get("/compliance/scorecards").text.split("<main")[1]
    assert "acme" in cards
    assert "beta" not in cards
    assert "gamma" not in cards


def test_upload_dry_run_stores_nothing_then_import_stores(client: TestClient) -> None:
    _sign_in(client, "rec-acme")
    form = client.get("/compliance/upload")
    assert form.status_code == 200
    token = _token(form.text)
    files = {"file": ("new.csv", NEW, "text/csv")}
    checked = client.post("/compliance/upload", data={"csrf_token": token}, files=files)
    assert checked.status_code == 200
    assert "Checked: nothing stored yet" in checked.text
    assert "Fee charged to the candidate" in checked.text
    assert client.get("/compliance/records/acme/A7").status_code == 404
    digest = re.search(r'name="checked" value="([0-9a-f]{64})"', checked.text)
    assert digest is not None
    other = HEADER + "A8,acme,agency,GBR,IND,IND,2221,active,false,2024-05-10,0,,0,0,\n"
    changed = client.post(
        "/compliance/upload",
        data={"csrf_token": token, "action": "import", "checked": digest[1]},
        files={"file": ("new.csv", other, "text/csv")},
    )
    assert changed.status_code == 422
    assert client.get("/compliance/records/acme/A8").status_code == 404
    imported = client.post(
        "/compliance/upload",
        data={"csrf_token": token, "action": "import", "checked": digest[1]},
        files=files,
    )
    assert imported.status_code == 200
    assert "Imported" in imported.text
    assert client.get("/compliance/records/acme/A7").status_code == 200


def test_bad_upload_shows_the_located_error(client: TestClient) -> None:
    _sign_in(client, "rec-acme")
    token = _token(client.get("/compliance/upload").text)
    bad = (DATA / "bad_records.csv").read_text(encoding="utf-8")
    r = client.post(
        "/compliance/upload",
        data={"csrf_token": token},
        files={"file": ("bad_records.csv", bad, "text/csv")},
    )
    assert r.status_code == 422
    assert "bad_records.csv:3" in r.text
    assert "nothing was stored" in r.text
    pdf = client.post(
        "/compliance/upload",
        data={"csrf_token": token},
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
    )
    assert pdf.status_code == 422
    assert "Only .csv and .xlsx" in pdf.text
    # another organisation's rows are refused, located
    beta = client.post(
        "/compliance/upload",
        data={"csrf_token": token},
        files={"file": ("beta.csv", BETA, "text/csv")},
    )
    assert beta.status_code == 422
    assert "beta.csv:2" in beta.text


def test_upload_needs_the_csrf_token_and_write_permission(client: TestClient) -> None:
    _sign_in(client, "rec-acme")
    files = {"file": ("new.csv", NEW, "text/csv")}
    r = client.post("/compliance/upload", data={"action": "import"}, files=files)
    assert r.status_code == 403
    assert client.get("/compliance/records/acme/A7").status_code == 404
    _sign_in(client, "po")
    assert client.get("/compliance/upload").status_code == 403


def test_pages_in_french(client: TestClient) -> None:
    _sign_in(client, "ana")
    page = client.get("/compliance?lang=fr")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Constats" in page.text
    assert "Frais facturés au candidat" in page.text
    cards = client.get("/compliance/scorecards?lang=fr")
    assert "Agences de recrutement" in cards.text


def test_an_excel_upload_is_checked_like_a_csv(client: TestClient, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for line in NEW.splitlines():
        ws.append(line.split(","))
    wb.save(tmp_path / "new.xlsx")
    _sign_in(client, "rec-acme")
    token = _token(client.get("/compliance/upload").text)
    xlsx = (tmp_path / "new.xlsx").read_bytes()
    r = client.post(
        "/compliance/upload",
        data={"csrf_token": token},
        files={"file": ("new.xlsx", xlsx, "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    assert "Checked: nothing stored yet" in r.text
    assert "Fee charged to the candidate" in r.text


def test_a_percent_sign_in_a_file_name_is_shown_safely(client: TestClient) -> None:
    _sign_in(client, "rec-acme")
    token = _token(client.get("/compliance/upload").text)
    r = client.post(
        "/compliance/upload",
        data={"csrf_token": token},
        files={"file": ("50%s<b>.pdf", b"x", "application/pdf")},
    )
    assert r.status_code == 422
    assert "50%s&lt;b&gt;.pdf" in r.text


def _load_safeguards_list(ctx: AppContext) -> None:
    """Store the bundled 2023 list (Ghana is on it) and a beta record from Ghana."""
    entry = next(e for e in read_manifest() if e.format == "safeguards-list")
    imports.import_file(ctx, entry.format, entry.file, principal=LOCAL_ADMIN, options=entry.options)
    ghana = HEADER + "B9,beta,employer,GBR,GHA,GHA,2221,active,false,2024-03-01,0,,0,0,\n"
    compliance.import_text(ctx, LOCAL_ADMIN, ghana, "ghana.csv")


def csv_text(client: TestClient, section: str) -> str:
    r = client.get(f"/compliance/report/{section}.csv?as_of=2024-12-31")
    assert r.status_code == 200
    return r.text


def test_report_page_shows_the_national_figures(ctx: AppContext, client: TestClient) -> None:
    _load_safeguards_list(ctx)
    _sign_in(client, "ana")
    page = client.get("/compliance/report?as_of=2024-12-31")
    assert page.status_code == 200
    main = page.text.split("<main")[1]
    for section in ("inflows_records", "inflows_oecd", "ssl_recruitment", "agreements"):
        assert f'id="report-{section}"' in main
        assert f'href="/compliance/report/{section}.csv?as_of=2024-12-31"' in main
    inflows = main.split('id="report-inflows_records"')[1].split("</section>")[0]
    assert "Philippines" in inflows  # beta's records, all organisations for an analyst
    assert "India" in inflows
    assert "GBR-KEN-2021" in main.split('id="report-agreements"')[1]
    ssl = main.split('id="report-ssl_recruitment"')[1].split("</section>")[0]
    assert "Ghana" in ssl  # B9, resident in Ghana (on the 2023 list)
    assert "India" not in ssl
    assert "GBR,PHL,nursing_professionals,3" in csv_text(client, "inflows_records")
    before = client.get("/compliance/report?as_of=2023-06-30&destination=irl").text
    early = before.split('id="report-inflows_records"')[1].split("</section>")[0]
    assert "Philippines" in early  # B3, IRL, recruited 2023-02-11
    assert "India" not in early
    csv = client.get("/compliance/report/inflows_records.csv?as_of=2024-12-31")
    assert csv.status_code == 200
    assert csv.text.splitlines()[0] == "destination,country_of_training,cadre,records"
    assert "GBR,IND,nursing_professionals,4" in csv.text
    assert csv_text(client, "inflows_oecd").splitlines() == [
        "destination,country_of_training,cadre,year,inflow,source"
    ]  # no OECD flows stored: the header only
    xlsx = client.get("/compliance/report/agreements.xlsx?as_of=2024-12-31")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert 'href="/compliance/report"' in client.get("/compliance").text  # in the sub-navigation


def test_report_counts_only_the_recruiters_own_records(ctx: AppContext, client: TestClient) -> None:
    _load_safeguards_list(ctx)
    _sign_in(client, "rec-acme")
    page = client.get("/compliance/report?as_of=2024-12-31")
    assert page.status_code == 200
    inflows = page.text.split('id="report-inflows_records"')[1].split("</section>")[0]
    assert "India" in inflows
    assert "Philippines" not in inflows
    assert "Kenya" not in inflows
    assert "Records of your organisation only" in page.text
    ssl = page.text.split('id="report-ssl_recruitment"')[1].split("</section>")[0]
    assert "Ghana" not in ssl  # beta's record
    assert "No rows." in ssl
    csv = client.get("/compliance/report/inflows_records.csv?as_of=2024-12-31").text
    assert "GBR,IND,nursing_professionals,4" in csv
    assert "PHL" not in csv
    assert "KEN" not in csv


def test_report_bad_parameters_and_access(client: TestClient) -> None:
    for path in ("/compliance/report?as_of=2024-12-31", "/compliance/report/agreements.csv"):
        r = client.get(path)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login?next=%2Fcompliance%2Freport")
    _sign_in(client, "po")
    assert client.get("/compliance/report").status_code == 403
    _sign_in(client, "ana")
    assert client.get("/compliance/report").status_code == 200  # today by default
    bad = client.get("/compliance/report?as_of=yesterday")
    assert bad.status_code == 400
    assert "Report date not understood" in bad.text
    assert client.get("/compliance/report?as_of=2024-01-01&destination=GB").status_code == 400
    assert client.get("/compliance/report/agreements.csv?as_of=nope").status_code == 400
    assert client.get("/compliance/report/records.csv?as_of=2024-01-01").status_code == 404
    assert client.get("/compliance/report/agreements.pdf?as_of=2024-01-01").status_code == 404


def test_organisations_page_scoped_to_the_recruiter(ctx: AppContext, client: TestClient) -> None:
    import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    assert client.get("/compliance/organisations").status_code == 303
    _sign_in(client, "ana")
    page = client.get("/compliance/organisations")
    assert page.status_code == 200
    main = page.text.split("<main")[1]
    for name in ("acme", "beta", "nhs-trust"):
        assert f'id="organisation-{name}"' in main
    assert "NHS Employers Ethical Recruiters List (2024 edition)" in main
    assert "never listed" in main
    assert 'href="/compliance/organisations"' in main  # in the sub-navigation
    _sign_in(client, "rec-acme")
    mine = client.get("/compliance/organisations").text.split("<main")[1]
    assert 'id="organisation-acme"' in mine
    assert "beta" not in mine
    assert "nhs-trust" not in mine
    _sign_in(client, "po")
    assert client.get("/compliance/organisations").status_code == 403


def test_report_and_organisations_in_french(ctx: AppContext, client: TestClient) -> None:
    import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    _sign_in(client, "ana")
    report = client.get("/compliance/report?as_of=2024-12-31&lang=fr").text
    assert "<h1>Rapport national sur le Code de l" in report, report.split("<main")[1][:600]
    assert "Accords en vigueur" in report
    orgs = client.get("/compliance/organisations?lang=fr").text
    assert "Organisations de recrutement" in orgs
