"""Economics of migration: lost investment, corridor losses, cost sharing, parameters.

Rates are strings so that ``0.0665`` and ``6.65%`` both work; repeat ``rate`` three times for a
low/central/high range. Figures a request leaves out come from the bundled parameters.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from hrh.api.deps import CtxDep, allow
from hrh.services import economics

router = APIRouter(prefix="/economics", tags=["economics"])
AGG = [allow("aggregates.read")]

Rates = Annotated[
    list[str],
    Query(description="Annual interest rate, 0.0665 or 6.65%; once, or three times (range)."),
]
Years = Annotated[float | None, Query(description="Years compounded (n); KEN default 32.")]
Cost = Annotated[float | None, Query(description="Cost of educating one worker (C).")]
Year = Annotated[int | None, Query(ge=1900, le=2200, description="Stocks of this year only.")]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class InputUsedPublic(_Out):
    """A figure a result was computed with and its source."""

    name: str
    value: float | dict[str, float]
    unit: str
    source: str


class EducationCostPublic(_Out):
    """The cost of educating one worker, by component where known."""

    total: float
    primary: float | None
    secondary: float | None
    professional: float | None
    currency: str
    price_year: int | None
    source: str


class LostInvestmentPublic(_Out):
    """FV = C × (1 + r)^n at one rate."""

    scenario: str
    rate: float
    years: float
    cost: float
    future_value: float
    returns_forgone: float


class LostInvestmentReportPublic(_Out):
    """The investment lost with one emigrant at each rate."""

    country: str | None
    cadre: str | None
    cost: EducationCostPublic
    years: float
    results: list[LostInvestmentPublic]
    inputs: list[InputUsedPublic]


class RatesPublic(_Out):
    """Low, central and high annual interest rates (fractions)."""

    low: float
    central: float
    high: float


class CorridorLossPublic(_Out):
    """The investment lost with the workers in one corridor."""

    origin: str
    destination: str
    destination_name: str
    cadre: str
    year: int
    stock: float
    source: str
    cost_per_worker: float
    loss_per_worker_low: float
    loss_per_worker_central: float
    loss_per_worker_high: float
    loss_low: float
    loss_central: float
    loss_high: float
    destination_cost_per_worker: float | None
    destination_savings: float | None


class RemittanceComparisonPublic(_Out):
    """The origin's remittances received (all emigrants, one year) beside the loss."""

    year: int
    remittances_usd: float
    source: str
    loss_central_usd: float
    loss_in_years_of_remittances: float | None


class CorridorLossReportPublic(_Out):
    """An origin's corridors, largest loss first (``data`` paged), with totals over all."""

    origin: str
    origin_name: str
    destination: str | None
    cadre: str | None
    currency: str
    price_year: int | None
    years: float
    rates: RatesPublic
    data: list[CorridorLossPublic]
    count: int
    total_stock: float
    total_loss_low: float
    total_loss_central: float
    total_loss_high: float
    total_destination_savings: float | None
    inputs: list[InputUsedPublic]
    notes: list[str]
    remittances: RemittanceComparisonPublic | None = None


class CostShareOptionPublic(_Out):
    """A refund at one interest rate and the training places it pays for."""

    scenario: str
    rate: float
    loss_per_recruit: float
    refund_per_recruit: float
    refund_total: float | None
    training_places_per_recruit: float
    training_places: float | None
    whole_training_places: int | None


class CostSharingPublic(_Out):
    """A destination refunding a share of the origin's loss per recruit."""

    origin: str
    destination: str
    cadre: str
    refund_share: float
    recruits: float | None
    recruits_year: int | None
    recruits_source: str
    training_place_cost: float
    currency: str
    price_year: int | None
    years: float
    options: list[CostShareOptionPublic]
    inputs: list[InputUsedPublic]
    notes: list[str]


class EconomicsParameterPublic(_Out):
    """A bundled economics parameter."""

    kind: str
    country: str
    cadre: str | None
    effective: str
    values: dict[str, float]
    unit: str
    description: str
    references: list[str]


class EconomicsParametersPublic(BaseModel):
    """Every bundled economics parameter."""

    data: list[EconomicsParameterPublic]
    count: int


@router.get("/lost-investment", response_model=LostInvestmentReportPublic, dependencies=AGG)
def get_lost_investment(
    rate: Rates = [],  # noqa: B006 (FastAPI copies defaults)
    cost: Cost = None,
    years: Years = None,
    country: Annotated[str | None, Query(description="Country of training (ISO3).")] = None,
    cadre: Annotated[str | None, Query(description="Cadre id or ISCO-08 code.")] = None,
) -> LostInvestmentReportPublic:
    """The public investment lost with one emigrant: FV = C × (1 + r)^n at each rate."""
    report = economics.lost_investment_per_emigrant(
        cost=cost, rates=rate, years=years, country=country, cadre=cadre
    )
    return LostInvestmentReportPublic.model_validate(report)


@router.get("/corridors", response_model=CorridorLossReportPublic, dependencies=AGG)
def get_corridor_losses(
    ctx: CtxDep,
    origin: Annotated[str, Query(description="Country of training (ISO3).")],
    destination: Annotated[str | None, Query(description="Destination (ISO3).")] = None,
    cadre: Annotated[str | None, Query(description="Cadre id or ISCO-08 code.")] = None,
    year: Year = None,
    rate: Rates = [],  # noqa: B006
    years: Years = None,
    cost: Annotated[
        float | None, Query(description="Cost of educating one worker of `cadre` (C).")
    ] = None,
    destination_cost: Annotated[
        float | None,
        Query(description="The destination's cost of training one worker of `cadre`."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Rows to skip.")] = 0,
) -> CorridorLossReportPublic:
    """The investment an origin lost with its workers abroad, by corridor, at each rate."""
    report = economics.corridor_loss(
        ctx,
        origin=origin,
        destination=destination,
        cadre=cadre,
        year=year,
        rates=rate,
        years=years,
        cost=cost,
        destination_cost=destination_cost,
    )
    out = CorridorLossReportPublic.model_validate(report)
    out.data = out.data[offset : offset + limit]
    return out


@router.get("/cost-sharing", response_model=CostSharingPublic, dependencies=AGG)
def get_cost_sharing(
    ctx: CtxDep,
    origin: Annotated[str, Query(description="Country of training (ISO3).")],
    destination: Annotated[str, Query(description="Destination (ISO3).")],
    refund_share: Annotated[
        str, Query(description="Share of the loss per recruit refunded: 0.1 or 10%.")
    ],
    cadre: Annotated[str, Query(description="Cadre id or ISCO-08 code.")] = "medical_doctors",
    rate: Rates = [],  # noqa: B006
    years: Years = None,
    cost: Cost = None,
    place_cost: Annotated[
        float | None, Query(description="Cost of one training place in the origin.")
    ] = None,
    recruits: Annotated[
        float | None, Query(description="Recruits (default: the stored stock abroad).")
    ] = None,
    year: Year = None,
) -> CostSharingPublic:
    """What refunding a share of the loss per recruit amounts to, and the places it buys."""
    report = economics.cost_sharing(
        ctx,
        origin=origin,
        destination=destination,
        refund_share=refund_share,
        cadre=cadre,
        rates=rate,
        years=years,
        cost=cost,
        place_cost=place_cost,
        recruits=recruits,
        year=year,
    )
    return CostSharingPublic.model_validate(report)


@router.get("/parameters", response_model=EconomicsParametersPublic, dependencies=AGG)
def get_parameters() -> EconomicsParametersPublic:
    """The bundled education costs, interest rates and horizons, with their sources."""
    rows = [EconomicsParameterPublic.model_validate(p) for p in economics.list_parameters()]
    return EconomicsParametersPublic(data=rows, count=len(rows))
