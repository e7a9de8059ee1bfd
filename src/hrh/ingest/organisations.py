"""Read the organisations registry template (CSV): agencies, employers, ethical-recruiter periods.

One row per organisation and period on the ethical recruiters list; an organisation with no
period has one row with the dates empty. Rows of one name must agree on country and type.
Every bad cell is reported as ``file:line``, and nothing is returned when any row is bad.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from hrh.domain.recruitment import ORGANISATION_TYPES, Listing, Organisation
from hrh.errors import Invalid, Problem
from hrh.ingest.recruitment import _csv_rows, _read, _Row

ORGANISATION_COLUMNS = (
    "name",
    "country",
    "type",
    "ethical_recruiter_from",
    "ethical_recruiter_to",
    "source",
)


@dataclass(frozen=True)
class _OrgRow:
    line: int | None
    name: str
    country: str
    kind: str
    listing: Listing | None
    source: str


def _build(r: _Row) -> _OrgRow:
    start = r.day("ethical_recruiter_from", required=False)
    end = r.day("ethical_recruiter_to", required=False)
    if end is not None and start is None:
        r._bad("ethical_recruiter_from", "a date YYYY-MM-DD when ethical_recruiter_to is given")
    if start is not None and end is not None and end < start:
        r._bad("ethical_recruiter_to", "a date on or after ethical_recruiter_from, or empty")
    source = r.text("source", required=start is not None, max_len=400)
    return _OrgRow(
        r.line,
        r.text("name"),
        r.country("country"),
        r.choice("type", ORGANISATION_TYPES),
        Listing(start, end, source) if start is not None else None,
        source,
    )


def parse_organisations(text: str, file: str, countries: Collection[str]) -> list[Organisation]:
    """Return the organisations of a registry CSV, their periods merged by name.

    Raises:
        Invalid: no template header, a bad cell, or rows of one name that disagree on
            country or type (each named by file, line and column); nothing is returned.
    """
    rows: list[_OrgRow] = _read(
        _csv_rows(text, file, ORGANISATION_COLUMNS[:3]), file, _build, countries
    )
    first: dict[str, _OrgRow] = {}
    listings: dict[str, list[Listing]] = {}
    problems = []
    for row in rows:
        head = first.setdefault(row.name, row)
        for col, mine, theirs in (
            ("country", row.country, head.country),
            ("type", row.kind, head.kind),
        ):
            if mine != theirs:
                problems.append(
                    Problem(file, row.line, col, mine, f"{theirs!r} as on line {head.line}")
                )
        listings.setdefault(row.name, [])
        if row.listing is not None:
            listings[row.name].append(row.listing)
    if problems:
        raise Invalid(
            f"{file}: {len(problems)} problem(s); nothing was imported.",
            hint="One organisation has one country and one type.",
            problems=problems,
        )
    return [
        Organisation(
            name,
            head.country,
            head.kind,
            tuple(sorted(listings[name], key=lambda p: (p.valid_from, p.valid_to or date.max))),
            head.source,
        )
        for name, head in sorted(first.items())
    ]


def organisation_from_fields(
    fields: Mapping[str, str], where: str, countries: Collection[str]
) -> Organisation:
    """Return one organisation (at most one listing period) from template fields, checked.

    Raises:
        Invalid: a bad field, named by ``where`` and the field name.
    """
    (row,) = _read([(None, dict(fields))], where, _build, countries)
    listings = (row.listing,) if row.listing is not None else ()
    return Organisation(row.name, row.country, row.kind, listings, row.source)
