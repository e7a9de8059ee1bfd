"""Compliance import through the services: atomic, idempotent per id, scoped, audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.errors import Forbidden, Invalid, NotFound
from hrh.services import compliance as svc
from hrh.services import compliance_scorecards as scorecards
from hrh.services.compliance_registry import load_bundled_agreements
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "compliance"
ACME = Principal("user", "r", "recruiter", organisation="acme")
OFFICER = Principal("user", "p", "programme_officer", countries=frozenset({"GHA"}))


@pytest.fixture(autouse=True)
def _agreements(ctx: AppContext) -> None:
    """The bundled UK agreements, as `hrh load reference` stores them."""
    load_bundled_agreements(ctx)


def test_import_is_all_or_nothing_and_replaces_by_id(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        svc.import_file(ctx, LOCAL_ADMIN, DATA / "bad_records.csv")
    assert {p.line for p in err.value.problems} == {3}
    everything = svc.FindingFilter(include_info=True)
    assert svc.list_findings(ctx, LOCAL_ADMIN, everything).count == 0
    first = svc.import_file(ctx, LOCAL_ADMIN, DATA / "records.csv")
    again = svc.import_file(ctx, LOCAL_ADMIN, DATA / "records.csv")
    assert (first.records, first.replaced, again.replaced) == (10, 0, 10)
    page = svc.list_findings(ctx, LOCAL_ADMIN, svc.FindingFilter())
    assert page.count == first.findings == 3  # fee, repayment, amber (no SSL list here)
    view = svc.get_record(ctx, LOCAL_ADMIN, "acme", "R1")
    assert view.record.extra == {"internal_ref": "A-17"}
    assert view.record.cadre == "nursing_professionals"


def test_scope_is_enforced_in_the_service(ctx: AppContext) -> None:
    svc.import_file(ctx, LOCAL_ADMIN, DATA / "records.csv")
    assert {f.organisation for f in svc.list_findings(ctx, ACME, svc.FindingFilter()).data} == {
        "acme"
    }
    with pytest.raises(NotFound):
        svc.get_record(ctx, ACME, "nhs-trust", "E1")
    assert [r.group for r in scorecards.scorecard(ctx, ACME, "source")] == [
        "GHA",
        "IND",
        "KEN",
        "NGA",
        "PHL",
    ]
    assert sum(r.records for r in scorecards.scorecard(ctx, ACME, "destination")) == 8
    with pytest.raises(Forbidden):
        svc.list_findings(ctx, OFFICER, svc.FindingFilter())
    with pytest.raises(Invalid):
        svc.import_file(ctx, ACME, DATA / "records.csv")  # holds nhs-trust rows


# --- WHO Code national reporting ------------------------------------------------------------


def _seed_reference(ctx: AppContext) -> None:
    """A 2023 safeguards list (GHA, KEN, NGA) and OECD-style inflows, by hand."""
    from datetime import UTC, datetime

    from hrh.store import tables as t

    with ctx.unit() as s:
        src = t.Source(
            key="oecd:test",
            vintage="2024",
            publisher="OECD",
            title="Foreign-trained nurses (test)",
            imported_at=datetime(2024, 1, 1, tzinfo=UTC),
        )
        s.add(src)
        s.flush()
        for c in ("GHA", "KEN", "NGA"):
            s.add(t.SafeguardListEntry(version="2023", country=c, grade="red", source_id=src.id))
        for year, kind, value in (
            (2022, "inflow", 100.0),
            (2023, "inflow", 150.0),  # latest on or before 2024: kept
            (2025, "inflow", 999.0),  # after the as-of year: left out
            (2023, "stock_abroad", 5000.0),  # not an inflow: left out
        ):
            s.add(
                t.MigrationFlow(
                    origin="GHA",
                    destination="GBR",
                    cadre="nursing_professionals",
                    year=year,
                    kind=kind,
                    basis="all",
                    value=value,
                    source_id=src.id,
                )
            )


def test_national_report_hand_checked(ctx: AppContext, tmp_path: Path) -> None:
    from datetime import date

    from openpyxl import load_workbook

    _seed_reference(ctx)
    svc.import_file(ctx, LOCAL_ADMIN, DATA / "report_records.csv")
    rep = svc.national_report(ctx, LOCAL_ADMIN, date(2024, 12, 31))
    assert rep.warnings == []
    assert rep.inflows_records == [
        {"destination": "GBR", "country_of_training": "GHA", "cadre": "nursing_professionals",
         "records": 2},  # A1, A2 (residence stands in); A4 is after the as-of date
        {"destination": "GBR", "country_of_training": "KEN", "cadre": "nursing_professionals",
         "records": 1},
        {"destination": "GBR", "country_of_training": "NGA", "cadre": "nursing_professionals",
         "records": 1},  # A3 lives in India, trained in Nigeria
        {"destination": "IRL", "country_of_training": "NGA", "cadre": "medical_doctors",
         "records": 1},
    ]  # fmt: skip
    ssl = [
        (r["destination"], r["source_country"], r["route"], r["with_agreement"], r["records"])
        for r in rep.ssl_recruitment
    ]
    assert ssl == [
        ("GBR", "GHA", "active", False, 1),
        ("GBR", "GHA", "direct_application", False, 1),
        ("GBR", "KEN", "g2g", True, 1),  # GBR-KEN-2021 covers it
        ("IRL", "NGA", "active", False, 1),
    ]
    assert [(r["country_of_training"], r["year"], r["inflow"]) for r in rep.inflows_oecd] == [
        ("GHA", 2023, 150.0)
    ]
    assert len(rep.agreements) == 6  # the bundled UK agreements are all in force
    irl = svc.national_report(ctx, LOCAL_ADMIN, date(2024, 12, 31), destination="IRL")
    assert [r["records"] for r in irl.inflows_records] == [1]
    assert irl.agreements == [] and irl.inflows_oecd == []
    early = svc.national_report(ctx, LOCAL_ADMIN, date(2021, 1, 1))
    assert early.inflows_records == []
    # only the 2003 Philippines MoU was signed by then (Malaysia's: 8 November 2021)
    assert [a["agreement_id"] for a in early.agreements] == ["GBR-PHL-2003"]

    mine = svc.national_report(ctx, ACME, date(2024, 12, 31))
    assert mine.organisation == "acme"
    assert sum(int(str(r["records"])) for r in mine.inflows_records) == 3
    assert {r["source_country"] for r in mine.ssl_recruitment} == {"GHA"}
    with pytest.raises(Forbidden):
        svc.national_report(ctx, OFFICER, date(2024, 12, 31))

    path = svc.write_report_xlsx(rep, tmp_path / "report.xlsx")
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == [
        "inflows_records", "inflows_oecd", "ssl_recruitment", "agreements", "Sources",
    ]  # fmt: skip
    rows = list(wb["inflows_records"].iter_rows(values_only=True))
    assert rows[0] == ("destination", "country_of_training", "cadre", "records")
    assert rows[1] == ("GBR", "GHA", "nursing_professionals", 2)
    sources = {r[0]: r[1] for r in wb["Sources"].iter_rows(min_row=2, values_only=True)}
    assert set(svc.REPORT_SOURCES) <= set(sources) and sources["as_of"] == "2024-12-31"
    assert "OECD" in str(sources["inflows_oecd"])
