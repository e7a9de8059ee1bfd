"""Cost of one stochastic replicate relative to one deterministic run (one country, 26 years).

Both through ``hrh.projection.runner.run`` on inputs read once from the reference database
(so that reading the data is not counted): value, seconds per replicate of a stochastic run
of 20 replicates; baseline, seconds of the deterministic run, measured in the same run. The
ratio is what per-cell binomial draws cost over expected values.
"""

from __future__ import annotations

from bench._projection import FROM, ONE_COUNTRY, UNTIL, best, reference_context
from bench._report import Figure
from hrh.params.projection import load_projection_parameters
from hrh.projection.runner import run as run_model
from hrh.projection.scenarios import load_scenario
from hrh.services import projections as svc

NAME = "stochastic_vs_deterministic_ratio"
UNIT = "s/replicate"
GOAL = 20.0
LOWER_IS_BETTER = True
REPLICATES = 20


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    repeat = 1 if quick else 3
    params = load_projection_parameters()
    scenario = load_scenario("baseline", params)
    inputs = svc.load_inputs(reference_context(), [ONE_COUNTRY], FROM, set())
    det = best(lambda: run_model(inputs, params, scenario, FROM, UNTIL), repeat)
    took = best(
        lambda: run_model(
            inputs,
            params,
            scenario,
            FROM,
            UNTIL,
            mode="stochastic",
            replicates=REPLICATES,
            seed=2025,
        ),
        repeat,
    )
    print(f"    deterministic {det * 1e3:.1f} ms; stochastic {took:.2f} s for {REPLICATES}")
    return Figure.measured(
        NAME, took / REPLICATES, UNIT, baseline=det, goal=GOAL, lower_is_better=True
    )
