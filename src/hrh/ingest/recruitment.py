"""Read recruitment records (CSV or Excel) and agreements (CSV): the documented templates.

Every bad cell is reported as ``file:line`` (for a workbook, ``file (sheet NAME):row`` with
rows numbered as Excel numbers them); one bad row means nothing is returned, so an import is
all or nothing. Columns beyond the template are kept as ``extra``, except the candidate's
personal fields, which travel apart (``RecruitmentRecord.personal``) and whose values never
appear in an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hrh.domain.codes import resolve_cadre
from hrh.domain.recruitment import (
    ORGANISATION_TYPES,
    PERSONAL_FIELDS,
    ROUTES,
    Agreement,
    RecruitmentRecord,
)
from hrh.errors import M_, HrhError, Invalid, Problem
from hrh.ingest._excel import open_workbook
from hrh.ingest._text import find_header, iter_rows, parse_number, read_text

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
#: optional columns the rules or the store read (personal fields: encrypted at rest)
OPTIONAL_COLUMNS = ("salary_offered", "domestic_salary", *PERSONAL_FIELDS)
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
HIDDEN = "(not shown: personal field)"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PERSONAL_MAX = {"candidate_name": 200, "candidate_email": 254, "notes": 2000}
Rows = Iterator[tuple[int, dict[str, str] | Problem]]
RowsIn = Iterable[tuple[int | None, dict[str, str] | Problem]]
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


class _Row:
    """Typed reads of one row's cells, collecting located problems."""

    def __init__(
        self, row: dict[str, str], file: str, line: int | None, countries: Collection[str]
    ):
        self.row, self.file, self.line, self.countries = row, file, line, countries
        self.problems: list[Problem] = []

    def _bad(self, col: str, expected: str, **params: object) -> None:
        """Note a bad cell; ``expected`` is a template marked with ``M_()``."""
        value = HIDDEN if col in PERSONAL_FIELDS else self.row.get(col, "")
        self.problems.append(Problem.of(self.file, self.line, col, value, expected, **params))

    def text(self, col: str, required: bool = True, max_len: int = 120) -> str:
        v = self.row.get(col, "").strip()
        if (required and not v) or len(v) > max_len:
            self._bad(col, M_("a value of at most %(n)s characters"), n=max_len)
        return v

    def country(self, col: str) -> str:
        v = self.row.get(col, "").strip().upper()
        if v not in self.countries:
            self._bad(col, M_("an ISO 3166-1 alpha-3 country code, e.g. KEN"))
        return v

    def choice(self, col: str, options: Collection[str]) -> str:
        v = self.row.get(col, "").strip().lower()
        if v not in options:
            self._bad(col, M_("one of %(options)s"), options="|".join(options))
        return v

    def flag(self, col: str) -> bool:
        v = self.row.get(col, "").strip().lower()
        if v not in _TRUE | _FALSE:
            self._bad(col, M_("true or false"))
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
            self._bad(col, M_("a number ≥ 0 (empty = 0)"))
            return 0.0
        return n

    def optional_number(self, col: str) -> float | None:
        v = self.row.get(col, "").strip()
        if not v:
            return None
        try:
            n = parse_number(v)
        except ValueError:
            n = -1.0
        if not n >= 0 or n == float("inf"):
            self._bad(col, M_("a number ≥ 0 or empty"))
            return None
        return n

    def personal(self, recruited: date | None) -> dict[str, str]:
        """Return the candidate's personal fields that are given, checked (values hidden)."""
        out = {}
        for col in PERSONAL_FIELDS:
            v = self.row.get(col, "").strip()
            if not v:
                continue
            if col == "candidate_birth_date":
                born = self.day(col, required=False)
                if born is not None and recruited is not None and born >= recruited:
                    self._bad(col, M_("a birth date before the recruitment date"))
            elif len(v) > _PERSONAL_MAX[col]:
                self._bad(col, M_("at most %(n)s characters"), n=_PERSONAL_MAX[col])
            elif col == "candidate_email" and not _EMAIL.match(v):
                self._bad(col, M_("an e-mail address such as name@example.org, or empty"))
            out[col] = v
        return out

    def day(self, col: str, required: bool = True) -> date | None:
        v = self.row.get(col, "").strip()
        if not v and not required:
            return None
        try:
            return date.fromisoformat(v) if len(v) == 10 else date.fromisoformat("x")
        except ValueError:
            self._bad(
                col, M_("a date YYYY-MM-DD") if required else M_("a date YYYY-MM-DD or empty")
            )
            return None

    def cadre(self, text: str, col: str) -> str:
        try:
            return resolve_cadre(text).id
        except HrhError:
            self._bad(col, M_("a cadre id or ISCO-08 code, e.g. 2221 or nursing_professionals"))
            return ""


def _csv_rows(text: str, file: str, required: tuple[str, ...]) -> Rows:
    header_index = find_header(text.splitlines(), required, file)
    header, rows = iter_rows(text, file, header_index)
    if not {h.strip().lower() for h in header} & set(PERSONAL_FIELDS):
        return rows
    # a malformed row's problem quotes its cells: not when they may hold personal fields
    return (
        (line, replace(row, value=HIDDEN) if isinstance(row, Problem) and row.value else row)
        for line, row in rows
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet_rows(path: Path, required: tuple[str, ...]) -> tuple[str, Rows]:
    """Return the label (file and sheet) and rows of the workbook's records sheet.

    The sheet named ``records`` is read, else the first; the header is the first of the first
    30 rows holding every required column; rows keep Excel's numbers.
    """
    wb = open_workbook(path)
    names = {n.lower(): n for n in wb.sheetnames}
    ws = wb[names["records"]] if "records" in names else wb.worksheets[0]
    label = f"{path.name} (sheet {ws.title})"
    it = enumerate(ws.iter_rows(values_only=True), start=1)
    want = set(required)
    header: list[str] = []
    for number, cells in it:
        header = [_cell(c).lower() for c in cells]
        if want <= set(header):
            break
        if number >= 30:
            header = []
            break
    if not want <= set(header):
        wb.close()
        columns = ", ".join(required)
        raise Invalid.of(
            M_("%(file)s: no header row with the columns %(columns)s."),
            hint=M_("Put the template's column names in the first row (see docs/formats.md)."),
            problems=[
                Problem.of(label, 1, None, None, M_("a header with %(columns)s"), columns=columns)
            ],
            file=label,
            columns=columns,
        )

    def rows() -> Rows:
        for number, cells in it:
            values = [_cell(c) for c in cells]
            if not any(values):
                continue
            yield number, {h: v for h, v in zip(header, values, strict=False) if h}
        wb.close()

    return label, rows()


def _read(
    rows: RowsIn,
    file: str,
    build: Callable[[_Row], Any],
    countries: Collection[str],
) -> list[Any]:
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
            raise Invalid.of(
                M_("%(file)s has more than %(n)s rows."),
                hint=M_("Split the file."),
                file=file,
                n=f"{MAX_ROWS:,}",
            )
    if problems:
        raise Invalid.of(
            M_("%(file)s: %(n)s problem(s); nothing was imported."),
            hint=M_("Fix the rows named below and try again."),
            problems=problems,
            file=file,
            n=len(problems),
        )
    return out


def _record_builder(organisation: str | None) -> Callable[[_Row], RecruitmentRecord]:
    def build(r: _Row) -> RecruitmentRecord:
        extra = {
            k: v
            for k, v in r.row.items()
            if k not in RECORD_COLUMNS and k not in OPTIONAL_COLUMNS and v.strip()
        }
        if organisation is not None and r.row.get("organisation", "").strip() != organisation:
            r._bad(
                "organisation", M_("%(name)s, the organisation importing"), name=repr(organisation)
            )
        recruited = r.day("recruitment_date")
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
            recruitment_date=recruited or date.min,
            fee_charged_to_candidate=r.number("fee_charged_to_candidate"),
            fee_currency=r.text("fee_currency", required=False, max_len=3).upper(),
            repayment_clause_amount=r.number("repayment_clause_amount"),
            repayment_clause_months=r.number("repayment_clause_months"),
            contract_start=r.day("contract_start", required=False),
            extra=extra,
            salary_offered=r.optional_number("salary_offered"),
            domestic_salary=r.optional_number("domestic_salary"),
            personal=r.personal(recruited),
        )

    return build


def _unique(records: list[RecruitmentRecord], file: str) -> list[RecruitmentRecord]:
    seen: set[tuple[str, str]] = set()
    dupes = []
    for rec in records:
        key = (rec.organisation, rec.record_id)
        if key in seen:
            dupes.append(
                Problem.of(file, None, "record_id", rec.record_id, M_("unique per organisation"))
            )
        seen.add(key)
    if dupes:
        raise Invalid.of(
            M_("%(file)s: record ids repeat; nothing was imported."), problems=dupes, file=file
        )
    return records


def parse_records(
    text: str, file: str, countries: Collection[str], organisation: str | None = None
) -> list[RecruitmentRecord]:
    """Return the records of a recruitment CSV, or raise with every located problem.

    ``organisation`` (when given) requires every row to belong to it.

    Raises:
        Invalid: no template header, a bad cell (named by file, line and column) or a
            record id given twice for one organisation.
    """
    rows = _csv_rows(text, file, RECORD_COLUMNS[:10])
    records = _read(rows, file, _record_builder(organisation), countries)
    return _unique(records, file)


def parse_records_xlsx(
    path: Path, countries: Collection[str], organisation: str | None = None, name: str = ""
) -> list[RecruitmentRecord]:
    """Return the records of a recruitment workbook (.xlsx), as :func:`parse_records`.

    ``name`` is the file name to report (an upload's own name; default: the path's).

    Raises:
        Invalid: not a sane workbook (zip bombs refused), no template header, or a bad cell
            named by file, sheet, row and column.
    """
    label, rows = _sheet_rows(path, RECORD_COLUMNS[:10])
    if name:
        label = label.replace(path.name, name, 1)
    records = _read(rows, label, _record_builder(organisation), countries)
    return _unique(records, label)


def read_records(
    path: Path, countries: Collection[str], organisation: str | None = None
) -> list[RecruitmentRecord]:
    """Return the records of a CSV or Excel (.xlsx) file, chosen by its suffix."""
    if path.suffix.lower() == ".xlsx":
        if not path.exists():
            raise Invalid.of(M_("File not found: %(path)s."), path=str(path))
        return parse_records_xlsx(path, countries, organisation)
    return parse_records(read_text(path), path.name, countries, organisation)


def _agreement(r: _Row) -> Agreement:
    cadres = [c for c in r.row.get("cadres", "").split(";") if c.strip()]
    routes = [x.strip().lower() for x in r.row.get("routes", "").split(";") if x.strip()]
    if any(x not in ROUTES for x in routes):
        r._bad("routes", M_("routes from %(routes)s separated by ;"), routes="|".join(ROUTES))
    start, end = r.day("valid_from"), r.day("valid_to", required=False)
    if start is not None and end is not None and end < start:
        r._bad("valid_to", M_("a date on or after valid_from, or empty (open-ended)"))
    return Agreement(
        agreement_id=r.text("agreement_id", max_len=80),
        origin=r.country("origin"),
        destination=r.country("destination"),
        cadres=frozenset(r.cadre(c, "cadres") for c in cadres),
        valid_from=start or date.min,
        valid_to=end,
        kind=r.choice("kind", ("g2g", "mou")),
        source=r.text("source", max_len=400),
        routes=frozenset(routes),
        terms=r.text("terms", required=False, max_len=2000),
    )


def parse_agreements(text: str, file: str, countries: Collection[str]) -> list[Agreement]:
    """Return the agreements of an agreements CSV, or raise with every located problem.

    Raises:
        Invalid: no template header, a bad cell (named by file, line and column) or an
            agreement id given twice.
    """
    rows = _csv_rows(text, file, AGREEMENT_COLUMNS[:3])
    agreements: list[Agreement] = _read(rows, file, _agreement, countries)
    ids: set[str] = set()
    dupes = []
    for a in agreements:
        if a.agreement_id in ids:
            dupes.append(Problem(file, None, "agreement_id", a.agreement_id, "unique ids"))
        ids.add(a.agreement_id)
    if dupes:
        raise Invalid(f"{file}: agreement ids repeat; nothing was imported.", problems=dupes)
    return agreements


def agreement_from_fields(
    fields: Mapping[str, str], where: str, countries: Collection[str]
) -> Agreement:
    """Return one agreement from template fields (e.g. an API body), checked like a CSV row.

    Raises:
        Invalid: a bad field, named by ``where`` and the field name.
    """
    found: list[Agreement] = _read([(None, dict(fields))], where, _agreement, countries)
    return found[0]
