"""UN WPP importer: the three layouts, real bundled files, malformed files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid
from hrh.ingest import wpp
from hrh.ingest.reference import REFERENCE_DIR
from hrh.services import imports
from hrh.services.context import AppContext

DATA = Path(__file__).resolve().parent.parent / "data" / "wpp"
F02_SAMPLE = DATA / "WPP2022_POP_F02_1_sample.csv"
WPP2022 = REFERENCE_DIR / "un_wpp2022_age"
MEDIUM_2022 = WPP2022 / "WPP2022_POP_F02_1_POPULATION_BY_AGE_BOTH_SEXES_MEDIUM_VARIANT.csv"
ESTIMATES_2022 = WPP2022 / "WPP2022_POP_F02_1_POPULATION_BY_AGE_BOTH_SEXES_ESTIMATES.csv"
POPPROJ_2024 = (
    REFERENCE_DIR / "un_wpp2024" / "popproj1dt_total_population_projections_2024_2100.csv"
)

# Ghana 2022, medium variant, thousands, from the WPP 2022 F02-1 file (0-4 … 100+).
GHANA_2022 = [
    4328,
    4216,
    3821,
    3415,
    2957,
    2587,
    2452,
    2276,
    1954,
    1480,
    1102,
    921,
    776,
    535,
    322,
    180,
    101,
    41,
    10,
    1,
    0,
]


def _query(ctx: AppContext, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _count(ctx: AppContext, table: str) -> int:
    return int(_query(ctx, f"SELECT COUNT(*) FROM {table}")[0][0])


def _pop(ctx: AppContext, country: str, year: int, sex: str, band: str, variant: str) -> float:
    rows = _query(
        ctx,
        "SELECT value FROM populations WHERE country = :c AND year = :y AND sex = :s "
        "AND age_band = :a AND variant = :v",
        c=country,
        y=year,
        s=sex,
        a=band,
        v=variant,
    )
    assert len(rows) == 1, rows
    return float(rows[0][0])


def test_f02_sample_keeps_countries_in_persons(ctx: AppContext) -> None:
    summary = imports.import_file(ctx, "wpp", F02_SAMPLE, principal=LOCAL_ADMIN)
    assert (summary.rows_read, summary.inserted) == (6, 3 * 21)
    assert summary.skipped == {"aggregate rows": 2, "label/separator rows": 1}
    assert summary.sources == ["un-wpp-2022@2022"]
    assert _pop(ctx, "GHA", 2022, "T", "20-24", "median") == 2_957_000.0
    assert _pop(ctx, "GHA", 2023, "T", "100+", "median") == 0.0
    assert _pop(ctx, "XKX", 2022, "T", "0-4", "median") == 93_000.0
    bands = _query(
        ctx, "SELECT age_band, value FROM populations WHERE country = 'GHA' AND year = 2022"
    )
    assert sorted(v for _, v in bands) == sorted(1000.0 * v for v in GHANA_2022)
    assert {b for b, _ in bands} == {f"{a}-{a + 4}" for a in range(0, 100, 5)} | {"100+"}
    src = _query(ctx, "SELECT key, vintage, publisher, title, url, licence, released FROM sources")
    assert src == [
        (
            "un-wpp-2022",
            "2022",
            "United Nations, DESA, Population Division",
            "World Population Prospects 2022",
            "https://population.un.org/wpp/",
            "CC BY 3.0 IGO",
            "2022-07",
        )
    ]
    assert _count(ctx, "populations") == 63


def test_reimport_inserts_nothing_and_vintage_option_is_kept(ctx: AppContext) -> None:
    imports.import_file(ctx, "wpp", F02_SAMPLE, principal=LOCAL_ADMIN)
    again = imports.import_file(ctx, "wpp", F02_SAMPLE, principal=LOCAL_ADMIN)
    assert (again.inserted, again.unchanged, again.status) == (0, 63, "unchanged")
    other = imports.import_file(
        ctx, "wpp", F02_SAMPLE, options={"vintage": "2022-rev1"}, principal=LOCAL_ADMIN
    )
    assert other.sources == ["un-wpp-2022@2022-rev1"]
    assert _count(ctx, "populations") == 126


def test_f02_location_code_is_used_when_iso3_is_empty(ctx: AppContext, tmp_path: Path) -> None:
    raw = F02_SAMPLE.read_bytes().replace(b",288,GHA,GH,288,", b",288,,,288,")
    p = tmp_path / F02_SAMPLE.name
    p.write_bytes(raw)
    assert imports.import_file(ctx, "wpp", p, principal=LOCAL_ADMIN).inserted == 63
    assert _pop(ctx, "GHA", 2023, "T", "20-24", "median") == 3_047_000.0


def test_popproj_sexes_intervals_and_variants(ctx: AppContext) -> None:
    summary = imports.import_file(ctx, "wpp", DATA / "popproj1dt_sample.csv", principal=LOCAL_ADMIN)
    assert (summary.rows_read, summary.inserted) == (6, 2 * 2 * 9)
    assert summary.skipped == {"aggregate rows": 2}
    assert summary.sources == ["un-wpp-2024@2024"]
    assert any("inferred from the first projection year" in n for n in summary.notes)
    got = _query(
        ctx,
        "SELECT sex, variant, value FROM populations WHERE country = 'GHA' AND year = 2024 "
        "AND age_band = 'total' ORDER BY sex, variant",
    )
    assert got == [
        ("F", "median", 17_394_232.0),
        ("M", "median", 17_352_138.0),
        ("T", "high", 34_811_357.0),
        ("T", "low", 34_681_382.0),
        ("T", "median", 34_746_370.0),
        ("T", "pi80_high", 34_881_610.0),
        ("T", "pi80_low", 34_613_369.0),
        ("T", "pi95_high", 34_954_885.0),
        ("T", "pi95_low", 34_549_332.0),
    ]
    # Kosovo has UN code 412 and no ISO 3166-1 numeric code.
    assert _pop(ctx, "XKX", 2025, "T", "total", "median") == 1_669_591.0


def test_standard_total_population_by_sex(ctx: AppContext) -> None:
    summary = imports.import_file(
        ctx, "wpp", DATA / "WPP2024_TotalPopulationBySex_sample.csv", principal=LOCAL_ADMIN
    )
    assert summary.skipped == {"aggregate rows": 2, "variants not kept": 1, "empty values": 2}
    assert summary.sources == ["un-wpp-2024@2024"]
    got = _query(
        ctx,
        "SELECT year, variant, sex, value FROM populations WHERE country = 'GHA' "
        "ORDER BY year, variant, sex",
    )
    assert got == [
        (2023, "estimate", "F", 16_895_467.0),
        (2023, "estimate", "M", 16_892_447.0),
        (2023, "estimate", "T", 33_787_914.0),
        (2024, "high", "F", 17_426_647.0),
        (2024, "high", "M", 17_384_710.0),
        (2024, "high", "T", 34_811_357.0),
        (2024, "median", "F", 17_394_232.0),
        (2024, "median", "M", 17_352_138.0),
        (2024, "median", "T", 34_746_370.0),
        (2024, "pi80_low", "T", 34_613_369.0),
    ]
    assert _pop(ctx, "XKX", 2024, "T", "total", "median") == 1_678_659.0
    assert summary.inserted == 13


def test_standard_population_by_age(ctx: AppContext) -> None:
    p = DATA / "WPP2024_PopulationByAge5GroupSex_Medium_sample.csv"
    summary = imports.import_file(ctx, "wpp", p, principal=LOCAL_ADMIN)
    assert (summary.inserted, summary.skipped) == (12, {"aggregate rows": 1})
    assert _pop(ctx, "GHA", 2023, "T", "0-4", "estimate") == 4_403_563.0
    assert _pop(ctx, "GHA", 2024, "F", "20-24", "median") == 1_589_040.0
    assert _pop(ctx, "GHA", 2024, "T", "100+", "median") == 17.0


def _problems(ctx: AppContext, path: Path) -> list[tuple[int | None, str | None]]:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "wpp", path, principal=LOCAL_ADMIN)
    assert _count(ctx, "populations") == 0
    assert _count(ctx, "sources") == 0
    assert _query(ctx, "SELECT status FROM import_log") == [("failed",)]
    return [(p.line, p.column) for p in err.value.problems]


def test_f02_bad_rows_are_all_listed_and_nothing_is_written(ctx: AppContext) -> None:
    path = DATA / "WPP2022_POP_F02_1_bad_rows.csv"
    assert _problems(ctx, path) == [
        (19, "20-24"),
        (20, "ISO3 Alpha-code"),
        (21, None),
        (22, None),
        (23, "Year"),
        (24, "0-4"),
    ]
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "wpp", path, principal=LOCAL_ADMIN)
    by_line = {p.line: p for p in err.value.problems}
    assert by_line[19].value == "  3 0x7"
    assert by_line[20].value == "XYZ"
    assert "same cell as line 18" in by_line[21].expected
    assert "truncated" in by_line[22].expected
    assert str(by_line[24]).startswith("WPP2022_POP_F02_1_bad_rows.csv:24, column '0-4'")


def test_popproj_bad_rows(ctx: AppContext) -> None:
    assert _problems(ctx, DATA / "popproj1dt_bad_rows.csv") == [
        (3, "popF"),
        (4, "country_code"),
        (5, None),
        (6, None),
    ]


@pytest.mark.parametrize(
    ("name", "message", "where"),
    [
        ("WPP2022_POP_F02_1_empty.csv", "is empty", (1, None)),
        ("WPP2024_wrong_header.csv", "no header row of a known layout", (1, None)),
        ("WPP2022_POP_F02_1_undecodable.csv", "neither as UTF-8 nor as Windows-1252", (19, None)),
        ("WPP2022_POP_F02_1_header_only.csv", "1 problem(s)", (18, None)),
    ],
)
def test_malformed_files_get_clear_errors(
    ctx: AppContext, name: str, message: str, where: tuple[int, None]
) -> None:
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "wpp", DATA / name, principal=LOCAL_ADMIN)
    assert message in err.value.message
    assert [(p.line, p.column) for p in err.value.problems] == [where]
    assert _count(ctx, "populations") == 0


def test_file_without_edition_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    p = tmp_path / "TotalPopulationBySex.csv"
    shutil.copy(DATA / "WPP2024_TotalPopulationBySex_sample.csv", p)
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "wpp", p, principal=LOCAL_ADMIN)
    assert "which WPP edition" in err.value.message


# --- the full bundled files ---


@pytest.mark.slow
def test_full_wpp2022_medium_variant(ctx: AppContext) -> None:
    summary = imports.import_file(ctx, "wpp", MEDIUM_2022, principal=LOCAL_ADMIN)
    # 22,519 rows: 18,644 countries/areas (236 × 79 years) × 21 bands; the rest aggregates.
    assert (summary.rows_read, summary.records) == (22_519, 18_644 * 21)
    assert summary.skipped == {"aggregate rows": 3_871, "label/separator rows": 4}
    assert _pop(ctx, "GHA", 2022, "T", "20-24", "median") == 2_957_000.0
    # SOURCE.md check values (thousands): Kenya 2050 = 85,210; Nigeria 2023 = 223,806.
    total = "SELECT SUM(value) FROM populations WHERE country = :c AND year = :y"
    assert _query(ctx, total, c="KEN", y=2050)[0][0] == pytest.approx(85_210_000, abs=10_000)
    assert _query(ctx, total, c="NGA", y=2023)[0][0] == pytest.approx(223_806_000, abs=10_000)
    countries = _query(ctx, "SELECT COUNT(DISTINCT country) FROM populations")[0][0]
    assert countries == 236


@pytest.mark.slow
def test_full_wpp2022_estimates_read() -> None:
    from hrh.ingest.base import CountryIndex
    from hrh.ingest.reference import read_country_reference

    ref = read_country_reference()
    index = CountryIndex({c.iso3: c for c in ref.countries}, ref.aliases, frozenset(ref.aggregates))
    result = wpp.read(ESTIMATES_2022, index, {})
    assert not result.problems
    assert (result.rows_read, result.records) == (20_524, 16_992 * 21)
    assert result.skipped == {"aggregate rows": 3_528, "label/separator rows": 4}
    ghana = {
        (o.year, o.age_band): o.value
        for o in result.batches[0].population
        if o.country == "GHA" and o.year == 2021
    }
    assert ghana[(2021, "20-24")] == 2_867_000.0
    assert {o.variant for o in result.batches[0].population} == {"estimate"}


@pytest.mark.slow
def test_full_wpp2024_projections(ctx: AppContext) -> None:
    summary = imports.import_file(ctx, "wpp", POPPROJ_2024, principal=LOCAL_ADMIN)
    # 297 locations × 77 years; 236 countries/areas (incl. Kosovo, UN 412) × 9 series.
    assert (summary.rows_read, summary.records) == (22_869, 236 * 77 * 9)
    assert summary.skipped == {"aggregate rows": 61 * 77}
    assert summary.sources == ["un-wpp-2024@2024"]
    assert _pop(ctx, "GHA", 2024, "T", "total", "median") == 34_746_370.0
    # Nigeria 2050 (thousands in the file): popM 183,564.105 + popF 177,805.989; 95% PI upper
    # bound 456,524.936.
    assert _pop(ctx, "NGA", 2050, "T", "total", "median") == 361_370_094.0
    assert _pop(ctx, "NGA", 2050, "T", "total", "pi95_high") == 456_524_936.0
    assert _count(ctx, "populations") == 236 * 77 * 9
