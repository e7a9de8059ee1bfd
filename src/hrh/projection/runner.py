"""Run a scenario over the inputs: build the state and rates, apply the levers, step, report."""

from __future__ import annotations

import secrets
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
from hrh.projection.results import FLOWS, QUANTILES, ProjectionResult
from hrh.projection.scenarios import Scenario
from hrh.projection.stockflow import EXPECTED, Draw, Sampled, step

MODES = ("deterministic", "stochastic")
MAX_REPLICATES = 10_000


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


def fresh_seed() -> int:
    """Return a new random seed to record with the run (52 bits: exact in JSON numbers)."""
    return secrets.randbits(52)


def generators(seed: int, replicates: int) -> list[np.random.Generator]:
    """One independent generator per replicate: ``SeedSequence(seed).spawn(replicates)``.

    Replicate ``r`` gets the same stream whatever the number of replicates or workers.
    """
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(replicates)]


def whole(state: State, rng: np.random.Generator) -> State:
    """Round the stocks to whole workers stochastically (unbiased: ``E[whole] = state``)."""

    def rounded(a: FloatArray) -> FloatArray:
        low = np.floor(a)
        return low + (rng.random(a.shape) < a - low)

    return State(state.year, rounded(state.home), rounded(state.abroad))


def ensemble(
    state: State,
    rates: Rates,
    corridors: Corridors,
    until: int,
    replicates: int,
    seed: int,
    on_step: Callable[[int], None] | None = None,
) -> tuple[Trajectory, dict[str, FloatArray]]:
    """Run ``replicates`` stochastic replicates; return their mean and the supply quantiles.

    Each replicate starts from the stocks rounded to whole workers and steps with
    :class:`Sampled` draws per cell from its own generator (:func:`generators`), so the
    accounting identity holds exactly in every replicate, and therefore in the mean.
    """
    if not 1 <= replicates <= MAX_REPLICATES:
        raise ValueError(f"replicates: expected 1 to {MAX_REPLICATES}; got {replicates}")
    paths = []
    for rng in generators(seed, replicates):
        paths.append(simulate(whole(state, rng), rates, corridors, until, Sampled(rng), on_step))
    supply = np.stack([p.supply for p in paths])
    mean = Trajectory(
        supply.mean(axis=0),
        np.mean([p.foreign_trained for p in paths], axis=0),
        np.mean([p.abroad for p in paths], axis=0),
        {f: np.mean([p.flows[f] for p in paths], axis=0) for f in FLOWS},
        paths[-1].final,
    )
    levels = np.quantile(supply, [q for _, q in QUANTILES], axis=0)
    return mean, {name: levels[i] for i, (name, _) in enumerate(QUANTILES)}


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
    replicates: int = 100,
    on_step: Callable[[int], None] | None = None,
) -> ProjectionResult:
    """Project ``inputs`` under ``scenario`` from ``from_year`` through ``until``.

    ``mode="stochastic"`` runs ``replicates`` replicates seeded from ``seed`` (a fresh seed,
    recorded in the result, when None): ``supply`` and the flows are the replicate means,
    ``p05``, ``p50`` and ``p95`` the quantiles of supply.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
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
    if mode == "stochastic":
        seed = fresh_seed() if seed is None else seed
        path, quantiles = ensemble(state, rates, inputs.corridors, until, replicates, seed, on_step)
    else:
        path, quantiles = simulate(state, rates, inputs.corridors, until, draw, on_step), {}
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
        **quantiles,
    }
    return ProjectionResult(
        scenario=scenario.name,
        scenario_hash=scenario.digest,
        parameters_hash=params.digest(),
        mode=mode,
        seed=seed if mode == "stochastic" else None,
        replicates=replicates if mode == "stochastic" else None,
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
