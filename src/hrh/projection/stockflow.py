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
(multinomial, conditional binomials) from the same probabilities through the same three
methods: the engine of the stochastic mode, which the CLI does not offer yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

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
        """Return ``totals[group] × weights``."""
        return totals[group] * weights

    def spread(self, totals: FloatArray, distribution: FloatArray) -> FloatArray:
        """Return ``totals × distribution``."""
        return totals[:, :, None, None] * distribution[None]


EXPECTED = Expected()


class Sampled:
    """Random whole-number draws per cell (multinomial, conditional binomials) from ``rng``.

    The engine of a future stochastic mode, not yet offered by the CLI: counts must be whole
    numbers; graduates are rounded stochastically. The accounting holds exactly.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def split(
        self, count: FloatArray, probs: Sequence[FloatArray]
    ) -> tuple[list[FloatArray], FloatArray]:
        """Draw a multinomial per cell over the outcomes and "none of them".

        As conditional binomials (outcome ``j`` with ``p_j / (1 - p_1 - … - p_{j-1})`` of
        those left), over the non-empty cells only: the same distribution, fewer draws.
        """
        n = count.astype(np.int64).reshape(-1)
        cells = np.flatnonzero(n)
        left = n[cells]
        used = np.zeros(len(cells))
        out = []
        for q in probs:
            pq = np.broadcast_to(q, count.shape).reshape(-1)[cells]
            rest = 1.0 - used
            p = np.clip(np.divide(pq, rest, out=np.ones_like(rest), where=rest > 0), 0.0, 1.0)
            drawn = self.rng.binomial(left, p)
            left = left - drawn
            used += pq
            full = np.zeros(n.shape)
            full[cells] = drawn
            out.append(full.reshape(count.shape))
        stay = np.zeros(n.shape)
        stay[cells] = left
        return out, stay.reshape(count.shape)

    def allocate(self, totals: FloatArray, weights: FloatArray, group: IntArray) -> FloatArray:
        """Share each group's total over its items by conditional binomials (weights sum to 1)."""
        w = np.broadcast_to(weights, (len(group), *totals.shape[1:]))
        out = np.zeros(w.shape)
        remaining = totals.copy()
        used = np.zeros(totals.shape)
        order = np.argsort(group, kind="stable")
        first = np.searchsorted(group[order], group[order])
        rank = np.empty(len(group), dtype=np.intp)
        rank[order] = np.arange(len(group)) - first
        for r in range(int(rank.max(initial=-1)) + 1):
            items = np.nonzero(rank == r)[0]
            g = group[items]
            left = 1.0 - used[g]
            p = np.clip(np.divide(w[items], left, out=np.ones_like(left), where=left > 0), 0, 1)
            drawn = self.rng.binomial(remaining[g].astype(np.int64), p).astype(np.float64)
            out[items] = drawn
            remaining[g] -= drawn
            used[g] += w[items]
        return out

    def spread(self, totals: FloatArray, distribution: FloatArray) -> FloatArray:
        """Round totals stochastically, then draw a multinomial over ages and sexes."""
        whole = np.floor(totals)
        n = whole + (self.rng.random(totals.shape) < totals - whole)
        flat = distribution.reshape(distribution.shape[0], -1)
        draws = self.rng.multinomial(n.astype(np.int64), flat / flat.sum(axis=1, keepdims=True))
        return draws.reshape((*totals.shape, *distribution.shape[1:])).astype(np.float64)


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
        emi = self.emigration.sum(axis=(2, 3))
        back = self.returns.sum(axis=(2, 3))
        return FlowTotals(
            graduates=self.graduates.sum(axis=(2, 3)),
            immigration=corridors.to_destination(emi),
            returns=corridors.to_origin(back),
            attrition=self.attrition.sum(axis=(2, 3))
            + corridors.to_destination(self.attrition_abroad.sum(axis=(2, 3))),
            retirement=self.retirement.sum(axis=(2, 3))
            + corridors.to_destination(self.retirement_abroad.sum(axis=(2, 3))),
            emigration=corridors.to_origin(emi) + corridors.to_destination(back),
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


def step(
    state: State, rates: Rates, corridors: Corridors, draw: Draw = EXPECTED
) -> tuple[State, Flows]:
    """Advance ``state`` by one year; return the next state and the year's flows."""
    r = year_rates(rates, state.year, corridors)
    home, abroad = state.home, state.abroad
    # home: retirement, attrition, emigration (competing, in this order); [c, k, a, 1]
    h, q = r.retire[..., None], r.attrition[..., None]
    p_emi = (1 - h) * (1 - q) * r.emigration[..., None] * r.share_sum[:, :, None, None]
    (retired, left_job, emigrants), stay = draw.split(home, (h, (1 - h) * q, p_emi))
    origin_total = r.share_sum[corridors.origin]
    weights = np.divide(r.share, origin_total, out=np.zeros_like(r.share), where=origin_total > 0)
    emigration = draw.allocate(emigrants, weights[:, :, None, None], corridors.origin)
    # abroad: retirement, attrition at the destination's rates, return home; [n, k, a, 1]
    hd, qd = r.retire_abroad[..., None], r.attrition_abroad[..., None]
    p_back = (1 - hd) * (1 - qd) * r.returns[:, :, None, None]
    (retired_d, left_d, back), stay_d = draw.split(abroad, (hd, (1 - hd) * qd, p_back))
    graduates = draw.spread(r.graduates, rates.entry)
    # next year: survivors, emigrants and returners age by one; graduates enter at their age
    home_next = graduates.copy()
    home_next[:, :, 1:] += (stay + corridors.to_origin(back))[:, :, :-1]
    abroad_next = np.zeros_like(abroad)
    abroad_next[:, :, 1:] = (stay_d + emigration)[:, :, :-1]
    flows = Flows(state.year, graduates, left_job, retired, emigration, back, left_d, retired_d)
    return State(state.year + 1, home_next, abroad_next), flows
