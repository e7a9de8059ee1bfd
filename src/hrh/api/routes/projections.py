"""Projections over the API: run and store a scenario, read stored runs, list scenarios.

Every run is stored (``hrh.services.projection_runs``). Runs up to
:data:`~hrh.services.projection_runs.SYNC_LIMIT` country-years are answered directly (200,
with the run id); larger ones up to ``MAX_JOB_SIZE`` get a 202 with the run id to poll at
``GET /api/v1/projections/{id}``, computed by the server's worker threads (or ``hrh project
worker`` processes) from the database, so that a job survives a restart; larger still: a
422 pointing to ``hrh project run``. Scenarios are bundled names or inline mappings shaped
like a scenario file whose ``base`` is a bundled name; a request never names a file.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.schemas import _In
from hrh.services import projection_runs as runs
from hrh.services import projections as svc

router = APIRouter(prefix="/projections", tags=["projections"])

MAX_COUNTRY_YEARS = runs.SYNC_LIMIT
"""Countries on the run's axis (with their partners) × years × replicates, answered directly."""
MAX_REPLICATES = 1_000
RUN_ID = Annotated[str, Path(pattern=r"^pr-[0-9a-f]{1,40}$")]
_JOBS_LOCK = threading.Lock()

ISO3 = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]


class ProjectionRequest(_In):
    """A projection to run: a bundled scenario name or an inline scenario."""

    scenario: str | dict[str, Any] = Field(
        default="baseline",
        description="A bundled scenario name, or a mapping shaped like a scenario file "
        "(name, description, base: a bundled name, need, parameters, levers).",
    )
    countries: list[ISO3] = Field(
        default_factory=list, max_length=300, description="ISO3 codes (empty: every country)."
    )
    from_year: int = Field(default=svc.DEFAULT_FROM, ge=2000, le=2100, alias="from")
    until: int = Field(default=svc.DEFAULT_UNTIL, ge=2000, le=2100)
    mode: Literal["deterministic", "stochastic", "agent"] = "deterministic"
    replicates: int = Field(default=svc.DEFAULT_REPLICATES, ge=1, le=MAX_REPLICATES)
    seed: int | None = Field(default=None, ge=0, lt=2**63)
    public: bool = Field(
        default=False, description="Let everyone read the stored run (default: you and admins)."
    )

    model_config = ConfigDict(populate_by_name=True)


class ScenarioPublic(BaseModel):
    """A bundled scenario."""

    name: str
    base: str | None
    levers: int
    description: str


class ScenariosPublic(BaseModel):
    """The bundled scenarios."""

    data: list[ScenarioPublic]
    count: int


@router.get(
    "/scenarios",
    dependencies=[allow("aggregates.read")],
    summary="The bundled scenarios",
)
def get_scenarios() -> ScenariosPublic:
    """The bundled scenarios with their one-line descriptions."""
    data = [ScenarioPublic(**vars(s)) for s in svc.list_scenarios()]
    return ScenariosPublic(data=data, count=len(data))


def start_jobs(app: Any) -> runs.RunJobs:
    """Return the app's projection workers, starting them on first use (``app.state``).

    Started by the application's lifespan (runs left by a previous process are then taken
    up at once); stopped by :func:`stop_jobs`.
    """
    with _JOBS_LOCK:
        jobs: runs.RunJobs | None = getattr(app.state, "projection_jobs", None)
        if jobs is None:
            ctx = app.state.ctx
            jobs = runs.RunJobs(ctx, workers=ctx.settings.projection_workers)
            app.state.projection_jobs = jobs
        return jobs


def stop_jobs(app: Any) -> None:
    """Stop the app's projection workers (the running job finishes; queued ones stay)."""
    with _JOBS_LOCK:
        jobs: runs.RunJobs | None = getattr(app.state, "projection_jobs", None)
        app.state.projection_jobs = None
    if jobs is not None:
        jobs.shutdown(wait=True)


def _jobs(request: Request) -> runs.RunJobs:
    return start_jobs(request.app)


@router.post(
    "",
    dependencies=[allow("projections.run")],
    summary="Run and store a projection (small runs answered directly; large ones: a job)",
    responses={202: {"description": "Queued: poll GET /api/v1/projections/{id}."}},
)
def post_projection(
    body: ProjectionRequest,
    ctx: CtxDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    """Run a scenario, store the run, and return it with its result document (the CLI's JSON).

    The run's size is countries on its axis (with their migration partners) × years ×
    replicates. Up to 10,000 the result comes back directly (200): the run id, its status
    and the result document's fields. Above, the run is queued (202) with its id: poll
    ``GET /api/v1/projections/{id}``. Above 1,000,000: a 422 telling to use
    ``hrh project run``.
    """
    view = runs.submit_run(
        ctx,
        principal,
        runs.RunRequest(
            scenario=body.scenario,
            countries=tuple(c.upper() for c in body.countries),
            from_year=body.from_year,
            until=body.until,
            mode=body.mode,
            replicates=body.replicates,
            seed=body.seed,
            public=body.public,
        ),
        jobs=_jobs(request),
    )
    head = {"id": view.id, "status": view.status, "href": f"/api/v1/projections/{view.id}"}
    if view.result is None:
        response.status_code = 202
        return head
    return {**head, **view.result}


@router.get("", dependencies=[allow("aggregates.read")], summary="Stored projection runs")
def get_runs(
    ctx: CtxDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """The stored runs the caller may read, newest first (public ones, one's own; admins: all)."""
    data = [v.summary() for v in runs.list_runs(ctx, principal, limit)]
    return {"data": data, "count": len(data)}


@router.get("/{run_id}", dependencies=[allow("aggregates.read")], summary="A stored projection run")
def get_run(run_id: RUN_ID, ctx: CtxDep, principal: PrincipalDep) -> dict[str, Any]:
    """A stored run: its status (queued, running, done, failed), provenance and result.

    ``result`` is null until the run is done; ``error`` says why a failed run failed. A
    private run is readable by whoever ran it and by administrators; others get a 404.
    """
    return runs.get_run(ctx, principal, run_id).document()
