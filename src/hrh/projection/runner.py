"""Run a scenario over the inputs: build the state and rates, apply the levers, step, report."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hrh import __version__
from hrh.params.projection import ParameterSet
from hrh.projection.agents import Workers, run_agent_replicates
from hrh.projection.agents.registry import Registry, place_registry
from hrh.projection.cadres import CadreAxis, expand_cadres
from hrh.projection.calibrate import build_rates, initial_state
from hrh.projection.ensemble import Ranges, TaskMap, run_ensemble
from hrh.projection.levers import World, apply_levers
from hrh.projection.model import Corridors, FloatArray, Inputs, State
from hrh.projection.need import NeedSpec, PopulationByAge, compute_need
from hrh.projection.params import Assumption, AssumptionLog, Rates
from hrh.projection.replicates import run_replicates
from hrh.projection.results import FLOWS, QUANTILES, ProjectionResult
from hrh.projection.scenarios import Scenario
from hrh.projection.stockflow import EXPECTED, Draw, step

MODES = ("deterministic", "stochastic", "agent")
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


@dataclass(frozen=True)
class Execution:
    """Where a stochastic ensemble runs: ``task_map`` over ``batches`` batches of replicates.

    The default runs every replicate in this process, in one batch. The results do not
    depend on either (:mod:`hrh.projection.ensemble`).
    """

    task_map: TaskMap | None = None
    batches: int = 1


def ensemble(
    state: State,
    rates: Rates,
    corridors: Corridors,
    until: int,
    replicates: int,
    seed: int,
    on_step: Callable[[int], None] | None = None,
    *,
    execution: Execution | None = None,
    uncertainty: Ranges = (),
    collapse: Callable[[FloatArray], FloatArray] | None = None,
    agents: bool = False,
    known: Workers | None = None,
    reported: NDArray[np.bool_] | None = None,
) -> tuple[Trajectory, dict[str, FloatArray]]:
    """Run ``replicates`` stochastic replicates; return their mean and the supply quantiles.

    Each replicate starts from the stocks rounded to whole workers and steps with
    :class:`Sampled` draws per cell from its own stream (``SeedSequence(seed).spawn``), so
    the accounting identity holds exactly in every replicate, and therefore in the mean.
    The replicates run as one vectorised batch (:func:`run_replicates`), or in batches over
    ``execution`` (processes, a Dask cluster); a replicate's numbers do not depend on the
    batch it runs in. ``uncertainty`` draws a parameter set per replicate
    (:mod:`hrh.projection.ensemble`). ``collapse`` sums model cadres into the reported ones
    (``[r, c, k, year]`` arrays) before the means and quantiles. ``agents`` runs the
    replicates in agent mode instead (one row per worker, :mod:`hrh.projection.agents`), with
    the same seeds, batches, executors and parameter uncertainty; ``known`` workers (a
    registry's) join every agent replicate, and ``state`` must not count them.
    """
    if not 1 <= replicates <= MAX_REPLICATES:
        raise ValueError(f"replicates: expected 1 to {MAX_REPLICATES}; got {replicates}")
    seeds = np.random.SeedSequence(seed).spawn(replicates)
    execution = execution or Execution()
    if execution.task_map is None and execution.batches == 1 and not uncertainty:
        if agents:
            paths = run_agent_replicates(state, rates, corridors, until, seeds, on_step, known)
        else:
            paths = run_replicates(state, rates, corridors, until, seeds, on_step, reported)
    else:
        n_years = until - state.year + 1

        def done(count: int) -> None:
            for _ in range(count * n_years if on_step is not None else 0):
                on_step(1)  # type: ignore[misc]

        paths = run_ensemble(
            state,
            rates,
            corridors,
            until,
            seeds,
            task_map=execution.task_map,
            n_batches=execution.batches,
            uncertainty=uncertainty,
            on_batch=done,
            agents=agents,
            known=known,
            reported=reported,
        )
    cut = collapse or (lambda a: a)
    supply = cut(paths.supply)
    last = State(paths.final.year, paths.final.home[-1], paths.final.abroad[-1])
    mean = Trajectory(
        supply.mean(axis=0),
        cut(paths.foreign_trained).mean(axis=0),
        cut(paths.abroad).mean(axis=0),
        {f: cut(paths.flows[f]).mean(axis=0) for f in FLOWS},
        last,
    )
    levels = np.quantile(supply, [q for _, q in QUANTILES], axis=0)
    return mean, {name: levels[i] for i, (name, _) in enumerate(QUANTILES)}


def world_of(inputs: Inputs, params: ParameterSet, year: int) -> World:
    """Return what scenario selectors need: countries, safeguards lists, OECD members."""
    oecd = params.require("groups.oecd_members", ("default",), "*", year).value
    return World(inputs.countries, inputs.ssl, frozenset(oecd))


def _note_partners(inputs: Inputs, log: AssumptionLog) -> None:
    partners = [c for c, shown in zip(inputs.iso3, inputs.reported, strict=True) if not shown]
    log.add(
        Assumption(
            "stochastic.partners",
            "migration partners that are not reported",
            "kept at their expected values; only the flows with the reported countries "
            "are drawn (hrh.projection.boundary)",
            tuple(sorted(partners)),
            note="Their own randomness would move the number of emigrants they send by a "
            "relative amount of about the emigration probability (well under 1%).",
        )
    )


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
    execution: Execution | None = None,
    population_by_age: PopulationByAge | None = None,
    registry: Registry | None = None,
) -> ProjectionResult:
    """Project ``inputs`` under ``scenario`` from ``from_year`` through ``until``.

    ``mode="stochastic"`` runs ``replicates`` replicates seeded from ``seed`` (a fresh seed,
    recorded in the result, when None): ``supply`` and the flows are the replicate means,
    ``p05``, ``p50`` and ``p95`` the quantiles of supply; ``mode="agent"`` likewise, with
    one row per worker (:mod:`hrh.projection.agents`). ``execution`` says where the
    replicates run (default: here). ``population_by_age`` is needed by the utilisation
    method of need. ``registry`` (individual workers) replaces the stored stocks of its
    countries of training (:mod:`hrh.projection.agents.registry`): in agent mode its workers
    are the agents, in the other modes they are counted per cell.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    params = scenario.apply_parameters(params)
    log = AssumptionLog()
    state, headcount = initial_state(inputs, params, from_year, log)
    placed = None
    if registry is not None:
        placed = place_registry(registry, inputs.iso3, inputs.cadres, inputs.corridors, from_year)
        state = placed.stocks(state, inputs.corridors)
        log.add(placed.assumption(registry, inputs.iso3))
    baseline = build_rates(inputs, params, state, headcount, until, log)
    world = world_of(inputs, params, from_year)
    rates = apply_levers(baseline, scenario.levers, world, inputs.corridors, inputs.cadres)
    state, rates, axis = expand_cadres(state, rates, scenario.levers, world, inputs.cadres, log)
    known = None
    if placed is not None and mode == "agent":
        # the levers' model cadres are appended after the stored ones and start empty, so
        # the registry's workers keep their cadres; bonded graduates and a new cadre's
        # trainees join as new agents
        state, known = placed.without(state, inputs.corridors), placed.workers
    if mode in ("stochastic", "agent"):
        seed = fresh_seed() if seed is None else seed
        path, quantiles = ensemble(
            state,
            rates,
            inputs.corridors,
            until,
            replicates,
            seed,
            on_step,
            execution=execution,
            uncertainty=scenario.uncertainty,
            collapse=lambda a: axis.collapse(a, 2),
            agents=mode == "agent",
            known=known,
            reported=inputs.reported if mode == "stochastic" else None,
        )
        if mode == "stochastic" and not inputs.reported.all():
            _note_partners(inputs, log)
    else:
        path = _collapsed(simulate(state, rates, inputs.corridors, until, draw, on_step), axis)
        quantiles = {}
    years = np.arange(from_year, until + 1)
    population = np.stack([inputs.population_at(int(y)) for y in years], axis=1)
    need = compute_need(
        scenario.need,
        params,
        headcount,
        inputs.cadres,
        inputs.iso3,
        population,
        from_year,
        log,
        by_age=population_by_age,
        years=(from_year, until),
    )
    need = _extend_need(need, scenario.need, axis, population)
    by_age = population_by_age
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
        seed=seed if mode != "deterministic" else None,
        replicates=replicates if mode != "deterministic" else None,
        from_year=from_year,
        until_year=until,
        code_version=__version__,
        need_method=scenario.need.method,
        countries=tuple(inputs.iso3[c] for c in report),
        cadres=axis.reported,
        values={k: np.ascontiguousarray(v[report]) for k, v in values.items()},
        covered=_covered(inputs, axis, scenario, world)[report],
        assumptions=tuple(log.assumptions()),
        sources=tuple(sorted({*inputs.sources, *(by_age.sources if by_age else ())})),
    )


def _collapsed(path: Trajectory, axis: CadreAxis) -> Trajectory:
    """Sum the model cadres of a trajectory ``[c, k, year]`` into the reported cadres."""
    if not axis.expanded:
        return path
    return Trajectory(
        axis.collapse(path.supply, 1),
        axis.collapse(path.foreign_trained, 1),
        axis.collapse(path.abroad, 1),
        {f: axis.collapse(v, 1) for f, v in path.flows.items()},
        path.final,
    )


def _extend_need(
    need: FloatArray, spec: NeedSpec, axis: CadreAxis, population: FloatArray
) -> FloatArray:
    """Add need for new cadres: a target density when the scenario gives one, else NaN."""
    extra = axis.reported[need.shape[1] :]
    if not extra:
        return need
    density = np.array([spec.per_10k.get(k, np.nan) for k in extra])
    added = density[None, :, None] / 10_000 * population[:, None, :]
    return np.concatenate([need, added], axis=1)


def _covered(
    inputs: Inputs, axis: CadreAxis, scenario: Scenario, world: World
) -> NDArray[np.bool_]:
    """Return which (country, cadre) pairs have rows: base-year data, or a new cadre there."""
    covered = ~np.isnan(inputs.headcount)
    extra = axis.reported[covered.shape[1] :]
    if not extra:
        return covered
    added = np.zeros((covered.shape[0], len(extra)), dtype=bool)
    for lever in scenario.levers:
        if lever.kind == "new_cadre" and lever.cadre in extra:
            added[:, extra.index(lever.cadre)] |= lever.countries.mask(world)
    return np.concatenate([covered, added], axis=1)
