"""OECD Health Workforce Migration (HEALTH_WFMI), as legacy OECD.Stat CSV or as SDMX-CSV.

Two layouts, told apart by the header:

==========  ======================================================================
layout      columns used
==========  ======================================================================
``legacy``  OECD.Stat export: ``COU`` (reporting = destination country), ``VAR``,
            ``CO2`` (country of training), ``YEA``, ``Value``
``sdmx``    SDMX-CSV 1.0/2.0 from the OECD Data Explorer (dataflow
            ``OECD.ELS.HD:DSD_HEALTH_WFMI@DF_HEALTH_WFMI``): ``REF_AREA``, ``MEASURE``,
            the origin (``COUNTRY_ORIGIN``, ``CNTRY_ORIGIN``, ``ORIGIN``, …),
            ``TIME_PERIOD``, ``OBS_VALUE``, optional ``UNIT_MEASURE``, ``UNIT_MULT``
            and ``ACTION``; label columns (``labels=name``) and ``ID: Name`` cells
            (``labels=both``) are understood
==========  ======================================================================

Variables (``VAR`` / ``MEASURE``) and what they become:

* ``FTDS``/``FTNS`` (foreign-trained doctors/nurses, stock) by origin → a migration flow of
  kind ``stock_abroad``, basis ``training``; with origin ``TOT`` → the destination's stock of
  foreign-trained doctors/nurses (basis ``foreign_trained``, headcount).
* ``FTDF``/``FTNF`` (annual inflows) by origin → a flow of kind ``inflow``.
* ``TNBD``/``TNBN`` (total number of doctors/nurses, origin ``TOT``) → the destination's stock
  (basis ``all``, headcount).
* ``FTDP``/``FTNP`` (shares, %) are skipped: shares are recomputed from stocks.

Rows whose origin is not specified (``NS``), an aggregate, or the destination itself are
skipped and counted; the reasons are listed in the result's notes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from hrh.domain.records import FlowObs, SourceMeta, StockObs
from hrh.errors import Problem
from hrh.ingest._text import (
    find_layout,
    header_id,
    iter_rows,
    parse_number,
    parse_year,
    read_text,
    scale,
)
from hrh.ingest.base import Batch, CountryIndex, ImportResult, StockRow, file_sha256


@dataclass(frozen=True)
class Measure:
    """What a HEALTH_WFMI variable measures and how it is stored."""

    cadre: str
    kind: str  # stock_abroad | inflow | total | share
    label: str


MEASURES: dict[str, Measure] = {
    "FTDS": Measure("medical_doctors", "stock_abroad", "Foreign-trained doctors - Stock"),
    "FTNS": Measure("nurses", "stock_abroad", "Foreign-trained nurses - Stock"),
    "FTDF": Measure("medical_doctors", "inflow", "Foreign-trained doctors - Annual inflow"),
    "FTNF": Measure("nurses", "inflow", "Foreign-trained nurses - Annual inflow"),
    "TNBD": Measure("medical_doctors", "total", "Total number of doctors"),
    "TNBN": Measure("nurses", "total", "Total number of nurses"),
    "FTDP": Measure("medical_doctors", "share", "Share of foreign-trained doctors (%)"),
    "FTNP": Measure("nurses", "share", "Share of foreign-trained nurses (%)"),
}
#: Origin codes meaning "all origins" (legacy ``TOT``, SDMX ``_T``).
TOTAL_ORIGINS = frozenset({"TOT", "_T"})
#: Origin codes meaning "not specified" (legacy ``NS``; SDMX unknown / not allocated).
UNSPECIFIED_ORIGINS = frozenset({"NS", "_U", "_X"})
#: OECD area codes that files mix with countries.
OECD_AGGREGATES = frozenset({"OECD", "OAVG", "EU27_2020", "EU28", "EA19", "WLD", "W"})
ORIGIN_COLUMNS = ("COUNTRY_ORIGIN", "CNTRY_ORIGIN", "COU_ORIGIN", "ORIGIN", "COUNTERPART_AREA")

LAYOUTS: dict[str, tuple[str, ...]] = {
    "legacy": ("COU", "VAR", "CO2", "YEA", "Value"),
    "sdmx": ("REF_AREA", "MEASURE", "TIME_PERIOD", "OBS_VALUE"),
}

SOURCE_KEY = "oecd-health-wfmi"
_TOTAL = "*"
_KEPT = ", ".join(k for k, m in MEASURES.items() if m.kind != "share")
_SHARES = ", ".join(k for k, m in MEASURES.items() if m.kind == "share")
_COUNTRY = "an ISO 3166-1 alpha-3 country code"
_REASONS = {
    "origin not specified (NS)": "workers whose country of training is not stated cannot be "
    "attributed to a country",
    "origin is an aggregate": "regional origins would double-count their countries",
    "origin = destination": "workers trained in the reporting country are not migrants "
    "(OECD lists them as 0)",
    "destination is an aggregate": "only reporting countries are stored",
    "share (percent) variables": "shares are recomputed from stocks and totals",
    "total inflows (TOT)": "an inflow from all origins together is not a bilateral flow",
    "empty values": "cells without a number are not stored",
    "deletion rows (ACTION D)": "SDMX-CSV rows that delete data carry no values",
}


@dataclass(frozen=True)
class _Cols:
    """The column names of one layout, used to read rows and to locate problems."""

    destination: str
    measure: str
    origin: str | None
    year: str
    value: str
    unit: str | None = None
    unit_mult: str | None = None
    action: str | None = None


LEGACY = _Cols("COU", "VAR", "CO2", "YEA", "Value")


@dataclass
class _Run:
    result: ImportResult
    countries: CountryIndex
    stocks: list[StockRow]
    flows: list[FlowObs]


def read(path: Path, countries: CountryIndex, options: Mapping[str, str]) -> ImportResult:
    """Read a HEALTH_WFMI file into migration flows and workforce stocks.

    Raises:
        Invalid: when the file is missing, empty, undecodable or has no known header.
    """
    sha = file_sha256(path)
    result = ImportResult(file=path.name, format="oecd-wfmi", sha256=sha)
    text = read_text(path)
    layout, index = find_layout(text[:100_000].splitlines()[:30], LAYOUTS, path.name)
    header, rows = iter_rows(text, path.name, index)
    run = _Run(result, countries, [], [])
    cols = LEGACY if layout == "legacy" else _sdmx_cols(header)
    for line, row in _rows(run, rows, layout == "sdmx"):
        _read_row(run, line, row, cols)
    if result.rows_read == 0 and not result.problems:
        result.problem(index + 2, None, None, "at least one data row")
    if not result.problems:
        source = SourceMeta(
            key=SOURCE_KEY,
            vintage=options.get("vintage") or sha[:12],
            publisher="OECD",
            title="Health Workforce Migration (HEALTH_WFMI)",
            url="https://data-explorer.oecd.org/",
            licence="CC BY 4.0",
        )
        result.batches = [Batch(source, stocks=run.stocks, flows=run.flows)]
        result.notes += [
            f"Skipped {n} row(s), {reason}: {_REASONS.get(reason, reason)}."
            for reason, n in sorted(result.skipped.items())
        ]
    return result


def _sdmx_cols(header: list[str]) -> _Cols:
    ids = {header_id(h) for h in header}
    origin = next((c for c in ORIGIN_COLUMNS if c in ids), None)
    return _Cols(
        "REF_AREA",
        "MEASURE",
        origin,
        "TIME_PERIOD",
        "OBS_VALUE",
        unit="UNIT_MEASURE" if "UNIT_MEASURE" in ids else None,
        unit_mult="UNIT_MULT" if "UNIT_MULT" in ids else None,
        action="ACTION" if "ACTION" in ids else None,
    )


def _rows(
    run: _Run, rows: Iterator[tuple[int, dict[str, str] | Problem]], sdmx: bool
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield good rows (SDMX rows keyed by column id, codes without labels)."""
    for line, row in rows:
        if isinstance(row, Problem):
            run.result.problems.append(row)
            continue
        run.result.rows_read += 1
        if sdmx:
            row = {header_id(k): v.split(": ", 1)[0] if ": " in k else v for k, v in row.items()}
        yield line, row


def _read_row(run: _Run, line: int, row: dict[str, str], cols: _Cols) -> None:
    result = run.result
    if cols.action and row[cols.action].strip().upper() == "D":
        result.skipped["deletion rows (ACTION D)"] += 1
        return
    code = row[cols.measure].strip().upper()
    measure = MEASURES.get(code)
    unit = row[cols.unit].strip().upper() if cols.unit else ""
    if (measure and measure.kind == "share") or unit.startswith("PT"):
        result.skipped["share (percent) variables"] += 1
        return
    if measure is None:
        result.problem(
            line, cols.measure, row[cols.measure], f"one of {_KEPT} ({_SHARES} are skipped)"
        )
    destination = _place(run, line, cols.destination, row[cols.destination], "destination")
    origin = _origin(run, line, cols, row)
    year = _year(run, line, cols.year, row[cols.year])
    if destination == "" or origin == "":  # a skipped row
        return
    value = _value(run, line, cols, row)
    if measure is None or not destination or not origin or year is None or value is None:
        return
    _record(run, line, row, cols, (measure, destination, origin, year, value))


def _place(run: _Run, line: int, column: str, text: str, role: str) -> str | None:
    """Return the ISO3 code, '' for a skipped aggregate, or None for a bad code (recorded)."""
    code = text.strip()
    iso3 = run.countries.resolve(code) if code else None
    if iso3:
        return iso3
    if code.upper() in OECD_AGGREGATES or (code and run.countries.is_aggregate(code)):
        run.result.skipped[f"{role} is an aggregate"] += 1
        return ""
    run.result.problem(line, column, text, _COUNTRY)
    return None


def _origin(run: _Run, line: int, cols: _Cols, row: dict[str, str]) -> str | None:
    """Return the origin's ISO3, ``_TOTAL`` for all origins, '' when skipped, None when bad."""
    if cols.origin is None:
        return _TOTAL
    code = row[cols.origin].strip().upper()
    if code in TOTAL_ORIGINS:
        return _TOTAL
    if code in UNSPECIFIED_ORIGINS:
        run.result.skipped["origin not specified (NS)"] += 1
        return ""
    return _place(run, line, cols.origin, row[cols.origin], "origin")


def _year(run: _Run, line: int, column: str, text: str) -> int | None:
    try:
        return parse_year(text)
    except ValueError:
        run.result.problem(line, column, text, "a year between 1900 and 2200 (annual data)")
        return None


def _value(run: _Run, line: int, cols: _Cols, row: dict[str, str]) -> float | None:
    """Return the head count, or None for an empty (counted) or bad (recorded) cell."""
    text = row[cols.value].strip()
    if text in ("", "..", "NaN"):
        run.result.skipped["empty values"] += 1
        return None
    factor = 1
    if cols.unit_mult and row[cols.unit_mult].strip():
        mult = row[cols.unit_mult].strip()
        if not mult.isdigit():
            run.result.problem(line, cols.unit_mult, mult, "a power of ten such as 0 or 3")
            return None
        factor = 10 ** int(mult)
    try:
        value = parse_number(text)
        if value < 0:
            raise ValueError(text)
    except ValueError:
        run.result.problem(line, cols.value, row[cols.value], "a non-negative number")
        return None
    return scale(value, factor)


def _record(
    run: _Run,
    line: int,
    row: dict[str, str],
    cols: _Cols,
    cell: tuple[Measure, str, str, int, float],
) -> None:
    measure, destination, origin, year, value = cell
    if measure.kind == "total" and origin != _TOTAL:
        column = cols.origin or cols.measure
        run.result.problem(line, column, row[column], "TOT: total numbers have no origin")
    elif origin == _TOTAL and measure.kind == "inflow":
        run.result.skipped["total inflows (TOT)"] += 1
    elif origin == _TOTAL:
        basis = "all" if measure.kind == "total" else "foreign_trained"
        stock = StockObs(destination, measure.cadre, year, "T", "total", basis, "headcount", value)
        if _is_new(run, ("stock", destination, measure.cadre, year, basis), line):
            run.stocks.append(stock)
    elif origin == destination:
        run.result.skipped["origin = destination"] += 1
    else:
        flow = FlowObs(origin, destination, measure.cadre, year, measure.kind, "training", value)
        if _is_new(run, ("flow", origin, destination, measure.cadre, year, measure.kind), line):
            run.flows.append(flow)


def _is_new(run: _Run, key: tuple[str | int, ...], line: int) -> bool:
    earlier = run.result.first_seen(key, line)
    if earlier is not None:
        run.result.problem(line, None, None, f"one row per cell (same cell as line {earlier})")
    return earlier is None
