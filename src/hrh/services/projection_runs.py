"""Stored projection runs: submit (answered directly or as a job), execute, read, list.

Every run asked for over the API, and every ``hrh project run``, is stored with its request,
its provenance (scenario and parameters SHA-256, seed, mode, code version, input sources as
``key@vintage``) and its result document. Runs up to :data:`SYNC_LIMIT` country-years are
computed in the request and answered directly; larger ones, up to :data:`MAX_JOB_SIZE`, are
stored ``queued`` and computed by a worker (poll ``GET /api/v1/projections/{id}``). Agent-mode
runs (one row per worker: memory-heavy) are never queued: above :data:`SYNC_LIMIT` they are
refused, pointing to the CLI.

Jobs are durable: the run's row is the job. A worker (:class:`RunJobs` threads in the web
server, or ``hrh project worker``) claims the oldest queued run with one
``UPDATE … WHERE status = 'queued'`` (exactly one of several workers or server processes
wins), then refreshes ``heartbeat_at`` and ``progress`` every :data:`HEARTBEAT_S` seconds
while it computes. A run still ``running`` with no heartbeat for :data:`STALE_AFTER_S`
seconds, or whose worker process on the same host is gone, belongs to a dead process (a
crash, a restart): workers queue it again, on start and while they poll. Its inputs can
always be rebuilt, since the request (bundled scenario name or inline scenario, countries,
years, mode, seed: a stochastic run's seed is drawn at submission) is stored with it, so
the retry computes the same numbers. A run taken
:data:`MAX_ATTEMPTS` times is marked failed instead, saying so, so that a run that kills its
worker is not retried for ever. A worker presumed dead that wakes up and finishes does not
overwrite the run: results are stored only by the worker that holds it.

Who reads a stored run: its owner (the analyst who ran it) and administrators
(``projections.read``); everybody when it was submitted with ``public: true``. Others get a
404, so that a private run's existence cannot be inferred.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hrh.domain.policy import Principal, may, require
from hrh.errors import HrhError, Invalid, NotFound
from hrh.params.projection import load_projection_parameters
from hrh.projection.results import ProjectionResult
from hrh.projection.runner import fresh_seed
from hrh.services import audit
from hrh.services._version import code_version
from hrh.services.context import AppContext
from hrh.services.projections import (
    DEFAULT_FROM,
    DEFAULT_REPLICATES,
    DEFAULT_UNTIL,
    check_run,
    compute_run,
    load_inputs,
    resolve_scenario,
    run_size,
)
from hrh.store import projections as store
from hrh.store.tables_projection import ProjectionRun

SYNC_LIMIT = 10_000
"""Country-years (countries on the axis, with migration partners, × years × replicates)
computed in the request; larger runs become jobs."""
MAX_JOB_SIZE = 1_000_000
"""The largest run the server computes as a job; larger ones: ``hrh project run``."""
STATUSES = ("queued", "running", "done", "failed")
HEARTBEAT_S = 5.0
"""How often a worker records that it still computes its run (and how far it got)."""
STALE_AFTER_S = 60.0
"""A ``running`` run silent for this long belongs to a dead process: it is queued again."""
MAX_ATTEMPTS = 3
"""Times a run is taken before a silent worker marks it failed rather than queued again."""
POLL_S = 2.0
"""How often an idle worker looks for queued runs (a submission in its process wakes it)."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunRequest:
    """What a run asks for (stored as JSON with the run; enough to compute it again)."""

    scenario: str | Mapping[str, Any] = "baseline"
    countries: tuple[str, ...] = ()
    from_year: int = DEFAULT_FROM
    until: int = DEFAULT_UNTIL
    mode: str = "deterministic"
    replicates: int = DEFAULT_REPLICATES
    seed: int | None = None
    public: bool = False

    def to_json(self) -> str:
        """Return the request as canonical JSON."""
        doc = asdict(self)
        doc["countries"] = list(self.countries)
        return json.dumps(doc, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RunRequest:
        """Read a request stored by :meth:`to_json`."""
        doc = json.loads(text)
        doc["countries"] = tuple(doc.get("countries") or ())
        return cls(**doc)


@dataclass(frozen=True)
class RunView:
    """A stored run as its readers see it (``result``: the result document once done)."""

    id: str
    status: str
    scenario: str
    scenario_hash: str
    parameters_hash: str
    mode: str
    seed: int | None
    replicates: int | None
    from_year: int
    until_year: int
    countries: tuple[str, ...]
    code_version: str
    size: int
    public: bool
    owner: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    row_count: int
    error: str
    progress: float = 0.0
    attempts: int = 0
    heartbeat_at: str | None = None
    sources: tuple[str, ...] = ()
    request: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = field(default=None, repr=False)

    def summary(self) -> dict[str, Any]:
        """Return the run without its result (for listings); ``request`` is what was asked."""
        doc = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "result"}
        doc["countries"], doc["sources"] = list(self.countries), list(self.sources)
        return doc

    def document(self) -> dict[str, Any]:
        """Return the run with its result document (null until done)."""
        return {**self.summary(), "result": self.result}


def worker_name() -> str:
    """Return a name for a new worker: host, process id and a random suffix (one per thread)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


def _dead_here(worker: str) -> bool:
    """Whether ``worker`` ran on this host in a process that no longer exists."""
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:60] or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # it exists (another user's process)
        return False
    return False


def recover_jobs(
    ctx: AppContext,
    *,
    stale_after_s: float = STALE_AFTER_S,
    max_attempts: int = MAX_ATTEMPTS,
) -> store.Recovered:
    """Queue again the runs left ``running`` by a dead process.

    A process is dead when it has not beaten for ``stale_after_s`` seconds, or at once when
    it ran on this host and its process id no longer exists (a restarted server takes up the
    runs it was computing without waiting). Runs already taken ``max_attempts`` times are
    marked failed with a message saying so. Safe to call from any number of processes at once.
    """
    now = _now()
    with ctx.unit() as s:
        dead = [w for w in store.running_workers(s) if _dead_here(w)]
        found = store.recover_stale(
            s,
            dead_workers=dead,
            cutoff=now - timedelta(seconds=stale_after_s),
            max_attempts=max_attempts,
            at=now,
            error=f"The run was started {max_attempts} times and each time the process "
            "computing it stopped before it finished (a crash, a restart, or too little "
            "memory). Submit it again, smaller, or run it with `hrh project run`.",
        )
    for run_id in found.requeued:
        log.warning("projection run %s: its worker went silent; queued again", run_id)
    for run_id in found.failed:
        log.warning("projection run %s: its worker went silent too often; failed", run_id)
    return found


def claim_job(ctx: AppContext, worker: str) -> str | None:
    """Claim the oldest queued run for ``worker``; return its id (None: nothing queued)."""
    with ctx.unit() as s:
        return store.claim_next(s, worker, at=_now())


def work(
    ctx: AppContext,
    worker: str,
    *,
    stop: threading.Event | None = None,
    wake: threading.Event | None = None,
    until_idle: bool = False,
    poll_s: float = POLL_S,
    heartbeat_s: float = HEARTBEAT_S,
    stale_after_s: float = STALE_AFTER_S,
) -> int:
    """Run queued jobs as ``worker`` until ``stop`` is set (or none is left: ``until_idle``).

    Between jobs the worker queues again the runs of dead workers (:func:`recover_jobs`),
    then claims the oldest queued run; idle, it waits ``poll_s`` seconds or for ``wake``.
    An unexpected error (the database gone for a while) is logged and retried after a poll.
    Return the number of jobs this worker finished (done or failed).
    """
    stop = stop or threading.Event()
    done = 0
    while not stop.is_set():
        try:
            recover_jobs(ctx, stale_after_s=stale_after_s)
            run_id = claim_job(ctx, worker)
        except Exception:  # the database unreachable for a while: try again after a poll
            log.exception("projection worker %s: unexpected error; retrying", worker)
            run_id = None
            if until_idle:
                raise
        if run_id is not None:
            try:
                if run_job(ctx, run_id, worker, heartbeat_s=heartbeat_s, stop=stop):
                    done += 1
            except Exception:  # stored as the run's error; the worker goes on
                log.exception("projection run %s failed", run_id)
                done += 1
            continue
        if until_idle:
            break
        if wake is not None:
            wake.wait(poll_s)
            wake.clear()
        else:
            stop.wait(poll_s)
    return done


class RunJobs:
    """Worker threads of the server computing queued runs from the database.

    One worker by default: projections are CPU-bound and the web process serves requests
    beside them; ``workers=0`` leaves the runs to ``hrh project worker`` processes. The jobs
    are rows of ``projection_runs``: those queued or left running when a server stops are
    computed after the next start (see the module's docstring).
    """

    def __init__(
        self,
        ctx: AppContext,
        workers: int = 1,
        *,
        poll_s: float = POLL_S,
        heartbeat_s: float = HEARTBEAT_S,
        stale_after_s: float = STALE_AFTER_S,
    ) -> None:
        self.ctx = ctx
        self.names = [worker_name() for _ in range(workers)]
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads = [
            threading.Thread(
                target=work,
                args=(ctx, name),
                kwargs={
                    "stop": self._stop,
                    "wake": self._wake,
                    "poll_s": poll_s,
                    "heartbeat_s": heartbeat_s,
                    "stale_after_s": stale_after_s,
                },
                name=f"hrh-run-{i}",
                daemon=True,
            )
            for i, name in enumerate(self.names)
        ]
        for t in self._threads:
            t.start()

    def submit(self, run_id: str) -> None:
        """Wake an idle worker: a run was queued (``run_id``; any queued run is taken)."""
        del run_id  # the workers take the oldest queued run from the database
        self._wake.set()

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, let the running ones finish first.

        Queued runs stay queued in the database, for the next start or another worker.
        """
        self._stop.set()
        self._wake.set()
        if wait:
            for t in self._threads:
                t.join()


def _now() -> datetime:
    return datetime.now(UTC)


def new_run_id() -> str:
    """Return a fresh, unguessable run id (``pr-`` and 24 hex digits)."""
    return "pr-" + secrets.token_hex(12)


def submit_run(
    ctx: AppContext,
    principal: Principal,
    req: RunRequest,
    *,
    jobs: RunJobs | None = None,
    sync_limit: int = SYNC_LIMIT,
    max_size: int = MAX_JOB_SIZE,
) -> RunView:
    """Check and store a run; compute it now (small, or no ``jobs``) or queue it.

    Only bundled scenarios or inline mappings on a bundled base: a request never names a
    file. A stochastic request without a seed gets a fresh one, stored, so a queued run
    computes the same numbers as a direct one would.

    Raises:
        Invalid: a bad request, or a run above ``max_size`` (pointing to the CLI).
        NotFound: an unknown scenario or country.
    """
    require(principal, "projections.run")
    check_run(req.mode, req.from_year, req.until, req.replicates, req.seed)
    if req.mode == "stochastic" and req.seed is None:
        req = replace(req, seed=fresh_seed())
    params = load_projection_parameters()
    chosen = resolve_scenario(req.scenario, params, allow_files=False)
    inputs = load_inputs(ctx, req.countries or None, req.from_year, {*chosen.ssl_editions()})
    size = run_size(len(inputs.countries), req.from_year, req.until, req.mode, req.replicates)
    if size > (sync_limit if req.mode == "agent" else max_size):  # agent runs: never a job
        raise Invalid(
            f"This run is too large for the server: {len(inputs.countries)} countries (with "
            f"their migration partners) × {req.until - req.from_year + 1} years"
            + (f" × {req.replicates} replicates" if req.mode == "stochastic" else "")
            + f" = {size:,} country-years; the limit is "
            + f"{sync_limit if req.mode == 'agent' else max_size:,}"
            + (" in agent mode (one row per worker)." if req.mode == "agent" else "."),
            hint="Ask for fewer countries, years or replicates, or run it with "
            "`hrh project run` on the command line.",
        )
    queued = jobs is not None and size > sync_limit
    run_id = _store_request(ctx, principal, req, chosen.name, size)
    if queued:
        assert jobs is not None
        view = get_run(ctx, principal, run_id)  # read before the job starts: "queued"
        jobs.submit(run_id)
        return view
    result = compute_run(
        ctx,
        inputs,
        chosen,
        req.from_year,
        req.until,
        mode=req.mode,
        seed=req.seed,
        replicates=req.replicates,
    )
    _store_result(ctx, run_id, result)
    return get_run(ctx, principal, run_id)


def record_run(
    ctx: AppContext, principal: Principal, req: RunRequest, result: ProjectionResult
) -> str:
    """Store a run computed elsewhere (``hrh project run``); return its id."""
    require(principal, "projections.run")
    size = len(result.countries) * len(result.years) * (result.replicates or 1)
    run_id = _store_request(ctx, principal, replace(req, seed=result.seed), result.scenario, size)
    _store_result(ctx, run_id, result)
    return run_id


def execute_run(ctx: AppContext, run_id: str, worker: str | None = None) -> None:
    """Claim a queued run and compute it here, storing its result (or its error).

    A run that is not queued (taken by another worker, done, failed) is left as it is. The
    request was authorised when it was submitted.
    """
    worker = worker or worker_name()
    with ctx.unit() as s:
        if not store.claim(s, run_id, worker, at=_now()):
            return
    run_job(ctx, run_id, worker)


class _Stopped(Exception):
    """The worker was asked to stop while computing a run."""


def run_job(
    ctx: AppContext,
    run_id: str,
    worker: str,
    *,
    heartbeat_s: float = HEARTBEAT_S,
    stop: threading.Event | None = None,
) -> bool:
    """Compute a run ``worker`` has claimed, beating every ``heartbeat_s`` seconds meanwhile.

    Stores the result, or the error's message when it fails (an unexpected error is raised
    again after it is stored). Nothing is stored once another worker holds the run. When
    ``stop`` is set meanwhile (a server shutting down), the run is queued again at the next
    year step, not counting as an attempt. Return False then (True: done or failed).
    """
    with ctx.unit() as s:
        row = store.get_run(s, run_id)
        request = row.request if row is not None else None
    if request is None:
        return False
    steps = [0]
    halted = threading.Event()
    try:
        req = RunRequest.from_json(request)
        total = max(
            1,
            (req.until - req.from_year + 1)
            * (req.replicates if req.mode in ("stochastic", "agent") else 1),
        )

        def beat() -> None:
            while not halted.wait(heartbeat_s):
                try:
                    with ctx.unit() as s:
                        mine = store.beat(
                            s, run_id, worker, at=_now(), progress=min(steps[0] / total, 0.99)
                        )
                except Exception:
                    log.exception("projection run %s: heartbeat failed", run_id)
                    continue
                if not mine:
                    return

        def on_step(_n: int) -> None:
            steps[0] += 1
            if stop is not None and stop.is_set():
                raise _Stopped

        threading.Thread(target=beat, name=f"hrh-beat-{run_id}", daemon=True).start()
        params = load_projection_parameters()
        chosen = resolve_scenario(req.scenario, params, allow_files=False)
        inputs = load_inputs(ctx, req.countries or None, req.from_year, {*chosen.ssl_editions()})
        result = compute_run(
            ctx,
            inputs,
            chosen,
            req.from_year,
            req.until,
            mode=req.mode,
            seed=req.seed,
            replicates=req.replicates,
            on_step=on_step,
        )
        if not _store_result(ctx, run_id, result, worker=worker):
            log.warning("projection run %s: taken over by another worker; result dropped", run_id)
    except _Stopped:
        with ctx.unit() as s:
            store.release(s, run_id, worker)
        log.info("projection run %s: worker stopping; queued again", run_id)
        return False
    except Exception as exc:
        if isinstance(exc, HrhError):
            message = exc.message + (f" {exc.hint}" if exc.hint else "")
        else:
            message = f"The run failed unexpectedly ({type(exc).__name__}); see the server log."
        with ctx.unit() as s:
            store.set_failed(s, run_id, at=_now(), error=message, worker=worker)
        if not isinstance(exc, HrhError):
            raise
    finally:
        halted.set()
    return True


def _store_request(
    ctx: AppContext, principal: Principal, req: RunRequest, scenario: str, size: int
) -> str:
    run_id = new_run_id()
    with ctx.unit() as s:
        store.add_run(
            s,
            ProjectionRun(
                id=run_id,
                status="queued",
                scenario=scenario,
                scenario_hash="",
                parameters_hash="",
                mode=req.mode,
                seed=req.seed if req.mode != "deterministic" else None,
                replicates=req.replicates if req.mode != "deterministic" else None,
                from_year=req.from_year,
                until_year=req.until,
                countries=" ".join(sorted(c.upper() for c in req.countries)),
                request=req.to_json(),
                code_version=code_version(),
                size=size,
                public=req.public,
                owner=principal.label,
                owner_user_id=principal.user_id,
                created_at=_now(),
                row_count=0,
                error="",
            ),
        )
        audit.record(s, principal, "projections.run", run_id, {"scenario": scenario})
    return run_id


def _store_result(
    ctx: AppContext, run_id: str, result: ProjectionResult, *, worker: str | None = None
) -> bool:
    doc = result.document()
    payload = gzip.compress(json.dumps(doc, ensure_ascii=False).encode(), mtime=0)
    sources = sorted({tuple(label.rsplit("@", 1)) for label in result.sources if "@" in label})
    with ctx.unit() as s:
        return store.set_result(
            s,
            run_id,
            at=_now(),
            result=payload,
            row_count=len(doc["rows"]),
            provenance={
                "scenario_hash": result.scenario_hash,
                "parameters_hash": result.parameters_hash,
                "code_version": result.code_version,
                "seed": result.seed,
            },
            sources=[(k, v) for k, v in sources],
            worker=worker,
        )


def _visibility(principal: Principal) -> store.RunVisibility:
    if may(principal, "projections.read") and principal.role == "admin":
        return store.RunVisibility(all_runs=True)
    if may(principal, "projections.read"):
        return store.RunVisibility(owner_user_id=principal.user_id, owner=principal.label)
    return store.RunVisibility()


def _visible(row: ProjectionRun, v: store.RunVisibility) -> bool:
    if v.all_runs or row.public:
        return True
    if v.owner_user_id is not None:
        return row.owner_user_id == v.owner_user_id
    return v.owner is not None and row.owner == v.owner


def get_run(
    ctx: AppContext, principal: Principal, run_id: str, *, with_result: bool = True
) -> RunView:
    """Return a stored run the principal may read (with its result once done).

    Raises:
        NotFound: no such run, or one the principal may not read (never 403: a private
            run's existence is not disclosed).
    """
    with ctx.unit() as s:
        row = store.get_run(s, run_id)
        if row is None or not _visible(row, _visibility(principal)):
            raise NotFound(
                f"No projection run {run_id!r}.",
                hint="List the runs you may read with `hrh project runs` or "
                "GET /api/v1/projections.",
            )
        sources = tuple(store.sources_of(s, run_id))
        result = None
        if with_result and row.result is not None:
            result = json.loads(gzip.decompress(row.result))
        return _view(row, sources, result)


def list_runs(ctx: AppContext, principal: Principal, limit: int = 50) -> list[RunView]:
    """Return the runs the principal may read, newest first (without results)."""
    if not 1 <= limit <= 1000:
        raise Invalid(f"Limit {limit}: expected 1 to 1000.")
    with ctx.unit() as s:
        return [_view(r, ()) for r in store.list_runs(s, _visibility(principal), limit)]


def list_jobs(
    ctx: AppContext,
    principal: Principal,
    statuses: Sequence[str] = ("queued", "running"),
    limit: int = 100,
) -> list[RunView]:
    """Return the runs in these statuses the principal may read, oldest first (the queue)."""
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown:
        raise Invalid(f"Unknown status {unknown[0]!r}: expected one of {', '.join(STATUSES)}.")
    if not 1 <= limit <= 1000:
        raise Invalid(f"Limit {limit}: expected 1 to 1000.")
    v = _visibility(principal)
    with ctx.unit() as s:
        rows = store.list_jobs(s, statuses, limit)
        return [_view(r, ()) for r in rows if _visible(r, v)]


def _iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()


def _view(row: ProjectionRun, sources: Sequence[str], result: Any = None) -> RunView:
    return RunView(
        id=row.id,
        status=row.status,
        scenario=row.scenario,
        scenario_hash=row.scenario_hash,
        parameters_hash=row.parameters_hash,
        mode=row.mode,
        seed=row.seed,
        replicates=row.replicates,
        from_year=row.from_year,
        until_year=row.until_year,
        countries=tuple(row.countries.split()),
        code_version=row.code_version,
        size=row.size,
        public=row.public,
        owner=row.owner,
        created_at=_iso(row.created_at) or "",
        started_at=_iso(row.started_at),
        finished_at=_iso(row.finished_at),
        row_count=row.row_count,
        error=row.error,
        progress=round(row.progress, 4),
        attempts=row.attempts,
        heartbeat_at=_iso(row.heartbeat_at),
        sources=tuple(sources),
        request=json.loads(row.request),
        result=result,
    )
