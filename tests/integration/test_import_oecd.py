"""OECD HEALTH_WFMI importer: legacy OECD.Stat CSV and SDMX-CSV, real bundled files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid
from hrh.ingest import oecd_wfmi
from hrh.ingest.base import file_sha256
from hrh.ingest.reference import REFERENCE_DIR
from hrh.services import imports
from hrh.services.context import AppContext

DATA = Path(__file__).resolve().parent.parent / "data" / "oecd"
LEGACY = DATA / "HEALTH_WFMI_legacy_sample.csv"
SDMX_NAME = DATA / "HEALTH_WFMI_sdmx_labels_name.csv"
SDMX_BOTH = DATA / "HEALTH_WFMI_sdmx_labels_both.csv"
FTDS_2018 = REFERENCE_DIR / "oecd_foreign_trained_doctors_2018" / "HEALTH_WFMI_FTDS_2018.csv"
FTDS_USA_2016 = (
    REFERENCE_DIR / "oecd_foreign_trained_doctors_usa_2016" / "HEALTH_WFMI_26012023013130019.csv"
)
TOTALS = REFERENCE_DIR / "oecd_total_doctors_nurses" / "HEALTH_WFMI_TNBD_TNBN.csv"

FLOWS = "SELECT origin, destination, cadre, year, kind, basis, value FROM migration_flows"
STOCKS = "SELECT country, cadre, year, sex, age_band, basis, measure, value FROM workforce_stocks"
SAMPLE_FLOWS = [
    ("IND", "GBR", "medical_doctors", 2018, "stock_abroad", "training", 15870.0),
    ("IND", "USA", "medical_doctors", 2016, "stock_abroad", "training", 45830.0),
    ("NGA", "GBR", "medical_doctors", 2018, "stock_abroad", "training", 2831.0),
    ("PAK", "GBR", "medical_doctors", 2018, "stock_abroad", "training", 5922.0),
]
SAMPLE_STOCKS = [
    ("AUS", "nurses", 2013, "T", "total", "all", "headcount", 257189.0),
    ("GBR", "medical_doctors", 2018, "T", "total", "all", "headcount", 174845.0),
    ("GBR", "nurses", 2018, "T", "total", "all", "headcount", 652651.0),
    ("USA", "medical_doctors", 2016, "T", "total", "foreign_trained", "headcount", 215630.0),
]
SAMPLE_SKIPS = {"origin = destination": 1, "origin not specified (NS)": 1}


def _query(ctx: AppContext, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _count(ctx: AppContext, table: str) -> int:
    return int(_query(ctx, f"SELECT COUNT(*) FROM {table}")[0][0])


def _stored(ctx: AppContext, source: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Return the flows and stocks of one source vintage, sorted."""
    where = " WHERE source_id = (SELECT id FROM sources WHERE vintage = :v)"
    flows = _query(ctx, FLOWS + where + " ORDER BY origin, destination, year", v=source)
    stocks = _query(ctx, STOCKS + where + " ORDER BY country, cadre, year, basis", v=source)
    return flows, stocks


def test_legacy_sample(ctx: AppContext) -> None:
    summary = imports.import_file(ctx, "oecd-wfmi", LEGACY, principal=LOCAL_ADMIN)
    vintage = file_sha256(LEGACY)[:12]
    assert (summary.rows_read, summary.inserted) == (10, 8)
    assert summary.skipped == SAMPLE_SKIPS
    assert any(n.startswith("Skipped 1 row(s), origin not specified (NS)") for n in summary.notes)
    assert _stored(ctx, vintage) == (SAMPLE_FLOWS, SAMPLE_STOCKS)
    assert _query(ctx, "SELECT key, vintage, publisher, title, url, licence FROM sources") == [
        (
            "oecd-health-wfmi",
            vintage,
            "OECD",
            "Health Workforce Migration (HEALTH_WFMI)",
            "https://data-explorer.oecd.org/",
            "CC BY 4.0",
        )
    ]


def test_reimport_inserts_nothing_and_vintage_option(ctx: AppContext) -> None:
    imports.import_file(ctx, "oecd-wfmi", LEGACY, principal=LOCAL_ADMIN)
    again = imports.import_file(ctx, "oecd-wfmi", LEGACY, principal=LOCAL_ADMIN)
    assert (again.inserted, again.unchanged) == (0, 8)
    named = imports.import_file(
        ctx, "oecd-wfmi", LEGACY, options={"vintage": "2023-01"}, principal=LOCAL_ADMIN
    )
    assert named.sources == ["oecd-health-wfmi@2023-01"]
    assert _count(ctx, "migration_flows") == 8


@pytest.mark.parametrize("sdmx", [SDMX_NAME, SDMX_BOTH], ids=["labels-name", "labels-both"])
def test_sdmx_csv_gives_the_same_records_as_legacy(ctx: AppContext, sdmx: Path) -> None:
    imports.import_file(ctx, "oecd-wfmi", LEGACY, principal=LOCAL_ADMIN)
    summary = imports.import_file(ctx, "oecd-wfmi", sdmx, principal=LOCAL_ADMIN)
    assert summary.inserted == 8
    extra = {"deletion rows (ACTION D)": 1} if sdmx == SDMX_NAME else {}
    assert summary.skipped == SAMPLE_SKIPS | extra
    assert _stored(ctx, file_sha256(sdmx)[:12]) == _stored(ctx, file_sha256(LEGACY)[:12])
    index = imports.country_index(ctx)
    legacy = oecd_wfmi.read(LEGACY, index, {}).batches[0]
    other = oecd_wfmi.read(sdmx, index, {}).batches[0]
    assert (other.flows, other.stocks) == (legacy.flows, legacy.stocks)


def test_sdmx_unit_multiplier_and_percent_units(ctx: AppContext, tmp_path: Path) -> None:
    lines = SDMX_NAME.read_text(encoding="utf-8").splitlines()
    ind = lines[1].replace(",15870,,A,Normal value,0,Units", ",15.87,,A,Normal value,3,Thousands")
    share = lines[2].replace(",PS,Persons,", ",PT_B1,Percentage,")
    p = tmp_path / "wfmi.csv"
    p.write_text("\n".join([lines[0], ind, share]) + "\n", encoding="utf-8")
    summary = imports.import_file(ctx, "oecd-wfmi", p, principal=LOCAL_ADMIN)
    assert summary.skipped == {"share (percent) variables": 1}
    assert _query(ctx, FLOWS) == [SAMPLE_FLOWS[0]]


def test_bad_rows_are_all_listed_and_nothing_is_written(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(
            ctx, "oecd-wfmi", DATA / "HEALTH_WFMI_bad_rows.csv", principal=LOCAL_ADMIN
        )
    problems = err.value.problems
    assert [(p.line, p.column, p.value) for p in problems] == [
        (3, "VAR", "FTXX"),
        (4, "CO2", "XYZ"),
        (5, "Value", "2 8x1"),
        (6, None, None),
        (7, None, "GBR,United Kingdom,FTDS,Foreign-trained doctors - Stock,PAK,Pakistan,2018"),
        (8, "YEA", "20I8"),
        (9, "CO2", "IND"),
        (10, "COU", "GBX"),
    ]
    assert "FTDS, FTNS, FTDF, FTNF, TNBD, TNBN" in problems[0].expected
    assert "same cell as line 2" in problems[3].expected
    assert "truncated" in problems[4].expected
    assert _count(ctx, "migration_flows") == 0
    assert _count(ctx, "workforce_stocks") == 0
    assert _count(ctx, "sources") == 0
    assert _query(ctx, "SELECT status, problems FROM import_log") == [("failed", 8)]


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("HEALTH_WFMI_empty.csv", "is empty", 1),
        ("HEALTH_WFMI_wrong_header.csv", "no header row of a known layout", 1),
        ("HEALTH_WFMI_latin1.csv", "not readable as utf-8", 2),
    ],
)
def test_malformed_files_get_clear_errors(
    ctx: AppContext, name: str, message: str, line: int
) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "oecd-wfmi", DATA / name, principal=LOCAL_ADMIN)
    assert message in err.value.message
    assert [p.line for p in err.value.problems] == [line]
    assert _count(ctx, "migration_flows") == 0


def test_header_only_file_needs_data_rows(ctx: AppContext, tmp_path: Path) -> None:
    p = tmp_path / "wfmi.csv"
    p.write_text(LEGACY.read_text(encoding="utf-8-sig").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "oecd-wfmi", p, principal=LOCAL_ADMIN)
    assert [(pr.line, pr.expected) for pr in err.value.problems] == [(2, "at least one data row")]


# --- the full bundled files, in the manifest's order ---


def test_full_bundled_files(ctx: AppContext) -> None:
    totals = imports.import_file(ctx, "oecd-wfmi", TOTALS, principal=LOCAL_ADMIN)
    assert (totals.rows_read, totals.inserted, totals.skipped) == (622, 622, {})
    ftds = imports.import_file(ctx, "oecd-wfmi", FTDS_2018, principal=LOCAL_ADMIN)
    assert (ftds.rows_read, ftds.inserted) == (1576, 1574)
    assert ftds.skipped == {"origin = destination": 2}  # CAN→CAN and GBR→GBR, both 0
    usa = imports.import_file(ctx, "oecd-wfmi", FTDS_USA_2016, principal=LOCAL_ADMIN)
    assert (usa.rows_read, usa.inserted) == (128, 127)
    assert usa.skipped == {"origin not specified (NS)": 1}
    flow = FLOWS + " WHERE origin = :o AND destination = :d AND year = :y"
    assert _query(ctx, flow, o="IND", d="GBR", y=2018) == [SAMPLE_FLOWS[0]]
    assert _query(ctx, flow, o="PHL", d="USA", y=2016)[0][-1] == 10217.0
    assert _query(ctx, flow, o="AFG", d="DEU", y=2018)[0][-1] == 153.0
    # SOURCE.md: 249,417 doctors in the 2018 file (the two self rows are 0); the USA rows
    # sum to 215,643 with NS (5,810), i.e. 209,833 by country of training.
    total = "SELECT SUM(value), COUNT(*) FROM migration_flows WHERE year = :y"
    assert _query(ctx, total, y=2018) == [(249_417.0, 1574)]
    assert _query(ctx, total, y=2016) == [(209_833.0, 126)]
    stock = STOCKS + " WHERE country = :c AND cadre = :k AND year = :y AND basis = :b"
    assert _query(ctx, stock, c="GBR", k="medical_doctors", y=2018, b="all")[0][-1] == 174845.0
    usa_ft = _query(ctx, stock, c="USA", k="medical_doctors", y=2016, b="foreign_trained")
    assert usa_ft == [SAMPLE_STOCKS[3]]
    assert _count(ctx, "workforce_stocks") == 623
    assert _count(ctx, "sources") == 3
