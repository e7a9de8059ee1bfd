"""The observatory's own tidy template for national workforce data (CSV or Excel).

Columns (header names are case-insensitive; extra columns are ignored):

==========  ==================================================================
country     ISO 3166-1 alpha-3 (UN M49 and ISO2 codes are mapped)
cadre       a cadre id (``nursing_professionals``) or ISCO-08 code (``2221``)
year        calendar year
sex         F, M or T (total); empty means T
age_band    ``total`` (or empty), ``20-24``, ``65+`` or a single year
basis       ``all`` (or empty), ``foreign_trained`` or ``foreign_born``
measure     ``headcount`` or ``per_10k``
value       a non-negative number
source      who published the figure (one source vintage per distinct value)
unit        optional: ``persons`` (default for headcount), ``thousands``,
            ``per_1000``, ``per_10000`` (default for per_10k), ``per_100000``
==========  ==================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from hrh.domain.codes import BASES, normalise_age_band, normalise_sex, resolve_cadre
from hrh.domain.records import SourceMeta, StockObs
from hrh.errors import HrhError, Invalid, Problem
from hrh.ingest._text import iter_rows, parse_number, parse_year, read_text
from hrh.ingest.base import Batch, CountryIndex, ImportResult, file_sha256

COLUMNS = ("country", "cadre", "year", "sex", "age_band", "basis", "measure", "value", "source")
REQUIRED = ("country", "cadre", "year", "measure", "value", "source")

#: unit → (measure it applies to, factor to the stored unit)
UNITS: dict[str, tuple[str, float]] = {
    "persons": ("headcount", 1.0),
    "thousands": ("headcount", 1000.0),
    "per_1000": ("per_10k", 10.0),
    "per_10000": ("per_10k", 1.0),
    "per_100000": ("per_10k", 0.1),
}
_DEFAULT_UNIT = {"headcount": "persons", "per_10k": "per_10000"}


def read(path: Path, countries: CountryIndex, options: Mapping[str, str]) -> ImportResult:
    """Read a tidy CSV or Excel file into stock observations, one batch per source."""
    sha = file_sha256(path)
    vintage = options.get("vintage") or sha[:12]
    result = ImportResult(file=path.name, format="tidy", sha256=sha)
    batches: dict[str, Batch] = {}
    for line, row in _rows(path):
        if isinstance(row, Problem):
            result.problems.append(row)
            continue
        result.rows_read += 1
        parsed = _parse_row(row, line, countries, result)
        if parsed is None:
            continue
        source_name, obs = parsed
        key = (source_name, obs.country, obs.cadre, obs.year, obs.sex, obs.age_band,
               obs.basis, obs.measure)
        earlier = result.first_seen(key, line)
        if earlier is not None:
            result.problem(line, None, None, f"one row per cell (same cell as line {earlier})")
            continue
        batch = batches.get(source_name)
        if batch is None:
            batch = batches[source_name] = Batch(_source(source_name, vintage))
        batch.stocks.append(obs)
    if result.rows_read == 0 and not result.problems:
        result.problem(2, None, None, "at least one data row")
    result.batches = list(batches.values())
    return result


def _source(name: str, vintage: str) -> SourceMeta:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "national"
    return SourceMeta(
        key=f"tidy:{slug}", vintage=vintage, publisher=name, title=name,
        licence="as stated by the publisher",
    )


def _parse_row(
    row: dict[str, str], line: int, countries: CountryIndex, result: ImportResult
) -> tuple[str, StockObs] | None:
    ok = True

    def bad(column: str, expected: str) -> None:
        nonlocal ok
        ok = False
        result.problem(line, column, row.get(column, ""), expected)

    code = row.get("country", "").strip()
    iso3 = countries.resolve(code)
    if iso3 is None:
        bad("country", "an ISO 3166-1 alpha-3 country code such as GHA")
    cadre = sex = age = ""
    try:
        cadre = resolve_cadre(row.get("cadre", "")).id
    except HrhError:
        bad("cadre", "a cadre id (e.g. nursing_professionals) or an ISCO-08 code (e.g. 2221)")
    year = 0
    try:
        year = parse_year(row.get("year", ""))
    except ValueError:
        bad("year", "a year between 1900 and 2200")
    try:
        sex = normalise_sex(row.get("sex", ""))
    except Invalid:
        bad("sex", "F, M or T")
    try:
        age = normalise_age_band(row.get("age_band", ""))
    except Invalid:
        bad("age_band", "total, A-B (e.g. 20-24), A+ or a single age")
    basis = row.get("basis", "").strip().lower() or "all"
    if basis not in BASES:
        bad("basis", "one of " + ", ".join(BASES))
    measure = row.get("measure", "").strip().lower()
    unit = row.get("unit", "").strip().lower() or _DEFAULT_UNIT.get(measure, "")
    factor = 1.0
    if measure not in _DEFAULT_UNIT:
        bad("measure", "headcount or per_10k")
    elif unit not in UNITS or UNITS[unit][0] != measure:
        ok = False
        allowed = [u for u, (m, _) in UNITS.items() if m == measure]
        result.problem(line, "unit", unit, f"for {measure}: one of " + ", ".join(allowed))
    else:
        factor = UNITS[unit][1]
    value = 0.0
    try:
        value = parse_number(row.get("value", ""))
        if value < 0:
            raise ValueError
    except ValueError:
        bad("value", "a non-negative number")
    source = row.get("source", "").strip()
    if not source:
        bad("source", "the name of who published the figure")
    if not ok or iso3 is None:
        return None
    return source, StockObs(iso3, cadre, year, sex, age, basis, measure, value * factor)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str] | Problem]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _excel_rows(path)
        return
    text = read_text(path)
    header, rows = iter_rows(text, path.name)
    _check_header(header, path.name)
    lowered = {h: h.strip().lower() for h in header}
    for line, row in rows:
        yield line, row if isinstance(row, Problem) else {lowered[k]: v for k, v in row.items()}


def _check_header(header: list[str], file: str) -> None:
    names = {h.strip().lower() for h in header}
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise Invalid(
            f"{file}: the header lacks the column(s) {', '.join(missing)}.",
            hint="The tidy template's columns are: " + ", ".join(COLUMNS) + " (see docs/formats.md).",
            problems=[Problem(file, 1, c, None, "this column in the header") for c in missing],
        )


def _excel_rows(path: Path) -> Iterator[tuple[int, dict[str, str] | Problem]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise Invalid(f"{path.name} is not a readable Excel workbook ({exc}).") from exc
    ws = wb["data"] if "data" in wb.sheetnames else wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        header = [str(c or "").strip() for c in next(it)]
    except StopIteration:
        raise Invalid(f"{path.name} is empty.") from None
    _check_header(header, path.name)
    names = [h.lower() for h in header]
    for i, cells in enumerate(it, start=2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        yield i, {n: _cell(c) for n, c in zip(names, cells, strict=False)}
    wb.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
