"""A registry of individual workers (CSV or Excel), for agent-mode national models.

One row per worker; header names are case-insensitive, extra columns are ignored:

================  ================================================================
worker_id         the registry's identifier: required and unique, never kept (personal
                  data: it is checked, then dropped)
country           ISO 3166-1 alpha-3 of the country of training (ISO2, M49 are mapped)
cadre             a cadre id (``nursing_professionals``) or ISCO-08 code (``2221``)
birth_year        year of birth; or instead a column ``age``: age in the projection's
                  base year
sex               F or M
workplace         ISO3 of the country where the worker works (empty: ``country``, at home)
graduation_year   optional: the year of graduation
================  ================================================================

Every problem is reported with its file, line, column, value and what was expected
(:class:`hrh.errors.Problem`); a file with any problem is refused as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hrh.domain.codes import resolve_cadre
from hrh.errors import HrhError, Invalid, Problem
from hrh.ingest._excel import open_workbook
from hrh.ingest._text import iter_cells, parse_year, read_text
from hrh.ingest.base import CountryIndex, ImportResult, file_sha256

REQUIRED = ("worker_id", "country", "cadre", "sex")
COLUMNS = (*REQUIRED, "birth_year", "age", "workplace", "graduation_year")
MAX_WORKERS = 20_000_000  #: rows accepted in one registry

Rows = Iterator[tuple[int, list[str] | Problem]]


@dataclass(frozen=True)
class WorkerRegistry:
    """The workers of a registry as columns (no identifiers): codes and integer arrays.

    Attributes:
        file: the file's name; sha256: its digest (what the run's assumptions cite).
        countries: the ISO3 codes met; ``origin`` and ``workplace`` index into them.
        cadres: the cadre ids met; ``cadre`` indexes into them.
        born: year of birth, or (``by_age``) age in the base year of the projection.
        sex: 0 female, 1 male.
        graduated: year of graduation (0: not given).
    """

    file: str
    sha256: str
    countries: tuple[str, ...]
    cadres: tuple[str, ...]
    origin: NDArray[np.int16]
    workplace: NDArray[np.int16]
    cadre: NDArray[np.int8]
    born: NDArray[np.int16]
    by_age: bool
    sex: NDArray[np.int8]
    graduated: NDArray[np.int16]

    def __len__(self) -> int:
        return len(self.origin)


def read_worker_registry(path: Path, countries: CountryIndex) -> WorkerRegistry:
    """Read and check a registry file (``.csv``, ``.xlsx``).

    Raises:
        Invalid: when the file cannot be read, or any row has a problem (all are listed,
            up to :data:`hrh.ingest.base.MAX_PROBLEMS`, located by line and column).
    """
    result = ImportResult(file=path.name, format="worker_registry", sha256=file_sha256(path))
    columns, rows = _rows(path)
    parser = _Parser(columns, countries, result)
    for line, row in rows:
        if isinstance(row, Problem):
            result.problems.append(row)
            continue
        parser.parse(row, line)
        if len(parser.origin) > MAX_WORKERS:
            raise Invalid(f"{path.name}: more than {MAX_WORKERS:,} workers.")
    if not parser.origin and not result.problems:
        result.problem(2, None, None, "at least one worker")
    if result.problems:
        more = f" (and {result.problems_dropped} more)" if result.problems_dropped else ""
        raise Invalid(
            f"{path.name}: {len(result.problems)} problem(s){more} in the worker registry.",
            hint="Fix the rows listed (see docs/formats.md, worker registry) and run again.",
            problems=list(result.problems),
        )
    return parser.registry(path.name, result.sha256)


class _Parser:
    """Checks rows and gathers them as columns; each distinct code is resolved once."""

    def __init__(self, columns: dict[str, int], countries: CountryIndex, result: ImportResult):
        self.col = columns
        self.countries = countries
        self.result = result
        self.by_age = "birth_year" not in columns
        self.seen: dict[str, int] = {}
        self.country_ids: dict[str, int] = {}
        self.cadre_ids: dict[str, int] = {}
        self.codes: dict[tuple[str, str], int | None] = {}
        self.origin: list[int] = []
        self.workplace: list[int] = []
        self.cadre: list[int] = []
        self.born: list[int] = []
        self.sex: list[int] = []
        self.graduated: list[int] = []

    def cell(self, row: list[str], name: str) -> str:
        i = self.col.get(name)
        return row[i].strip() if i is not None else ""

    def problem(self, line: int, column: str, value: str, expected: str) -> None:
        self.result.problem(line, column, value, expected)

    def parse(self, row: list[str], line: int) -> None:
        ok = True
        wid = self.cell(row, "worker_id")
        if not wid:
            self.problem(line, "worker_id", wid, "an identifier (not empty)")
            ok = False
        else:
            earlier = self.seen.setdefault(wid, line)
            if earlier != line:  # the identifier itself is not repeated in the message
                self.result.problem(
                    line, "worker_id", None, f"a new identifier (the same as line {earlier})"
                )
                ok = False
        origin = self.code(row, line, "country", self.country)
        place_text = self.cell(row, "workplace")
        place = self.code(row, line, "workplace", self.country) if place_text else origin
        cadre = self.code(row, line, "cadre", self.cadre_of)
        sex_text = self.cell(row, "sex")
        sex = {"F": 0, "FEMALE": 0, "M": 1, "MALE": 1}.get(sex_text.upper())
        if sex is None:
            self.problem(line, "sex", sex_text, "F or M")
        born = self.born_of(row, line)
        graduated = 0
        grad_text = self.cell(row, "graduation_year")
        if grad_text:
            try:
                graduated = parse_year(grad_text)
            except ValueError:
                self.problem(line, "graduation_year", grad_text, "a year (1900-2200) or empty")
                ok = False
        if origin is None or place is None or cadre is None or sex is None or born is None:
            return
        if ok:
            self.origin.append(origin)
            self.workplace.append(place)
            self.cadre.append(cadre)
            self.sex.append(sex)
            self.born.append(born)
            self.graduated.append(graduated)

    def code(
        self, row: list[str], line: int, column: str, resolve: Callable[[str], int | None]
    ) -> int | None:
        text = self.cell(row, column)
        key = (column, text)
        if key not in self.codes:
            self.codes[key] = resolve(text)
        found = self.codes[key]
        if found is None:
            expected = (
                "a cadre id or ISCO-08 code (e.g. nursing_professionals, 2221)"
                if column == "cadre"
                else "an ISO 3166-1 alpha-3 country code (e.g. GHA)"
            )
            self.problem(line, column, text, expected)
        return found

    def country(self, text: str) -> int | None:
        iso3 = self.countries.resolve(text) if text else None
        if iso3 is None:
            return None
        return self.country_ids.setdefault(iso3, len(self.country_ids))

    def cadre_of(self, text: str) -> int | None:
        try:
            cadre = resolve_cadre(text).id if text else None
        except HrhError:
            return None
        return None if cadre is None else self.cadre_ids.setdefault(cadre, len(self.cadre_ids))

    def born_of(self, row: list[str], line: int) -> int | None:
        column = "age" if self.by_age else "birth_year"
        text = self.cell(row, column)
        try:
            if self.by_age:
                age = int(float(text))
                if not 0 <= age <= 120 or float(text) != age:
                    raise ValueError(text)
                return age
            return parse_year(text)
        except ValueError:
            expected = "an age in whole years" if self.by_age else "a year of birth (1900-2200)"
            self.problem(line, column, text, expected)
            return None

    def registry(self, file: str, sha256: str) -> WorkerRegistry:
        return WorkerRegistry(
            file,
            sha256,
            tuple(self.country_ids),
            tuple(self.cadre_ids),
            np.array(self.origin, dtype=np.int16),
            np.array(self.workplace, dtype=np.int16),
            np.array(self.cadre, dtype=np.int8),
            np.array(self.born, dtype=np.int16),
            self.by_age,
            np.array(self.sex, dtype=np.int8),
            np.array(self.graduated, dtype=np.int16),
        )


def _rows(path: Path) -> tuple[dict[str, int], Rows]:
    """Return the columns (lower-case name → index) and the located rows of cells."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _excel_rows(path)
    else:
        header, rows = iter_cells(read_text(path), path.name)
    columns = {h.strip().lower(): i for i, h in enumerate(header)}
    missing = [c for c in REQUIRED if c not in columns]
    if "birth_year" not in columns and "age" not in columns:
        missing.append("birth_year (or age)")
    if missing:
        raise Invalid(
            f"{path.name}: the header lacks the column(s) {', '.join(missing)}.",
            hint="A worker registry's columns are: " + ", ".join(COLUMNS) + ".",
            problems=[Problem(path.name, 1, c, None, "this column in the header") for c in missing],
        )
    return columns, rows


def _excel_rows(path: Path) -> tuple[list[str], Rows]:
    wb = open_workbook(path)
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        header = [str(c or "").strip() for c in next(it)]
    except StopIteration:
        raise Invalid(f"{path.name} is empty.") from None
    width = len(header)

    def rows() -> Rows:
        for i, cells in enumerate(it, start=2):
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            yield i, ([_cell(c) for c in cells[:width]] + [""] * width)[:width]
        wb.close()

    return header, rows()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
