"""Stored projection runs: submit (answered directly or as a job), execute, read, list.

Every run asked for over the API, and every ``hrh project run``, is stored with its request,
its provenance (scenario and parameters SHA-256, seed, mode, code version, input sources as
``key@vintage``) and its result document. Runs up to :data:`SYNC_LIMIT` country-years are
computed in the request and answered directly; larger ones, up to :data:`MAX_JOB_SIZE`, are
stored ``queued`` and computed by a :class:`RunJobs` pool of the server (poll
``GET /api/v1/projections/{id}``). Agent-mode runs (one row per worker: memory-heavy) are
never queued: above :data:`SYNC_LIMIT` they are refused, pointing to the CLI.

Who reads a stored run: its owner (the analyst who ran it) and administrators
(``projections.read``); everybody when it was submitted with ``public: true``. Others get a
404, so that a private run's existence cannot be inferred.
"""

from __future__ import annotations

import gzip
import json
import secrets
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
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


class RunJobs:
    """The server's pool computing queued runs in background threads.

    One worker by default: projections are CPU-bound and the web process serves requests
    beside them. Jobs are not persisted across restarts: a run still ``queued`` or
    ``running`` when its server stops stays so (submit it again).
    """

    def __init__(self, ctx: AppContext, workers: int = 1) -> None:
        self.ctx = ctx
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hrh-run")

    def submit(self, run_id: str) -> Future[None]:
        """Compute a queued run in the background."""
        return self._pool.submit(execute_run, self.ctx, run_id)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs (waiting for the running ones when ``wait``)."""
        self._pool.shutdown(wait=wait)


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


def execute_run(ctx: AppContext, run_id: str) -> None:
    """Compute a queued run and store its result (or its error); the jobs' entry point.

    The request was authorised when it was submitted.
    """
    with ctx.unit() as s:
        row = store.get_run(s, run_id)
        if row is None or row.status != "queued":
            return
        req = RunRequest.from_json(row.request)
        store.set_status(s, run_id, "running", at=_now())
    try:
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
        )
        _store_result(ctx, run_id, result)
    except Exception as exc:
        if isinstance(exc, HrhError):
            message = exc.message + (f" {exc.hint}" if exc.hint else "")
        else:
            message = f"The run failed unexpectedly ({type(exc).__name__}); see the server log."
        with ctx.unit() as s:
            store.set_status(s, run_id, "failed", at=_now(), error=message)
        if not isinstance(exc, HrhError):
            raise


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


def _store_result(ctx: AppContext, run_id: str, result: ProjectionResult) -> None:
    doc = result.document()
    payload = gzip.compress(json.dumps(doc, ensure_ascii=False).encode(), mtime=0)
    sources = sorted({tuple(label.rsplit("@", 1)) for label in result.sources if "@" in label})
    with ctx.unit() as s:
        store.set_result(
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
        sources=tuple(sources),
        request=json.loads(row.request),
        result=result,
    )
