"""Stochastic ensembles in batches, on any executor; parameter uncertainty per replicate.

Replicate ``r`` always draws from ``SeedSequence(seed).spawn(n)[r]``; the replicates are cut
into contiguous batches (:class:`BatchTask`), each run by
:func:`hrh.projection.replicates.run_replicates` (the stochastic engine's entry point) and
joined back in replicate order. A replicate's numbers do not depend on its batch, so the
same seed gives the same numbers whatever the number of batches, processes or Dask workers
(tested); likewise in agent mode (``agents``: one row per worker,
:func:`hrh.projection.agents.run_agent_replicates`). The executor is an argument
(:data:`TaskMap`): in-process by default; the services layer supplies a process pool or a
Dask cluster.

Parameter uncertainty: a scenario's ``uncertainty:`` gives a range ``[low, high]`` of
multipliers for some parameters (:data:`UNCERTAIN`). Each replicate draws one multiplier per
parameter, uniformly in its range, from its own stream (the child ``(r, 0)`` of its seed,
independent of the stream of its draws), and scales the rates of every country, cadre and
year by it (probabilities capped at 1). Replicates then run one at a time (each has its own
rates).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hrh.projection.agents import Workers, run_agent_replicates
from hrh.projection.model import Corridors, State
from hrh.projection.params import Rates
from hrh.projection.replicates import Replicates, run_replicates

#: parameter → (the rates it scales, whether the rate is a probability capped at 1)
UNCERTAIN: dict[str, tuple[str, bool]] = {
    "attrition.annual_rate": ("attrition_rate", True),
    "emigration.annual_rate": ("emigration_rate", True),
    "returns.annual_rate": ("return_rate", True),
    "retirement.annual_share": ("retirement_share", True),
    "training.intake_rate": ("intake", False),
    "training.completion_share": ("completion", True),
}

Ranges = tuple[tuple[str, float, float], ...]
"""Parameter uncertainty: (parameter, low multiplier, high multiplier), sorted by parameter."""


@dataclass(frozen=True)
class BatchTask:
    """Some consecutive replicates of an ensemble: everything one worker needs (picklable)."""

    state: State
    rates: Rates
    corridors: Corridors
    until: int
    seeds: tuple[np.random.SeedSequence, ...]
    uncertainty: Ranges = ()
    agents: bool = False  #: agent mode: one row per worker (:mod:`hrh.projection.agents`)
    known: Workers | None = None  #: agent mode: workers from a registry, in every replicate
    #: the countries whose cells are drawn (None: all; :mod:`hrh.projection.boundary`)
    reported: NDArray[np.bool_] | None = None


TaskMap = Callable[[Callable[[BatchTask], Replicates], Sequence[BatchTask]], Iterable[Replicates]]
"""Runs ``fn`` on every task and yields the results in task order (like ``Executor.map``)."""


def serial_map(
    fn: Callable[[BatchTask], Replicates], tasks: Sequence[BatchTask]
) -> list[Replicates]:
    """Run the tasks one after the other in this process."""
    return [fn(t) for t in tasks]


def batches(seeds: Sequence[np.random.SeedSequence], count: int) -> list[tuple[Any, ...]]:
    """Cut ``seeds`` into ``count`` contiguous, near-equal batches (none empty).

    >>> [len(b) for b in batches(np.random.SeedSequence(1).spawn(10), 4)]
    [3, 3, 2, 2]
    """
    count = max(1, min(count, len(seeds)))
    return [tuple(part) for part in np.array_split(np.array(seeds, dtype=object), count)]


def parameter_multipliers(seed: np.random.SeedSequence, ranges: Ranges) -> dict[str, float]:
    """Draw one multiplier per parameter, uniform in its range, from the replicate's seed.

    >>> ss = np.random.SeedSequence(7).spawn(2)
    >>> a = parameter_multipliers(ss[0], (("attrition.annual_rate", 0.5, 1.5),))
    >>> a == parameter_multipliers(ss[0], (("attrition.annual_rate", 0.5, 1.5),))
    True
    >>> 0.5 <= a["attrition.annual_rate"] <= 1.5
    True
    """
    child = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, 0))
    rng = np.random.default_rng(child)
    return {name: float(rng.uniform(lo, hi)) for name, lo, hi in ranges}


def scaled_rates(rates: Rates, multipliers: dict[str, float]) -> Rates:
    """Return rates with each uncertain parameter's rates × its multiplier (a new object)."""
    arrays: dict[str, Any] = {}
    for name, factor in multipliers.items():
        field, capped = UNCERTAIN[name]
        value = np.asarray(getattr(rates, field)) * factor
        arrays[field] = np.minimum(value, 1.0) if capped else value
    return replace(rates, **arrays).frozen()


def run_batch(task: BatchTask) -> Replicates:
    """Run one batch of replicates (the unit of work sent to processes or Dask workers)."""

    def engine(rates: Rates, seeds: Sequence[np.random.SeedSequence]) -> Replicates:
        if task.agents:
            args = (task.state, rates, task.corridors, task.until, seeds)
            return run_agent_replicates(*args, known=task.known)
        return run_replicates(
            task.state, rates, task.corridors, task.until, seeds, reported=task.reported
        )

    if not task.uncertainty:
        return engine(task.rates, task.seeds)
    parts = []
    for seed in task.seeds:
        rates = scaled_rates(task.rates, parameter_multipliers(seed, task.uncertainty))
        parts.append(engine(rates, [seed]))
    return Replicates.concatenate(parts)


def run_ensemble(
    state: State,
    rates: Rates,
    corridors: Corridors,
    until: int,
    seeds: Sequence[np.random.SeedSequence],
    *,
    task_map: TaskMap | None = None,
    n_batches: int = 1,
    uncertainty: Ranges = (),
    on_batch: Callable[[int], None] | None = None,
    agents: bool = False,
    known: Workers | None = None,
    reported: NDArray[np.bool_] | None = None,
) -> Replicates:
    """Run every replicate (one per seed) in ``n_batches`` batches over ``task_map``.

    ``on_batch`` is called with the number of replicates of each finished batch. ``agents``
    runs them in agent mode (:func:`~hrh.projection.agents.run_agent_replicates`), with the
    ``known`` workers of a registry.
    """
    tasks = [
        BatchTask(state, rates, corridors, until, part, uncertainty, agents, known, reported)
        for part in batches(seeds, n_batches)
    ]
    parts = []
    for part in (task_map or serial_map)(run_batch, tasks):
        parts.append(part)
        if on_batch is not None:
            on_batch(len(part))
    return parts[0] if len(parts) == 1 else Replicates.concatenate(parts)
