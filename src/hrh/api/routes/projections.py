"""Projections over the API: run a scenario synchronously, list the bundled scenarios.

Runs are answered directly, so their size is bounded (:data:`MAX_COUNTRY_YEARS`): larger
runs get a 422 pointing to ``hrh project run``. Scenarios are bundled names or inline
mappings shaped like a scenario file whose ``base`` is a bundled name; a request never names
a file.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.schemas import _In
from hrh.services import projections as svc

router = APIRouter(prefix="/projections", tags=["projections"])

MAX_COUNTRY_YEARS = 10_000
"""Countries on the run's axis (with their partners) × years × replicates, answered directly."""
MAX_REPLICATES = 1_000

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


@router.post(
    "",
    dependencies=[allow("projections.run")],
    summary="Run a projection (answered directly; large runs: use the CLI)",
)
def post_projection(
    body: ProjectionRequest, ctx: CtxDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Run a scenario and return the result document (the CLI's JSON).

    The run's size (countries on its axis, with their migration partners, × years ×
    replicates) is limited; a larger run gets a 422 telling to use ``hrh project run``.
    """
    result = svc.run_request(
        ctx,
        principal,
        body.scenario,
        countries=body.countries or None,
        from_year=body.from_year,
        until=body.until,
        mode=body.mode,
        replicates=body.replicates,
        seed=body.seed,
        max_cells=MAX_COUNTRY_YEARS,
    )
    return result.document()
