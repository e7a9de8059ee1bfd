"""Read recruitment records and agreements from CSV (the documented templates).

Every bad cell is reported as ``file:line``; one bad row means nothing is returned, so an
import is all or nothing. Columns beyond the template are kept as ``extra``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from hrh.domain.codes import resolve_cadre
from hrh.domain.recruitment import ORGANISATION_TYPES, ROUTES, Agreement, RecruitmentRecord
from hrh.errors import HrhError, Invalid, Problem
from hrh.ingest._text import find_header, iter_rows, parse_number

RECORD_COLUMNS = (
    "record_id",
    "organisation",
    "organisation_type",
    "destination",
    "candidate_residence",
    "candidate_nationality",
    "cadre",
    "route",
    "referral_bonus_paid",
    "recruitment_date",
    "fee_charged_to_candidate",
    "fee_currency",
    "repayment_clause_amount",
    "repayment_clause_months",
    "contract_start",
)
AGREEMENT_COLUMNS = (
    "agreement_id",
    "origin",
    "destination",
    "cadres",
    "valid_from",
    "valid_to",
    "kind",
    "source",
)
MAX_ROWS = 1_000_000
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


class _Row:
    """Typed reads of one row's cells, collecting located problems."""

    def __init__(self, row: dict[str, str], file: str, line: int, countries: Collection[str]):
        self.row, self.file, self.line, self.countries = row, file, line, countries
        self.problems: list[Problem] = []

    def _bad(self, col: str, expected: str) -> None:
        self.problems.append(Problem(self.file, self.line, col, self.row.get(col, ""), expected))

    def text(self, col: str, required: bool = True, max_len: int = 120) -> str:
        v = self.row.get(col, "").strip()
        if (required and not v) or len(v) > max_len:
            self._bad(col, f"a value of at most {max_len} characters")
        return v

    def country(self, col: str) -> str:
        v = self.row.get(col, "").strip().upper()
        if v not in self.countries:
            self._bad(col, "an ISO 3166-1 alpha-3 country code, e.g. KEN")
        return v

    def choice(self, col: str, options: Collection[str]) -> str:
        v = self.row.get(col, "").strip().lower()
        if v not in options:
            self._bad(col, "one of " + "|".join(options))
        return v

    def flag(self, col: str) -> bool:
        v = self.row.get(col, "").strip().lower()
        if v not in _TRUE | _FALSE:
            self._bad(col, "true or false")
        return v in _TRUE

    def number(self, col: str) -> float:
        v = self.row.get(col, "").strip()
        if not v:
            return 0.0
        try:
            n = parse_number(v)
        except ValueError:
            n = -1.0
        if n < 0:
            self._bad(col, "a number ≥ 0 (empty = 0)")
            return 0.0
        return n

    def day(self, col: str, required: bool = True) -> date | None:
        v = self.row.get(col, "").strip()
        if not v and not required:
            return None
        try:
            return date.fromisoformat(v) if len(v) == 10 else date.fromisoformat("x")
        except ValueError:
            self._bad(col, "a date YYYY-MM-DD" + ("" if required else " or empty"))
            return None

    def cadre(self, text: str, col: str) -> str:
        try:
            return resolve_cadre(text).id
        except HrhError:
            self._bad(col, "a cadre id or ISCO-08 code, e.g. 2221 or nursing_professionals")
            return ""


def _read(
    text: str,
    file: str,
    required: tuple[str, ...],
    build: Callable[[_Row], Any],
    countries: Collection[str],
) -> list[Any]:
    lines = text.splitlines()
    header_index = find_header(lines, required, file)
    _, rows = iter_rows(text, file, header_index)
    out: list[Any] = []
    problems: list[Problem] = []
    for line, row in rows:
        if isinstance(row, Problem):
            problems.append(row)
            continue
        r = _Row({k.strip().lower(): v for k, v in row.items()}, file, line, countries)
        item = build(r)
        problems.extend(r.problems)
        if not r.problems:
            out.append(item)
        if len(out) + len(problems) > MAX_ROWS:
            raise Invalid(f"{file} has more than {MAX_ROWS:,} rows.", hint="Split the file.")
    if problems:
        raise Invalid(
            f"{file}: {len(problems)} problem(s); nothing was imported.",
            hint="Fix the rows named below and try again.",
            problems=problems,
        )
    return out


def parse_records(
    text: str, file: str, countries: Collection[str], organisation: str | None = None
) -> list[RecruitmentRecord]:
    """Return the records of a recruitment CSV, or raise with every located problem.

    ``organisation`` (when given) requires every row to belong to it.

    Raises:
        Invalid: no template header, a bad cell (named by file, line and column) or a
            record id given twice for one organisation.
    """

    def build(r: _Row) -> RecruitmentRecord:
        extra = {k: v for k, v in r.row.items() if k not in RECORD_COLUMNS and v.strip()}
        if organisation is not None and r.row.get("organisation", "").strip() != organisation:
            r._bad("organisation", f"{organisation!r}, the organisation importing")
        return RecruitmentRecord(
            record_id=r.text("record_id", max_len=80),
            organisation=r.text("organisation"),
            organisation_type=r.choice("organisation_type", ORGANISATION_TYPES),
            destination=r.country("destination"),
            candidate_residence=r.country("candidate_residence"),
            candidate_nationality=r.country("candidate_nationality"),
            cadre=r.cadre(r.row.get("cadre", ""), "cadre"),
            route=r.choice("route", ROUTES),
            referral_bonus_paid=r.flag("referral_bonus_paid"),
            recruitment_date=r.day("recruitment_date") or date.min,
            fee_charged_to_candidate=r.number("fee_charged_to_candidate"),
            fee_currency=r.text("fee_currency", required=False, max_len=3).upper(),
            repayment_clause_amount=r.number("repayment_clause_amount"),
            repayment_clause_months=r.number("repayment_clause_months"),
            contract_start=r.day("contract_start", required=False),
            extra=extra,
        )

    records: list[RecruitmentRecord] = _read(text, file, RECORD_COLUMNS[:10], build, countries)
    seen: set[tuple[str, str]] = set()
    dupes = []
    for rec in records:
        key = (rec.organisation, rec.record_id)
        if key in seen:
            dupes.append(Problem(file, None, "record_id", rec.record_id, "unique per organisation"))
        seen.add(key)
    if dupes:
        raise Invalid(f"{file}: record ids repeat; nothing was imported.", problems=dupes)
    return records


def parse_agreements(text: str, file: str, countries: Collection[str]) -> list[Agreement]:
    """Return the agreements of an agreements CSV, or raise with every located problem.

    Raises:
        Invalid: no template header or a bad cell (named by file, line and column).
    """

    def build(r: _Row) -> Agreement:
        cadres = [c for c in r.row.get("cadres", "").split(";") if c.strip()]
        routes = [x.strip().lower() for x in r.row.get("routes", "").split(";") if x.strip()]
        if any(x not in ROUTES for x in routes):
            r._bad("routes", "routes from " + "|".join(ROUTES) + " separated by ;")
        return Agreement(
            agreement_id=r.text("agreement_id", max_len=80),
            origin=r.country("origin"),
            destination=r.country("destination"),
            cadres=frozenset(r.cadre(c, "cadres") for c in cadres),
            valid_from=r.day("valid_from") or date.min,
            valid_to=r.day("valid_to", required=False),
            kind=r.choice("kind", ("g2g", "mou")),
            source=r.text("source", max_len=400),
            routes=frozenset(routes),
        )

    return _read(text, file, AGREEMENT_COLUMNS[:3], build, countries)
