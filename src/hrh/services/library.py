"""The practice library: seed loading, search, drafts submitted by analysts, publication.

Drafts are invisible (404, not 403) to the public and to everyone but their author and
administrators, so their existence cannot be inferred. Every write is audited.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hrh.domain.codes import is_iso3
from hrh.domain.policy import LOCAL_ADMIN, Principal, require
from hrh.domain.practices import PRACTICE_TYPES, STATUSES, Practice, validate_practice
from hrh.errors import M_, Conflict, Invalid, NotFound
from hrh.ingest.practices import SEED_FILE, read_practices
from hrh.services import audit
from hrh.services.context import AppContext
from hrh.store import library as store
from hrh.store import tables as t
from hrh.store.tables_library import LibraryEntry

SEED_AUTHOR = "seed"
MAX_TERMS = 32
#: PostgreSQL's English stop words (Snowball), dropped on both backends so both match alike.
_STOP_WORDS_TEXT = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his "
    "himself she her hers herself it its itself they them their theirs themselves what which "
    "who whom this that these those am is are was were be been being have has had having do "
    "does did doing a an the and but if or because as until while of at by for with about "
    "against between into through during before after above below to from up down in out on "
    "off over under again further then once here there when where why how all any both each "
    "few more most other some such no nor not only own same so than too very s t can will "
    "just don should now"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class CountryLink:
    """A country an entry involves, with the URL of its profile."""

    iso3: str
    name: str
    url: str


@dataclass(frozen=True)
class SourceView:
    """A source of an entry."""

    title: str
    url: str


@dataclass(frozen=True)
class PracticeView:
    """A library entry as readers see it (``score``: its search rank, when searched)."""

    id: str
    title: str
    type: str
    countries: list[CountryLink]
    start_year: int | None
    end_year: int | None
    summary: str
    what_it_did: str
    results: str
    sources: list[SourceView]
    status: str
    url: str
    score: float | None = None


@dataclass(frozen=True)
class PracticeSearch:
    """A page of entries; ``match`` says whether all words matched, any, or none were given."""

    query: str
    terms: list[str]
    match: str  # all | any | none
    data: list[PracticeView]
    count: int


@dataclass(frozen=True)
class LibraryLoad:
    """What ``hrh library load`` did."""

    file: str
    created: int
    updated: int
    unchanged: int


def fold(text: str) -> str:
    """Return ``text`` in lower case without diacritics (both backends then match alike).

    >>> fold("Timișoara")
    'timisoara'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_terms(query: str) -> list[str]:
    """Return the words of a query that are searched: folded, stop words dropped.

    >>> search_terms("Return of diaspora doctors to Ghana!")
    ['return', 'diaspora', 'doctors', 'ghana']
    """
    words = [w for w in re.findall(r"\w+", fold(query)) if w not in STOP_WORDS]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def normalise_type(text: str) -> str:
    """Return the practice type named by ``text`` (hyphens and underscores read as spaces).

    >>> normalise_type("Code_of-practice")
    'code of practice'
    """
    key = " ".join(text.replace("-", " ").replace("_", " ").lower().split())
    if key not in PRACTICE_TYPES:
        raise Invalid.of(
            M_("Unknown practice type %(type)s."),
            hint=M_("Use one of: %(types)s"),
            type=repr(text),
            types=", ".join(PRACTICE_TYPES),
        )
    return key


def _visibility(principal: Principal) -> store.Visibility:
    if principal.role == "admin":
        return store.Visibility(all_drafts=True)
    if principal.role == "anonymous":
        return store.Visibility()
    return store.Visibility(author_user_id=principal.user_id, author=principal.label)


def _may_see(principal: Principal, entry: LibraryEntry) -> bool:
    if entry.status == "published" or principal.role == "admin":
        return True
    if principal.role == "anonymous":
        return False
    if principal.user_id is not None:
        return entry.author_user_id == principal.user_id
    return entry.author == principal.label


def _names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    q = select(t.Country.iso3, t.Country.name).where(t.Country.iso3.in_(sorted(codes)))
    return {str(c): str(n) for c, n in session.execute(q).all()}


def _view(
    e: LibraryEntry, countries: list[str], names: dict[str, str], score: float | None = None
) -> PracticeView:
    return PracticeView(
        id=e.code,
        title=e.title,
        type=e.type,
        countries=[CountryLink(c, names.get(c, c), f"/countries/{c}") for c in countries],
        start_year=e.start_year,
        end_year=e.end_year,
        summary=e.summary,
        what_it_did=e.what_it_did,
        results=e.results,
        sources=[SourceView(**s) for s in json.loads(e.sources)],
        status=e.status,
        url=f"/library/{e.code}",
        score=score,
    )


def _views(
    session: Session, ids: list[int], scores: dict[int, float] | None = None
) -> list[PracticeView]:
    entries = store.entries_by_id(session, ids)
    countries = store.countries_of(session, ids)
    names = _names(session, {c for cs in countries.values() for c in cs})
    return [
        _view(entries[i], countries[i], names, None if scores is None else scores[i]) for i in ids
    ]


def _fields(session: Session, p: Practice) -> dict[str, Any]:
    names = _names(session, set(p.countries))
    body = [p.summary, p.what_it_did, p.results, p.type]
    body += [f"{names.get(c, '')} {c}".strip() for c in p.countries]
    # words with diacritics, also without them (PostgreSQL's english config keeps accents)
    words = re.findall(r"\w+", " ".join([p.title, *body]).lower())
    body.append(" ".join(sorted({fold(w) for w in words} - set(words))))
    return {
        "title": p.title,
        "type": p.type,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "summary": p.summary,
        "what_it_did": p.what_it_did,
        "results": p.results,
        "sources": json.dumps(
            [{"title": s.title, "url": s.url} for s in p.sources], ensure_ascii=False
        ),
        "search_text": "\n".join(x for x in body if x),
    }


def load_seed(
    ctx: AppContext, principal: Principal = LOCAL_ADMIN, path: Path = SEED_FILE
) -> LibraryLoad:
    """Load (or update) the bundled entries as published; running it again changes nothing."""
    require(principal, "library.publish")
    practices = read_practices(path)
    created = updated = 0
    now = datetime.now(UTC)
    with ctx.unit() as s:
        for p in practices:
            fields = _fields(s, p)
            entry = store.get_entry(s, p.code)
            if entry is None:
                entry = LibraryEntry(
                    code=p.code,
                    status="published",
                    author=SEED_AUTHOR,
                    created_at=now,
                    updated_at=now,
                    published_at=now,
                    **fields,
                )
                store.add_entry(s, entry, p.countries)
                created += 1
                continue
            same = all(getattr(entry, k) == v for k, v in fields.items())
            old_countries = store.countries_of(s, [entry.id])[entry.id]
            if same and entry.status == "published" and old_countries == sorted(p.countries):
                continue
            for k, v in fields.items():
                setattr(entry, k, v)
            entry.status, entry.updated_at = "published", now
            entry.published_at = entry.published_at or now
            store.set_countries(s, entry, p.countries)
            updated += 1
        if created or updated:
            audit.record(
                s,
                principal,
                "library.load",
                path.name,
                {"created": created, "updated": updated, "entries": len(practices)},
            )
    return LibraryLoad(path.name, created, updated, len(practices) - created - updated)


def submit(ctx: AppContext, principal: Principal, practice: Practice) -> PracticeView:
    """Store ``practice`` as a draft by ``principal`` (resubmitting one's own draft updates it).

    Raises:
        Conflict: an entry with this id exists and is not the principal's own draft.
    """
    require(principal, "library.submit")
    now = datetime.now(UTC)
    with ctx.unit() as s:
        fields = _fields(s, practice)
        entry = store.get_entry(s, practice.code)
        if entry is None:
            entry = LibraryEntry(
                code=practice.code,
                status="draft",
                author=principal.label,
                author_user_id=principal.user_id,
                created_at=now,
                updated_at=now,
                **fields,
            )
            store.add_entry(s, entry, practice.countries)
        elif entry.status == "draft" and entry.author == principal.label:
            for k, v in fields.items():
                setattr(entry, k, v)
            entry.updated_at = now
            store.set_countries(s, entry, practice.countries)
        else:
            raise Conflict(
                f"A library entry with id {practice.code!r} already exists.",
                hint="Choose another id.",
            )
        audit.record(s, principal, "library.submit", practice.code, {"type": practice.type})
        return _views(s, [entry.id])[0]


def submit_file(ctx: AppContext, principal: Principal, path: Path) -> list[PracticeView]:
    """Submit every entry of a YAML file as a draft (all validated before any is stored)."""
    require(principal, "library.submit")
    return [submit(ctx, principal, p) for p in read_practices(path)]


def submit_mapping(ctx: AppContext, principal: Principal, raw: dict[str, Any]) -> PracticeView:
    """Submit one entry given as a mapping (an API request body) as a draft."""
    require(principal, "library.submit")
    return submit(ctx, principal, validate_practice(raw, "request"))


def publish(ctx: AppContext, principal: Principal, code: str) -> PracticeView:
    """Publish a draft.

    Raises:
        NotFound: no entry has this id.
        Conflict: the entry is published already.
    """
    require(principal, "library.publish")
    with ctx.unit() as s:
        entry = store.get_entry(s, code)
        if entry is None:
            raise NotFound(f"No library entry {code!r}.", hint="List drafts with status=draft.")
        if entry.status == "published":
            raise Conflict(f"Library entry {code!r} is published already.")
        store.publish_entry(s, entry, datetime.now(UTC))
        audit.record(s, principal, "library.publish", code, {})
        return _views(s, [entry.id])[0]


def get(ctx: AppContext, principal: Principal, code: str) -> PracticeView:
    """Return one entry the principal may see.

    Raises:
        NotFound: no such entry, or a draft the principal may not see.
    """
    require(principal, "aggregates.read")
    with ctx.unit() as s:
        entry = store.get_entry(s, code)
        if entry is None or not _may_see(principal, entry):
            raise NotFound(
                f"No library entry {code!r}.", hint="Search the library with `hrh library search`."
            )
        return _views(s, [entry.id])[0]


def search(
    ctx: AppContext,
    principal: Principal,
    query: str = "",
    *,
    type: str | None = None,
    country: str | None = None,
    year: int | None = None,
    status: str | None = "published",
    limit: int = 50,
    offset: int = 0,
) -> PracticeSearch:
    """Search the entries the principal may see: all words first, any word when none has all.

    Without words (an empty query, or stop words only), list the filtered entries by title.
    ``status``: ``published`` (the default), ``draft`` (the drafts the principal may see) or
    ``all``/None (both).
    """
    require(principal, "aggregates.read")
    f = store.EntryFilter(
        type=None if type is None else normalise_type(type),
        country=_country(country),
        year=_year(year),
        status=_status(status),
    )
    terms = search_terms(query)
    with ctx.unit() as s:
        ids = store.candidate_ids(s, _visibility(principal), f)
        if not terms:
            return PracticeSearch(
                query, terms, "none", _views(s, ids[offset : offset + limit]), len(ids)
            )
        match = "all"
        ranked = store.rank(s, ids, terms, any_term=False)
        if not ranked and len(terms) > 1:
            match = "any"
            ranked = store.rank(s, ids, terms, any_term=True)
        page = ranked[offset : offset + limit]
        views = _views(s, [i for i, _ in page], dict(page))
        return PracticeSearch(query, terms, match, views, len(ranked))


def _country(country: str | None) -> str | None:
    if country is None:
        return None
    code = country.strip().upper()
    if not is_iso3(code):
        raise Invalid.of(
            M_("%(country)s is not an ISO 3166-1 alpha-3 country code."),
            hint=M_("E.g. GHA."),
            country=repr(country),
        )
    return code


def _year(year: int | None) -> int | None:
    if year is not None and not 1900 <= year <= 2100:
        raise Invalid.of(
            M_("Year %(year)s is out of range."),
            hint=M_("Give a year between 1900 and 2100."),
            year=year,
        )
    return year


def _status(status: str | None) -> str | None:
    if status is None or status == "all":
        return None
    if status not in STATUSES:
        raise Invalid.of(
            M_("Unknown status %(status)s."),
            hint=M_("Use published, draft or all."),
            status=repr(status),
        )
    return status
