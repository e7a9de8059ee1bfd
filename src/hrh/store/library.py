"""Queries of the practice library. Never commit: the services own transactions.

Full-text search, per backend (both rank title matches above body matches):

- PostgreSQL: ``websearch_to_tsquery('english', …)`` against the weighted document
  (title A, body B) that a GIN expression index covers; ranked by cover density
  (``ts_rank_cd``, normalised by document length) of the title times 10 plus that of the
  body. (Plain ``ts_rank`` saturates near 1 for several matching words and ties.)
- SQLite: the candidate rows are copied into a connection-local ``temp`` FTS5 table
  (porter stemmer) and ranked by ``bm25`` with the title weighted 10 to 1. The library holds
  tens to a few thousand entries, so this costs milliseconds and leaves no shadow tables in
  the schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, delete, false, or_, select, text
from sqlalchemy.orm import Session

from hrh.store.tables_library import PG_DOCUMENT, LibraryEntry, LibraryEntryCountry


@dataclass(frozen=True)
class Visibility:
    """Which entries a reader sees: published ones, plus all drafts or their own drafts."""

    all_drafts: bool = False
    author_user_id: int | None = None
    author: str | None = None


@dataclass(frozen=True)
class EntryFilter:
    """Filters of a search or a listing."""

    type: str | None = None
    country: str | None = None
    year: int | None = None
    status: str | None = None  # None: every status the reader sees


def get_entry(session: Session, code: str) -> LibraryEntry | None:
    """Return the entry with this id (whatever its status)."""
    return session.scalar(select(LibraryEntry).where(LibraryEntry.code == code))


def countries_of(session: Session, entry_ids: Sequence[int]) -> dict[int, list[str]]:
    """Return entry id → its countries (ISO3, in alphabetical order)."""
    out: dict[int, list[str]] = {i: [] for i in entry_ids}
    if not entry_ids:
        return out
    q = (
        select(LibraryEntryCountry.entry_id, LibraryEntryCountry.iso3)
        .where(LibraryEntryCountry.entry_id.in_(list(entry_ids)))
        .order_by(LibraryEntryCountry.iso3)
    )
    for entry_id, iso3 in session.execute(q).all():
        out[entry_id].append(iso3)
    return out


def set_countries(session: Session, entry: LibraryEntry, countries: Sequence[str]) -> None:
    """Replace the entry's countries."""
    session.flush()
    session.execute(delete(LibraryEntryCountry).where(LibraryEntryCountry.entry_id == entry.id))
    session.add_all(LibraryEntryCountry(entry_id=entry.id, iso3=c) for c in countries)
    session.flush()


def add_entry(session: Session, entry: LibraryEntry, countries: Sequence[str]) -> LibraryEntry:
    """Store a new entry and its countries."""
    session.add(entry)
    set_countries(session, entry, countries)
    return entry


def publish_entry(session: Session, entry: LibraryEntry, at: datetime) -> None:
    """Mark a draft as published."""
    entry.status = "published"
    entry.published_at = at
    entry.updated_at = at
    session.flush()


def _visible(v: Visibility) -> ColumnElement[bool]:
    drafts: ColumnElement[bool]
    if v.all_drafts:
        drafts = LibraryEntry.status == "draft"
    elif v.author_user_id is not None:
        drafts = and_(
            LibraryEntry.status == "draft", LibraryEntry.author_user_id == v.author_user_id
        )
    elif v.author is not None:
        drafts = and_(LibraryEntry.status == "draft", LibraryEntry.author == v.author)
    else:
        drafts = false()
    return or_(LibraryEntry.status == "published", drafts)


def candidate_ids(session: Session, v: Visibility, f: EntryFilter) -> list[int]:
    """Return the ids of the visible entries that pass the filters, by title."""
    q = select(LibraryEntry.id).where(_visible(v))
    if f.status is not None:
        q = q.where(LibraryEntry.status == f.status)
    if f.type is not None:
        q = q.where(LibraryEntry.type == f.type)
    if f.country is not None:
        q = q.where(
            LibraryEntry.id.in_(
                select(LibraryEntryCountry.entry_id).where(LibraryEntryCountry.iso3 == f.country)
            )
        )
    if f.year is not None:
        q = q.where(
            LibraryEntry.start_year.is_not(None),
            LibraryEntry.start_year <= f.year,
            or_(LibraryEntry.end_year.is_(None), LibraryEntry.end_year >= f.year),
        )
    return list(session.scalars(q.order_by(LibraryEntry.title, LibraryEntry.id)))


def entries_by_id(session: Session, ids: Sequence[int]) -> dict[int, LibraryEntry]:
    """Return id → entry for these ids."""
    if not ids:
        return {}
    rows = session.scalars(select(LibraryEntry).where(LibraryEntry.id.in_(list(ids))))
    return {e.id: e for e in rows}


def rank(
    session: Session, ids: Sequence[int], terms: Sequence[str], *, any_term: bool
) -> list[tuple[int, float]]:
    """Return (id, score) of the entries among ``ids`` that match, best first.

    ``terms`` are plain words (letters and digits); all must match, or any when ``any_term``.
    Scores are higher for better matches; they compare within one backend only.
    """
    if not ids or not terms:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _rank_postgresql(session, ids, terms, any_term=any_term)
    return _rank_sqlite(session, ids, terms, any_term=any_term)


def _rank_postgresql(
    session: Session, ids: Sequence[int], terms: Sequence[str], *, any_term: bool
) -> list[tuple[int, float]]:
    query = (" or " if any_term else " ").join(terms)
    # title (weight class A) counts ten times the body (B), as bm25's weights do on SQLite
    score = (
        f"10 * ts_rank_cd('{{0,0,0,1}}', {PG_DOCUMENT}, q, 1) "
        f"+ ts_rank_cd('{{0,0,1,0}}', {PG_DOCUMENT}, q, 1)"
    )
    sql = text(
        f"SELECT e.id, {score} AS score "
        "FROM library_entries AS e, websearch_to_tsquery('english', :query) AS q "
        f"WHERE e.id IN :ids AND {PG_DOCUMENT} @@ q ORDER BY score DESC, e.id"
    ).bindparams(bindparam("ids", expanding=True))
    rows = session.execute(sql, {"query": query, "ids": list(ids)}).all()
    return [(int(i), float(s)) for i, s in rows]


def _rank_sqlite(
    session: Session, ids: Sequence[int], terms: Sequence[str], *, any_term: bool
) -> list[tuple[int, float]]:
    session.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.library_search "
            "USING fts5(title, body, tokenize='porter unicode61')"
        )
    )
    session.execute(text("DELETE FROM temp.library_search"))
    session.execute(
        text(
            "INSERT INTO temp.library_search(rowid, title, body) "
            "SELECT id, title, search_text FROM main.library_entries WHERE id IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": list(ids)},
    )
    match = (" OR " if any_term else " ").join(f'"{t}"' for t in terms)
    rows = session.execute(
        text(
            "SELECT rowid, bm25(library_search, 10.0, 1.0) AS score FROM temp.library_search "
            "WHERE library_search MATCH :match ORDER BY score, rowid"
        ),
        {"match": match},
    ).all()
    session.execute(text("DELETE FROM temp.library_search"))
    return [(int(i), -float(s)) for i, s in rows]
