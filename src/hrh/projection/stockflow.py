"""One year of the linked stock-and-flow model: :func:`step`, the only transition.

For each home cell (country c, cadre k, age a, sex s) the exits are competing decrements,
taken in order so that their probabilities never add up to more than one:

- retirement ``p_ret = h``, with ``h = retirement share`` from the retirement age (1 at 74);
- attrition ``p_att = (1 - h) q``;
- emigration ``p_emi = (1 - h)(1 - q) e Σ_n σ_n``, shared over the origin's corridors in
  proportion to ``σ_n`` (``σ`` sums to one over an origin's corridors, less when recruitment
  on some corridors stops).

Workers abroad (corridor n) retire and leave work at the destination's rates and return home
with probability ``(1 - h)(1 - q) ρ_n``. Graduates enter at their entry age; survivors,
emigrants and returners age by one year. So, per country and cadre, exactly::

    supply(t+1) = supply(t) + graduates + immigration + returns
                  - attrition - retirement - emigration

where a destination's emigration includes foreign-trained workers going back home, and
every emigrant leaves one country's stock and enters one corridor's (nothing is created or
lost in transit).

The ``draw`` argument decides how a cell's workers are split over outcomes: :class:`Expected`
gives expected values (the deterministic mode); :class:`Sampled` draws whole numbers per cell
(conditional binomials) from the same probabilities through the same three methods: the
stochastic mode, for one replicate or a batch of replicates at once (a leading replicate
axis, one random stream per replicate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from hrh.projection.model import AGE_MAX, AGES, Corridors, FloatArray, IntArray, State
from hrh.projection.params import Rates


class Draw(Protocol):
    """How counts are split over outcomes (expected values or random draws)."""

    def split(
        self, count: FloatArray, probs: Sequence[FloatArray]
    ) -> tuple[list[FloatArray], FloatArray]:
        """Split ``count[...]`` over exclusive outcomes with probabilities ``probs[j]``.

        Each ``probs[j]`` broadcasts against ``count``; they add up to at most one.

        Returns:
            (the count of each outcome, the count left in no outcome).
        """
        ...

    def allocate(self, totals: FloatArray, weights: FloatArray, group: IntArray) -> FloatArray:
        """Share ``totals[g, ...]`` over items ``i`` of group ``group[i]`` by ``weights[i]``."""
        ...

    def spread(self, totals: FloatArray, distribution: FloatArray) -> FloatArray:
        """Spread ``totals[c, k]`` over ``distribution[k, a, s]`` → ``[c, k, a, s]``."""
        ...


class Expected:
    """Expected values: the deterministic mode (exact accounting, no randomness)."""

    def split(
        self, count: FloatArray, probs: Sequence[FloatArray]
    ) -> tuple[list[FloatArray], FloatArray]:
        """Return ``count × p`` per outcome and ``count × (1 - Σp)`` left."""
        left = np.maximum(0.0, 1.0 - sum(probs, np.zeros(1)))
        return [count * p for p in probs], count * left

    def allocate(self, totals: FloatArray, weights: FloatArray, group: IntArray) -> FloatArray:
        """Return ``totals[group] × weights`` (the group axis is the fourth from the end)."""
        return np.take(totals, group, axis=-4) * weights

    def spread(self, totals: FloatArray, distribution: FloatArray) -> FloatArray:
        """Return ``totals × distribution``."""
        return totals[:, :, None, None] * distribution[None]


EXPECTED = Expected()


class Sampled:
    """Random whole-number draws per cell (conditional binomials), one stream per replicate.

    ``Sampled(rng)`` draws one replicate: arrays ``[c, k, a, s]``. ``Sampled(rngs)`` with a
    sequence of generators draws a batch: arrays with a leading replicate axis
    ``[r, c, k, a, s]``, every draw of replicate ``r`` from ``rngs[r]`` only. The cell
    arithmetic is vectorised over the whole batch; each random call is one numpy call per
    replicate over all its cells (``numpy.random.Generator`` has no call that draws from
    several streams). A replicate's draws are always taken over the same cells in the same
    order, and numpy's binomial returns 0 for ``n = 0`` or ``p = 0`` without using the stream,
    so replicate ``r`` gives the same numbers alone or in any batch (tested): the number of
    replicates per batch, or of workers, does not change the results. A single generator is
    a batch of one, so ``Sampled(rng)`` equals ``Sampled([rng])``.

    Counts must be whole numbers; graduates are rounded stochastically. The accounting holds
    exactly in every replicate.
    """

    def __init__(self, rng: np.random.Generator | Sequence[np.random.Generator]) -> None:
        self.batched = not isinstance(rng, np.random.Generator)
        self.rngs: tuple[np.random.Generator, ...] = (
            tuple(rng) if not isinstance(rng, np.random.Generator) else (rng,)
        )
        self.rng = self.rngs[0]

    def _lead(self, a: FloatArray, cell_ndim: int) -> FloatArray:
        """View ``a`` with a leading replicate axis (added for a single replicate)."""
        if self.batched:
            if a.ndim != cell_ndim + 1 or a.shape[0] != len(self.rngs):
                raise ValueError(f"expected {len(self.rngs)} replicates on axis 0; got {a.shape}")
            return a
        return a[None]

    def _out(self, a: FloatArray) -> FloatArray:
        return a if self.batched else a[0]

    def multinomial(self, n: NDArray[np.int64], pvals: FloatArray) -> NDArray[np.int64]:
        """Draw ``Multinomial(n[r, i], pvals[i])`` per replicate ``r`` from its own stream.

        One numpy call per replicate over all its cells (``pvals[i]`` sums to 1; its first
        category should be the likeliest: numpy draws the categories in order and stops
        once every trial is placed, so a cell whose workers all stay costs one draw).
        """
        out = np.empty((*n.shape, pvals.shape[-1]), dtype=np.int64)
        for r, g in enumerate(self.rngs):
            out[r] = g.multinomial(n[r], pvals)  # a cell with no worker uses no draw
        return out

    def split(
        self, count: FloatArray, probs: Sequence[FloatArray]
    ) -> tuple[list[FloatArray], FloatArray]:
        """Draw a multinomial per cell over "none of the outcomes" and the outcomes.

        One :meth:`multinomial` call per replicate over the cells where some replicate has
        workers ("none" first: most workers stay, and numpy stops drawing a cell once its
        workers are placed).
        """
        cells = count.shape[-4:]
        reps = len(self.rngs)
        n_all = self._lead(count, 4).reshape(reps, -1).astype(np.int64)
        cols = np.flatnonzero(n_all.any(axis=0))
        parts = [np.clip(np.broadcast_to(q, cells).reshape(-1)[cols], 0.0, 1.0) for q in probs]
        pvals = np.empty((len(cols), len(parts) + 1))
        pvals[:, 1:] = np.column_stack(parts) if parts else np.empty((len(cols), 0))
        pvals[:, 1:] /= np.maximum(1.0, pvals[:, 1:].sum(axis=1, keepdims=True))
        pvals[:, 0] = np.maximum(0.0, 1.0 - pvals[:, 1:].sum(axis=1))
        drawn = self.multinomial(n_all[:, cols], pvals)
        out = [self._scatter(drawn[..., j + 1], cols, count.shape) for j in range(len(parts))]
        return out, self._scatter(drawn[..., 0], cols, count.shape)

    def _scatter(
        self, values: NDArray[np.int64], cols: IntArray, shape: tuple[int, ...]
    ) -> FloatArray:
        full = np.zeros((len(self.rngs), int(np.prod(shape[-4:]))))
        full[:, cols] = values
        return self._out(full.reshape((len(self.rngs), *shape[-4:])))

    def allocate(self, totals: FloatArray, weights: FloatArray, group: IntArray) -> FloatArray:
        """Share each group's cells over the group's items by a multinomial per cell.

        The weights of a group are taken relative to their sum (they sum to 1 but for
        rounding); one numpy call per replicate over every cell of every group.
        """
        t = self._lead(totals, 4)
        reps = t.shape[0]
        w = np.broadcast_to(weights, (len(group), *totals.shape[-3:]))
        out = np.zeros((reps, *w.shape))
        if len(group) == 0:
            return self._out(out)
        order = np.argsort(group, kind="stable")
        starts = np.searchsorted(group[order], group[order])
        rank = np.empty(len(group), dtype=np.intp)
        rank[order] = np.arange(len(group)) - starts
        width = int(rank.max()) + 1
        groups = np.unique(group)
        # item of each (group, rank); -1 where a group has fewer items
        item = np.full((int(groups.max()) + 1, width), -1, dtype=np.intp)
        item[group, rank] = np.arange(len(group))
        n = t[:, groups].astype(np.int64)  # [r, g, k, a, s]
        tail = int(np.prod(n.shape[2:]))
        flat_n = n.reshape(reps, -1)
        cols = np.flatnonzero(flat_n.any(axis=0))
        if not len(cols):
            return self._out(out)
        g_of = groups[cols // tail]
        cell = cols % tail
        items = item[g_of]  # [m, width]
        pv = np.where(items >= 0, w.reshape(len(group), -1)[items, cell[:, None]], 0.0)
        pv = np.clip(pv, 0.0, None)
        total = pv.sum(axis=1, keepdims=True)
        pv = np.divide(pv, total, out=np.zeros_like(pv), where=total > 0)
        pv[total[:, 0] <= 0, 0] = 1.0  # no weight at all: the group's first item
        drawn = self.multinomial(flat_n[:, cols], pv)  # [r, m, width]
        flat_out = out.reshape(reps, len(group), tail)
        for j in range(width):
            valid = items[:, j] >= 0
            flat_out[:, items[valid, j], cell[valid]] = drawn[:, valid, j]
        return self._out(out)

    def spread(self, totals: FloatArray, distribution: FloatArray) -> FloatArray:
        """Round totals stochastically, then draw a multinomial over ages and sexes."""
        flat = distribution.reshape(distribution.shape[0], -1)
        pvals = flat / flat.sum(axis=1, keepdims=True)
        out = np.zeros((len(self.rngs), totals.size, flat.shape[1]))
        live = np.flatnonzero(totals.reshape(-1) > 0)  # the (country, cadre) with graduates
        t = totals.reshape(-1)[live]
        whole, frac = np.floor(t), t - np.floor(t)
        pv = pvals[live % totals.shape[1]]
        for r, g in enumerate(self.rngs):
            n = whole + (g.random(len(live)) < frac)
            out[r, live] = g.multinomial(n.astype(np.int64), pv)
        return self._out(out.reshape((len(self.rngs), *totals.shape, *distribution.shape[1:])))


@dataclass(frozen=True)
class YearRates:
    """The rates of one year, per cell: home ``[c,k,a]``, corridors ``[n,k,(a)]``."""

    retire: FloatArray
    attrition: FloatArray
    emigration: FloatArray
    share: FloatArray
    share_sum: FloatArray
    retire_abroad: FloatArray
    attrition_abroad: FloatArray
    returns: FloatArray
    graduates: FloatArray


def year_rates(rates: Rates, year: int, corridors: Corridors) -> YearRates:
    """Evaluate the rates of ``year`` per cell (vectorised over countries, cadres and ages)."""
    i = rates.index(year)
    retire = np.where(
        AGES[None, None, :] >= rates.retirement_age[i][:, :, None],
        rates.retirement_share[i][:, :, None],
        0.0,
    )
    retire[:, :, AGES == AGE_MAX] = 1.0
    attrition = np.clip(rates.attrition_rate[i][:, :, None] * rates.attrition_profile[None], 0, 1)
    emigration = np.clip(
        rates.emigration_rate[i][:, :, None] * rates.emigration_profile[None], 0, 1
    )
    share = rates.corridor_share[i]
    share_sum = np.minimum(1.0, corridors.to_origin(share))
    dest = corridors.destination
    return YearRates(
        retire,
        attrition,
        emigration,
        share,
        share_sum,
        retire[dest],
        attrition[dest],
        np.clip(rates.return_rate[i], 0, 1),
        rates.graduates(year),
    )


@dataclass(frozen=True)
class Flows:
    """The flows of one year per cell; corridor flows are by age at the start of the year.

    ``graduates`` are by age at entry (their age in next year's stock).
    """

    year: int
    graduates: FloatArray
    attrition: FloatArray
    retirement: FloatArray
    emigration: FloatArray
    returns: FloatArray
    attrition_abroad: FloatArray
    retirement_abroad: FloatArray

    def totals(self, corridors: Corridors) -> FlowTotals:
        """Return the flows per country and cadre, as the accounting identity counts them."""
        cells = (-2, -1)
        n = self.emigration.ndim - 4  # the corridor axis after summing ages and sexes
        emi, back = self.emigration.sum(axis=cells), self.returns.sum(axis=cells)
        dest, origin = corridors.to_destination, corridors.to_origin
        return FlowTotals(
            graduates=self.graduates.sum(axis=cells),
            immigration=dest(emi, n),
            returns=origin(back, n),
            attrition=self.attrition.sum(axis=cells)
            + dest(self.attrition_abroad.sum(axis=cells), n),
            retirement=self.retirement.sum(axis=cells)
            + dest(self.retirement_abroad.sum(axis=cells), n),
            emigration=origin(emi, n) + dest(back, n),
        )


@dataclass(frozen=True)
class FlowTotals:
    """Flows of one year per ``[country, cadre]``."""

    graduates: FloatArray
    immigration: FloatArray
    returns: FloatArray
    attrition: FloatArray
    retirement: FloatArray
    emigration: FloatArray

    @property
    def net(self) -> FloatArray:
        """Return entries minus exits."""
        return (
            self.graduates
            + self.immigration
            + self.returns
            - self.attrition
            - self.retirement
            - self.emigration
        )


Exits = tuple[FloatArray, tuple[FloatArray, FloatArray, FloatArray]]


def _split_exits(
    draw: Draw, home: Exits, abroad: Exits
) -> tuple[list[FloatArray], FloatArray, list[FloatArray], FloatArray]:
    """Split the home and the corridor cells over their exits (same outcome order).

    :class:`Sampled` draws both in one split, the cells side by side on the country /
    corridor axis (half the random calls per replicate); other draws split each apart (no
    copy). Either way each cell gets the same probabilities.
    """
    if not isinstance(draw, Sampled):
        out_home, stay = draw.split(*home)
        out_abroad, stay_d = draw.split(*abroad)
        return out_home, stay, out_abroad, stay_d
    (count, probs), (count_d, probs_d) = home, abroad
    axis = count.ndim - 4
    cells = np.concatenate([count, count_d], axis=axis)
    both = [
        np.concatenate(
            [np.broadcast_to(p, count.shape[-4:]), np.broadcast_to(p_d, count_d.shape[-4:])]
        )
        for p, p_d in zip(probs, probs_d, strict=True)
    ]
    outcomes, staying = draw.split(cells, both)
    c = count.shape[axis]
    parts = [(a[..., :c, :, :, :], a[..., c:, :, :, :]) for a in (*outcomes, staying)]
    return [x for x, _ in parts[:-1]], parts[-1][0], [y for _, y in parts[:-1]], parts[-1][1]


def step(
    state: State, rates: Rates, corridors: Corridors, draw: Draw = EXPECTED
) -> tuple[State, Flows]:
    """Advance ``state`` by one year; return the next state and the year's flows.

    The stocks may carry a leading replicate axis (``[r, c, k, a, s]``: a batch drawn by
    :class:`Sampled`); every rate broadcasts over it.
    """
    r = year_rates(rates, state.year, corridors)
    home, abroad = state.home, state.abroad
    n_axis = home.ndim - 4  # the country / corridor axis
    # exits, competing in this order: retirement, attrition, then emigration (home cells
    # [c, k, a, 1]) or return home (corridor cells [n, k, a, 1], at the destination's rates)
    h, q = r.retire[..., None], r.attrition[..., None]
    p_emi = (1 - h) * (1 - q) * r.emigration[..., None] * r.share_sum[:, :, None, None]
    hd, qd = r.retire_abroad[..., None], r.attrition_abroad[..., None]
    p_back = (1 - hd) * (1 - qd) * r.returns[:, :, None, None]
    (retired, left_job, emigrants), stay, (retired_d, left_d, back), stay_d = _split_exits(
        draw, (home, (h, (1 - h) * q, p_emi)), (abroad, (hd, (1 - hd) * qd, p_back))
    )
    origin_total = r.share_sum[corridors.origin]
    weights = np.divide(r.share, origin_total, out=np.zeros_like(r.share), where=origin_total > 0)
    emigration = draw.allocate(emigrants, weights[:, :, None, None], corridors.origin)
    graduates = draw.spread(r.graduates, rates.entry)
    # next year: survivors, emigrants and returners age by one; graduates enter at their age
    home_next = np.array(np.broadcast_to(graduates, home.shape))
    home_next[..., 1:, :] += (stay + corridors.to_origin(back, n_axis))[..., :-1, :]
    abroad_next = np.zeros_like(abroad)
    abroad_next[..., 1:, :] = (stay_d + emigration)[..., :-1, :]
    flows = Flows(state.year, graduates, left_job, retired, emigration, back, left_d, retired_d)
    return State(state.year + 1, home_next, abroad_next), flows
