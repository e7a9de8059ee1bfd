"""Bulk, idempotent writes of imported records. Never commits: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hrh.domain.records import (
    Country,
    CoverageObs,
    EconomicObs,
    FlowObs,
    PopulationObs,
    SafeguardEntry,
    SourceMeta,
    StockObs,
)
from hrh.errors import Conflict, Problem
from hrh.store import tables as t

CHUNK = 50_000


@dataclass(frozen=True)
class _Target:
    table: str
    columns: tuple[str, ...]  # the record's fields = the table's columns, before source_id
    key_len: int  # how many leading columns form the cell key (without value)


_TARGETS: dict[type, _Target] = {
    StockObs: _Target("workforce_stocks", StockObs._fields, 7),
    PopulationObs: _Target("populations", PopulationObs._fields, 5),
    FlowObs: _Target("migration_flows", FlowObs._fields, 6),
    CoverageObs: _Target("coverage_indices", CoverageObs._fields, 2),
    EconomicObs: _Target("economic_values", EconomicObs._fields, 3),
    SafeguardEntry: _Target("safeguard_list_entries", SafeguardEntry._fields, 2),
}


def ensure_source(session: Session, meta: SourceMeta) -> int:
    """Return the id of the source vintage, creating it when new."""
    found = session.scalar(
        select(t.Source.id).where(t.Source.key == meta.key, t.Source.vintage == meta.vintage)
    )
    if found is not None:
        return found
    row = t.Source(
        key=meta.key,
        vintage=meta.vintage,
        publisher=meta.publisher,
        title=meta.title,
        url=meta.url,
        licence=meta.licence,
        released=meta.released,
        imported_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row.id


def insert_records(
    session: Session,
    source_id: int,
    records: Sequence[Any],
    file: str = "",
    progress: Callable[[int], None] | None = None,
    record_type: type | None = None,
) -> int:
    """Insert records of one kind for one source; skip cells already stored.

    Records are ``NamedTuple``s (or plain tuples of the same shape, with ``record_type``)
    whose fields are the table's columns in order; they go to the driver's ``executemany``
    with the source id appended, ``CHUNK`` at a time.

    Returns:
        The number of rows inserted (0 when everything was already there).

    Raises:
        Conflict: when a cell is already stored for this source vintage with another value.
    """
    if not records:
        return 0
    target = _TARGETS[record_type or type(records[0])]
    conn = session.connection()
    cols = (*target.columns, "source_id")
    marks = ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * len(cols))
    key_cols = (*target.columns[: target.key_len], "source_id")
    sql = (
        f"INSERT INTO {target.table} ({', '.join(cols)}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(key_cols)}) DO NOTHING"
    )
    tail = (source_id,)
    inserted = 0
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        # executemany's rowcount is the number of rows inserted (conflicts count 0), on
        # SQLite and on PostgreSQL (psycopg 3).
        inserted += conn.exec_driver_sql(sql, [r + tail for r in chunk]).rowcount
        if progress is not None:
            progress(len(chunk))
    if inserted < len(records):
        _check_same_values(session, target, source_id, records, file)
    return inserted


def _check_same_values(
    session: Session, target: _Target, source_id: int, records: Iterable[Any], file: str
) -> None:
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    key_cols = target.columns[: target.key_len]
    value_cols = target.columns[target.key_len :]
    rows = conn.exec_driver_sql(
        f"SELECT {', '.join(target.columns)} FROM {target.table} WHERE source_id = {mark}",
        (source_id,),
    )
    stored = {tuple(r[: target.key_len]): tuple(r[target.key_len :]) for r in rows}
    problems: list[Problem] = []
    for cells in records:
        key, new = cells[: target.key_len], cells[target.key_len :]
        old = stored.get(key)
        if old is not None and old != new:
            problems.append(
                Problem(
                    file,
                    None,
                    "/".join(map(str, key)),
                    str(new[0]),
                    f"the stored value {old[0]} for this cell in the same source vintage",
                )
            )
            if len(problems) >= 100:
                break
    if problems:
        raise Conflict(
            f"{len(problems)} cell(s) already stored for this source vintage with other values "
            f"({', '.join(key_cols + value_cols)}).",
            hint="Import the corrected data as a new vintage (--vintage) to keep both.",
            problems=problems,
        )


def replace_countries(
    session: Session,
    countries: Iterable[Country],
    aliases: dict[str, str],
    aggregates: dict[str, str],
) -> int:
    """Upsert the country reference, its aliases and the aggregate codes."""
    n = 0
    for c in countries:
        session.merge(t.Country(**dict(zip(_COUNTRY_FIELDS, astuple(c), strict=True))))
        n += 1
    session.flush()
    for alias, iso3 in aliases.items():
        session.merge(t.CountryAlias(alias=alias, iso3=iso3))
    for code, name in aggregates.items():
        session.merge(t.Aggregate(code=code, name=name))
    session.flush()
    return n


_COUNTRY_FIELDS = (
    "iso3",
    "iso2",
    "m49",
    "name",
    "who_region",
    "who_member",
    "wb_income",
    "wb_region",
)


def log_import(session: Session, **fields: Any) -> None:
    """Append an entry to the import log."""
    session.add(t.ImportLog(at=datetime.now(UTC), **fields))
