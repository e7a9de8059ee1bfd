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


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def claim(session: Session, run_id: str, worker: str, *, at: datetime) -> bool:
    """Claim a queued run for ``worker`` (→ ``running``); False when it is not queued.

    One ``UPDATE … WHERE status = 'queued'``: of two workers racing for a run (threads or
    processes, SQLite or PostgreSQL) exactly one updates the row.
    """
    claimed = session.execute(
        update(ProjectionRun)
        .where(ProjectionRun.id == run_id, ProjectionRun.status == "queued")
        .values(
            status="running",
            worker=worker,
            started_at=at,
            heartbeat_at=at,
            attempts=ProjectionRun.attempts + 1,
            progress=0.0,
            error="",
        )
        .execution_options(synchronize_session=False)
    )
    return _rowcount(claimed) == 1


def claim_next(session: Session, worker: str, *, at: datetime) -> str | None:
    """Claim the oldest queued run for ``worker``; return its id, or None when none is left."""
    q = (
        select(ProjectionRun.id)
        .where(ProjectionRun.status == "queued")
        .order_by(ProjectionRun.created_at, ProjectionRun.id)
        .limit(20)
    )
    for run_id in list(session.scalars(q)):
        if claim(session, run_id, worker, at=at):
            return run_id
    return None


def beat(session: Session, run_id: str, worker: str, *, at: datetime, progress: float) -> bool:
    """Record that ``worker`` still computes the run; False when it is no longer its own."""
    done = session.execute(
        update(ProjectionRun)
        .where(
            ProjectionRun.id == run_id,
            ProjectionRun.status == "running",
            ProjectionRun.worker == worker,
        )
        .values(heartbeat_at=at, progress=progress)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(done) == 1


@dataclass(frozen=True)
class Recovered:
    """Runs found ``running`` without a heartbeat since the cutoff: queued again, or failed."""

    requeued: tuple[str, ...]
    failed: tuple[str, ...]


def running_workers(session: Session) -> list[str]:
    """Return the workers holding ``running`` runs."""
    q = select(ProjectionRun.worker).where(ProjectionRun.status == "running").distinct()
    return list(session.scalars(q))


def recover_stale(
    session: Session,
    *,
    cutoff: datetime,
    max_attempts: int,
    at: datetime,
    error: str,
    dead_workers: Sequence[str] = (),
) -> Recovered:
    """Queue again the runs whose worker went silent before ``cutoff`` or is known dead.

    A run already taken ``max_attempts`` times is marked failed with ``error`` instead. Both
    updates repeat the ``running`` and heartbeat conditions, so that a run claimed or
    finished meanwhile is left alone.
    """
    r = ProjectionRun
    silent = (
        r.status == "running",
        or_(
            r.heartbeat_at.is_(None),
            r.heartbeat_at < cutoff,
            r.worker.in_(list(dead_workers)),
        ),
    )
    stale = list(session.execute(select(r.id, r.attempts).where(*silent)).all())
    requeued: list[str] = []
    failed: list[str] = []
    for run_id, attempts in stale:
        again = attempts < max_attempts
        values: dict[str, object] = (
            {"status": "queued", "worker": "", "progress": 0.0}
            if again
            else {"status": "failed", "finished_at": at, "error": error}
        )
        changed = session.execute(
            update(r)
            .where(r.id == run_id, *silent)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(changed) == 1:
            (requeued if again else failed).append(run_id)
    return Recovered(tuple(requeued), tuple(failed))


def release(session: Session, run_id: str, worker: str) -> bool:
    """Queue again a run its worker stopped computing (a server shutting down)."""
    done = session.execute(
        update(ProjectionRun)
        .where(
            ProjectionRun.id == run_id,
            ProjectionRun.status == "running",
            ProjectionRun.worker == worker,
        )
        .values(status="queued", worker="", progress=0.0, attempts=ProjectionRun.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(done) == 1


def list_jobs(session: Session, statuses: Sequence[str], limit: int = 100) -> list[ProjectionRun]:
    """Return the runs in these statuses, oldest first (without loading their results)."""
    q = (
        select(ProjectionRun)
        .options(defer(ProjectionRun.result))
        .where(ProjectionRun.status.in_(list(statuses)))
        .order_by(ProjectionRun.created_at, ProjectionRun.id)
        .limit(limit)
    )
    return list(session.scalars(q))


def set_failed(session: Session, run_id: str, *, at: datetime, error: str, worker: str) -> bool:
    """Mark a run its worker computes as failed; False when it is no longer that worker's."""
    done = session.execute(
        update(ProjectionRun)
        .where(ProjectionRun.id == run_id, ProjectionRun.worker == worker)
        .where(ProjectionRun.status == "running")
        .values(status="failed", finished_at=at, error=error)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(done) == 1


def set_result(
    session: Session,
    run_id: str,
    *,
    at: datetime,
    result: bytes,
    row_count: int,
    provenance: dict[str, object],
    sources: Sequence[tuple[str, str]],
    worker: str | None = None,
) -> bool:
    """Store a finished run's result, its provenance fields and its input sources.

    With ``worker``, only while that worker still holds the run (``running``): a job taken
    over after its worker went silent is stored once. Return whether it was stored.
    """
    q = update(ProjectionRun).where(ProjectionRun.id == run_id)
    if worker is not None:
        q = q.where(ProjectionRun.worker == worker, ProjectionRun.status == "running")
    stored = session.execute(
        q.values(
            status="done",
            finished_at=at,
            result=result,
            row_count=row_count,
            progress=1.0,
            **provenance,
        ).execution_options(synchronize_session=False)
    )
    if _rowcount(stored) != 1:
        return False
    session.execute(delete(ProjectionRunSource).where(ProjectionRunSource.run_id == run_id))
    session.add_all(ProjectionRunSource(run_id=run_id, source_key=k, vintage=v) for k, v in sources)
    session.flush()
    return True


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
