"""Agent-years per second of the agent mode, over numpy's float32 uniform draws per second.

Each agent-year needs at least one random draw, so numpy's raw ``Generator.random(n,
dtype=float32)`` rate, measured in the same run on the same number of values, is the floor
this compares with (goal: ratio ≥ 0.5). The agents are a national workforce (Ghana's trained
workers, at home and abroad, scaled to 1,000,000 workers, 200,000 with ``--quick``;
``bench/_national.py``), stepped 2025–2034 by ``hrh.projection.agents.simulate_agents``:
the one-uniform draw, the transitions of those who leave, graduates, corridors, counts.
The agent mode draws each worker's uniform lazily (a first byte, more bits only where the
byte does not decide; exact), so the baseline is what numpy's plainest draw of one uniform
per worker would cost. Expanding the cell stocks into workers is set-up (not timed).
Before timing, the mean of the run's supply is checked against the deterministic mode.
"""

from __future__ import annotations

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
from hrh.projection.agents import simulate_agents, workers_from_state

NAME = "agent_years_per_s"
UNIT = "agent-years/s"
GOAL = 0.5
LOWER_IS_BETTER = False
UNTIL = 2034


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    size = 200_000 if quick else 1_000_000
    state, rates, corridors = national_model(size, UNTIL)
    workers = workers_from_state(state, corridors, np.random.default_rng(1))
    path = simulate_agents(workers, rates, corridors, FROM, UNTIL, np.random.default_rng(2))
    c = country_index()
    check_near(
        "agent supply", path.supply[c], expected_supply(state, rates, corridors, UNTIL)[c], 1
    )
    agent_years = float(path.supply.sum())  # workers present at the start of each year
    buf = np.empty(int(agent_years // (UNTIL - FROM + 1)) + 1, dtype=np.float32)
    gen = np.random.default_rng(3)

    def uniforms() -> None:
        for _ in range(UNTIL - FROM + 1):
            gen.random(len(buf), dtype=np.float32, out=buf)

    repeat = 1 if quick else 3
    draw_s = best_of(repeat, lambda: timed(uniforms))
    seeds = iter(range(10, 100))
    agent_s = best_of(
        repeat,
        lambda: timed(
            lambda: simulate_agents(
                workers, rates, corridors, FROM, UNTIL, np.random.default_rng(next(seeds))
            )
        ),
    )
    draws = len(buf) * (UNTIL - FROM + 1)
    peak = peak_traced_mb(
        lambda: simulate_agents(workers, rates, corridors, FROM, UNTIL, np.random.default_rng(4))
    )
    print(
        f"    {len(workers):,} workers, {agent_years:,.0f} agent-years in {agent_s:.3f} s; "
        f"{draws:,} float32 uniforms in {draw_s:.3f} s; peak memory {peak:.0f} MB (tracemalloc)"
    )
    return Figure.measured(NAME, agent_years / agent_s, UNIT, baseline=draws / draw_s, goal=GOAL)
