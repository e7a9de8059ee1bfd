"""Compliance over the API: upload with dry run, findings, one record, scorecards, scoping.

A recruiter of one organisation must not read, list, count or infer another's records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts
from hrh.services.compliance_registry import load_bundled_agreements
from hrh.services.context import AppContext

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
URL = "/api/v1/compliance"


def _bearer(ctx: AppContext, username: str, role: str, **kw: object) -> dict[str, str]:
    accounts.add_user(ctx, LOCAL_ADMIN, username, role, **kw)  # type: ignore[arg-type]
    issued = accounts.create_token(ctx, LOCAL_ADMIN, username, "test")
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def api(ctx: AppContext) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    load_bundled_agreements(ctx)
    h = {
        "acme": _bearer(ctx, "rec-acme", "recruiter", organisation="acme"),
        "beta": _bearer(ctx, "rec-beta", "recruiter", organisation="beta"),
        "analyst": _bearer(ctx, "ana", "analyst"),
        "officer": _bearer(ctx, "po", "programme_officer", countries=["GHA"]),
    }
    with TestClient(create_app(ctx.settings)) as c:
        for org, text in (("acme", ACME), ("beta", BETA)):
            r = c.post(
                f"{URL}/records", headers=h[org], files={"file": (f"{org}.csv", text, "text/csv")}
            )
            assert r.status_code == 200, r.text
        yield c, h


def test_upload_dry_run_stores_nothing(ctx: AppContext) -> None:
    h = _bearer(ctx, "rec-acme", "recruiter", organisation="acme")
    with TestClient(create_app(ctx.settings)) as c:
        r = c.post(
            f"{URL}/records?dry_run=true",
            headers=h,
            files={"file": ("acme.csv", ACME, "text/csv")},
        )
        body = r.json()
        assert r.status_code == 200
        assert (body["records"], body["findings"], body["dry_run"]) == (2, 1, True)
        assert body["data"][0]["rule_id"] == "candidate_fee"
        assert c.get(f"{URL}/findings", headers=h).json() == {"data": [], "count": 0}


def test_bad_rows_come_back_located_and_nothing_is_stored(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    c, h = api
    bad = HEADER + "A9,acme,agency,GBR,XXX,IND,2221,active,false,2024-01-10,0,,0,0,\n"
    r = c.post(f"{URL}/records", headers=h["acme"], files={"file": ("bad.csv", bad, "text/csv")})
    body = r.json()
    assert (r.status_code, body["code"]) == (422, "invalid")
    assert body["errors"][0]["line"] == 2
    assert body["errors"][0]["column"] == "candidate_residence"
    assert c.get(f"{URL}/records/acme/A9", headers=h["acme"]).status_code == 404


def test_recruiter_cannot_upload_for_another_organisation(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    c, h = api
    r = c.post(f"{URL}/records", headers=h["acme"], files={"file": ("b.csv", BETA, "text/csv")})
    assert r.status_code == 422
    assert {e["line"] for e in r.json()["errors"]} == {2, 3, 4}
    # beta's stored records are untouched
    assert c.get(f"{URL}/findings", headers=h["beta"]).json()["count"] == 4


def test_recruiters_see_only_their_own_findings(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    c, h = api
    acme = c.get(f"{URL}/findings", headers=h["acme"]).json()
    assert acme["count"] == 1
    assert {f["organisation"] for f in acme["data"]} == {"acme"}
    beta = c.get(f"{URL}/findings", headers=h["beta"]).json()
    assert beta["count"] == 4
    assert {f["organisation"] for f in beta["data"]} == {"beta"}
    # asking for the other organisation, by filter or search, gives nothing (not an error)
    for q in ("organisation=beta", "rule=candidate_fee&organisation=beta", "source=PHL"):
        assert c.get(f"{URL}/findings?{q}", headers=h["acme"]).json() == {"data": [], "count": 0}
    # analysts see all
    assert c.get(f"{URL}/findings", headers=h["analyst"]).json()["count"] == 5
    assert c.get(f"{URL}/findings?organisation=beta", headers=h["analyst"]).json()["count"] == 4


def test_another_organisations_record_is_not_found(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    c, h = api
    mine = c.get(f"{URL}/records/acme/A1", headers=h["acme"])
    assert mine.status_code == 200
    assert mine.json()["findings"][0]["evidence"]["currency"] == "GBP"
    theirs = c.get(f"{URL}/records/beta/B1", headers=h["acme"])
    missing = c.get(f"{URL}/records/beta/NOPE", headers=h["acme"])
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()  # the same answer: nothing to infer
    assert "beta" not in json.dumps(theirs.json())
    assert c.get(f"{URL}/records/beta/B1", headers=h["analyst"]).status_code == 200


def test_scorecards_are_scoped(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, h = api
    acme = c.get(f"{URL}/scorecards/agency", headers=h["acme"]).json()
    assert acme["data"] == [
        {
            "group": "acme",
            "records": 2,
            "flagged_records": 1,
            "findings": 1,
            "rate": 0.5,
            "trend": {"2024": 0.5},
            "years": [
                {
                    "year": 2024,
                    "records": 2,
                    "flagged_records": 1,
                    "findings": 1,
                    "rate": 0.5,
                    "status": {"status": "not_in_registry", "source": ""},
                }
            ],
            "status": {"status": "not_in_registry", "source": ""},
        }
    ]
    for by in ("employer", "source", "destination"):
        rows = c.get(f"{URL}/scorecards/{by}", headers=h["acme"]).json()["data"]
        assert sum(r["records"] for r in rows) in (0, 2), by
    assert c.get(f"{URL}/scorecards/employer", headers=h["acme"]).json()["count"] == 0
    dest = c.get(f"{URL}/scorecards/destination", headers=h["analyst"]).json()["data"]
    assert {r["group"]: r["records"] for r in dest} == {"GBR": 4, "IRL": 1}


def test_roles_without_recruitment_access_are_refused(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    c, h = api
    assert c.get(f"{URL}/findings", headers=h["officer"]).status_code == 403
    assert c.get(f"{URL}/findings").status_code == 401
    assert c.get(f"{URL}/records/acme/A1").status_code == 401


def test_public_reference(ctx: AppContext) -> None:
    load_bundled_agreements(ctx)
    with TestClient(create_app(ctx.settings)) as c:
        ags = c.get(f"{URL}/agreements").json()
        assert ags["count"] == 6
        assert {a["origin"] for a in ags["data"]} == {"KEN", "NPL", "IND", "MYS", "PHL", "LKA"}
        rules = [r["id"] for r in c.get(f"{URL}/rules").json()]
        assert "ssl_active_recruitment" in rules


def test_imports_are_audited_without_personal_data(ctx: AppContext) -> None:
    from hrh.services import audit

    h = _bearer(ctx, "rec-acme", "recruiter", organisation="acme")
    with TestClient(create_app(ctx.settings)) as c:
        c.post(f"{URL}/records", headers=h, files={"file": ("a.csv", ACME, "text/csv")})
    events = [e for e in audit.list_events(ctx, LOCAL_ADMIN) if e.action == "recruitment.import"]
    assert len(events) == 1
    assert events[0].detail == {"findings": 1, "records": 2, "replaced": 0}
    assert events[0].target == "recruitment:acme"


def test_national_report_is_aggregate_and_scoped(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    c, h = api
    q = f"{URL}/report?as_of=2024-12-31"

    def counts(who: str, query: str = q) -> dict[tuple[str, str], int]:
        r = c.get(query, headers=h[who])
        assert r.status_code == 200, r.text
        body = r.json()
        for rid in ("A1", "A2", "B1", "B2", "B3"):
            assert f'"{rid}"' not in r.text  # counts only, never a record
        return {
            (row["destination"], row["country_of_training"]): row["records"]
            for row in body["inflows_records"]
        }

    assert counts("acme") == {("GBR", "IND"): 2}
    assert counts("beta") == {("GBR", "KEN"): 1, ("GBR", "PHL"): 1, ("IRL", "PHL"): 1}
    assert counts("analyst") == {("GBR", "IND"): 2, ("GBR", "KEN"): 1, ("GBR", "PHL"): 1,
                                 ("IRL", "PHL"): 1}  # fmt: skip
    assert counts("analyst", q + "&destination=irl") == {("IRL", "PHL"): 1}
    assert counts("analyst", f"{URL}/report?as_of=2023-12-31") == {("IRL", "PHL"): 1}
    body = c.get(q, headers=h["acme"]).json()
    assert body["organisation"] == "acme" and "inflows_records" in body["sources"]
    assert len(body["agreements"]) == 6
    assert c.get(q, headers=h["officer"]).status_code == 403
    assert c.get(q).status_code == 401
    assert c.get(f"{URL}/report", headers=h["analyst"]).status_code == 422
