"""Our World in Data (OWID) grapher CSV: ``Entity,Code,Year,<value column>…``.

Value columns are recognised by name (case-insensitive; punctuation ignored):

==========================================  ============================================
UHC Service Coverage Index …                coverage index (0–100)
Medical doctors / Physicians per 1,000 …    medical_doctors per 10,000 (value × 10)
Nurses and midwives per 1,000 …             nursing_midwifery per 10,000 (value × 10)
==========================================  ============================================

A single value column with another name can be mapped with the ``indicator`` option
(``coverage``, ``doctors_per_1000`` or ``nurses_midwives_per_1000``). Rows whose ``Code`` is
empty (OWID regions) or starts with ``OWID_`` (World, continents) are aggregates and skipped,
except ``OWID_KOS`` (Kosovo, stored as XKX).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hrh.domain.codes import TOTAL_AGE
from hrh.domain.records import CoverageObs, SourceMeta, StockObs
from hrh.errors import Invalid, Problem
from hrh.ingest._text import (
    canonical_names,
    find_header,
    iter_rows,
    parse_number,
    parse_year,
    read_text,
    scale,
)
from hrh.ingest.base import Batch, CountryIndex, ImportResult, file_sha256


@dataclass(frozen=True)
class ColumnKind:
    """What a value column holds and how it is stored.

    Attributes:
        id: the name the ``indicator`` option uses.
        label: what the column holds, for messages.
        cadre: for workforce densities, the cadre id; empty for the coverage index.
        factor: multiplies the file's value into the stored unit.
    """

    id: str
    label: str
    cadre: str = ""
    factor: float = 1.0


MAPPINGS: dict[str, ColumnKind] = {
    m.id: m
    for m in (
        ColumnKind("coverage", "UHC Service Coverage Index"),
        ColumnKind(
            "doctors_per_1000", "Medical doctors (physicians) per 1,000", "medical_doctors", 10
        ),
        ColumnKind(
            "nurses_midwives_per_1000", "Nurses and midwives per 1,000", "nursing_midwifery", 10
        ),
    )
}
#: Patterns matched against a column name lowered, without punctuation ("per 1,000" → "per 1000").
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\buhc service coverage index\b"), "coverage"),
    (re.compile(r"\b(medical doctors|physicians) per 1000\b"), "doctors_per_1000"),
    (re.compile(r"\bnurses and midwives per 1000\b"), "nurses_midwives_per_1000"),
)
#: OWID's own codes for countries without an ISO 3166-1 code; other ``OWID_`` codes are groups.
OWID_COUNTRIES = {"OWID_KOS": "XKX"}
KEYS = ("Entity", "Code", "Year")
AGGREGATE = "region or group aggregate"
EMPTY = "empty value"


def read(path: Path, countries: CountryIndex, options: Mapping[str, str]) -> ImportResult:
    """Read an OWID grapher CSV into coverage or workforce density records, one source each."""
    sha = file_sha256(path)
    result = ImportResult(file=path.name, format="owid", sha256=sha)
    text = read_text(path)
    header_at = find_header(text.splitlines(), KEYS, path.name)
    header, rows = iter_rows(text, path.name, header_at)
    columns = map_columns(header, options.get("indicator", ""), path.name)
    names = canonical_names(header, KEYS)
    vintage = options.get("vintage") or sha[:12]
    batches = {column: Batch(_source(column, vintage)) for column in columns}
    for line, raw in rows:
        if isinstance(raw, Problem):
            result.problems.append(raw)
            continue
        result.rows_read += 1
        row = {names[k]: v for k, v in raw.items()}
        place = _place(row, line, countries, result)
        if place is None:
            continue
        for column, mapping in columns.items():
            _add(batches[column], mapping, place, row[column], (line, column), result)
    if result.rows_read == 0 and not result.problems:
        result.problem(header_at + 2, None, None, "at least one data row")
    result.batches = [b for b in batches.values() if b.size]
    return result


def map_columns(header: list[str], option: str, file: str) -> dict[str, ColumnKind]:
    """Return value column → mapping for every column but Entity, Code and Year.

    Raises:
        Invalid: when a column is not recognised and the ``indicator`` option does not
            name the mapping of a single unrecognised column.
    """
    values = [h for h in header if h.strip().lower() not in {k.lower() for k in KEYS}]
    found = {h: _recognise(h) for h in values}
    unknown = [h for h, m in found.items() if m is None]
    if option and option not in MAPPINGS:
        raise Invalid(
            f"Unknown indicator option {option!r} for an OWID file.",
            hint="Use one of: " + ", ".join(MAPPINGS) + ".",
        )
    if option and len(unknown) == 1:
        found[unknown[0]] = MAPPINGS[option]
    elif unknown or not values:
        raise Invalid(
            f"{file}: cannot tell what the column(s) {', '.join(unknown) or '(none)'} hold.",
            hint="Recognised value columns: "
            + "; ".join(m.label for m in MAPPINGS.values())
            + ". For a single other value column, name its meaning with the indicator option ("
            + ", ".join(MAPPINGS)
            + ").",
            problems=[Problem(file, 1, h, None, "a recognised value column") for h in unknown],
        )
    return {h: m for h, m in found.items() if m is not None}


def _recognise(column: str) -> ColumnKind | None:
    plain = " ".join(re.sub(r"[(),.:;]", " ", column.replace(",", "")).lower().split())
    for pattern, mapping_id in PATTERNS:
        if pattern.search(plain):
            return MAPPINGS[mapping_id]
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "value"


def _source(column: str, vintage: str) -> SourceMeta:
    return SourceMeta(
        key=f"owid:{_slug(column)}",
        vintage=vintage,
        publisher="Our World in Data (from WHO/World Bank)",
        title=column,
        url="https://ourworldindata.org/",
        licence="CC BY 4.0",
    )


def _place(
    row: dict[str, str], line: int, countries: CountryIndex, result: ImportResult
) -> tuple[str, int] | None:
    """Return (ISO3, year) for a country row; None for aggregates (counted) or problems."""
    code = row["Code"].strip()
    code = OWID_COUNTRIES.get(code.upper(), code)
    if not code or code.upper().startswith("OWID_") or countries.is_aggregate(code):
        result.skipped[AGGREGATE] += 1
        return None
    iso3 = countries.resolve(code)
    if iso3 is None:
        result.problem(line, "Code", code, "an ISO 3166-1 alpha-3 code, empty or OWID_… code")
    year = None
    try:
        year = parse_year(row["Year"])
    except ValueError:
        result.problem(line, "Year", row["Year"], "a year between 1900 and 2200")
    if iso3 is None or year is None:
        return None
    earlier = result.first_seen((iso3, year), line)
    if earlier is not None:
        result.problem(line, "Code", code, f"one row per country and year (as line {earlier})")
        return None
    return iso3, year


def _add(
    batch: Batch,
    mapping: ColumnKind,
    place: tuple[str, int],
    cell: str,
    at: tuple[int, str],
    result: ImportResult,
) -> None:
    if not cell.strip():
        result.skipped[EMPTY] += 1
        return
    try:
        value = parse_number(cell)
    except ValueError:
        value = -1.0
    coverage = not mapping.cadre
    if value < 0 or (coverage and value > 100):
        result.problem(*at, cell, "a number from 0 to 100" if coverage else "a number ≥ 0")
        return
    iso3, year = place
    value = scale(value, mapping.factor)
    if coverage:
        batch.coverage.append(CoverageObs(iso3, year, value))
    else:
        obs = StockObs(iso3, mapping.cadre, year, "T", TOTAL_AGE, "all", "per_10k", value)
        batch.stocks.append(obs)
