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

DATA = Path(__file__).resolve().parent.parent / "data" / "wdi"
UHC_SAMPLE = DATA / "API_SH.UHC.SRVS.CV.XD_DS2_sample.csv"
UHC_BUNDLED = (
    REFERENCE_DIR / "uhc_service_coverage_index" / "API_SH.UHC.SRVS.CV.XD_DS2_en_csv_v2_15880.csv"
)
POP_BUNDLED = REFERENCE_DIR / "wb_population" / "population.csv"
AGGREGATE = "region or group aggregate"
POP = {"indicator": "SP.POP.TOTL"}

#: AFG and GHA values in the UHC sample (WLD is an aggregate, ABW and XKX are empty).
UHC_ROWS = [
    ("AFG", 2000, 23.0), ("AFG", 2005, 28.0), ("AFG", 2010, 29.0), ("AFG", 2015, 36.0),
    ("AFG", 2017, 41.0), ("AFG", 2019, 42.0), ("AFG", 2021, 41.0),
    ("GHA", 2000, 24.0), ("GHA", 2005, 26.0), ("GHA", 2010, 35.0), ("GHA", 2015, 44.0),
    ("GHA", 2017, 45.0), ("GHA", 2019, 46.0), ("GHA", 2021, 48.0),
]  # fmt: skip


def _query(ctx: AppContext, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def _count(ctx: AppContext, table: str) -> int:
    return int(_query(ctx, f"SELECT COUNT(*) FROM {table}")[0][0])


def _coverage(ctx: AppContext) -> list[tuple[Any, ...]]:
    return _query(ctx, "SELECT country, year, value FROM coverage_indices ORDER BY country, year")


def test_bulk_file_with_preamble(ctx: AppContext) -> None:
    summary = imports.import_file(ctx, "wdi", UHC_SAMPLE, principal=LOCAL_ADMIN)
    assert (summary.rows_read, summary.inserted) == (6, 14)
    # 64 year columns (1960-2023) × 4 country rows, less the 14 values.
    assert summary.skipped == {AGGREGATE: 2, "empty value": 242}
    assert _coverage(ctx) == UHC_ROWS
    assert _query(
        ctx, "SELECT key, vintage, released, publisher, title, licence, url FROM sources"
    ) == [
        (
            "wb-wdi:SH.UHC.SRVS.CV.XD",
            "2025-01-28",
            "2025-01-28",
            "World Bank",
            "World Development Indicators: UHC service coverage index",
            "CC BY 4.0",
            "https://data.worldbank.org/indicator/SH.UHC.SRVS.CV.XD",
        )
    ]


def test_bulk_file_without_preamble(ctx: AppContext) -> None:
    path = DATA / "uhc_no_preamble.csv"
    summary = imports.import_file(ctx, "wdi", path, principal=LOCAL_ADMIN)
    assert summary.inserted == 14
    assert _coverage(ctx) == UHC_ROWS
    assert _query(ctx, "SELECT vintage, released FROM sources") == [(file_sha256(path)[:12], "")]


def test_per_1000_densities_become_per_10k(ctx: AppContext) -> None:
    summary = imports.import_file(
        ctx, "wdi", DATA / "API_SH.MED.PHYS.ZS_constructed.csv", principal=LOCAL_ADMIN
    )
    assert summary.skipped == {AGGREGATE: 1, "empty value": 3}
    assert sorted(summary.sources) == [
        "wb-wdi:SH.MED.NUMW.P3@2024-06-28",
        "wb-wdi:SH.MED.PHYS.ZS@2024-06-28",
    ]
    rows = _query(
        ctx,
        "SELECT w.country, w.cadre, w.year, w.sex, w.age_band, w.basis, w.measure, w.value, s.key "
        "FROM workforce_stocks w JOIN sources s ON s.id = w.source_id ORDER BY w.cadre, w.country",
    )
    assert rows == [
        ("GHA", "medical_doctors", 2018, "T", "total", "all", "per_10k", 1.48,
         "wb-wdi:SH.MED.PHYS.ZS"),
        ("KEN", "medical_doctors", 2018, "T", "total", "all", "per_10k", 1.57,
         "wb-wdi:SH.MED.PHYS.ZS"),
        ("GHA", "nursing_midwifery", 2018, "T", "total", "all", "per_10k", 45.52,
         "wb-wdi:SH.MED.NUMW.P3"),
    ]  # fmt: skip


def test_long_layout_with_indicator_option(ctx: AppContext) -> None:
    summary = imports.import_file(
        ctx, "wdi", DATA / "population_long.csv", options=POP, principal=LOCAL_ADMIN
    )
    assert (summary.rows_read, summary.inserted, summary.skipped) == (6, 4, {AGGREGATE: 2})
    assert _query(
        ctx,
        "SELECT country, year, sex, age_band, variant, value FROM populations "
        "ORDER BY country, year",
    ) == [
        ("CIV", 2019, "T", "total", "estimate", 28193009.0),
        ("GHA", 2018, "T", "total", "estimate", 30637585.0),
        ("GHA", 2019, "T", "total", "estimate", 31258945.0),
        ("XKX", 2018, "T", "total", "estimate", 1797086.0),
    ]
    assert _query(ctx, "SELECT key, title FROM sources") == [
        ("wb-wdi:SP.POP.TOTL", "World Development Indicators: Population, total")
    ]


def test_reimport_inserts_nothing(ctx: AppContext) -> None:
    first = imports.import_file(
        ctx, "wdi", DATA / "population_long.csv", options=POP, principal=LOCAL_ADMIN
    )
    again = imports.import_file(
        ctx, "wdi", DATA / "population_long.csv", options=POP, principal=LOCAL_ADMIN
    )
    assert (first.inserted, again.inserted, again.unchanged) == (4, 0, 4)
    assert _count(ctx, "sources") == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [({}, "does not say which indicator"), ({"indicator": "SP.DYN.LE00.IN"}, "Unsupported")],
)
def test_long_layout_needs_a_supported_indicator(
    ctx: AppContext, options: dict[str, str], message: str
) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(
            ctx, "wdi", DATA / "population_long.csv", options=options, principal=LOCAL_ADMIN
        )
    assert message in err.value.message
    assert "SP.POP.TOTL" in err.value.hint
    assert _count(ctx, "populations") == 0


def test_unknown_indicator_names_the_supported_ones(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "wdi", DATA / "unknown_indicator.csv", principal=LOCAL_ADMIN)
    assert "SP.DYN.LE00.IN" in err.value.message
    for code in ("SP.POP.TOTL", "SH.MED.PHYS.ZS", "SH.MED.NUMW.P3", "SH.UHC.SRVS.CV.XD"):
        assert code in err.value.hint
    assert [(p.line, p.column) for p in err.value.problems] == [(2, "Indicator Code")]


def test_bad_wide_rows_are_all_listed_and_nothing_is_written(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "wdi", DATA / "bad_rows_wide.csv", principal=LOCAL_ADMIN)
    got = [(p.line, p.column, p.value) for p in err.value.problems]
    assert got[:4] == [
        (7, "Country Code", "XYZ"),
        (8, "2015", "3x6"),
        (9, "Country Code", "GHA"),
        (10, "2017", "146"),
    ]
    assert got[4][:2] == (12, None)
    assert "same as line 6" in err.value.problems[2].expected
    assert err.value.problems[3].expected == "a number from 0 to 100"
    assert _count(ctx, "coverage_indices") == 0
    assert _count(ctx, "sources") == 0


def test_bad_long_rows_are_all_listed_and_nothing_is_written(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(
            ctx, "wdi", DATA / "bad_rows_long.csv", options=POP, principal=LOCAL_ADMIN
        )
    got = [(p.line, p.column, p.value) for p in err.value.problems]
    assert got == [
        (3, "Country Code", "GHX"),
        (4, "Year", "2O19"),
        (5, "Value", "51 393 01x"),
        (6, None, None),
        (8, None, "Uganda,UGA,2"),
    ]
    assert "as line 2" in err.value.problems[3].expected
    assert _count(ctx, "populations") == 0
    assert _count(ctx, "sources") == 0


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("empty.csv", "is empty", 1),
        ("wrong_header.csv", "no WDI header row", 1),
        ("latin1.csv", "not readable", 7),
    ],
)
def test_malformed_files_get_clear_errors(
    ctx: AppContext, name: str, message: str, line: int
) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "wdi", DATA / name, principal=LOCAL_ADMIN)
    assert message in err.value.message
    assert [p.line for p in err.value.problems] == [line]
    assert _count(ctx, "sources") == 0


def test_full_bundled_files(ctx: AppContext) -> None:
    pop = imports.import_file(ctx, "wdi", POP_BUNDLED, options=POP, principal=LOCAL_ADMIN)
    uhc = imports.import_file(ctx, "wdi", UHC_BUNDLED, principal=LOCAL_ADMIN)
    assert (pop.rows_read, pop.inserted) == (17195, 14010)
    assert pop.skipped == {AGGREGATE: 3185}
    assert (uhc.rows_read, uhc.inserted) == (266, 1344)
    assert uhc.skipped[AGGREGATE] == 50
    # Hand-checked: population.csv "Ghana,GHA,2018,30637585"; the UHC file's Ghana 2021 is "48".
    assert _query(ctx, "SELECT value FROM populations WHERE country = 'GHA' AND year = 2018") == [
        (30637585.0,)
    ]
    assert _query(
        ctx, "SELECT value FROM coverage_indices WHERE country = 'GHA' AND year = 2021"
    ) == [(48.0,)]
    assert _query(ctx, "SELECT key, vintage FROM sources ORDER BY key") == [
        ("wb-wdi:SH.UHC.SRVS.CV.XD", "2025-01-28"),
        ("wb-wdi:SP.POP.TOTL", file_sha256(POP_BUNDLED)[:12]),
    ]
