"""UN World Population Prospects (WPP) CSV files, in three layouts detected from the header.

==============  ===================================================================
layout          what it is
==============  ===================================================================
``f02``         file POP/F02-1 "Total population by five-year age group" saved as CSV:
                cp1252, title lines, then ``Index, Variant, …, Location code,
                ISO3 Alpha-code, …, Type, Parent code, Year, 0-4, …, 100+``; values in
                thousands written like ``"  7 035"``
``popproj``     the ``wpp`` R packages' ``popproj1dt`` table: ``country_code`` (UN M49),
                ``year``, ``popM``, ``popF`` (medium variant), ``pop_80l`` … ``pop_95u``
                (prediction intervals of the total), ``pop_low``, ``pop_high``; thousands
``standard``    the UN standard CSV download (``WPP2024_TotalPopulationBySex.csv``,
                ``WPP2024_PopulationByAge5GroupSex_Medium.csv``): ``LocID``,
                ``ISO3_code``, ``LocTypeName``, ``Variant``, ``Time``, [``AgeGrp``],
                ``PopMale``, ``PopFemale``, ``PopTotal``; thousands
==============  ===================================================================

In the standard layout the ``Medium`` rows up to the year before the edition (2023 for WPP 2024)
are estimates and are stored as variant ``estimate``; later ones as ``median``.

Only countries and areas are kept: rows for the world, regions, income and development groups
are skipped and counted. Values are converted from thousands to persons.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hrh.domain.codes import TOTAL_AGE, normalise_age_band
from hrh.domain.records import PopulationObs, SourceMeta
from hrh.errors import Invalid, Problem
from hrh.ingest._text import find_layout, iter_rows, parse_number, parse_year, read_text
from hrh.ingest.base import Batch, CountryIndex, ImportResult, file_sha256
from hrh.ingest.reference import REFERENCE_DIR

LAYOUTS: dict[str, tuple[str, ...]] = {
    "f02": ("Variant", "Location code", "ISO3 Alpha-code", "Type", "Year"),
    "popproj": ("country_code", "year", "popM", "popF"),
    "standard": ("LocID", "LocTypeName", "Variant", "Time", "PopMale", "PopFemale", "PopTotal"),
}

#: F02 and standard-CSV variant names → stored variant; other variants are skipped.
VARIANTS: dict[str, str] = {
    "Estimates": "estimate",
    "Medium": "median",
    "Low": "low",
    "High": "high",
    "Lower 80 PI": "pi80_low",
    "Upper 80 PI": "pi80_high",
    "Lower 95 PI": "pi95_low",
    "Upper 95 PI": "pi95_high",
}

#: popproj columns of the total → variant (popM and popF give the median by sex).
POPPROJ_TOTALS: dict[str, str] = {
    "pop_80l": "pi80_low",
    "pop_80u": "pi80_high",
    "pop_95l": "pi95_low",
    "pop_95u": "pi95_high",
    "pop_low": "low",
    "pop_high": "high",
}

#: UN location codes of countries/areas that have no ISO 3166-1 numeric code.
UN_ONLY_CODES: dict[str, str] = {"412": "XKX"}  # Kosovo (under UNSC res. 1244)

COUNTRY_TYPE = "Country/Area"
UN_LOCATIONS = REFERENCE_DIR / "un_wpp2024" / "UNlocations.txt"
_THOUSANDS = "a number of thousands of persons (e.g. 7035 or '  7 035')"
_COUNTRY = "an ISO 3166-1 alpha-3 code or a UN M49 country code"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_REASONS = {
    "aggregate rows": "world, region, income and development-group rows are not countries",
    "label/separator rows": "heading rows inside the table, without data",
    "empty values": "cells without a number ('' or '...') are not stored",
    "variants not kept": "only estimates, medium, low, high and the 80/95% intervals are kept",
}


@dataclass
class _Run:
    """What one read accumulates: the result, the records and the country lookup."""

    result: ImportResult
    countries: CountryIndex
    edition: str
    records: list[PopulationObs] = field(default_factory=list)


def read(path: Path, countries: CountryIndex, options: Mapping[str, str]) -> ImportResult:
    """Read a WPP CSV into population observations (persons), one source per edition.

    Raises:
        Invalid: when the file is missing, empty or undecodable, has no known header, or the
            WPP edition can be found neither in its name nor in its title lines.
    """
    sha = file_sha256(path)
    result = ImportResult(file=path.name, format="wpp", sha256=sha)
    text = _decode(path)
    if "\x00" in text[:4096]:
        raise Invalid(
            f"{path.name} is not a text CSV (it contains NUL bytes).",
            hint="Save it as CSV (UTF-8 or Windows-1252), not UTF-16 or Excel.",
        )
    head = text[:200_000].splitlines()[:30]
    layout, index = find_layout(head, LAYOUTS, path.name)
    header, rows = iter_rows(text, path.name, index)
    del text
    title = "\n".join(head[:index])
    edition = _edition(path.name, title)
    run = _Run(result, countries, edition or "")
    _READERS[layout](run, header, rows)
    if result.rows_read == 0 and not result.problems:
        result.problem(index + 2, None, None, "at least one data row")
    if not edition and layout == "popproj" and run.records:
        edition = str(min(r.year for r in run.records))
        result.notes.append(
            f"WPP edition {edition} inferred from the first projection year (the popproj "
            "tables start in their edition's year); pass --vintage to state another."
        )
    if not edition and not result.problems:
        raise _no_edition(path.name)
    _finish(run, edition or "", options.get("vintage") or edition or sha[:12], title)
    return result


def _decode(path: Path) -> str:
    """Return the text as UTF-8, else as cp1252 (the UN's Excel CSVs); locate the bad byte."""
    try:
        return read_text(path, ("utf-8-sig",))
    except Invalid as exc:
        if "not readable" not in exc.message:
            raise
    try:
        return read_text(path, ("cp1252",))
    except Invalid as exc:
        raise Invalid(
            f"{path.name} is readable neither as UTF-8 nor as Windows-1252 (cp1252).",
            hint="Save the file as CSV UTF-8.",
            problems=exc.problems,
        ) from None


def _finish(run: _Run, edition: str, vintage: str, title: str) -> None:
    result = run.result
    if result.problems:
        return
    source = SourceMeta(
        key=f"un-wpp-{edition}",
        vintage=vintage,
        publisher="United Nations, DESA, Population Division",
        title=f"World Population Prospects {edition}",
        url="https://population.un.org/wpp/",
        licence="CC BY 3.0 IGO",
        released=_released(title),
    )
    result.batches = [Batch(source, population=run.records)]
    result.notes.append("Values converted from thousands to persons (× 1000).")
    for reason, n in sorted(result.skipped.items()):
        result.notes.append(f"Skipped {n} {reason}: {_REASONS.get(reason, reason)}.")


def _edition(name: str, title: str) -> str | None:
    """Return the WPP edition named in the file name or title lines ('2022', '2024')."""
    for text in (name, title):
        m = re.search(r"(?:WPP|World Population Prospects)[ _-]?((?:19|20)\d\d)", text, re.I)
        if m:
            return m.group(1)
    return None


def _released(title: str) -> str:
    """Return ``YYYY-MM`` from a title line such as '© July 2022 by United Nations'."""
    m = re.search(r"©\s*([A-Za-z]{3})[a-z]*\.?\s+((?:19|20)\d\d)", title)
    if not m or m.group(1).lower() not in _MONTHS:
        return ""
    return f"{m.group(2)}-{_MONTHS.index(m.group(1).lower()) + 1:02d}"


def _no_edition(file: str) -> Invalid:
    return Invalid(
        f"{file}: cannot tell which WPP edition this is.",
        hint="Keep the UN file name (e.g. WPP2024_TotalPopulationBySex.csv).",
        problems=[Problem(file, 1, None, file, "'WPP2022', 'WPP2024'… in the file name")],
    )


Rows = Iterator[tuple[int, dict[str, str] | Problem]]


def _data_rows(run: _Run, rows: Rows) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield good rows, recording malformed ones and counting all."""
    for line, row in rows:
        if isinstance(row, Problem):
            run.result.problems.append(row)
            continue
        run.result.rows_read += 1
        yield line, row


def _country(run: _Run, line: int, cells: list[tuple[str, str]]) -> str | None:
    """Resolve the first non-empty code among ``(column, code)`` cells to ISO3.

    Returns None (and records a problem unless the code is a known aggregate) when no code
    resolves.
    """
    present = [(col, code.strip()) for col, code in cells if code.strip()]
    for _, code in present:
        iso3 = run.countries.resolve(code) or UN_ONLY_CODES.get(code.lstrip("0"))
        if iso3 is not None:
            return iso3
    column, code = present[0] if present else (cells[0][0], "")
    if code and run.countries.is_aggregate(code):
        run.result.skipped["aggregate rows"] += 1
    else:
        run.result.problem(line, column, code, _COUNTRY)
    return None


def _thousands(run: _Run, line: int, column: str, text: str) -> float | None:
    """Return persons for a cell in thousands; None for empty or bad (recorded) cells."""
    t = text.strip()
    if t in ("", "...", "…"):
        run.result.skipped["empty values"] += 1
        return None
    try:
        value = float(t.replace(" ", ""))
    except ValueError:
        try:
            value = parse_number(t)
        except ValueError:
            value = -1.0
    if not 0 <= value < math.inf:
        run.result.problem(line, column, text, _THOUSANDS)
        return None
    return round(value * 1000, 3)


def _year(run: _Run, line: int, column: str, text: str) -> int | None:
    try:
        return parse_year(text)
    except ValueError:
        run.result.problem(line, column, text, "a year between 1900 and 2200")
        return None


def _is_duplicate(run: _Run, key: tuple[str, int, str, str], line: int) -> bool:
    earlier = run.result.first_seen(key, line)
    if earlier is not None:
        run.result.problem(line, None, None, f"one row per cell (same cell as line {earlier})")
    return earlier is not None


# --- f02: POP/F02-1, one row per location, year and variant; one column per age band ---


def _read_f02(run: _Run, header: list[str], rows: Rows) -> None:
    bands = _f02_bands(header, run.result.file)
    for line, row in _data_rows(run, rows):
        kind = row["Type"].strip()
        if kind != COUNTRY_TYPE:
            label = kind.lower().startswith("label")
            run.result.skipped["label/separator rows" if label else "aggregate rows"] += 1
            continue
        _f02_row(run, line, row, bands)


def _f02_bands(header: list[str], file: str) -> list[tuple[str, str]]:
    """Return ``(column, age band)`` for the columns after ``Year``."""
    after = header[header.index("Year") + 1 :]
    try:
        bands = [(col, normalise_age_band(col)) for col in after]
    except Invalid as exc:
        raise Invalid(
            f"{file}: the columns after Year must be age bands ({exc.message}).",
            problems=[Problem(file, None, None, ",".join(after)[:120], "0-4, 5-9, …, 100+")],
        ) from None
    if not bands:
        raise Invalid(f"{file}: no age-band columns after Year.")
    return bands


def _f02_row(run: _Run, line: int, row: dict[str, str], bands: list[tuple[str, str]]) -> None:
    keep, variant = _kept_variant(run, line, row["Variant"])
    if not keep:
        return
    iso3 = _country(
        run,
        line,
        [("ISO3 Alpha-code", row["ISO3 Alpha-code"]), ("Location code", row["Location code"])],
    )
    year = _year(run, line, "Year", row["Year"])
    if variant is None or iso3 is None or year is None:
        return
    if _is_duplicate(run, (iso3, year, variant, ""), line):
        return
    for column, band in bands:
        value = _thousands(run, line, column, row[column])
        if value is not None:
            run.records.append(PopulationObs(iso3, year, "T", band, variant, value))


def _kept_variant(run: _Run, line: int, text: str) -> tuple[bool, str | None]:
    """Return ``(keep row, variant)``: other named variants are skipped, an empty one is bad."""
    name = text.strip()
    if name and name not in VARIANTS:
        run.result.skipped["variants not kept"] += 1
        return False, None
    if not name:
        run.result.problem(line, "Variant", text, "a WPP variant such as Medium")
    return True, VARIANTS.get(name)


# --- popproj: wpp R package table, one row per country and year ---


def _read_popproj(run: _Run, header: list[str], rows: Rows) -> None:
    locations = un_location_types()
    totals = [(col, v) for col, v in POPPROJ_TOTALS.items() if col in header]
    for line, row in _data_rows(run, rows):
        code = row["country_code"].strip()
        if _is_un_aggregate(code, locations):
            run.result.skipped["aggregate rows"] += 1
            continue
        iso3 = _country(run, line, [("country_code", code)])
        year = _year(run, line, "year", row["year"])
        if iso3 is None or year is None or _is_duplicate(run, (iso3, year, "", ""), line):
            continue
        male = _thousands(run, line, "popM", row["popM"])
        female = _thousands(run, line, "popF", row["popF"])
        cells = [("M", "median", male), ("F", "median", female)]
        if male is not None and female is not None:
            cells.append(("T", "median", round(male + female, 3)))
        cells += [("T", v, _thousands(run, line, col, row[col])) for col, v in totals]
        run.records += [
            PopulationObs(iso3, year, sex, TOTAL_AGE, variant, value)
            for sex, variant, value in cells
            if value is not None
        ]


def _is_un_aggregate(code: str, locations: Mapping[str, int]) -> bool:
    """Tell whether a UN location code names an aggregate (≥ 900 or not a country/area)."""
    if not code.isdigit():
        return False
    number = str(int(code))
    return int(number) >= 900 or locations.get(number, 4) != 4


@functools.cache
def un_location_types(path: Path = UN_LOCATIONS) -> dict[str, int]:
    """Return UN location code → ``location_type`` (4 = country/area) from ``UNlocations.txt``.

    Returns an empty mapping when the bundled file is absent.
    """
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {
            str(int(r["country_code"])): int(r["location_type"])
            for r in csv.DictReader(f, delimiter="\t")
            if r["country_code"].strip().isdigit() and r["location_type"].strip().isdigit()
        }


# --- standard: UN download CSV, one row per location, variant, year [and age group] ---

_SEXES = (("PopMale", "M"), ("PopFemale", "F"), ("PopTotal", "T"))


def _read_standard(run: _Run, header: list[str], rows: Rows) -> None:
    has_age = "AgeGrp" in header
    if "january" in run.result.file.lower():
        run.result.notes.append("This file gives the population on 1 January, not 1 July.")
    last_estimate = int(run.edition) - 1 if run.edition.isdigit() else 0
    for line, row in _data_rows(run, rows):
        if row["LocTypeName"].strip() != COUNTRY_TYPE:
            run.result.skipped["aggregate rows"] += 1
            continue
        keep, variant = _kept_variant(run, line, row["Variant"])
        if not keep:
            continue
        iso3 = _country(
            run, line, [("ISO3_code", row.get("ISO3_code", "")), ("LocID", row["LocID"])]
        )
        year = _year(run, line, "Time", row["Time"])
        band = _age(run, line, row["AgeGrp"]) if has_age else TOTAL_AGE
        if variant is None or iso3 is None or year is None or band is None:
            continue
        if variant == "median" and year <= last_estimate:
            variant = "estimate"
        if _is_duplicate(run, (iso3, year, variant, band), line):
            continue
        for column, sex in _SEXES:
            value = _thousands(run, line, column, row[column])
            if value is not None:
                run.records.append(PopulationObs(iso3, year, sex, band, variant, value))


def _age(run: _Run, line: int, text: str) -> str | None:
    try:
        return normalise_age_band(text)
    except Invalid:
        run.result.problem(line, "AgeGrp", text, "an age group such as 0-4 or 100+")
        return None


_READERS: dict[str, Callable[[_Run, list[str], Rows], None]] = {
    "f02": _read_f02,
    "popproj": _read_popproj,
    "standard": _read_standard,
}
