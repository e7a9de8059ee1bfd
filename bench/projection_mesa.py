"""The agent mode against the same national model written in Mesa: 100,000 workers, 10 years.

``NationalModel`` is what a Python modeller would write with Mesa (the agent-based modelling
framework): one ``mesa.Agent`` per worker (cadre, age, sex, corridor), stepped once a year
in random order by the model's ``AgentSet`` (``agents.shuffle_do("step")``), with the same
transitions and parameters as ``hrh.projection.agents``: one uniform per worker against the
year's cumulative probabilities of retirement, attrition and emigration (at home) or return
(abroad), from ``hrh.projection.stockflow.year_rates``; emigrants pick a corridor by its
share; graduates enter at their entry ages; everybody ages by one year. Flows are counted
as they happen (no pass over the agents to count them). Both runs start from the same
workers (``bench/_national.py``, 100,000; 20,000 with ``--quick``) and both means must match
the deterministic supply before timing. Building the Mesa agents and expanding the stocks
into workers are set-up (not timed).

Value: seconds of 10 Mesa steps; baseline: seconds of ``simulate_agents`` over the same 10
years; ratio = how many times faster the agent mode is (goal ≥ 100).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bench._national import (
    FROM,
    check_near,
    country_index,
    expected_supply,
    national_model,
    peak_traced_mb,
)
from bench._report import Figure, best_of, timed
from hrh.projection.agents import HOME, Workers, simulate_agents, workers_from_state
from hrh.projection.model import AGE_MIN, Corridors
from hrh.projection.params import Rates
from hrh.projection.stockflow import year_rates

NAME = "agent_vs_mesa_speedup"
UNIT = "s"
GOAL = 100.0
LOWER_IS_BETTER = False
UNTIL = FROM + 9  # ten years


def _mesa() -> Any:
    import mesa  # the `bench` extra: pip install -e '.[bench]'

    return mesa


def build_model(workers: Workers, rates: Rates, corridors: Corridors, seed: int) -> Any:
    """Return the Mesa model of the national workforce, its agents created."""
    mesa = _mesa()

    class Worker(mesa.Agent):  # type: ignore[misc,name-defined]
        """One health worker."""

        def __init__(self, model: Any, cadre: int, age: int, sex: int, corridor: int) -> None:
            super().__init__(model)
            self.cadre, self.age, self.sex, self.corridor = cadre, age, sex, corridor

        def step(self) -> None:
            m = self.model
            at_home = self.corridor == HOME
            table = m.home_table if at_home else m.abroad_table[self.corridor]
            retire, attrition, leave = table[self.cadre][self.age - AGE_MIN]
            u = self.random.random()
            if u < leave:
                if u < attrition:
                    m.count("retirement" if u < retire else "attrition", self)
                    self.remove()
                    return
                if at_home:
                    m.count("emigration", self)
                    weights = m.corridor_weights[self.cadre]
                    self.corridor = self.random.choices(m.routes, weights)[0]
                else:
                    m.count("returns", self)
                    self.corridor = HOME
            self.age += 1

    class NationalModel(mesa.Model):  # type: ignore[misc,name-defined]
        """Ghana's trained workforce at home and abroad, one agent per worker."""

        def __init__(self) -> None:
            super().__init__(seed=seed)
            self.year = FROM
            self.country = country_index()
            self.routes = [int(n) for n in np.flatnonzero(corridors.origin == self.country)]
            self.flows: dict[str, np.ndarray] = {}
            self.home_count = np.zeros(rates.entry.shape[0])
            self.history: list[np.ndarray] = []
            for k, a, s, n in zip(
                workers.cadre.tolist(),
                workers.age.tolist(),
                workers.sex.tolist(),
                workers.corridor.tolist(),
                strict=True,
            ):
                Worker(self, k, a, s, n)
                if n == HOME:
                    self.home_count[k] += 1

        def count(self, flow: str, worker: Any) -> None:
            self.flows.setdefault(flow, np.zeros(len(self.home_count)))[worker.cadre] += 1
            if worker.corridor == HOME and flow != "returns":
                self.home_count[worker.cadre] -= 1
            elif flow == "returns":
                self.home_count[worker.cadre] += 1

        def step(self) -> None:
            self.history.append(self.home_count.copy())
            r = year_rates(rates, self.year, corridors)
            c = self.country
            self.home_table = _table(
                r.retire[c], r.attrition[c], r.emigration[c] * r.share_sum[c][:, None]
            )
            self.abroad_table = {
                n: _table(
                    r.retire_abroad[n],
                    r.attrition_abroad[n],
                    np.repeat(r.returns[n][:, None], r.retire.shape[2], axis=1),
                )
                for n in self.routes
            }
            self.corridor_weights = [
                [float(r.share[n, k]) for n in self.routes] for k in range(len(self.home_count))
            ]
            self.agents.shuffle_do("step")
            self._graduate(r.graduates[c])
            self.year += 1

        def _graduate(self, expected: np.ndarray) -> None:
            for k, g in enumerate(expected.tolist()):
                n = int(g) + (self.random.random() < g - int(g))
                dist = rates.entry[k].reshape(-1)
                counts = self.rng.multinomial(n, dist / dist.sum())
                for cell in np.flatnonzero(counts).tolist():
                    a, s = divmod(cell, 2)
                    for _ in range(int(counts[cell])):
                        Worker(self, k, AGE_MIN + a, s, HOME)
                self.home_count[k] += n

    return NationalModel()


def _table(
    retire: np.ndarray, attrition: np.ndarray, move: np.ndarray
) -> list[list[tuple[float, float, float]]]:
    """Cumulative thresholds per cadre and age: retirement, + attrition, + moving."""
    h, q = retire, attrition
    cum_att = h + (1 - h) * q
    leave = cum_att + (1 - h) * (1 - q) * move
    return [
        list(zip(h[k].tolist(), cum_att[k].tolist(), leave[k].tolist(), strict=True))
        for k in range(h.shape[0])
    ]


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    size = 20_000 if quick else 100_000
    state, rates, corridors = national_model(size, UNTIL)
    c = country_index()
    workers = workers_from_state(state, corridors, np.random.default_rng(1))
    expected = expected_supply(state, rates, corridors, UNTIL)[c]
    home_expected = expected  # only Ghana's trained workers: supply in Ghana = those at home

    def mesa_run(seed: int) -> Any:
        model = build_model(workers, rates, corridors, seed)
        took = timed(lambda: [model.step() for _ in range(UNTIL - FROM + 1)])
        return model, took

    model, _ = mesa_run(7)
    check_near("Mesa supply", np.stack(model.history, axis=1), home_expected, 1)
    ours = simulate_agents(workers, rates, corridors, FROM, UNTIL, np.random.default_rng(7))
    check_near("agent supply", ours.supply[c], expected, 1)
    repeat = 1 if quick else 3
    seeds = iter(range(100, 200))
    mesa_s = best_of(repeat, lambda: mesa_run(next(seeds))[1])
    ours_s = best_of(
        5 if quick else 10,  # short runs: more repetitions, so that a preemption is not kept
        lambda: timed(
            lambda: simulate_agents(
                workers, rates, corridors, FROM, UNTIL, np.random.default_rng(next(seeds))
            )
        ),
    )
    mesa_mb = peak_traced_mb(lambda: mesa_run(8))
    ours_mb = peak_traced_mb(
        lambda: simulate_agents(workers, rates, corridors, FROM, UNTIL, np.random.default_rng(8))
    )
    print(
        f"    {len(workers):,} workers, {UNTIL - FROM + 1} years: Mesa {mesa_s:.2f} s "
        f"(peak {mesa_mb:.0f} MB with its agents), agent mode {ours_s:.4f} s "
        f"(peak {ours_mb:.0f} MB); tracemalloc"
    )
    return Figure.measured(NAME, mesa_s, UNIT, baseline=ours_s, goal=GOAL)
