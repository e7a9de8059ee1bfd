"""Stochastic replicates run together: one batch, a leading replicate axis, one stream each.

:func:`run_replicates` steps a batch of replicates with :class:`~hrh.projection.stockflow.Sampled`
over ``[r, c, k, a, s]`` arrays: one numpy call per operation for the whole batch (one per
replicate for the random draws), instead of one simulation per replicate. Replicate ``r``
draws only from the generator of its own ``SeedSequence`` (``SeedSequence(seed).spawn(n)[r]``),
over the same cells in the same order whatever else is in the batch, so a replicate's
numbers do not depend on how the replicates are split into batches or across workers
(tested): a process or cluster ensemble runs :func:`run_replicates` on slices of the spawned
seeds and concatenates the results along axis 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from hrh.projection.model import Corridors, FloatArray, State
from hrh.projection.params import Rates
from hrh.projection.results import FLOWS
from hrh.projection.stockflow import Flows, Sampled, step


@dataclass(frozen=True)
class Replicates:
    """Per-replicate paths ``[r, c, k, year]``: stocks at 1 January and the year's flows."""

    supply: FloatArray
    foreign_trained: FloatArray
    abroad: FloatArray
    flows: dict[str, FloatArray]
    final: State

    def __len__(self) -> int:
        return int(self.supply.shape[0])

    @staticmethod
    def concatenate(parts: Sequence[Replicates]) -> Replicates:
        """Join batches run separately (in replicate order) into one."""
        return Replicates(
            np.concatenate([p.supply for p in parts]),
            np.concatenate([p.foreign_trained for p in parts]),
            np.concatenate([p.abroad for p in parts]),
            {f: np.concatenate([p.flows[f] for p in parts]) for f in FLOWS},
            State(
                parts[0].final.year,
                np.concatenate([p.final.home for p in parts]),
                np.concatenate([p.final.abroad for p in parts]),
            ),
        )


class PathRecorder:
    """Fills the per-replicate paths ``[r, c, k, year]`` of a batch, year by year."""

    def __init__(self, replicates: int, countries_cadres: tuple[int, ...], n_years: int) -> None:
        shape = (replicates, *countries_cadres, n_years)
        self.supply, self.foreign, self.abroad = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.flows = {f: np.zeros(shape) for f in FLOWS}

    def stocks(self, batch: State, corridors: Corridors, y: int) -> None:
        """Record the stocks at 1 January of year index ``y``."""
        trained_abroad = batch.abroad.sum(axis=(-2, -1))
        self.foreign[..., y] = corridors.to_destination(trained_abroad, 1)
        self.abroad[..., y] = corridors.to_origin(trained_abroad, 1)
        self.supply[..., y] = batch.home.sum(axis=(-2, -1)) + self.foreign[..., y]

    def year_flows(self, flows: Flows, corridors: Corridors, y: int) -> None:
        """Record the flows of year index ``y`` as the accounting identity counts them."""
        totals = flows.totals(corridors)
        for f in FLOWS:
            self.flows[f][..., y] = getattr(totals, f)

    def replicates(self, final: State) -> Replicates:
        """Return the recorded paths and the final stocks."""
        return Replicates(self.supply, self.foreign, self.abroad, self.flows, final)


def whole_batch(state: State, rngs: Sequence[np.random.Generator]) -> State:
    """Round the stocks to whole workers, per replicate (``⌊x⌋ + Bernoulli(x − ⌊x⌋)``).

    Replicate ``r`` draws from ``rngs[r]``: home cells first, then corridor cells.
    """

    def rounded(a: FloatArray) -> FloatArray:
        low, frac = np.floor(a), a - np.floor(a)
        out = np.empty((len(rngs), *a.shape))
        for r, g in enumerate(rngs):
            out[r] = low + (g.random(a.shape) < frac)
        return out

    home = rounded(state.home)
    abroad = rounded(state.abroad)
    return State(state.year, home, abroad)


def pool_sexes(state: State, rates: Rates) -> tuple[State, Rates]:
    """Return the stocks and rates with the two sexes pooled into one column.

    No rate depends on sex (:class:`Rates` has no sex axis; only the graduates' entry
    distribution does, and it is pooled too), so a pooled cell's draws have exactly the
    distribution of the sum of its two sex cells' draws (a sum of binomials with one
    probability is binomial): every output, all by country and cadre, keeps its
    distribution, with half the cells to draw.
    """
    pooled = State(
        state.year,
        state.home.sum(axis=-1, keepdims=True),
        state.abroad.sum(axis=-1, keepdims=True),
    )
    return pooled, replace(rates, entry=rates.entry.sum(axis=-1, keepdims=True))


def run_replicates(
    state: State,
    rates: Rates,
    corridors: Corridors,
    until: int,
    seeds: Sequence[np.random.SeedSequence],
    on_step: Callable[[int], None] | None = None,
    reported: NDArray[np.bool_] | None = None,
) -> Replicates:
    """Run one replicate per seed from ``state`` (fractional stocks) through ``until``.

    With ``reported`` (a mask of the country axis) and some country not in it, only what
    reaches the reported countries is drawn, the others kept at expected values
    (:func:`hrh.projection.boundary.run_bounded_replicates`); their rows are zero.

    The sexes are pooled (:func:`pool_sexes`: the final stocks have one sex column). Each
    replicate starts from the stocks rounded to whole workers (:func:`whole_batch`), then
    steps with per-cell draws; the accounting identity holds exactly in each.
    ``on_step`` is called once per replicate and year.
    """
    if reported is not None and not reported.all():
        from hrh.projection.boundary import run_bounded_replicates  # it builds on this module

        return run_bounded_replicates(state, rates, corridors, until, seeds, reported, on_step)
    rngs = [np.random.default_rng(s) for s in seeds]
    state, rates = pool_sexes(state, rates)
    batch = whole_batch(state, rngs)
    draw = Sampled(rngs)
    n_years = until - state.year + 1
    paths = PathRecorder(len(rngs), state.home.shape[:2], n_years)
    for y in range(n_years):
        paths.stocks(batch, corridors, y)
        batch, year_flows = step(batch, rates, corridors, draw)
        paths.year_flows(year_flows, corridors, y)
        if on_step is not None:
            for _ in rngs:  # once per replicate and year, as for replicates run one by one
                on_step(y + 1)
    return paths.replicates(batch)
