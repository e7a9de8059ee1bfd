"""Diaspora CSV templates: professionals' profiles and opportunities.

Header names are case-insensitive. Every bad cell is reported as ``file:line`` and nothing
is imported when any row is bad. Columns outside the template are kept (as ``extra``).

Profiles (required): ``profile_id, cadre, specialty, origin, residence, languages, licences,
experience_years, available_from, available_to, modes, virtual_hours_per_week,
consent_matching``; optional, recognised: ``consent_contact``, ``consent_statistics``,
``preferred_countries`` (``GHA;NGA``) and the personal fields ``name``, ``email``,
``phone``, ``birth_date``, ``notes``, ``licence_numbers`` (stored encrypted; never echoed in
error messages).

Opportunities (required): ``opportunity_id, country, facility, cadre, specialty, mode,
start, end, language, language_level, licence_required, slots``; optional: ``support``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from hrh.domain.codes import resolve_cadre
from hrh.errors import M_, HrhError, Invalid, Problem
from hrh.ingest._text import iter_rows, read_text

MODES = ("virtual", "short", "long", "permanent")
CEFR = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "NATIVE": 7}
PURPOSES = ("matching", "contact", "statistics")
PERSONAL = ("name", "email", "phone", "birth_date", "notes", "licence_numbers")

PROFILE_COLUMNS = (
    "profile_id",
    "cadre",
    "specialty",
    "origin",
    "residence",
    "languages",
    "licences",
    "experience_years",
    "available_from",
    "available_to",
    "modes",
    "virtual_hours_per_week",
    "consent_matching",
)
PROFILE_OPTIONAL = ("consent_contact", "consent_statistics", "preferred_countries", *PERSONAL)
OPPORTUNITY_COLUMNS = (
    "opportunity_id",
    "country",
    "facility",
    "cadre",
    "specialty",
    "mode",
    "start",
    "end",
    "language",
    "language_level",
    "licence_required",
    "slots",
)
OPPORTUNITY_OPTIONAL = ("support",)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
_LANG = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class ProfileRow:
    """One professional read from a file (personal fields in clear, to be encrypted)."""

    line: int
    profile_id: str
    cadre: str
    specialty: str
    origin: str
    residence: str
    languages: tuple[tuple[str, int], ...]
    licences: tuple[tuple[str, date], ...]
    experience_years: float
    available_from: date | None
    available_to: date | None
    modes: tuple[str, ...]
    virtual_hours_per_week: float | None
    consents: dict[str, bool]
    preferred_countries: tuple[str, ...] = ()
    personal: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    #: (purpose, granted, at) oldest first, when the source carries a dated history (FHIR
    #: Consent resources); empty: ``consents`` is recorded at the import's time.
    consent_history: tuple[tuple[str, bool, datetime], ...] = ()


@dataclass(frozen=True)
class OpportunityRow:
    """One opportunity read from a file."""

    line: int
    opportunity_id: str
    country: str
    facility: str
    cadre: str
    specialty: str
    mode: str
    start: date
    end: date
    language: str
    language_level: int
    licence_required: bool
    slots: int
    support: str = ""
    extra: dict[str, str] = field(default_factory=dict)


T = TypeVar("T")


class _Cells:
    """Reads typed cells of one row, collecting located problems."""

    def __init__(self, file: str, line: int, row: dict[str, str], countries: set[str]) -> None:
        self.file, self.line, self.row, self.countries = file, line, row, countries
        self.problems: list[Problem] = []

    def text(self, col: str) -> str:
        return self.row.get(col, "").strip()

    def bad(self, col: str, expected: str, *, personal: bool = False, **params: object) -> None:
        """Note a bad cell; ``expected`` is a template marked with ``M_()``."""
        value = None if personal else self.text(col)[:80]
        self.problems.append(Problem.of(self.file, self.line, col, value, expected, **params))

    def parse(
        self, col: str, fn: Callable[[str], T], expected: str, default: T, **params: object
    ) -> T:
        try:
            return fn(self.text(col))
        except (ValueError, KeyError, HrhError):
            value = self.text(col)[:80]
            self.problems.append(Problem.of(self.file, self.line, col, value, expected, **params))
            return default

    def ident(self, col: str) -> str:
        return self.parse(col, _ident, M_("an id: letters, digits, _ . - (≤ 40)"), "")

    def country(self, col: str) -> str:
        return self.parse(
            col, lambda s: _country(s, self.countries), M_("an ISO3 country code"), ""
        )

    def cadre(self, col: str) -> str:
        return self.parse(col, lambda s: resolve_cadre(s).id, M_("a cadre id or ISCO-08 code"), "")


def _ident(text: str) -> str:
    if not _ID.match(text):
        raise ValueError(text)
    return text


def _country(text: str, known: set[str]) -> str:
    code = text.upper()
    if code not in known:
        raise ValueError(text)
    return code


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _opt_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _bool(text: str) -> bool:
    value = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
    return value[text.lower()]


def _opt_bool(text: str) -> bool:
    return _bool(text) if text else False


def _level(text: str) -> int:
    return CEFR[text.upper()]


def _languages(text: str) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        code, _, lvl = part.partition(":")
        code = code.strip().lower()
        if not _LANG.match(code):
            raise ValueError(part)
        out[code] = max(out.get(code, 0), _level(lvl.strip()))
    return tuple(sorted(out.items()))


def _modes(text: str) -> tuple[str, ...]:
    modes = sorted({m.strip().lower() for m in text.split(";") if m.strip()})
    if not modes or any(m not in MODES for m in modes):
        raise ValueError(text)
    return tuple(modes)


def _number(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1e6:
        raise ValueError(text)
    return value


def _opt_number(text: str) -> float | None:
    return _number(text) if text else None


def _licences(text: str, known: set[str]) -> tuple[tuple[str, date], ...]:
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        code, _, until = part.partition(":")
        out.append((_country(code.strip(), known), date.fromisoformat(until.strip())))
    return tuple(sorted(out))


def _countries(text: str, known: set[str]) -> tuple[str, ...]:
    return tuple(sorted({_country(c.strip(), known) for c in text.split(";") if c.strip()}))


def _profile(c: _Cells, extras: list[str]) -> ProfileRow:
    known = c.countries
    frm = c.parse("available_from", _opt_date, M_("a date YYYY-MM-DD or empty"), None)
    to = c.parse("available_to", _opt_date, M_("a date YYYY-MM-DD or empty"), None)
    if frm is not None and to is not None and to < frm:
        c.bad("available_to", M_("a date on or after available_from"))
    return ProfileRow(
        line=c.line,
        profile_id=c.ident("profile_id"),
        cadre=c.cadre("cadre"),
        specialty=c.text("specialty")[:120],
        origin=c.country("origin"),
        residence=c.country("residence"),
        languages=c.parse("languages", _languages, M_("code:level;… (e.g. en:C1;fr:native)"), ()),
        licences=c.parse(
            "licences",
            lambda s: _licences(s, known),
            M_("ISO3:YYYY-MM-DD;… (e.g. GHA:2027-12-31)"),
            (),
        ),
        experience_years=c.parse("experience_years", _number, M_("a number of years ≥ 0"), 0.0),
        available_from=frm,
        available_to=to,
        modes=c.parse("modes", _modes, M_("modes from %(modes)s"), (), modes=";".join(MODES)),
        virtual_hours_per_week=c.parse(
            "virtual_hours_per_week", _opt_number, M_("a number ≥ 0 or empty"), None
        ),
        consents={
            p: c.parse(f"consent_{p}", _opt_bool, M_("true or false"), False) for p in PURPOSES
        },
        preferred_countries=c.parse(
            "preferred_countries", lambda s: _countries(s, known), M_("ISO3;ISO3"), ()
        ),
        personal={k: c.text(k) for k in PERSONAL if c.text(k)},
        extra={k: c.row[k] for k in extras},
    )


def _opportunity(c: _Cells, extras: list[str]) -> OpportunityRow:
    start = c.parse("start", _date, M_("a date YYYY-MM-DD"), date.min)
    end = c.parse("end", _date, M_("a date YYYY-MM-DD"), date.min)
    if end < start:
        c.bad("end", M_("a date on or after start"))
    language = c.text("language").lower()
    if language and not _LANG.match(language):
        c.bad("language", M_("an ISO 639-1 code such as en, or empty"))
    level = 0
    if c.text("language_level"):
        level = c.parse("language_level", _level, M_("a CEFR level A1…C2 or native"), 0)
    mode = c.text("mode").lower()
    if mode not in MODES:
        c.bad("mode", M_("one of %(options)s"), options=", ".join(MODES))
    facility = c.text("facility")[:200]
    if not facility:
        c.bad("facility", M_("a facility name"))
    slots = c.parse("slots", int, M_("a whole number of slots ≥ 1"), 1)
    if slots < 1 or slots > 10_000:
        c.bad("slots", M_("a whole number of slots from 1 to 10000"))
    return OpportunityRow(
        line=c.line,
        opportunity_id=c.ident("opportunity_id"),
        country=c.country("country"),
        facility=facility,
        cadre=c.cadre("cadre"),
        specialty=c.text("specialty")[:120],
        mode=mode,
        start=start,
        end=end,
        language=language,
        language_level=level,
        licence_required=c.parse("licence_required", _opt_bool, M_("true or false"), False),
        slots=slots,
        support=c.text("support")[:200],
        extra={k: c.row[k] for k in extras},
    )


def _read(
    path: Path,
    countries: set[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    key: str,
    build: Callable[[_Cells, list[str]], T],
) -> list[T]:
    file = path.name
    text = read_text(path)
    header, rows = iter_rows(text, file)
    lower = [h.lower() for h in header]
    missing = [c for c in required if c not in lower]
    if missing:
        raise Invalid.of(
            M_("%(file)s: the header lacks the column(s) %(columns)s."),
            hint=M_("See docs/diaspora.md for the template."),
            problems=[
                Problem.of(file, 1, c, None, M_("this column in the header")) for c in missing
            ],
            file=file,
            columns=", ".join(missing),
        )
    extras = [h for h in lower if h not in required and h not in optional]
    out: list[T] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line, row in _lowered(rows):
        if isinstance(row, Problem):
            problems.append(row)
            continue
        cells = _Cells(file, line, row, countries)
        item = build(cells, extras)
        ident = row.get(key, "").strip()
        if ident in seen:
            cells.bad(key, M_("an id not already used on line %(line)s"), line=seen[ident])
        seen.setdefault(ident, line)
        problems.extend(cells.problems)
        out.append(item)
    if problems:
        raise Invalid.of(
            M_("%(file)s: %(n)s problem(s); nothing was imported."),
            hint=M_("Fix the rows listed and import the file again."),
            problems=problems,
            file=file,
            n=len(problems),
        )
    if not out:
        raise Invalid.of(M_("%(file)s has a header but no rows."), file=file)
    return out


def _lowered(
    rows: Iterator[tuple[int, dict[str, str] | Problem]],
) -> Iterator[tuple[int, dict[str, str] | Problem]]:
    for line, row in rows:
        yield line, row if isinstance(row, Problem) else {k.lower(): v for k, v in row.items()}


def read_profiles(path: Path, countries: set[str]) -> list[ProfileRow]:
    """Read a profiles CSV; raise :class:`Invalid` listing every bad cell."""
    return _read(path, countries, PROFILE_COLUMNS, PROFILE_OPTIONAL, "profile_id", _profile)


def read_opportunities(path: Path, countries: set[str]) -> list[OpportunityRow]:
    """Read an opportunities CSV; raise :class:`Invalid` listing every bad cell."""
    return _read(
        path, countries, OPPORTUNITY_COLUMNS, OPPORTUNITY_OPTIONAL, "opportunity_id", _opportunity
    )


def parse_profile(cells: dict[str, str], countries: set[str], file: str) -> ProfileRow:
    """Check one profile given as template cells (e.g. a web registration).

    Raises:
        Invalid: listing every bad cell (personal values are never echoed).
    """
    c = _Cells(file, 1, cells, countries)
    row = _profile(c, [])
    if c.problems:
        raise Invalid.of(
            M_("%(file)s: %(n)s problem(s)."), problems=c.problems, file=file, n=len(c.problems)
        )
    return row


def parse_opportunity(cells: dict[str, str], countries: set[str], file: str) -> OpportunityRow:
    """Check one opportunity given as template cells (e.g. an API request).

    Raises:
        Invalid: listing every bad cell.
    """
    c = _Cells(file, 1, cells, countries)
    row = _opportunity(c, [])
    if c.problems:
        raise Invalid.of(
            M_("%(file)s: %(n)s problem(s)."), problems=c.problems, file=file, n=len(c.problems)
        )
    return row
