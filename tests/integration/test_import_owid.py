from __future__ import annotations

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

DATA = Path(__file__).resolve().parent.parent / "data" / "owid"
BUNDLED = REFERENCE_DIR / "uhc_service_coverage_index" / "owid_universal-health-coverage-index.csv"
AGGREGATE = "region or group aggregate"
UHC_KEY = "owid:uhc-service-coverage-index-sdg-3-8-1"
SAMPLE_ROWS = [
    ("AFG", 2000, 22.60528),
    ("AFG", 2005, 27.51268),
    ("GHA", 2019, 46.49993),
    ("GHA", 2021, 47.78764),
]


def _query(ctx: AppContext, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def _count(ctx: AppContext, table: str) -> int:
    return int(_query(ctx, f"SELECT COUNT(*) FROM {table}")[0][0])


def _coverage(ctx: AppContext) -> list[tuple[Any, ...]]:
    return _query(ctx, "SELECT country, year, value FROM coverage_indices ORDER BY country, year")


def test_coverage_index(ctx: AppContext) -> None:
    path = DATA / "uhc_sample.csv"
    summary = imports.import_file(ctx, "owid", path, principal=LOCAL_ADMIN)
    assert (summary.rows_read, summary.inserted, summary.skipped) == (6, 4, {AGGREGATE: 2})
    assert _coverage(ctx) == SAMPLE_ROWS
    assert _query(ctx, "SELECT key, vintage, released, publisher, title, licence FROM sources") == [
        (
            UHC_KEY,
            file_sha256(path)[:12],
            "",
            "Our World in Data (from WHO/World Bank)",
            "UHC Service Coverage Index (SDG 3.8.1)",
            "CC BY 4.0",
        )
    ]


def test_per_1000_columns_become_per_10k(ctx: AppContext) -> None:
    summary = imports.import_file(
        ctx, "owid", DATA / "workforce_constructed.csv", principal=LOCAL_ADMIN
    )
    assert summary.skipped == {AGGREGATE: 1, "empty value": 1}
    assert sorted(summary.sources) == sorted(
        f"{key}@{file_sha256(DATA / 'workforce_constructed.csv')[:12]}"
        for key in ("owid:physicians-per-1-000-people", "owid:nurses-and-midwives-per-1-000-people")
    )
    rows = _query(
        ctx,
        "SELECT w.country, w.cadre, w.year, w.sex, w.age_band, w.basis, w.measure, w.value, s.key "
        "FROM workforce_stocks w JOIN sources s ON s.id = w.source_id ORDER BY w.cadre, w.country",
    )
    assert rows == [
        ("GHA", "medical_doctors", 2018, "T", "total", "all", "per_10k", 1.48,
         "owid:physicians-per-1-000-people"),
        ("KEN", "medical_doctors", 2018, "T", "total", "all", "per_10k", 1.57,
         "owid:physicians-per-1-000-people"),
        ("GHA", "nursing_midwifery", 2018, "T", "total", "all", "per_10k", 45.52,
         "owid:nurses-and-midwives-per-1-000-people"),
    ]  # fmt: skip


def test_unknown_column_needs_the_indicator_option(ctx: AppContext) -> None:
    path = DATA / "unknown_column.csv"
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "owid", path, principal=LOCAL_ADMIN)
    assert "UHC_INDEX_REPORTED" in err.value.message
    assert "UHC Service Coverage Index" in err.value.hint
    assert "Nurses and midwives per 1,000" in err.value.hint
    assert [(p.line, p.column) for p in err.value.problems] == [(1, "UHC_INDEX_REPORTED")]
    assert _count(ctx, "sources") == 0
    summary = imports.import_file(
        ctx, "owid", path, options={"indicator": "coverage"}, principal=LOCAL_ADMIN
    )
    assert summary.inserted == 4
    assert _coverage(ctx) == SAMPLE_ROWS
    with pytest.raises(Invalid, match="Unknown indicator option"):
        imports.import_file(
            ctx, "owid", path, options={"indicator": "density"}, principal=LOCAL_ADMIN
        )


def test_owid_kosovo_code_is_a_country(ctx: AppContext, tmp_path: Path) -> None:
    p = tmp_path / "kosovo.csv"
    p.write_text("Entity,Code,Year,UHC Service Coverage Index\nKosovo,OWID_KOS,2021,50.5\n")
    assert imports.import_file(ctx, "owid", p, principal=LOCAL_ADMIN).inserted == 1
    assert _coverage(ctx) == [("XKX", 2021, 50.5)]


def test_reimport_inserts_nothing(ctx: AppContext) -> None:
    first = imports.import_file(ctx, "owid", DATA / "uhc_sample.csv", principal=LOCAL_ADMIN)
    again = imports.import_file(ctx, "owid", DATA / "uhc_sample.csv", principal=LOCAL_ADMIN)
    assert (first.inserted, again.inserted, again.unchanged, again.status) == (
        4,
        0,
        4,
        "unchanged",
    )


def test_bad_rows_are_all_listed_and_nothing_is_written(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "owid", DATA / "bad_rows.csv", principal=LOCAL_ADMIN)
    column = "UHC Service Coverage Index (SDG 3.8.1)"
    got = [(p.line, p.column, p.value) for p in err.value.problems]
    assert got == [
        (3, "Code", "GHX"),
        (4, "Year", "2O17"),
        (5, column, "43.9O984"),
        (6, "Code", "GHA"),
        (7, column, "135.24769"),
        (9, None, "Ghana,GHA,2005"),
    ]
    assert "as line 2" in err.value.problems[3].expected
    assert err.value.problems[4].expected == "a number from 0 to 100"
    assert _count(ctx, "coverage_indices") == 0
    assert _count(ctx, "sources") == 0
    assert _query(ctx, "SELECT status, problems FROM import_log") == [("failed", 6)]


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
        imports.import_file(ctx, "owid", DATA / name, principal=LOCAL_ADMIN)
    assert message in err.value.message
    assert [p.line for p in err.value.problems] == [line]
    assert _count(ctx, "sources") == 0


def test_full_bundled_file(ctx: AppContext) -> None:
    summary = imports.import_file(ctx, "owid", BUNDLED, principal=LOCAL_ADMIN)
    # 56 rows of WHO/UN regions with no code and 7 of OWID_WRL (World).
    assert (summary.rows_read, summary.inserted, summary.skipped) == (1421, 1358, {AGGREGATE: 63})
    # Hand-checked in the CSV: "Ghana,GHA,2021,47.78764".
    assert _query(
        ctx, "SELECT value FROM coverage_indices WHERE country = 'GHA' AND year = 2021"
    ) == [(47.78764,)]
    assert _query(ctx, "SELECT COUNT(DISTINCT country) FROM coverage_indices") == [(194,)]
