"""World Bank World Development Indicators (WDI) CSV, wide bulk or long layout.

Wide (the bulk download ``API_<code>_DS2_…csv``): usually four preamble lines
(``"Data Source"``, ``"Last Updated Date"``) then the header
``Country Name,Country Code,Indicator Name,Indicator Code,1960,…`` with one column per year
and a trailing empty column. Files re-saved by users often lack the preamble; the header is
found wherever it is.

Long (``Country Name,Country Code,Year,Value``, as in the datahub.io copy): the file does
not say which indicator it holds, so the ``indicator`` option must.

Country codes are World Bank codes: ISO3 for countries (plus XKX for Kosovo) and codes such
as WLD, SSF, AFE, INX for regions and groups, which are skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hrh.domain.codes import TOTAL_AGE
from hrh.domain.records import CoverageObs, EconomicObs, PopulationObs, SourceMeta, StockObs
from hrh.errors import Invalid, Problem
from hrh.ingest._text import (
    canonical_names,
    find_header,
    iter_rows,
    parse_iso_date,
    parse_number,
    parse_year,
    read_text,
    scale,
)
from hrh.ingest.base import Batch, CountryIndex, ImportResult, file_sha256


@dataclass(frozen=True)
class Indicator:
    """A WDI indicator the observatory stores, and how.

    Attributes:
        code: the WDI indicator code.
        name: the WDI indicator name.
        kind: ``population``, ``stock``, ``coverage`` or ``economic``.
        cadre: for stocks, the cadre id.
        factor: multiplies the file's value into the stored unit (per 1,000 → per 10,000).
        measure: for economic figures, the stored measure name.
    """

    code: str
    name: str
    kind: str
    cadre: str = ""
    factor: float = 1.0
    measure: str = ""


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator("SP.POP.TOTL", "Population, total", "population"),
        Indicator(
            "SH.MED.PHYS.ZS", "Physicians (per 1,000 people)", "stock", "medical_doctors", 10.0
        ),
        Indicator(
            "SH.MED.NUMW.P3",
            "Nurses and midwives (per 1,000 people)",
            "stock",
            "nursing_midwifery",
            10.0,
        ),
        Indicator("SH.UHC.SRVS.CV.XD", "UHC service coverage index", "coverage"),
        Indicator(
            "BX.TRF.PWKR.CD.DT",
            "Personal remittances, received (current US$)",
            "economic",
            measure="remittances_received_usd",
        ),
    )
}

WIDE = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
LONG = ("Country Name", "Country Code", "Year", "Value")
AGGREGATE = "region or group aggregate"
EMPTY = "empty value"

_SUPPORTED = ", ".join(INDICATORS)


def read(path: Path, countries: CountryIndex, options: Mapping[str, str]) -> ImportResult:
    """Read a WDI CSV (wide bulk or long layout): population, stock, coverage, economic rows."""
    sha = file_sha256(path)
    result = ImportResult(file=path.name, format="wdi", sha256=sha)
    text = read_text(path)
    lines = text.splitlines()
    wide, header_at = _find_layout(lines, path.name)
    released = parse_iso_date(_preamble(lines[:header_at]).get("Last Updated Date", "")) or ""
    target = _Target(result, countries, options.get("vintage") or released or sha[:12], released)
    header, rows = iter_rows(text, path.name, header_at)
    if wide:
        _read_wide(header, rows, target, options.get("indicator", "").strip().upper())
    else:
        _read_long(header, rows, target, _option_indicator(options, path.name))
    if result.rows_read == 0 and not result.problems:
        result.problem(header_at + 2, None, None, "at least one data row")
    result.batches = list(target.batches.values())
    return result


def _find_layout(lines: list[str], file: str) -> tuple[bool, int]:
    """Return (is the layout wide, 0-based index of the header line)."""
    for wide, required in ((True, WIDE), (False, LONG)):
        try:
            return wide, find_header(lines, required, file)
        except Invalid:
            continue
    first = lines[0][:120] if lines else ""
    raise Invalid(
        f"{file}: no WDI header row (wide: {', '.join(WIDE)}, 1960, …; "
        f"or long: {', '.join(LONG)}).",
        hint="Use the World Bank bulk download 'API_<code>_DS2_…csv' (CSV, not Excel).",
        problems=[Problem(file, 1, None, first, "a WDI header row")],
    )


def _preamble(lines: list[str]) -> dict[str, str]:
    """Return the ``"key","value"`` pairs of the lines above the header."""
    pairs = {}
    for cells in csv.reader(lines):
        if len(cells) >= 2 and cells[0].strip():
            pairs[cells[0].strip()] = cells[1].strip()
    return pairs


def _option_indicator(options: Mapping[str, str], file: str) -> Indicator:
    code = options.get("indicator", "").strip().upper()
    if not code:
        raise Invalid(
            f"{file} is in the long layout (Country Code, Year, Value), which does not say "
            "which indicator it holds.",
            hint=f"Name it with the indicator option (e.g. --option indicator=SP.POP.TOTL); "
            f"supported: {_SUPPORTED}.",
        )
    if code not in INDICATORS:
        raise Invalid(f"Unsupported WDI indicator {code!r}.", hint=f"Supported: {_SUPPORTED}.")
    return INDICATORS[code]


@dataclass
class _Target:
    """Where parsed cells go: one batch per indicator, problems and skips on ``result``."""

    result: ImportResult
    countries: CountryIndex
    vintage: str
    released: str
    batches: dict[str, Batch] = field(default_factory=dict)

    def aggregate(self, row: dict[str, str]) -> bool:
        """Tell whether the row is a region or group (and count it as skipped)."""
        if self.countries.is_aggregate(row["Country Code"]):
            self.result.skipped[AGGREGATE] += 1
            return True
        return False

    def country(self, row: dict[str, str], line: int) -> str | None:
        """Return the row's ISO3 code, or None after noting the problem."""
        code = row["Country Code"].strip()
        iso3 = self.countries.resolve(code)
        if iso3 is None:
            self.result.problem(
                line,
                "Country Code",
                code,
                "a World Bank country code (ISO 3166-1 alpha-3, or XKX) or a known "
                "aggregate code such as WLD",
            )
        return iso3

    def add(self, ind: Indicator, iso3: str, year: int, cell: str, at: tuple[int, str]) -> None:
        """Convert one value cell and add it to the indicator's batch."""
        line, column = at
        if not cell.strip():
            self.result.skipped[EMPTY] += 1
            return
        try:
            value = parse_number(cell)
        except ValueError:
            value = -1.0
        if value < 0 or (ind.kind == "coverage" and value > 100):
            wanted = "a number from 0 to 100" if ind.kind == "coverage" else "a number ≥ 0"
            self.result.problem(line, column, cell, wanted)
            return
        batch = self.batch(ind)
        value = scale(value, ind.factor)
        if ind.kind == "population":
            batch.population.append(PopulationObs(iso3, year, "T", TOTAL_AGE, "estimate", value))
        elif ind.kind == "coverage":
            batch.coverage.append(CoverageObs(iso3, year, value))
        elif ind.kind == "economic":
            batch.economic.append(EconomicObs(iso3, ind.measure, year, value))
        else:
            batch.stocks.append(
                StockObs(iso3, ind.cadre, year, "T", TOTAL_AGE, "all", "per_10k", value)
            )

    def batch(self, ind: Indicator) -> Batch:
        """Return the batch of the indicator's source, creating it on first use."""
        if ind.code not in self.batches:
            self.batches[ind.code] = Batch(
                SourceMeta(
                    key=f"wb-wdi:{ind.code}",
                    vintage=self.vintage,
                    publisher="World Bank",
                    title=f"World Development Indicators: {ind.name}",
                    url=f"https://data.worldbank.org/indicator/{ind.code}",
                    licence="CC BY 4.0",
                    released=self.released,
                )
            )
        return self.batches[ind.code]


_Rows = Iterator[tuple[int, dict[str, str] | Problem]]


def _read_wide(header: list[str], rows: _Rows, target: _Target, wanted: str) -> None:
    years = _year_columns(header, target.result.file)
    names = canonical_names(header, WIDE)
    result = target.result
    for line, raw in rows:
        if isinstance(raw, Problem):
            result.problems.append(raw)
            continue
        result.rows_read += 1
        row = {names[k]: v for k, v in raw.items()}
        ind = _row_indicator(row["Indicator Code"], line, result, wanted)
        if target.aggregate(row):
            continue
        iso3 = target.country(row, line)
        if ind is None or iso3 is None:
            continue
        earlier = result.first_seen((ind.code, iso3), line)
        if earlier is not None:
            result.problem(
                line,
                "Country Code",
                row["Country Code"],
                f"one row per country and indicator (same as line {earlier})",
            )
            continue
        for column, year in years:
            target.add(ind, iso3, year, raw[column], (line, column))


def _year_columns(header: list[str], file: str) -> list[tuple[str, int]]:
    years = []
    for name in header:
        try:
            years.append((name, parse_year(name)))
        except ValueError:
            continue
    if not years:
        raise Invalid(
            f"{file}: the header has no year columns (1960, 1961, …).",
            problems=[Problem(file, None, None, None, "one column per year in the header")],
        )
    return years


def _row_indicator(code: str, line: int, result: ImportResult, wanted: str) -> Indicator | None:
    """Return the row's indicator; an unsupported one in the first row fails the file."""
    key = code.strip().upper()
    if wanted and key != wanted:
        result.problem(line, "Indicator Code", code, f"{wanted} (the indicator option)")
        return None
    if key in INDICATORS:
        return INDICATORS[key]
    if result.rows_read == 1:
        raise Invalid(
            f"{result.file} holds the WDI indicator {code!r}, which is not supported.",
            hint=f"Supported: {_SUPPORTED}.",
            problems=[Problem(result.file, line, "Indicator Code", code, "one of " + _SUPPORTED)],
        )
    result.problem(line, "Indicator Code", code, "one of " + _SUPPORTED)
    return None


def _read_long(header: list[str], rows: _Rows, target: _Target, ind: Indicator) -> None:
    names = canonical_names(header, LONG)
    result = target.result
    for line, raw in rows:
        if isinstance(raw, Problem):
            result.problems.append(raw)
            continue
        result.rows_read += 1
        row = {names[k]: v for k, v in raw.items()}
        if target.aggregate(row):
            continue
        iso3 = target.country(row, line)
        try:
            year = parse_year(row["Year"])
        except ValueError:
            result.problem(line, "Year", row["Year"], "a year between 1900 and 2200")
            continue
        if iso3 is None:
            continue
        earlier = result.first_seen((ind.code, iso3, year), line)
        if earlier is not None:
            result.problem(line, None, None, f"one row per country and year (as line {earlier})")
            continue
        target.add(ind, iso3, year, row["Value"], (line, "Value"))
