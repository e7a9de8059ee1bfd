"""From stored data and parameters to the starting state and the baseline rates.

- Base-year stock: the latest headcount, carried to the base year at constant density.
- Home-trained at home = headcount − foreign-trained working there (OECD stocks abroad by
  country of training); both split by the default age × sex distribution.
- Emigration: calibrated from the stocks abroad where a cadre has corridor data (steady
  state: outflow = turnover × stock abroad), else the parameter's default.
- Corridor shares follow the stocks abroad.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hrh.params.projection import ParameterSet
from hrh.projection.model import AGES, Corridors, FloatArray, Inputs, State
from hrh.projection.params import (
    DEFAULT,
    Assumption,
    AssumptionLog,
    Rates,
    cadre_profile,
    country_keys,
    default_distribution,
    entry_distribution,
    scalar_path,
)


def corridor_shares(abroad: FloatArray, corridors: Corridors) -> FloatArray:
    """Return each corridor's share ``[n, k]`` of its origin's emigrants.

    Shares follow the stocks abroad; a cadre without corridor data for an origin follows the
    origin's pooled stocks of the cadres that have data.

    >>> import numpy as np
    >>> corr = Corridors(np.array([0, 0]), np.array([1, 2]), 3)
    >>> corridor_shares(np.array([[30.0, np.nan], [10.0, np.nan]]), corr).tolist()
    [[0.75, 0.75], [0.25, 0.25]]
    """
    stock = np.nan_to_num(abroad)
    pooled = stock.sum(axis=1)
    by_origin = corridors.to_origin(stock)[corridors.origin]
    pooled_by_origin = corridors.to_origin(pooled)[corridors.origin]
    fallback = np.divide(
        pooled, pooled_by_origin, out=np.zeros_like(pooled), where=pooled_by_origin > 0
    )
    own = np.divide(stock, by_origin, out=np.zeros_like(stock), where=by_origin > 0)
    return np.where(by_origin > 0, own, fallback[:, None])


def base_headcount(inputs: Inputs, base_year: int, log: AssumptionLog) -> FloatArray:
    """Return ``[c, k]`` headcount carried to ``base_year`` at constant density (0: none)."""
    pop_base = inputs.population_at(base_year)
    out = np.zeros_like(inputs.headcount)
    flat: list[str] = []
    for c, k in zip(*np.nonzero(~np.isnan(inputs.headcount)), strict=True):
        year = int(inputs.headcount_year[c, k])
        pop_then = inputs.population_at(year)[c]
        if np.isfinite(pop_then) and pop_then > 0 and np.isfinite(pop_base[c]):
            out[c, k] = inputs.headcount[c, k] * pop_base[c] / pop_then
        else:
            out[c, k] = inputs.headcount[c, k]
            flat.append(inputs.countries[c].iso3)
    years = inputs.headcount_year[~np.isnan(inputs.headcount)]
    if years.size:
        log.add(
            Assumption(
                "base.stock",
                "every country and cadre",
                f"latest headcount (years {years.min()}-{years.max()}) x population growth "
                f"to {base_year}",
                tuple(sorted({c.iso3 for c in inputs.countries})),
                note="Density carried forward from the latest observed year to the base year.",
            )
        )
    if flat:
        log.add(
            Assumption(
                "base.stock",
                "countries without population data",
                "latest headcount carried forward unchanged",
                tuple(sorted(set(flat))),
            )
        )
    return out


def initial_state(
    inputs: Inputs, params: ParameterSet, base_year: int, log: AssumptionLog
) -> tuple[State, FloatArray]:
    """Return the base-year state and the base-year headcount ``[c, k]``.

    Home-trained at home = headcount − foreign-trained working there (stocks abroad by
    destination); both split by the default age × sex distribution.
    """
    headcount = base_headcount(inputs, base_year, log)
    dist = structure(inputs, params, base_year, log)
    abroad = np.nan_to_num(inputs.abroad)
    foreign = inputs.corridors.to_destination(abroad)
    home = np.maximum(headcount - foreign, 0.0)
    clipped = np.nonzero((foreign > headcount) & (headcount > 0))[0]
    if clipped.size:
        log.add(
            Assumption(
                "base.stock",
                "countries whose stock of foreign-trained exceeds the headcount",
                "home-trained stock set to 0",
                tuple(sorted({inputs.countries[c].iso3 for c in clipped})),
                note="The stocks abroad and the headcount come from different years or sources.",
            )
        )
    _note_abroad(inputs, log)
    dest = inputs.corridors.destination
    state = State(base_year, home[:, :, None, None] * dist, abroad[:, :, None, None] * dist[dest])
    return state, headcount


def structure(inputs: Inputs, params: ParameterSet, year: int, log: AssumptionLog) -> FloatArray:
    """Return the age × sex structure of each country's stock ``[c, k, a, s]`` (sums to 1).

    The default distribution, with the ages above the country's retirement age thinned by
    the retirement hazard, ``(1 - h)^(a - R)``, so that the start agrees with the rates.
    """
    dist = default_distribution(params, inputs.cadres, year, log)
    age = scalar_path(params, "retirement.age", inputs, year, year, log)[0]
    hazard = scalar_path(params, "retirement.annual_share", inputs, year, year, log)[0]
    years_over = np.maximum(0, AGES[None, None, :] - age[:, :, None])
    kept = (1 - hazard[:, :, None]) ** years_over
    weights = dist[None] * kept[..., None]
    total = weights.sum(axis=(2, 3), keepdims=True)
    log.add(
        Assumption(
            "workforce.age_distribution",
            "every country and cadre",
            "ages above the retirement age thinned by (1 - retirement.annual_share) per year",
            (),
            note="Keeps the starting structure consistent with the retirement parameters.",
        )
    )
    return np.asarray(weights / np.where(total > 0, total, 1.0))


def _note_abroad(inputs: Inputs, log: AssumptionLog) -> None:
    years = inputs.abroad_year[inputs.abroad_year > 0]
    no_data = [k for k in range(len(inputs.cadres)) if np.isnan(inputs.abroad[:, k]).all()]
    if years.size:
        log.add(
            Assumption(
                "base.abroad",
                "every corridor with data",
                f"stock abroad of {years.min()}-{years.max()} carried forward unchanged, "
                "with the default age and sex distribution",
                (),
                "OECD Health Statistics, foreign-trained doctors by country of training",
            )
        )
    for k in no_data:
        log.add(
            Assumption(
                "base.abroad",
                inputs.cadres[k],
                "no stock abroad at the start (no corridor data); emigrants follow the "
                "origin's corridors of the cadres with data",
                (),
            )
        )


def build_rates(
    inputs: Inputs,
    params: ParameterSet,
    state: State,
    headcount: FloatArray,
    last_year: int,
    log: AssumptionLog,
) -> Rates:
    """Return the baseline rates for years ``state.year``…``last_year`` (read-only arrays)."""
    first, corr = state.year, inputs.corridors

    def path(name: str, start: int = first) -> FloatArray:
        return scalar_path(params, name, inputs, start, last_year, log)

    duration = path("training.duration_years")[0].astype(np.intp)
    intake_first = first - int(duration.max(initial=0))
    emigration_profile = cadre_profile(params, "emigration.age_profile", inputs.cadres, first, log)
    shares = corridor_shares(inputs.abroad, corr)
    n_years = last_year - first + 1
    return Rates(
        first_year=first,
        attrition_rate=path("attrition.annual_rate"),
        attrition_profile=cadre_profile(params, "attrition.age_profile", inputs.cadres, first, log),
        retirement_age=path("retirement.age"),
        retirement_share=path("retirement.annual_share"),
        emigration_rate=emigration_path(inputs, params, state, emigration_profile, last_year, log),
        emigration_profile=emigration_profile,
        corridor_share=np.broadcast_to(shares, (n_years, *shares.shape)).copy(),
        return_rate=np.ascontiguousarray(path("returns.annual_rate")[:, corr.origin, :]),
        intake=path("training.intake_rate", intake_first) * headcount[None],
        intake_first_year=intake_first,
        completion=path("training.completion_share"),
        duration=duration,
        entry=entry_distribution(params, inputs.cadres, first, log),
    ).frozen()


def _national(params: ParameterSet, name: str, inputs: Inputs, year: int) -> NDArray[np.bool_]:
    out = np.zeros((len(inputs.countries), len(inputs.cadres)), dtype=bool)
    for c, country in enumerate(inputs.countries):
        for k, cadre in enumerate(inputs.cadres):
            found = params[name].lookup((country.iso3,), cadre, year)
            out[c, k] = found is not None
    return out


def emigration_path(
    inputs: Inputs,
    params: ParameterSet,
    state: State,
    profile: FloatArray,
    last_year: int,
    log: AssumptionLog,
) -> FloatArray:
    """Return emigration rates ``[year, c, k]``: national, else calibrated, else default."""
    first, corr = state.year, inputs.corridors
    name = "emigration.annual_rate"
    default = scalar_path(params, name, inputs, first, last_year, AssumptionLog())
    turnover = params.require("emigration.stock_turnover_rate", (DEFAULT,), "*", first).value
    cap = params.require("emigration.max_rate", (DEFAULT,), "*", first).value
    stock_abroad = corr.to_origin(np.nan_to_num(inputs.abroad))
    has_data = corr.to_origin((~np.isnan(inputs.abroad)).astype(float)) > 0
    has_corridor = corr.to_origin(np.ones((len(corr), len(inputs.cadres)))) > 0
    at_risk = (state.home.sum(axis=3) * profile[None]).sum(axis=2)
    raw = np.divide(turnover * stock_abroad, at_risk, out=np.zeros_like(at_risk), where=at_risk > 0)
    calibrated = np.minimum(raw, cap)
    national = _national(params, name, inputs, first)
    use_calibrated = has_data & ~national
    rates = np.where(use_calibrated[None], calibrated[None], default)
    iso3 = inputs.iso3
    for c, k in zip(*np.nonzero(~use_calibrated & ~national & has_corridor), strict=True):
        country = inputs.countries[c]
        keys = country_keys(country.iso3, country.wb_income)
        log.use(
            params[name],
            params.require(name, keys, inputs.cadres[k], first),
            inputs.cadres[k],
            iso3[c],
        )
    for k, cadre in enumerate(inputs.cadres):
        cal = np.nonzero(use_calibrated[:, k] & (at_risk[:, k] > 0))[0]
        if cal.size:
            values = calibrated[cal, k]
            log.add(
                Assumption(
                    name,
                    f"{cadre}, calibrated from the stocks abroad",
                    f"turnover {turnover:g} x stock abroad / stock at home (age-weighted): "
                    f"median {np.median(values):.4f}, range {values.min():.4f}-{values.max():.4f}",
                    tuple(sorted(iso3[c] for c in cal)),
                    params["emigration.stock_turnover_rate"].reference_text,
                    "Steady state: the yearly outflow that keeps the stock abroad constant.",
                )
            )
        capped = np.nonzero(use_calibrated[:, k] & (raw[:, k] > cap))[0]
        if capped.size:
            log.add(
                Assumption(
                    "emigration.max_rate",
                    f"{cadre}, calibrated rate above the cap",
                    f"{cap:g} per year",
                    tuple(sorted(iso3[c] for c in capped)),
                )
            )
    lone = np.nonzero(~has_corridor.any(axis=1))[0]
    if lone.size:
        log.add(
            Assumption(
                name,
                "countries without known destinations (no corridor data)",
                "no emigration modelled",
                tuple(sorted(iso3[c] for c in lone)),
            )
        )
    return rates
