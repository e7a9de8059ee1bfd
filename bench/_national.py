"""A national workforce for the agent benchmarks: Ghana's trained workers, at home and abroad.

Built from the synthetic example world (:mod:`hrh.projection.example`) and the bundled
parameters, through the same calibration as a real run: Ghana's home stocks and its
corridors to the United Kingdom and the United States, scaled to ``workers`` workers (and
its training intake with them); the destinations' own workforces are left out (their rates
still apply to Ghana's workers there). Set-up only: never timed.
"""

from __future__ import annotations

import resource
import tracemalloc
from collections.abc import Callable

import numpy as np

from hrh.params.projection import load_projection_parameters
from hrh.projection.calibrate import build_rates, initial_state
from hrh.projection.example import example_inputs
from hrh.projection.model import Corridors, State
from hrh.projection.params import AssumptionLog, Rates
from hrh.projection.runner import simulate
from hrh.projection.scenarios import load_scenario

FROM = 2025
COUNTRY = "GHA"


def national_model(workers: int, until: int) -> tuple[State, Rates, Corridors]:
    """Return Ghana's workforce scaled to ``workers`` workers, its rates and corridors."""
    inputs = example_inputs()
    params = load_projection_parameters()
    params = load_scenario("baseline", params).apply_parameters(params)
    log = AssumptionLog()
    state, headcount = initial_state(inputs, params, FROM, log)
    rates = build_rates(inputs, params, state, headcount, until, log).copy()
    corridors = inputs.corridors
    c = inputs.iso3.index(COUNTRY)
    mine = corridors.origin == c
    factor = workers / (state.home[c].sum() + state.abroad[mine].sum())
    home, abroad = np.zeros_like(state.home), np.zeros_like(state.abroad)
    home[c] = state.home[c] * factor
    abroad[mine] = state.abroad[mine] * factor
    others = np.arange(len(inputs.countries)) != c
    rates.intake[:, others] = 0.0
    rates.intake[:, c] *= factor
    return State(FROM, home, abroad), rates.frozen(), corridors


def country_index() -> int:
    """Return the index of the national country on the example axis."""
    return example_inputs().iso3.index(COUNTRY)


def expected_supply(state: State, rates: Rates, corridors: Corridors, until: int) -> np.ndarray:
    """Return the deterministic supply ``[c, k, year]`` (what every mode's mean must match)."""
    return simulate(state, rates, corridors, until).supply


def check_near(name: str, got: np.ndarray, expected: np.ndarray, replicates: int) -> None:
    """Raise unless ``got`` (a mean of ``replicates``) is within 5 s.e. + 1 of ``expected``.

    Counts are near-binomial (variance at most the mean), so the standard error of a mean
    of ``n`` replicates is at most ``√(x / n)``.
    """
    tolerance = 5 * np.sqrt(np.maximum(expected, 1.0) / replicates) + 1
    worst = float(np.max(np.abs(got - expected) - tolerance))
    if worst > 0:
        raise AssertionError(f"{name}: mean off the deterministic values by {worst:.1f} workers")


def peak_traced_mb(work: Callable[[], object]) -> float:
    """Run ``work`` under tracemalloc (untimed) and return its peak allocation in MB."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def max_rss_mb() -> float:
    """Return this process's peak resident set size in MB.

    Linux: ``VmHWM`` of ``/proc/self/status``, the high-water mark of this process's own
    memory since it started its program. Not ``ru_maxrss``: Linux carries that over
    ``execve`` from the parent that forked it, so a child started by a large benchmark
    process would report the parent's size (1,181 MB instead of 246 MB, measured).
    Elsewhere: ``ru_maxrss`` (KiB).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
