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

from hrh.projection.model import Corridors, FloatArray, State
from hrh.projection.params import Rates
from hrh.projection.results import FLOWS
from hrh.projection.stockflow import Sampled, step


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
) -> Replicates:
    """Run one replicate per seed from ``state`` (fractional stocks) through ``until``.

    The sexes are pooled (:func:`pool_sexes`: the final stocks have one sex column). Each
    replicate starts from the stocks rounded to whole workers (:func:`whole_batch`), then
    steps with per-cell draws; the accounting identity holds exactly in each.
    ``on_step`` is called once per replicate and year.
    """
    rngs = [np.random.default_rng(s) for s in seeds]
    state, rates = pool_sexes(state, rates)
    batch = whole_batch(state, rngs)
    draw = Sampled(rngs)
    n_years = until - state.year + 1
    shape = (len(rngs), *state.home.shape[:2], n_years)
    supply, foreign, abroad = np.empty(shape), np.empty(shape), np.empty(shape)
    flows = {f: np.empty(shape) for f in FLOWS}
    for y in range(n_years):
        home_total = batch.home.sum(axis=(-2, -1))
        trained_abroad = batch.abroad.sum(axis=(-2, -1))
        foreign[..., y] = corridors.to_destination(trained_abroad, 1)
        abroad[..., y] = corridors.to_origin(trained_abroad, 1)
        supply[..., y] = home_total + foreign[..., y]
        batch, year_flows = step(batch, rates, corridors, draw)
        totals = year_flows.totals(corridors)
        for f in FLOWS:
            flows[f][..., y] = getattr(totals, f)
        if on_step is not None:
            for _ in rngs:  # once per replicate and year, as for replicates run one by one
                on_step(y + 1)
    return Replicates(supply, foreign, abroad, flows, batch)
