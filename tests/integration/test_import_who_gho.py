from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid
from hrh.ingest.base import file_sha256
from hrh.ingest.reference import REFERENCE_DIR
from hrh.services import imports
from hrh.services.context import AppContext

DATA = Path(__file__).resolve().parent.parent / "data" / "who_gho"
BUNDLED = REFERENCE_DIR / "who_gho_workforce_density"
HWF_0005 = "HWF_0005 medical doctors not further defined (part of HWF_0002)"


def _query(ctx: AppContext, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def _count(ctx: AppContext, table: str) -> int:
    return int(_query(ctx, f"SELECT COUNT(*) FROM {table}")[0][0])


def test_sample_maps_every_indicator(ctx: AppContext) -> None:
    summary = imports.import_file(ctx, "who-gho", DATA / "sample.csv", principal=LOCAL_ADMIN)
    assert (summary.rows_read, summary.inserted) == (11, 8)
    assert summary.skipped == {HWF_0005: 1, "region or group aggregate": 1, "empty value": 1}
    rows = _query(
        ctx,
        "SELECT country, cadre, year, sex, age_band, basis, measure, value "
        "FROM workforce_stocks ORDER BY cadre, measure",
    )
    assert rows == [
        ("GHA", "generalist_doctors", 2018, "T", "total", "all", "headcount", 3316.0),
        ("GHA", "medical_doctors", 2018, "T", "total", "all", "headcount", 4406.0),
        ("GHA", "medical_doctors", 2018, "T", "total", "all", "per_10k", 1.48),
        ("GHA", "midwives", 2018, "T", "total", "all", "headcount", 10489.0),
        ("GHA", "nurses", 2018, "T", "total", "all", "headcount", 125024.0),
        ("GHA", "nursing_midwifery", 2018, "T", "total", "all", "headcount", 135513.0),
        ("GHA", "nursing_midwifery", 2018, "T", "total", "all", "per_10k", 45.52),
        ("GHA", "specialist_doctors", 2018, "T", "total", "all", "headcount", 1090.0),
    ]
    assert _query(ctx, "SELECT key, vintage, released, publisher, licence, url FROM sources") == [
        (
            "who-gho",
            "2022-02-08",
            "2022-02-08",
            "World Health Organization",
            "CC BY-NC-SA 3.0 IGO",
            "https://www.who.int/data/gho/data/themes/topics/health-workforce",
        )
    ]
    assert summary.sources == ["who-gho@2022-02-08"]


def test_sex_comes_from_dim1(ctx: AppContext) -> None:
    imports.import_file(ctx, "who-gho", DATA / "by_sex.csv", principal=LOCAL_ADMIN)
    assert _query(ctx, "SELECT sex, value FROM workforce_stocks ORDER BY sex") == [
        ("F", 95000.0),
        ("M", 30024.0),
        ("T", 125024.0),
    ]


def test_reimport_inserts_nothing_and_vintage_option_wins(ctx: AppContext) -> None:
    first = imports.import_file(ctx, "who-gho", DATA / "sample.csv", principal=LOCAL_ADMIN)
    again = imports.import_file(ctx, "who-gho", DATA / "sample.csv", principal=LOCAL_ADMIN)
    assert (first.inserted, again.inserted, again.unchanged, again.status) == (
        8,
        0,
        8,
        "unchanged",
    )
    named = imports.import_file(
        ctx, "who-gho", DATA / "sample.csv", options={"vintage": "v2"}, principal=LOCAL_ADMIN
    )
    assert named.inserted == 8
    assert _query(ctx, "SELECT vintage, released FROM sources ORDER BY vintage") == [
        ("2022-02-08", "2022-02-08"),
        ("v2", "2022-02-08"),
    ]


def test_bad_rows_are_all_listed_and_nothing_is_written(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "who-gho", DATA / "bad_rows.csv", principal=LOCAL_ADMIN)
    got = [(p.file, p.line, p.column, p.value) for p in err.value.problems]
    assert got == [
        ("bad_rows.csv", 3, "IndicatorCode", "HWF_0010"),
        ("bad_rows.csv", 4, "SpatialDimValueCode", "XYZ"),
        ("bad_rows.csv", 5, "FactValueNumeric", "4 4o6"),
        ("bad_rows.csv", 6, "Period", "20l8"),
        ("bad_rows.csv", 7, None, None),
        ("bad_rows.csv", 8, "Dim1", "SEX_UNK"),
        ("bad_rows.csv", 9, None, "HWF_0006,Nursing and midwifery personnel (per 10,000),nume"),
    ]
    expected = [p.expected for p in err.value.problems]
    assert "HWF_0001" in expected[0]
    assert "HWF_0009" in expected[0]
    assert "same cell as line 2" in expected[4]
    assert "truncated" in expected[6]
    assert _count(ctx, "workforce_stocks") == 0
    assert _count(ctx, "sources") == 0
    assert _query(ctx, "SELECT status, problems FROM import_log") == [("failed", 7)]


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("empty.csv", "is empty", 1),
        ("wrong_header.csv", "no header row", 1),
        ("latin1.csv", "not readable", 3),
    ],
)
def test_malformed_files_get_clear_errors(
    ctx: AppContext, name: str, message: str, line: int
) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "who-gho", DATA / name, principal=LOCAL_ADMIN)
    assert message in err.value.message
    assert [p.line for p in err.value.problems] == [line]
    assert _count(ctx, "workforce_stocks") == 0


def test_vintage_falls_back_to_the_file_hash(ctx: AppContext, tmp_path: Path) -> None:
    with (DATA / "sample.csv").open(encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))[:2]
    p = tmp_path / "no_dates.csv"
    with p.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header[:-1], row[:-1]])  # without DateModified
    imports.import_file(ctx, "who-gho", p, principal=LOCAL_ADMIN)
    assert _query(ctx, "SELECT vintage, released FROM sources") == [(file_sha256(p)[:12], "")]


def test_full_bundled_files(ctx: AppContext) -> None:
    doctors = imports.import_file(
        ctx, "who-gho", BUNDLED / "gho_medical_doctors_HWF_0001-0005.csv", principal=LOCAL_ADMIN
    )
    nurses = imports.import_file(
        ctx, "who-gho", BUNDLED / "gho_nursing_midwifery_HWF_0006-0009.csv", principal=LOCAL_ADMIN
    )
    assert (doctors.rows_read, doctors.inserted, doctors.skipped) == (11508, 8728, {HWF_0005: 2780})
    assert (nurses.rows_read, nurses.inserted, nurses.skipped) == (10854, 10854, {})
    assert (doctors.sources, nurses.sources) == (["who-gho@2022-01-24"], ["who-gho@2022-02-08"])
    # Hand-checked in the CSVs: Ghana 2018, HWF_0001 = 1.48, HWF_0007 Value "135 513".
    cell = (
        "SELECT value FROM workforce_stocks WHERE country = 'GHA' AND year = 2018 "
        "AND cadre = :cadre AND measure = :measure"
    )
    assert _query(ctx, cell, cadre="medical_doctors", measure="per_10k") == [(1.48,)]
    assert _query(ctx, cell, cadre="nursing_midwifery", measure="headcount") == [(135513.0,)]
    assert _query(ctx, "SELECT COUNT(DISTINCT country) FROM workforce_stocks") == [(197,)]
