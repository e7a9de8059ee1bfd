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
from collections.abc import Callable, Iterator, Mapping
from operator import itemgetter
from pathlib import Path
from typing import Any

from hrh.domain.codes import BASES, normalise_age_band, normalise_sex, resolve_cadre
from hrh.domain.records import SourceMeta, StockObs
from hrh.errors import HrhError, Invalid, Problem
from hrh.ingest._excel import open_workbook
from hrh.ingest._text import iter_cells, parse_number, parse_year, read_text
from hrh.ingest._tidy_fast import read_columnar
from hrh.ingest.base import Batch, CountryIndex, ImportResult, Sink, file_sha256

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


def read(
    path: Path, countries: CountryIndex, options: Mapping[str, str], sink: Sink | None = None
) -> ImportResult:
    """Read a tidy CSV or Excel file into stock observations, one batch per source.

    With a ``sink``, full chunks of valid records are handed on while reading goes on (the
    service writes them inside the import's transaction, rolled back if a problem turns up).
    """
    sha = file_sha256(path)
    vintage = options.get("vintage") or sha[:12]
    result = ImportResult(file=path.name, format="tidy", sha256=sha, sink=sink)
    if path.suffix.lower() == ".csv" and read_columnar(path, countries, vintage, result):
        return result
    result = ImportResult(file=path.name, format="tidy", sha256=sha, sink=sink)
    stream = result.stream_stocks
    batches: dict[str, Batch] = {}
    columns, rows = _rows(path)
    parse = _RowParser(columns, countries, result).parse
    first_seen = result.first_seen
    rows_read = 0
    for line, row in rows:
        if isinstance(row, Problem):
            result.problems.append(row)
            continue
        rows_read += 1
        parsed = parse(row, line)
        if parsed is None:
            continue
        source_name, key, obs = parsed
        earlier = first_seen(key, line)
        if earlier is not None:
            result.problem(line, None, None, f"one row per cell (same cell as line {earlier})")
            continue
        batch = batches.get(source_name)
        if batch is None:
            batch = batches[source_name] = Batch(_source(source_name, vintage))
        batch.stocks.append(obs)
        stream(batch)
    result.rows_read = rows_read
    if result.rows_read == 0 and not result.problems:
        result.problem(2, None, None, "at least one data row")
    result.batches = list(batches.values())
    return result


#: A row's coded cells, normalised: country, cadre, sex, age band, basis, measure.
Cell = tuple[str, str, str, str, str, str]
#: Columns validated once per distinct combination of their raw text (see ``_RowParser``).
_CODED = ("country", "cadre", "sex", "age_band", "basis", "measure", "unit")
_INF = float("inf")
#: What a combination of coded cells normalises to: the cell, unit factor and key bits.
_Normal = tuple[str, str, str, str, str, str, float, int]


class _Memo(dict[Any, Any]):
    """A dict that computes and keeps ``fn(key)`` for a missing key."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self._fn = fn

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._fn(key)
        return value


class _RowParser:
    """Turns rows (lists of cells) into observations, validating each distinct text once.

    A file repeats a few countries, cadres, sexes, age bands, years and sources over many
    rows, so what each combination of raw coded cells normalises to is remembered for the
    import. A row with anything wrong goes through ``_parse_row``, which records every
    problem with its line, column and value.
    """

    def __init__(
        self, columns: Mapping[str, int], countries: CountryIndex, result: ImportResult
    ) -> None:
        self._columns = columns
        self._countries = countries
        self._result = result
        coded = [c for c in _CODED if c in columns]  # absent optional columns read as ""
        self._coded_names = coded
        self._absent = {c: "" for c in _CODED if c not in columns}
        self._pick: Callable[[list[str]], tuple[str, ...]] = itemgetter(
            *(columns[c] for c in ("year", "value", "source", *coded))
        )
        self._coded = _Memo(self._normalise)
        self._years = _Memo(_year_or_none)
        self._sources = _Memo(self._source)
        self._cell_ids: dict[Cell, int] = {}
        self._source_ids: dict[str, int] = {}

    def parse(self, cells: list[str], line: int) -> tuple[str, int, StockObs] | None:
        """Return ``(source, cell key, observation)``, or None (with problems recorded)."""
        raw = self._pick(cells)
        normal = self._coded[raw[3:]]
        year = self._years[raw[0]]
        source = self._sources[raw[2]]
        try:
            value = float(raw[1])  # = parse_number() whenever float() accepts the text
        except ValueError:
            value = -1.0  # other spellings (``1 234``, ``1,234``) go the slow way
        if normal is None or year is None or source is None or not 0.0 <= value < _INF:
            return self._slow(cells, line)
        country, cadre, sex, age, basis, measure, factor, cell_bits = normal
        name, source_bits = source
        obs = StockObs(country, cadre, year, sex, age, basis, measure, value * factor)
        return name, cell_bits | source_bits | year, obs

    def _slow(self, cells: list[str], line: int) -> tuple[str, int, StockObs] | None:
        row = {name: cells[i] for name, i in self._columns.items()}
        parsed = _parse_row(row, line, self._countries, self._result)
        if parsed is None:
            return None
        name, obs = parsed
        cell = (obs.country, obs.cadre, obs.sex, obs.age_band, obs.basis, obs.measure)
        return name, self._cell_bits(cell) | self._source_bits(name) | obs.year, obs

    def _normalise(self, coded: tuple[str, ...]) -> _Normal | None:
        """Return the normalised cell, unit factor and key bits; None when any cell is bad."""
        raw = dict(zip(self._coded_names, coded, strict=True)) | self._absent
        iso3 = self._countries.resolve(raw["country"].strip())
        try:
            cadre = resolve_cadre(raw["cadre"]).id
            sex = normalise_sex(raw["sex"])
            age = normalise_age_band(raw["age_band"])
        except HrhError:
            return None
        basis = raw["basis"].strip().lower() or "all"
        measure = raw["measure"].strip().lower()
        unit = raw["unit"].strip().lower() or _DEFAULT_UNIT.get(measure, "")
        if iso3 is None or basis not in BASES or measure not in _DEFAULT_UNIT:
            return None
        if unit not in UNITS or UNITS[unit][0] != measure:
            return None
        cell = (iso3, cadre, sex, age, basis, measure)
        return (*cell, UNITS[unit][1], self._cell_bits(cell))

    def _source(self, text: str) -> tuple[str, int] | None:
        name = text.strip()
        return (name, self._source_bits(name)) if name else None

    # A cell's key for the one-row-per-cell check is one integer (small, and not tracked by
    # the garbage collector): cell id << 44 | source id << 12 | year (1900-2200 < 2**12).
    def _cell_bits(self, cell: Cell) -> int:
        return self._cell_ids.setdefault(cell, len(self._cell_ids)) << 44

    def _source_bits(self, name: str) -> int:
        return self._source_ids.setdefault(name, len(self._source_ids)) << 12


def _year_or_none(text: str) -> int | None:
    try:
        return parse_year(text)
    except ValueError:
        return None


def _source(name: str, vintage: str) -> SourceMeta:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "national"
    return SourceMeta(
        key=f"tidy:{slug}",
        vintage=vintage,
        publisher=name,
        title=name,
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


Rows = Iterator[tuple[int, list[str] | Problem]]


def _rows(path: Path) -> tuple[dict[str, int], Rows]:
    """Return the columns (lower-case name → index) and the located rows of cells.

    Every row has one cell per header column. Where names differ only in case, the last
    such column is read.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _excel_rows(path)
    return _csv_rows(read_text(path), path.name)


def _csv_rows(text: str, file: str) -> tuple[dict[str, int], Rows]:
    """Parse CSV text as lists of cells (``hrh.ingest._text.iter_cells``) and map the columns."""
    header, rows = iter_cells(text, file)
    _check_header(header, file)
    last = {h: i for i, h in enumerate(header)}  # as dict(zip(header, cells)) keeps the last
    return {h.lower(): i for h, i in last.items()}, rows


def _check_header(header: list[str], file: str) -> None:
    names = {h.strip().lower() for h in header}
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise Invalid(
            f"{file}: the header lacks the column(s) {', '.join(missing)}.",
            hint="The tidy template's columns are: "
            + ", ".join(COLUMNS)
            + " (see docs/formats.md).",
            problems=[Problem(file, 1, c, None, "this column in the header") for c in missing],
        )


def _excel_rows(path: Path) -> tuple[dict[str, int], Rows]:
    wb = open_workbook(path)
    ws = wb["data"] if "data" in wb.sheetnames else wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        header = [str(c or "").strip() for c in next(it)]
    except StopIteration:
        raise Invalid(f"{path.name} is empty.") from None
    _check_header(header, path.name)
    width = len(header)
    pad = [""] * width

    def rows() -> Rows:
        for i, cells in enumerate(it, start=2):
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            yield i, ([_cell(c) for c in cells[:width]] + pad)[:width]  # short rows read ""
        wb.close()

    return {h.lower(): i for i, h in enumerate(header)}, rows()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
