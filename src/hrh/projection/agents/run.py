"""Step a population year by year (:func:`simulate_agents`); replicates of it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from hrh.projection.agents.pool import Keys, Pool
from hrh.projection.agents.population import Workers, workers_from_state
from hrh.projection.agents.step import counts, enter, transitions
from hrh.projection.model import Corridors, FloatArray, State
from hrh.projection.params import Rates
from hrh.projection.replicates import Replicates
from hrh.projection.results import FLOWS
from hrh.projection.stockflow import Sampled, year_rates


@dataclass(frozen=True)
class AgentPath:
    """One agent replicate: totals ``[c, k, year]`` and the population after the last year."""

    supply: FloatArray
    foreign_trained: FloatArray
    abroad: FloatArray
    flows: dict[str, FloatArray]
    year: int
    _pool: Pool
    _keys: Keys
    _corridors: Corridors

    @property
    def final(self) -> Workers:
        """Return the population at the start of ``year`` (unpacked on demand)."""
        return self._pool.workers(self.year, self._keys, self._corridors)

    def final_stocks(self) -> State:
        """Return the final population counted per cell (one pass over the packed rows)."""
        return self._pool.stocks(self.year, self._keys)


def simulate_agents(
    workers: Workers,
    rates: Rates,
    corridors: Corridors,
    year: int,
    until: int,
    rng: np.random.Generator,
    on_step: Callable[[int], None] | None = None,
) -> AgentPath:
    """Step the population from ``year`` through ``until``; return the totals and the end.

    The random stream is ``rng`` only.
    """
    n_c, n_k = corridors.n_countries, rates.entry.shape[0]
    n_years = until - year + 1
    keys = Keys(n_c, len(corridors), n_k, year, until)
    pool = Pool(workers, year, int(len(workers) * 1.3) + 1024, keys)
    shape = (n_c, n_k, n_years)
    out = {f: np.zeros(shape) for f in (*FLOWS, "supply", "foreign_trained", "abroad")}
    home_count, dest_count, origin_abroad = counts(pool, corridors, keys)
    order = np.argsort(corridors.origin, kind="stable")
    draw = Sampled(rng)
    for y in range(n_years):
        t = year + y
        out["supply"][:, :, y] = home_count + dest_count
        out["foreign_trained"][:, :, y] = dest_count
        out["abroad"][:, :, y] = origin_abroad
        r = year_rates(rates, t, corridors)
        tab = keys.tables(r, t)
        leavers = pool.leavers(tab, rng)
        flows = transitions(pool, leavers, tab, r, corridors, order, keys, rng)
        graduates = draw.spread(r.graduates, rates.entry)
        enter(pool, graduates, t, keys)
        flows["graduates"] = graduates.sum(axis=(2, 3))
        for f in FLOWS:
            out[f][:, :, y] = flows[f]
        home_count = home_count + flows["graduates"] + flows["returns"] - flows["home_exits"]
        dest_count = dest_count + flows["immigration"] - flows["abroad_exits"]
        origin_abroad = origin_abroad + flows["emigrants"] - flows["abroad_exits_by_origin"]
        if on_step is not None:
            on_step(y + 1)
    flows_out = {f: out[f] for f in FLOWS}
    totals = (out["supply"], out["foreign_trained"], out["abroad"], flows_out)
    return AgentPath(*totals, year + n_years, pool, keys, corridors)


def run_agent_replicates(
    state: State,
    rates: Rates,
    corridors: Corridors,
    until: int,
    seeds: Sequence[np.random.SeedSequence],
    on_step: Callable[[int], None] | None = None,
    known: Workers | None = None,
) -> Replicates:
    """Run one agent replicate per seed from the cell stocks; stack them like the cells'.

    Replicate ``r`` expands the stocks into workers and steps them with
    ``default_rng(seeds[r])`` only, so it does not depend on the other replicates. ``known``
    workers (a registry of individual workers: :mod:`hrh.projection.agents.registry`) join
    every replicate's population as they are; ``state`` must not count them.
    """
    paths, finals = [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        start = workers_from_state(state, corridors, rng)
        if known is not None:
            start = start + known
        path = simulate_agents(start, rates, corridors, state.year, until, rng, on_step)
        finals.append(path.final_stocks())  # the population itself is not kept
        paths.append((path.supply, path.foreign_trained, path.abroad, path.flows))
    return Replicates(
        np.stack([p[0] for p in paths]),
        np.stack([p[1] for p in paths]),
        np.stack([p[2] for p in paths]),
        {f: np.stack([p[3][f] for p in paths]) for f in FLOWS},
        State(
            until + 1,
            np.stack([f.home for f in finals]),
            np.stack([f.abroad for f in finals]),
        ),
    )
