"""Economics use cases: lost investment, corridor losses and cost sharing from stored stocks.

Bundled parameters (``hrh.params.training_costs``) supply education costs, interest rates and
horizons where a source exists; every figure the caller passes overrides them, and each result
lists which figures it used and where they came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from hrh.domain.codes import resolve_cadre
from hrh.economics.training_cost import (
    CorridorStock,
    CostShare,
    EducationCost,
    LostInvestment,
    RateRange,
    corridor_losses,
    cost_share,
    lost_investment,
    parse_share,
)
from hrh.errors import M_, Invalid, NotFound, Text
from hrh.params.training_costs import TrainingCostParameters, load_training_costs
from hrh.services._inputs import SourceIndex, bilaterals
from hrh.services.context import AppContext
from hrh.services.economics_inputs import (
    USER,
    InputUsed,
    ParameterRow,
    bundled,
    destination_costs,
    education_cost,
    list_parameters,
    rate_range,
    resolve,
    years_compounded,
)
from hrh.store import reads

__all__ = [
    "USER",
    "CorridorLossReport",
    "CostSharingReport",
    "InputUsed",
    "LostInvestmentReport",
    "ParameterRow",
    "corridor_loss",
    "cost_sharing",
    "list_parameters",
    "lost_investment_per_emigrant",
]


@dataclass(frozen=True)
class LostInvestmentReport:
    """The investment lost with one emigrant, at each interest rate."""

    country: str | None
    cadre: str | None
    cost: EducationCost
    years: float
    results: list[LostInvestment]
    inputs: list[InputUsed]


@dataclass(frozen=True)
class CorridorLossRow:
    """The investment ``origin`` lost with the workers in one corridor."""

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


@dataclass(frozen=True)
class CorridorLossReport:
    """Losses over an origin's corridors, largest first, with totals and the inputs used."""

    origin: str
    origin_name: str
    destination: str | None
    cadre: str | None
    currency: str
    price_year: int | None
    years: float
    rates: RateRange
    data: list[CorridorLossRow]
    count: int
    total_stock: float
    total_loss_low: float
    total_loss_central: float
    total_loss_high: float
    total_destination_savings: float | None
    inputs: list[InputUsed]
    notes: list[str] = field(default_factory=list)
    remittances: RemittanceComparison | None = None


@dataclass(frozen=True)
class RemittanceComparison:
    """The origin's remittances received in one year beside the investment lost.

    Remittances come from all the origin's emigrants, not only health workers, and are a
    yearly flow; the loss is a stock accumulated over the workers now abroad. The ratio says
    how many years of all remittances the loss equals — a scale, not a balance.
    """

    year: int
    remittances_usd: float
    source: str
    loss_central_usd: float
    loss_in_years_of_remittances: float | None


REMITTANCES = "remittances_received_usd"


@dataclass(frozen=True)
class CostShareOption:
    """What a refund amounts to at one interest rate."""

    scenario: str
    rate: float
    loss_per_recruit: float
    refund_per_recruit: float
    refund_total: float | None
    training_places_per_recruit: float
    training_places: float | None
    whole_training_places: int | None


@dataclass(frozen=True)
class CostSharingReport:
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
    options: list[CostShareOption]
    inputs: list[InputUsed]
    notes: list[str] = field(default_factory=list)


def lost_investment_per_emigrant(
    *,
    cost: float | None = None,
    rates: Sequence[str | float] = (),
    years: float | None = None,
    country: str | None = None,
    cadre: str | None = None,
    as_of: date | None = None,
    params: TrainingCostParameters | None = None,
) -> LostInvestmentReport:
    """Return FV = C × (1 + r)^n per emigrant at each rate (bundled figures fill the gaps)."""
    p = params or load_training_costs()
    iso3 = _iso3_shape(country) if country else None
    cadre_id = resolve_cadre(cadre).id if cadre else None
    r = resolve(p, iso3, cadre_id, cost, rates, years, as_of)
    results = [lost_investment(r.cost, rate, r.years, name) for name, rate in r.rates.distinct()]
    return LostInvestmentReport(iso3, cadre_id, r.cost, r.years, results, r.inputs)


def corridor_loss(
    ctx: AppContext,
    *,
    origin: str,
    destination: str | None = None,
    cadre: str | None = None,
    year: int | None = None,
    cost: float | None = None,
    rates: Sequence[str | float] = (),
    years: float | None = None,
    destination_cost: float | None = None,
    as_of: date | None = None,
    params: TrainingCostParameters | None = None,
) -> CorridorLossReport:
    """Return the origin's lost investment over its corridors (latest year of each)."""
    p = params or load_training_costs()
    cadre_id = resolve_cadre(cadre).id if cadre else None
    if cost is not None and cadre_id is None:
        raise Invalid("A cost was given without a cadre.", hint="Name the cadre it is for.")
    if destination_cost is not None and (destination is None or cadre_id is None):
        raise Invalid(
            "A destination training cost needs a destination and a cadre.",
            hint="Name both (--destination, --cadre) with --destination-cost.",
        )
    with ctx.unit() as s:
        names = _country_names(s, origin, destination)
        o, d = origin.strip().upper(), destination.strip().upper() if destination else None
        stocks = _latest_stocks(s, o, d, cadre_id, year)
        received = _latest_remittances(s, o)
    costs: dict[str, EducationCost] = {}
    inputs: list[InputUsed] = []
    notes: list[str] = []
    for c in sorted({st.cadre for st in stocks} | ({cadre_id} if cadre_id else set())):
        found = education_cost(p, o, c, cost, as_of, required=cadre_id is not None)
        if found is None:
            notes.append(
                Text.of(
                    M_("No education cost for %(country)s %(cadre)s: its corridors are left out."),
                    country=o,
                    cadre=c,
                ).sentence()
            )
            continue
        costs[c], used = found
        inputs.append(used)
    if stocks and not costs:
        cadres = ", ".join(sorted({st.cadre for st in stocks}))
        raise Invalid.of(
            M_("No education cost is bundled for %(country)s (%(cadres)s)."),
            hint=M_(
                "Give the cost of educating one worker with its cadre (CLI --cost and "
                "--cadre, API cost and cadre); bundled: %(bundled)s."
            ),
            country=o,
            cadres=cadres,
            bundled=bundled(p),
        )
    stocks = [st for st in stocks if st.cadre in costs]
    if not stocks:
        none_abroad = (
            Text.of(M_("No stocks abroad stored for %(origin)s in %(where)s."), origin=o, where=d)
            if d
            else Text.of(M_("No stocks abroad stored for %(origin)s."), origin=o)
        )
        notes.append(none_abroad.sentence())
    rates_used, rates_input = rate_range(p, o, rates, as_of)
    years_used, years_input = years_compounded(p, o, years, as_of)
    dest_costs = destination_costs(p, stocks, d, cadre_id, destination_cost, as_of, inputs)
    total = corridor_losses(stocks, costs, rates_used, years_used, dest_costs)
    rows = [
        CorridorLossRow(
            c.origin,
            c.destination,
            names.get(c.destination, c.destination),
            c.cadre,
            c.year,
            c.stock,
            c.source,
            c.cost_per_worker,
            c.loss_per_worker.low,
            c.loss_per_worker.central,
            c.loss_per_worker.high,
            c.loss.low,
            c.loss.central,
            c.loss.high,
            c.destination_cost_per_worker,
            c.destination_savings,
        )
        for c in total.corridors
    ]
    currencies = {x.currency for x in costs.values()}
    currency = currencies.pop() if len(currencies) == 1 else "mixed"
    price_years = {x.price_year for x in costs.values()}
    return CorridorLossReport(
        o,
        names[o],
        d,
        cadre_id,
        currency,
        price_years.pop() if len(price_years) == 1 else None,
        years_used,
        rates_used,
        rows,
        len(rows),
        total.stock,
        total.loss.low,
        total.loss.central,
        total.loss.high,
        total.destination_savings,
        [*inputs, rates_input, years_input],
        notes,
        _compare(received, total.loss.central) if currency == "USD" else None,
    )


def cost_sharing(
    ctx: AppContext,
    *,
    origin: str,
    destination: str,
    refund_share: str | float,
    cadre: str = "medical_doctors",
    rates: Sequence[str | float] = (),
    years: float | None = None,
    cost: float | None = None,
    place_cost: float | None = None,
    recruits: float | None = None,
    year: int | None = None,
    as_of: date | None = None,
    params: TrainingCostParameters | None = None,
) -> CostSharingReport:
    """Return what refunding ``refund_share`` of the loss per recruit amounts to, and buys.

    The recruits are the stock abroad in the corridor (latest year) unless given; one training
    place costs the professional component of the origin's education cost unless given.
    """
    p = params or load_training_costs()
    share = parse_share(refund_share)
    cadre_id = resolve_cadre(cadre).id
    with ctx.unit() as s:
        _country_names(s, origin, destination)
        o, d = origin.strip().upper(), destination.strip().upper()
        if o == d:
            raise Invalid.of(
                M_("Origin and destination are both %(country)s; expected two countries."),
                country=o,
            )
        stocks = [] if recruits is not None else _latest_stocks(s, o, d, cadre_id, year)
    r = resolve(p, o, cadre_id, cost, rates, years, as_of)
    notes: list[str] = []
    place = place_cost if place_cost is not None else r.cost.training_place_cost
    if place is None:
        raise Invalid.of(
            M_("No cost of one training place for %(country)s %(cadre)s."),
            hint=M_("Give it (CLI --place-cost, API place_cost)."),
            country=o,
            cadre=cadre_id,
        )
    place_source = USER if place_cost is not None else "professional component of the cost"
    r.inputs.append(InputUsed("training_place_cost", place, r.cost.currency, place_source))
    n, n_year, n_source = recruits, None, USER if recruits is not None else ""
    if recruits is None and stocks:
        n, n_year, n_source = stocks[0].stock, stocks[0].year, stocks[0].source
    elif recruits is None:
        notes.append(
            Text.of(
                M_(
                    "No stock of %(cadre)s from %(origin)s in %(destination)s is stored: "
                    "totals are left out."
                ),
                cadre=cadre_id,
                origin=o,
                destination=d,
            ).sentence()
        )
    options = []
    for name, rate in r.rates.distinct():
        loss = lost_investment(r.cost, rate, r.years, name).future_value
        x = cost_share(loss, share, place, recruits=n, scenario=name, rate=rate)
        options.append(_option(x, rate))
    return CostSharingReport(
        o,
        d,
        cadre_id,
        share,
        n,
        n_year,
        n_source,
        place,
        r.cost.currency,
        r.cost.price_year,
        r.years,
        options,
        r.inputs,
        notes,
    )


def _option(x: CostShare, rate: float) -> CostShareOption:
    return CostShareOption(
        x.scenario,
        rate,
        x.loss_per_recruit,
        x.refund_per_recruit,
        x.refund_total,
        x.training_places_per_recruit,
        x.training_places,
        x.whole_training_places,
    )


def _latest_stocks(
    s: Session, origin: str, destination: str | None, cadre: str | None, year: int | None
) -> list[CorridorStock]:
    """Return the newest-vintage stock of each corridor at its latest year (or at ``year``)."""
    present = {r.cadre for r in reads.flow_rows(s, origin=origin, destination=destination)}
    cadres = [cadre] if cadre else sorted(present)
    src = SourceIndex.load(s)
    latest: dict[tuple[str, str], CorridorStock] = {}
    for c in cadres:
        for b in bilaterals(s, src, origin=origin, destination=destination, cadres=[c], year=year):
            if b.destination == b.origin:
                continue
            key = (b.destination, c)
            if key not in latest or b.year > latest[key].year:
                latest[key] = CorridorStock(b.origin, b.destination, c, b.year, b.value, b.source)
    return sorted(latest.values(), key=lambda x: (-x.stock, x.destination, x.cadre))


def _latest_remittances(s: Session, origin: str) -> tuple[int, float, str] | None:
    """Return (year, USD, source) of the origin's latest stored remittances received."""
    rows = reads.economic_rows(s, origin, REMITTANCES)
    if not rows:
        return None
    src = SourceIndex.load(s)
    best = max(rows, key=lambda r: (r.year, src.ranks[r.source_id]))
    return best.year, best.value, src.labels[best.source_id]


def _compare(received: tuple[int, float, str] | None, loss: float) -> RemittanceComparison | None:
    if received is None:
        return None
    year, value, source = received
    ratio = loss / value if value > 0 else None
    return RemittanceComparison(year, value, source, loss, ratio)


def _country_names(s: Session, *codes: str | None) -> dict[str, str]:
    names = {c.iso3: c.name for c in reads.load_countries(s)}
    for code in codes:
        if code is not None and code.strip().upper() not in names:
            raise NotFound.of(
                M_("Unknown country %(code)s."),
                hint=M_("Use an ISO3 code such as KEN."),
                code=repr(code),
            )
    return names


def _iso3_shape(country: str) -> str:
    iso3 = country.strip().upper()
    if len(iso3) != 3 or not iso3.isalpha() or not iso3.isascii():
        raise NotFound.of(
            M_("Unknown country %(code)s."),
            hint=M_("Use an ISO3 code such as KEN."),
            code=repr(country),
        )
    return iso3
