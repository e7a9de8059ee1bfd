"""Run a scenario over the inputs: build the state and rates, apply the levers, step, report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hrh import __version__
from hrh.params.projection import ParameterSet
from hrh.projection.calibrate import build_rates, initial_state
from hrh.projection.levers import World, apply_levers
from hrh.projection.model import Corridors, FloatArray, Inputs, State
from hrh.projection.need import compute_need
from hrh.projection.params import Assumption, AssumptionLog, Rates
from hrh.projection.results import FLOWS, ProjectionResult
from hrh.projection.scenarios import Scenario
from hrh.projection.stockflow import EXPECTED, Draw, step

MODES = ("deterministic",)


@dataclass(frozen=True)
class Trajectory:
    """Stocks at the start of each year and the year's flows, ``[c, k, year]``."""

    supply: FloatArray
    foreign_trained: FloatArray
    abroad: FloatArray
    flows: dict[str, FloatArray]
    final: State


def simulate(
    state: State,
    rates: Rates,
    corridors: Corridors,
    until: int,
    draw: Draw = EXPECTED,
    on_step: Callable[[int], None] | None = None,
) -> Trajectory:
    """Step from ``state.year`` through ``until`` (inclusive) and collect the totals."""
    n = until - state.year + 1
    shape = (*state.home.shape[:2], n)
    supply, foreign, abroad = np.empty(shape), np.empty(shape), np.empty(shape)
    flows = {f: np.empty(shape) for f in FLOWS}
    for y in range(n):
        supply[:, :, y] = state.supply(corridors)
        foreign[:, :, y] = state.foreign_trained(corridors)
        abroad[:, :, y] = state.trained_abroad(corridors)
        state, year_flows = step(state, rates, corridors, draw)
        totals = year_flows.totals(corridors)
        for f in FLOWS:
            flows[f][:, :, y] = getattr(totals, f)
        if on_step is not None:
            on_step(y + 1)
    return Trajectory(supply, foreign, abroad, flows, state)


def world_of(inputs: Inputs, params: ParameterSet, year: int) -> World:
    """Return what scenario selectors need: countries, safeguards lists, OECD members."""
    oecd = params.require("groups.oecd_members", ("default",), "*", year).value
    return World(inputs.countries, inputs.ssl, frozenset(oecd))


def _note_missing(inputs: Inputs, report: np.ndarray, log: AssumptionLog) -> None:
    for k, cadre in enumerate(inputs.cadres):
        missing = [inputs.iso3[c] for c in report if np.isnan(inputs.headcount[c, k])]
        if missing:
            log.add(
                Assumption(
                    "base.stock",
                    f"{cadre}, no headcount in the look-back window",
                    "not projected (no rows)",
                    tuple(sorted(missing)),
                )
            )


def run(
    inputs: Inputs,
    params: ParameterSet,
    scenario: Scenario,
    from_year: int,
    until: int,
    *,
    draw: Draw = EXPECTED,
    mode: str = "deterministic",
    seed: int | None = None,
    on_step: Callable[[int], None] | None = None,
) -> ProjectionResult:
    """Project ``inputs`` under ``scenario`` from ``from_year`` through ``until``."""
    params = scenario.apply_parameters(params)
    log = AssumptionLog()
    state, headcount = initial_state(inputs, params, from_year, log)
    baseline = build_rates(inputs, params, state, headcount, until, log)
    rates = apply_levers(
        baseline,
        scenario.levers,
        world_of(inputs, params, from_year),
        inputs.corridors,
        inputs.cadres,
    )
    path = simulate(state, rates, inputs.corridors, until, draw, on_step)
    years = np.arange(from_year, until + 1)
    population = np.stack([inputs.population_at(int(y)) for y in years], axis=1)
    need = compute_need(
        scenario.need, params, headcount, inputs.cadres, inputs.iso3, population, from_year, log
    )
    report = np.nonzero(inputs.reported)[0]
    _note_missing(inputs, report, log)
    values = {
        "supply": path.supply,
        "need": need,
        "gap": path.supply - need,
        **path.flows,
        "foreign_trained": path.foreign_trained,
        "abroad": path.abroad,
    }
    return ProjectionResult(
        scenario=scenario.name,
        scenario_hash=scenario.digest,
        parameters_hash=params.digest(),
        mode=mode,
        seed=seed,
        from_year=from_year,
        until_year=until,
        code_version=__version__,
        need_method=scenario.need.method,
        countries=tuple(inputs.iso3[c] for c in report),
        cadres=inputs.cadres,
        values={k: np.ascontiguousarray(v[report]) for k, v in values.items()},
        covered=~np.isnan(inputs.headcount[report]),
        assumptions=tuple(log.assumptions()),
        sources=inputs.sources,
    )
