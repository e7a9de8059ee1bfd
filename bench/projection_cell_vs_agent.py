"""How much faster the stochastic (per-cell) mode is than the agent mode, same population.

Both run the national workforce of ``bench/_national.py`` (Ghana's trained workers at home
and abroad, 1,000,000 workers; 200,000 with ``--quick``) from 2025 through 2034, from the
same cell stocks, with the same transitions, and their outputs must match: before timing,
the mean supply of each mode is checked against the deterministic values (5 standard errors
plus one worker). Value: seconds per agent replicate (``run_agent_replicates``, 2 replicates);
baseline: seconds per per-cell replicate (``run_replicates``, 200 replicates in one batch,
as the stochastic mode runs them). Ratio = how many times faster per cell is (goal ≥ 100).
"""

from __future__ import annotations

import numpy as np

from bench._national import (
    check_near,
    country_index,
    expected_supply,
    national_model,
    peak_traced_mb,
)
from bench._report import Figure, best_of, timed
from hrh.projection.agents import run_agent_replicates
from hrh.projection.replicates import run_replicates

NAME = "cell_vs_agent_speedup"
UNIT = "s/replicate"
GOAL = 100.0
LOWER_IS_BETTER = False
UNTIL = 2034
CELL_REPLICATES = 200
AGENT_REPLICATES = 2


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    size = 200_000 if quick else 1_000_000
    state, rates, corridors = national_model(size, UNTIL)
    c = country_index()
    expected = expected_supply(state, rates, corridors, UNTIL)[c]
    cell_seeds = np.random.SeedSequence(2025).spawn(CELL_REPLICATES)
    agent_seeds = np.random.SeedSequence(2025).spawn(AGENT_REPLICATES)
    cells = run_replicates(state, rates, corridors, UNTIL, cell_seeds)
    agents = run_agent_replicates(state, rates, corridors, UNTIL, agent_seeds)
    check_near("per-cell supply", cells.supply.mean(axis=0)[c], expected, CELL_REPLICATES)
    check_near("agent supply", agents.supply.mean(axis=0)[c], expected, AGENT_REPLICATES)
    repeat = 1 if quick else 3
    cell_s = best_of(
        repeat, lambda: timed(lambda: run_replicates(state, rates, corridors, UNTIL, cell_seeds))
    )
    agent_s = best_of(
        repeat,
        lambda: timed(lambda: run_agent_replicates(state, rates, corridors, UNTIL, agent_seeds)),
    )
    cell_mb = peak_traced_mb(lambda: run_replicates(state, rates, corridors, UNTIL, cell_seeds))
    agent_mb = peak_traced_mb(
        lambda: run_agent_replicates(state, rates, corridors, UNTIL, agent_seeds[:1])
    )
    print(
        f"    {size:,} workers, {UNTIL - 2025 + 1} years: per cell {cell_s:.3f} s for "
        f"{CELL_REPLICATES} replicates (peak {cell_mb:.0f} MB), agents {agent_s:.3f} s for "
        f"{AGENT_REPLICATES} (peak {agent_mb:.0f} MB per replicate; tracemalloc)"
    )
    return Figure.measured(
        NAME,
        agent_s / AGENT_REPLICATES,
        UNIT,
        baseline=cell_s / CELL_REPLICATES,
        goal=GOAL,
    )
