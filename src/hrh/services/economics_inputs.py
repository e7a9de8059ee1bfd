"""The figures economics computations run on: bundled parameters or the caller's own.

Each resolver returns the figure and an :class:`InputUsed` saying where it came from, so
that every result lists its inputs. The caller's figures always override bundled ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hrh.economics.training_cost import (
    CorridorStock,
    EducationCost,
    RateRange,
    parse_rate,
)
from hrh.errors import M_, Invalid, Text
from hrh.params.training_costs import CostParameter, TrainingCostParameters, load_training_costs

USER = "supplied by the user"
AS_SUPPLIED = "as supplied"


@dataclass(frozen=True)
class InputUsed:
    """One figure a result was computed with, and where it came from."""

    name: str
    value: float | dict[str, float]
    unit: str
    source: str


@dataclass(frozen=True)
class Resolved:
    """The education cost, rates and years of one computation, with where each came from."""

    cost: EducationCost
    rates: RateRange
    years: float
    inputs: list[InputUsed]


def resolve(
    p: TrainingCostParameters,
    country: str | None,
    cadre: str | None,
    cost: float | None,
    rates: Sequence[str | float],
    years: float | None,
    as_of: date | None,
) -> Resolved:
    """Return the cost, rates and years to use: the caller's figures, else the bundled ones."""
    if cost is None and (country is None or cadre is None):
        raise Invalid(
            "No education cost: give one, or a country and a cadre with a bundled cost.",
            hint="e.g. --cost 65997, or --country KEN --cadre medical_doctors.",
        )
    found = education_cost(p, country or "", cadre or "", cost, as_of, required=True)
    assert found is not None
    rr, rate_input = rate_range(p, country, rates, as_of)
    n, years_input = years_compounded(p, country, years, as_of)
    return Resolved(found[0], rr, n, [found[1], rate_input, years_input])


def education_cost(
    p: TrainingCostParameters,
    country: str,
    cadre: str,
    cost: float | None,
    as_of: date | None,
    *,
    required: bool,
) -> tuple[EducationCost, InputUsed] | None:
    """Return the caller's cost, else the bundled one (None when absent and not required)."""
    if cost is not None:
        c = EducationCost.from_total(cost, currency=AS_SUPPLIED, source=USER)
        return c, InputUsed(f"education_cost.{cadre or 'worker'}", c.total, AS_SUPPLIED, USER)
    param = p.education_cost(country, cadre, as_of)
    if param is None:
        if not required:
            return None
        raise Invalid.of(
            M_("No education cost is bundled for %(country)s %(cadre)s."),
            hint=M_(
                "Give the cost of educating one worker (CLI --cost, API cost); "
                "bundled: %(bundled)s."
            ),
            country=country,
            cadre=cadre,
            bundled=bundled(p),
        )
    c = cost_from_param(param)
    value = {**param.components, "total": param.total}
    return c, InputUsed(f"education_cost.{cadre}", value, param.unit, c.source)


def cost_from_param(param: CostParameter) -> EducationCost:
    """Build an :class:`EducationCost` from a bundled parameter."""
    comps = param.components
    source = "; ".join(r.title for r in param.references)
    if all(k in comps for k in ("primary", "secondary", "professional")):
        return EducationCost.from_components(
            comps["primary"],
            comps["secondary"],
            comps["professional"],
            currency=param.currency,
            price_year=param.price_year,
            source=source,
        )
    return EducationCost(
        param.total,
        comps.get("primary"),
        comps.get("secondary"),
        comps.get("professional"),
        param.currency,
        param.price_year,
        source,
    )


def rate_range(
    p: TrainingCostParameters,
    country: str | None,
    rates: Sequence[str | float],
    as_of: date | None,
) -> tuple[RateRange, InputUsed]:
    """Return the caller's rates (one or three), else the bundled low/central/high."""
    if rates:
        rr = RateRange.of([parse_rate(r) for r in rates])
        return rr, InputUsed("interest_rates", dict(rr.distinct()), "fraction", USER)
    param = p.interest_rates(country, as_of) if country else None
    if param is None:
        raise Invalid.of(
            M_("No interest rate given and none is bundled for %(country)s."),
            hint=M_(
                "Give one rate, or three for a low/central/high range "
                "(CLI --rate 0.05, API rate=0.05; 6.65% is read as 0.0665)."
            ),
            country=country or Text(M_("this case")),
        )
    source = "; ".join(r.title for r in param.references)
    rr = RateRange(param.low, param.central, param.high)
    return rr, InputUsed("interest_rates", dict(rr.items()), param.unit, source)


def years_compounded(
    p: TrainingCostParameters, country: str | None, years: float | None, as_of: date | None
) -> tuple[float, InputUsed]:
    """Return the caller's years compounded, else the bundled horizon."""
    if years is not None:
        if years < 0:
            raise Invalid.of(
                M_("Years %(value)s is negative; expected 0 or more years compounded."),
                value=repr(years),
            )
        return float(years), InputUsed("years_compounded", float(years), "years", USER)
    param = p.years_compounded(country, as_of) if country else None
    if param is None:
        raise Invalid.of(
            M_("No number of years given and none is bundled for %(country)s."),
            hint=M_("Give the years compounded, e.g. 32 (CLI --years, API years)."),
            country=country or Text(M_("this case")),
        )
    source = "; ".join(r.title for r in param.references)
    return param.years, InputUsed("years_compounded", param.years, param.unit, source)


def destination_costs(
    p: TrainingCostParameters,
    stocks: Sequence[CorridorStock],
    destination: str | None,
    cadre: str | None,
    user_cost: float | None,
    as_of: date | None,
    inputs: list[InputUsed],
) -> dict[tuple[str, str], float]:
    """Return (destination, cadre) → domestic cost of training one worker, where known."""
    out: dict[tuple[str, str], float] = {}
    for st in stocks:
        param = p.destination_cost(st.destination, st.cadre, as_of)
        if param is not None and (st.destination, st.cadre) not in out:
            out[(st.destination, st.cadre)] = param.total
            source = "; ".join(r.title for r in param.references)
            name = f"destination_cost.{st.destination}.{st.cadre}"
            inputs.append(InputUsed(name, param.total, param.unit, source))
    if user_cost is not None and destination and cadre:
        out[(destination, cadre)] = user_cost
        name = f"destination_cost.{destination}.{cadre}"
        inputs.append(InputUsed(name, user_cost, AS_SUPPLIED, USER))
    return out


def bundled(p: TrainingCostParameters) -> str:
    """Name the bundled education costs, for hints."""
    return ", ".join(f"{c} {k}" for c, k in sorted(p.education_costs)) or "none"


@dataclass(frozen=True)
class ParameterRow:
    """One bundled economics parameter, for listing."""

    kind: str
    country: str
    cadre: str | None
    effective: str
    values: dict[str, float]
    unit: str
    description: str
    references: list[str]


def list_parameters(params: TrainingCostParameters | None = None) -> list[ParameterRow]:
    """Return every bundled economics parameter with its unit and references."""
    p = params or load_training_costs()
    rows = []
    for kind, table in (
        ("education_cost", p.education_costs),
        ("destination_cost", p.destination_costs),
    ):
        for (country, cadre), items in sorted(table.items()):
            for c in items:
                refs = [r.title for r in c.references]
                unit = f"{c.currency} ({c.price_year} prices)"
                rows.append(
                    ParameterRow(
                        kind,
                        country,
                        cadre,
                        c.effective.isoformat(),
                        {**c.components, "total": c.total},
                        unit,
                        c.description,
                        refs,
                    )
                )
    for country, rates in sorted(p.rates.items()):
        for r in rates:
            rows.append(
                ParameterRow(
                    "interest_rates",
                    country,
                    None,
                    r.effective.isoformat(),
                    {"low": r.low, "central": r.central, "high": r.high},
                    r.unit,
                    r.description,
                    [x.title for x in r.references],
                )
            )
    for country, ys in sorted(p.years.items()):
        for y in ys:
            rows.append(
                ParameterRow(
                    "years_compounded",
                    country,
                    None,
                    y.effective.isoformat(),
                    {"years": y.years},
                    y.unit,
                    y.description,
                    [x.title for x in y.references],
                )
            )
    return rows
