"""Practice library entries: what a policy or programme did, where, when, and with what results.

Validation is pure and names the file, the entry and the key of every problem, so the YAML
seed file, ``hrh library submit FILE.yaml`` and the API report mistakes the same way.

>>> p = validate_practice({"id": "x-code", "title": "X", "type": "code of practice",
...     "countries": ["GHA"], "years": {"start": 2010}, "summary": "S", "what_it_did": "W",
...     "sources": [{"title": "T", "url": "https://example.org"}]}, "f.yaml")
>>> p.code, p.countries, p.start_year, p.end_year, p.results
('x-code', ('GHA',), 2010, None, '')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hrh.domain.codes import is_iso3
from hrh.errors import Invalid, Problem

PRACTICE_TYPES: tuple[str, ...] = (
    "code of practice",
    "bilateral agreement",
    "retention incentive",
    "return programme",
    "training partnership",
    "diaspora engagement",
    "licensing reform",
    "workforce planning reform",
)
STATUSES: tuple[str, ...] = ("draft", "published")
KEYS: tuple[str, ...] = (
    "id",
    "title",
    "type",
    "countries",
    "years",
    "summary",
    "what_it_did",
    "results",
    "sources",
)
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}[a-z0-9]$")
_URL = re.compile(r"^https?://[^\s]+$")
MAX_TEXT = 8000
MAX_TITLE = 300


@dataclass(frozen=True)
class PracticeSource:
    """A public source an entry is written from."""

    title: str
    url: str


@dataclass(frozen=True)
class Practice:
    """One validated library entry (``countries`` empty: global or multilateral)."""

    code: str
    title: str
    type: str
    countries: tuple[str, ...]
    start_year: int | None
    end_year: int | None
    summary: str
    what_it_did: str
    results: str
    sources: tuple[PracticeSource, ...]


class _Checker:
    def __init__(self, file: str, where: str) -> None:
        self.file = file
        self.where = where
        self.problems: list[Problem] = []

    def bad(self, key: str, value: Any, expected: str) -> None:
        shown = None if value is None else str(value)[:100]
        self.problems.append(Problem(self.file, None, f"{self.where}{key}", shown, expected))

    def text(self, raw: dict[str, Any], key: str, *, limit: int, required: bool = True) -> str:
        value = raw.get(key)
        if not required and (value is None or value == ""):
            return ""
        if not isinstance(value, str) or not value.strip():
            self.bad(key, value, "a non-empty text")
            return ""
        if len(value) > limit:
            self.bad(key, f"{len(value)} characters", f"at most {limit} characters")
        return " ".join(value.split())


def _year(c: _Checker, value: Any, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        c.bad(key, value, "a year between 1900 and 2100, or nothing when unknown")
        return None
    return value


def _years(c: _Checker, raw: Any) -> tuple[int | None, int | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, dict) or set(raw) - {"start", "end"}:
        c.bad("years", raw, "a mapping {start: YEAR, end: YEAR} (end left out while ongoing)")
        return None, None
    start = _year(c, raw.get("start"), "years.start")
    end = _year(c, raw.get("end"), "years.end")
    if start is not None and end is not None and end < start:
        c.bad("years.end", end, f"a year not before the start ({start})")
    return start, end


def _countries(c: _Checker, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        c.bad("countries", raw, "a list of ISO 3166-1 alpha-3 codes such as [GHA, GBR]")
        return ()
    out: list[str] = []
    for i, code in enumerate(raw):
        if not isinstance(code, str) or not is_iso3(code.strip().upper()):
            c.bad(f"countries[{i}]", code, "an ISO 3166-1 alpha-3 code such as GHA")
        elif code.strip().upper() not in out:
            out.append(code.strip().upper())
    return tuple(out)


def _sources(c: _Checker, raw: Any) -> tuple[PracticeSource, ...]:
    if not isinstance(raw, list) or not raw:
        c.bad("sources", raw, "a non-empty list of {title, url}")
        return ()
    out: list[PracticeSource] = []
    for i, s in enumerate(raw):
        if not isinstance(s, dict):
            c.bad(f"sources[{i}]", s, "a mapping {title, url}")
            continue
        title, url = s.get("title"), s.get("url")
        if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
            c.bad(f"sources[{i}].title", title, f"a non-empty text of at most {MAX_TITLE}")
            continue
        if not isinstance(url, str) or not _URL.match(url) or len(url) > 500:
            c.bad(f"sources[{i}].url", url, "an http(s) URL")
            continue
        out.append(PracticeSource(" ".join(title.split()), url))
    return tuple(out)


def validate_practice(raw: Any, file: str, where: str = "") -> Practice:
    """Return the entry ``raw`` describes, or raise naming the file and every bad key.

    Raises:
        Invalid: a key is missing, unknown or holds a value of the wrong kind.
    """
    c = _Checker(file, where)
    if not isinstance(raw, dict):
        c.bad("", raw, "a mapping with the keys " + ", ".join(KEYS))
        raise Invalid(f"{file}: the entry is not a mapping.", problems=c.problems)
    for key in sorted(set(map(str, raw)) - set(KEYS)):
        c.bad(key, raw[key], "one of the keys " + ", ".join(KEYS))
    code = raw.get("id")
    if not isinstance(code, str) or not _CODE.match(code):
        c.bad("id", code, "a slug of 3–80 lower-case letters, digits and hyphens")
    kind = raw.get("type")
    if kind not in PRACTICE_TYPES:
        c.bad("type", kind, "one of: " + ", ".join(PRACTICE_TYPES))
    title = c.text(raw, "title", limit=MAX_TITLE)
    summary = c.text(raw, "summary", limit=MAX_TEXT)
    what = c.text(raw, "what_it_did", limit=MAX_TEXT)
    results = c.text(raw, "results", limit=MAX_TEXT, required=False)
    countries = _countries(c, raw.get("countries"))
    start, end = _years(c, raw.get("years"))
    sources = _sources(c, raw.get("sources"))
    if c.problems:
        raise Invalid(
            f"{file}: {len(c.problems)} problem(s) in practice entry {code!r}.",
            hint="See docs/library.md for the keys of an entry.",
            problems=c.problems,
        )
    return Practice(
        str(code), title, str(kind), countries, start, end, summary, what, results, sources
    )
