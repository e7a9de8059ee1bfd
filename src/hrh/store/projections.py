"""Queries of stored projection runs. Never commit: the services own transactions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select, true, update
from sqlalchemy.orm import Session, defer

from hrh.store.tables import Population
from hrh.store.tables_projection import ProjectionRun, ProjectionRunSource


@dataclass(frozen=True)
class RunVisibility:
    """Which runs a reader sees: every run, or public ones plus their own."""

    all_runs: bool = False
    owner_user_id: int | None = None
    owner: str | None = None


def add_run(session: Session, run: ProjectionRun) -> ProjectionRun:
    """Store a new run."""
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, run_id: str) -> ProjectionRun | None:
    """Return the run with this id."""
    return session.get(ProjectionRun, run_id)


def _visible(v: RunVisibility) -> ColumnElement[bool]:
    if v.all_runs:
        return true()
    own: list[ColumnElement[bool]] = [ProjectionRun.public.is_(True)]
    if v.owner_user_id is not None:
        own.append(ProjectionRun.owner_user_id == v.owner_user_id)
    elif v.owner is not None:
        own.append(ProjectionRun.owner == v.owner)
    return or_(*own)


def list_runs(session: Session, v: RunVisibility, limit: int = 50) -> list[ProjectionRun]:
    """Return the visible runs, newest first (without loading their results)."""
    q = (
        select(ProjectionRun)
        .options(defer(ProjectionRun.result))
        .where(_visible(v))
        .order_by(ProjectionRun.created_at.desc(), ProjectionRun.id)
        .limit(limit)
    )
    return list(session.scalars(q))


def set_status(
    session: Session,
    run_id: str,
    status: str,
    *,
    at: datetime,
    error: str = "",
) -> None:
    """Mark a run queued → running (``started_at``) or failed (``finished_at``, error)."""
    values: dict[str, object] = {"status": status}
    if status == "running":
        values["started_at"] = at
    else:
        values.update(finished_at=at, error=error)
    session.execute(update(ProjectionRun).where(ProjectionRun.id == run_id).values(**values))


def set_result(
    session: Session,
    run_id: str,
    *,
    at: datetime,
    result: bytes,
    row_count: int,
    provenance: dict[str, object],
    sources: Sequence[tuple[str, str]],
) -> None:
    """Store a finished run's result, its provenance fields and its input sources."""
    session.execute(
        update(ProjectionRun)
        .where(ProjectionRun.id == run_id)
        .values(status="done", finished_at=at, result=result, row_count=row_count, **provenance)
    )
    session.execute(delete(ProjectionRunSource).where(ProjectionRunSource.run_id == run_id))
    session.add_all(ProjectionRunSource(run_id=run_id, source_key=k, vintage=v) for k, v in sources)
    session.flush()


def sources_of(session: Session, run_id: str) -> list[str]:
    """Return a run's input sources as ``key@vintage``, sorted."""
    q = (
        select(ProjectionRunSource.source_key, ProjectionRunSource.vintage)
        .where(ProjectionRunSource.run_id == run_id)
        .order_by(ProjectionRunSource.source_key, ProjectionRunSource.vintage)
    )
    return [f"{k}@{v}" for k, v in session.execute(q).all()]


@dataclass(frozen=True, slots=True)
class AgePopulationRow:
    """A stored population by age band (both sexes): an estimate or a median projection."""

    country: str
    year: int
    age_band: str
    variant: str
    value: float
    source_id: int


def population_by_age(
    session: Session, countries: Sequence[str], first: int, last: int
) -> list[AgePopulationRow]:
    """Return both-sexes population by age band (not totals), estimates and median variant."""
    p = Population
    q = select(p.country, p.year, p.age_band, p.variant, p.value, p.source_id).where(
        p.sex == "T",
        p.age_band != "total",
        p.variant.in_(["estimate", "median"]),
        p.country.in_(list(countries)),
        p.year.between(first, last),
    )
    return [AgePopulationRow(*r) for r in session.execute(q)]
