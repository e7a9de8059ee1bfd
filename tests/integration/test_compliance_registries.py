"""Compliance registries through the services: agreements, organisations, personal fields, Excel.

Real database (SQLite, and PostgreSQL when configured), real files, the real field cipher.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.errors import Forbidden, Invalid, NotFound
from hrh.services import compliance as svc
from hrh.services import compliance_registry as registry
from hrh.services import compliance_scorecards as scorecards
from hrh.services import imports
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "compliance"
ACME = Principal("user", "r", "recruiter", organisation="acme")
BETA = Principal("user", "b", "recruiter", organisation="beta")
ANALYST = Principal("user", "a", "analyst")
PERSONAL = ("Ama Mensah", "ama.mensah@example.org", "1990-05-17", "Prefers night shifts")


def _agreement_ids(ctx: AppContext) -> list[str]:
    return [a.agreement_id for a in registry.list_agreements(ctx)]


# --- agreements ---------------------------------------------------------------------------


def test_bundled_agreements_load_once_and_bad_files_import_nothing(ctx: AppContext) -> None:
    assert _agreement_ids(ctx) == []
    first = registry.load_bundled_agreements(ctx)
    again = registry.load_bundled_agreements(ctx)
    assert (first.added, again.added, again.unchanged) == (6, 0, 6)
    kenya = next(a for a in registry.list_agreements(ctx) if a.agreement_id == "GBR-KEN-2021")
    assert (kenya.kind, sorted(kenya.routes), kenya.valid_to) == ("g2g", ["g2g"], None)

    with pytest.raises(Invalid) as err:
        registry.import_agreements(ctx, LOCAL_ADMIN, DATA / "bad_agreements.csv")
    located = {(p.line, p.column) for p in err.value.problems}
    assert located == {
        (3, "origin"),
        (4, "cadres"),
        (4, "valid_from"),
        (4, "kind"),
    }
    assert all(p.file == "bad_agreements.csv" for p in err.value.problems)
    assert len(_agreement_ids(ctx)) == 6  # OK-1 on line 2 was not imported either

    dry = registry.import_agreements(ctx, LOCAL_ADMIN, DATA / "agreements_more.csv", dry_run=True)
    assert (dry.added, dry.dry_run, len(_agreement_ids(ctx))) == (2, True, 6)
    res = registry.import_agreements(ctx, LOCAL_ADMIN, DATA / "agreements_more.csv")
    assert (res.rows, res.added) == (2, 2)
    ghana = next(a for a in registry.list_agreements(ctx) if a.agreement_id == "GBR-GHA-2024")
    assert ghana.terms == "Nurses through the government channel only"
    with pytest.raises(Forbidden):
        registry.import_agreements(ctx, ACME, DATA / "agreements_more.csv")


def test_load_reference_stores_the_bundled_agreements(reference_ctx: AppContext) -> None:
    ids = _agreement_ids(reference_ctx)
    assert ids == sorted(
        ["GBR-IND-2022", "GBR-KEN-2021", "GBR-LKA-2022", "GBR-MYS-2021", "GBR-NPL-2022",
         "GBR-PHL-2003"]
    )  # fmt: skip
    again = imports.load_reference(reference_ctx)
    assert again.agreements is not None
    assert (again.agreements.rows, again.agreements.added, again.agreements.unchanged) == (6, 0, 6)


def test_check_reads_the_stored_registry_and_extra_agreements_only_for_that_check(
    ctx: AppContext, tmp_path: Path
) -> None:
    kenya_g2g = tmp_path / "kenya.csv"
    kenya_g2g.write_text(
        (DATA / "records.csv").read_text().splitlines()[0]
        + "\nK1,acme,agency,GBR,KEN,KEN,2221,g2g,false,2024-01-10,0,,0,0,,\n"
    )
    bare = svc.check_file(ctx, kenya_g2g)
    assert [f.rule_id for f in bare.findings] == ["amber_outside_agreement"]
    assert svc.NO_AGREEMENTS in bare.warnings
    registry.load_bundled_agreements(ctx)
    stored = svc.check_file(ctx, kenya_g2g)
    assert stored.findings == [] and svc.NO_AGREEMENTS not in stored.warnings

    ghana = tmp_path / "ghana.csv"
    ghana.write_text(
        "agreement_id,origin,destination,cadres,valid_from,valid_to,kind,source,routes\n"
        "GBR-KEN-2021,KEN,GBR,,2030-01-01,,g2g,replaced for this check,g2g\n"
    )
    replaced = svc.check_file(ctx, kenya_g2g, agreements=ghana)
    assert [f.rule_id for f in replaced.findings] == ["amber_outside_agreement"]
    stored_again = next(
        a for a in registry.list_agreements(ctx) if a.agreement_id == "GBR-KEN-2021"
    )
    assert stored_again.valid_from == date(2021, 7, 29)  # the check stored nothing (bundled date)


# --- organisations ------------------------------------------------------------------------


def test_organisations_import_list_scope_and_status(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        registry.import_organisations(ctx, LOCAL_ADMIN, DATA / "bad_organisations.csv")
    located = {(p.line, p.column) for p in err.value.problems}
    assert located == {
        (2, "ethical_recruiter_to"),
        (4, "country"),
        (4, "type"),
        (4, "ethical_recruiter_from"),
    }
    assert registry.list_organisations(ctx, LOCAL_ADMIN) == []

    res = registry.import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    assert (res.rows, res.added) == (3, 3)
    again = registry.import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 3)
    everyone = registry.list_organisations(ctx, ANALYST)
    assert [o.name for o in everyone] == ["acme", "beta", "nhs-trust"]
    acme = everyone[0]
    assert [(p.valid_from, p.valid_to) for p in acme.listings] == [
        (date(2022, 1, 1), date(2023, 6, 30)),
        (date(2024, 3, 1), None),
    ]
    assert [o.name for o in registry.list_organisations(ctx, ACME)] == ["acme"]
    with pytest.raises(Forbidden):
        registry.import_organisations(ctx, ACME, DATA / "organisations.csv")
    status = registry.status_on(acme, date(2023, 7, 1))
    assert (status.status, status.source) == (
        "not_listed",
        "NHS Employers Ethical Recruiters List (2022 edition)",
    )
    assert registry.status_on(acme, date(2024, 3, 1)).status == "listed"
    assert registry.status_on(None, date(2024, 3, 1)).status == "not_in_registry"

    created = registry.create_organisation(
        ctx, ANALYST, {"name": "delta", "country": "IRL", "type": "employer"}
    )
    assert created.listings == ()
    with pytest.raises(Exception, match="exists already"):
        registry.create_organisation(
            ctx, ANALYST, {"name": "delta", "country": "IRL", "type": "employer"}
        )


def test_records_link_to_organisations_by_name(ctx: AppContext) -> None:
    registry.import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    res = svc.import_file(ctx, LOCAL_ADMIN, DATA / "personal_records.csv")
    got = {(f.record_id, f.rule_id, f.severity) for f in res.findings_list}
    assert got == {
        ("P1", "agency_not_ethical_recruiter", "low"),  # between its two listing periods
        ("P1", "terms_below_domestic", "medium"),  # 28,000 offered, 35,000 domestic
        ("P3", "agency_not_ethical_recruiter", "low"),  # known, never listed
    }  # P4's organisation is unknown: no finding, but reported
    assert any("gamma" in w and "not in the organisations registry" in w for w in res.warnings)
    low = next(f for f in res.findings_list if f.rule_id == "agency_not_ethical_recruiter")
    assert "according to the organisations registry" in low.explanation
    assert "NHS Employers Ethical Recruiters List (2022 edition)" in low.explanation
    cards = {r.group: r for r in scorecards.scorecard(ctx, ANALYST, "agency", on=date(2024, 5, 1))}
    assert cards["acme"].status is not None and cards["acme"].status.status == "listed"
    assert cards["beta"].status is not None and cards["beta"].status.status == "not_listed"
    assert cards["gamma"].status is not None and cards["gamma"].status.status == "not_in_registry"
    assert cards["acme"].findings == 2


# --- candidate personal fields ------------------------------------------------------------


def test_personal_fields_are_ciphertext_at_rest_and_shown_to_the_entitled_only(
    ctx: AppContext,
) -> None:
    svc.import_file(ctx, LOCAL_ADMIN, DATA / "personal_records.csv")
    with ctx.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT candidate_name_enc, candidate_email_enc, candidate_birth_date_enc, "
                "notes_enc, extra FROM recruitment_records WHERE record_id = 'P1'"
            )
        ).one()
        everything = " ".join(
            str(v) for r in conn.execute(text("SELECT * FROM recruitment_records")) for v in r
        )
    assert all(v.startswith("v1:") for v in row[:4])
    for plain in PERSONAL:
        assert plain not in everything  # not in any column, extra included
    assert row[4] == '{"internal_ref": "X-1"}'

    for who in (ACME, ANALYST, LOCAL_ADMIN):
        view = svc.get_record(ctx, who, "acme", "P1")
        assert view.candidate == dict(
            zip(("candidate_name", "candidate_email", "candidate_birth_date", "notes"),
                PERSONAL, strict=True)
        )  # fmt: skip
        assert view.record.personal == {}
    with pytest.raises(NotFound):
        svc.get_record(ctx, BETA, "acme", "P1")
    narrow = Principal("token", "t", "analyst", scopes=frozenset({"recruitment.read"}))
    assert svc.get_record(ctx, narrow, "acme", "P1").candidate is None
    assert svc.get_record(ctx, ACME, "acme", "P2").candidate == {}

    page = svc.list_findings(ctx, ANALYST, svc.FindingFilter(include_info=True))
    dumped = repr(page.data)
    assert page.count >= 1 and not any(p in dumped for p in PERSONAL)


def test_bad_personal_fields_are_located_without_their_values(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        svc.import_file(ctx, LOCAL_ADMIN, DATA / "bad_personal_records.csv")
    by_column = {p.column: p for p in err.value.problems}
    assert set(by_column) == {"salary_offered", "candidate_email", "candidate_birth_date"}
    assert by_column["candidate_email"].value == "(not shown: personal field)"
    assert by_column["candidate_birth_date"].value == "(not shown: personal field)"
    assert "ama.mensah" not in str([str(p) for p in err.value.problems])
    assert svc.list_findings(ctx, LOCAL_ADMIN, svc.FindingFilter(include_info=True)).count == 0


def test_a_shifted_row_is_located_without_quoting_personal_cells(
    ctx: AppContext, tmp_path: Path
) -> None:
    lines = (DATA / "personal_records.csv").read_text().splitlines()
    shifted = tmp_path / "shifted.csv"
    shifted.write_text(lines[0] + "\n" + lines[1].rsplit(",", 2)[0] + "\n")  # two cells short
    with pytest.raises(Invalid) as err:
        svc.import_file(ctx, LOCAL_ADMIN, shifted)
    (problem,) = err.value.problems
    assert (problem.line, problem.value) == (2, "(not shown: personal field)")
    assert "Ama" not in str(problem)


# --- Excel --------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]], sheet: str = "Records") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Notes"
    ws.append(["This sheet is not read"])
    data = wb.create_sheet(sheet)
    data.append(["Recruitments reported for Q1"])  # a title row above the header
    header = (DATA / "records.csv").read_text().splitlines()[0].split(",")
    data.append(header)
    for row in rows:
        data.append(row)
    wb.save(path)
    return path


def test_excel_records_check_and_import(ctx: AppContext, tmp_path: Path) -> None:
    good = _workbook(
        tmp_path / "q1.xlsx",
        [
            ["X1", "acme", "agency", "GBR", "IND", "IND", 2221, "active", False,
             date(2024, 1, 10), 250, "GBP", 0, 0, None, "ref-1"],
            ["X2", "acme", "agency", "GBR", "IND", "IND", "nursing_professionals",
             "direct_application", "false", "2024-01-11", None, None, None, None, None, None],
        ],
    )  # fmt: skip
    report = svc.check_file(ctx, good)
    assert [(f.record_id, f.rule_id) for f in report.findings] == [("X1", "candidate_fee")]
    assert report.summary.records == 2
    res = svc.import_file(ctx, LOCAL_ADMIN, good)
    assert (res.file, res.records, res.findings) == ("q1.xlsx", 2, 1)
    stored = svc.get_record(ctx, LOCAL_ADMIN, "acme", "X1").record
    assert (stored.cadre, stored.recruitment_date) == ("nursing_professionals", date(2024, 1, 10))
    assert stored.extra == {"internal_ref": "ref-1"}

    bad = _workbook(
        tmp_path / "bad.xlsx",
        [
            ["Y1", "acme", "agency", "GBR", "IND", "IND", 2221, "active", False,
             date(2024, 1, 10), 0, "", 0, 0, None, None],
            ["Y2", "acme", "agency", "GBR", "INDIA", "IND", 2221, "teleport", False,
             date(2024, 1, 10), 0, "", 0, 0, None, None],
        ],
    )  # fmt: skip
    with pytest.raises(Invalid) as err:
        svc.import_file(ctx, LOCAL_ADMIN, bad)
    assert {(p.file, p.line, p.column) for p in err.value.problems} == {
        ("bad.xlsx (sheet Records)", 4, "candidate_residence"),
        ("bad.xlsx (sheet Records)", 4, "route"),
    }
    assert "bad.xlsx (sheet Records):4, column 'route'" in str(err.value.problems[-1])
    with pytest.raises(NotFound):  # Y1 was good, but nothing of a bad file is imported
        svc.get_record(ctx, LOCAL_ADMIN, "acme", "Y1")

    fake = tmp_path / "fake.xlsx"
    fake.write_text("record_id,organisation\n")
    with pytest.raises(Invalid, match="not an Excel workbook"):
        svc.check_file(ctx, fake)


def test_personal_fields_are_never_logged(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement and its values
    svc.import_file(ctx, LOCAL_ADMIN, DATA / "personal_records.csv")
    svc.get_record(ctx, LOCAL_ADMIN, "acme", "P1")
    with pytest.raises(Invalid):
        svc.import_file(ctx, LOCAL_ADMIN, DATA / "bad_personal_records.csv")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "INSERT INTO recruitment_records" in logged  # the writes were logged, with values
    for plain in (*PERSONAL, "Jose Rizal", "jose@example.org", "ama.mensah-at-example.org"):
        assert plain not in logged
