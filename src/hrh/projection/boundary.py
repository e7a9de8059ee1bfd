"""Stochastic replicates of some countries, their migration partners kept at expected values.

A projection of a few countries (``reported``) carries their migration partners on its
country axis, because workers move between them. In the stochastic mode only the reported
countries' randomness is asked for, so :func:`run_bounded_replicates` draws per cell only:

- the reported countries' home cells (their own trained workers at home);
- the corridors that touch a reported country: its trained workers abroad, and the
  foreign-trained workers working in it (their exits at the destination's rates, their
  returns home);
- the partner emigrants entering those corridors: ``Poisson(n p)`` per cell, with ``n``
  the partner's expected home stock of that cell and ``p = (1 − h)(1 − q) e σ_n`` (the cell
  model's probability of emigrating on that corridor): the binomial of ``n`` workers to
  within ``p`` in total variation.

The partners themselves (their home stocks, and the corridors between two partners) follow
their expected path: the deterministic mode's, from the same rates. Their own randomness
reaches a reported country only through the number of emigrants they send, whose
expectation ``n p`` it moves by a relative amount of about ``p`` (``p`` is well below 0.01
for every corridor): it is left out. Workers returning to a partner leave the model.

What each replicate reports for a reported country is therefore drawn as in the full
stochastic model, with the same accounting identity, exactly, in every replicate:
``supply(t+1) = supply(t) + graduates + immigration + returns − attrition − retirement −
emigration``. Partners' rows are zero (they are not reported). The draws cover a few hundred
cells instead of every cell of every partner (Ghana's axis holds seven large OECD
destinations), which is what makes a one-country ensemble fast. Replicate ``r`` still draws
from its own stream only, so the results do not depend on batches or workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from hrh.projection.model import Corridors, FloatArray, State
from hrh.projection.params import Rates
from hrh.projection.replicates import PathRecorder, Replicates, pool_sexes, whole_batch
from hrh.projection.stockflow import EXPECTED, Sampled, step, year_rates


def run_bounded_replicates(
    state: State,
    rates: Rates,
    corridors: Corridors,
    until: int,
    seeds: Sequence[np.random.SeedSequence],
    reported: NDArray[np.bool_],
    on_step: Callable[[int], None] | None = None,
) -> Replicates:
    """Run one replicate per seed, drawing only what reaches the ``reported`` countries.

    Returns replicates shaped as :func:`~hrh.projection.replicates.run_replicates` returns
    them (sexes pooled), with zeros in the rows of countries that are not reported.
    """
    rngs = [np.random.default_rng(s) for s in seeds]
    state, rates = pool_sexes(state, rates)
    keep = np.flatnonzero(reported[corridors.origin] | reported[corridors.destination])
    sub = Corridors(corridors.origin[keep], corridors.destination[keep], corridors.n_countries)
    sub_rates = replace(
        rates,
        corridor_share=rates.corridor_share[:, keep],
        return_rate=rates.return_rate[:, keep],
        intake=np.where(reported[None, :, None], rates.intake, 0.0),  # partners: no graduates
    )
    fed = np.flatnonzero(~reported[sub.origin])  # kept corridors fed by a partner's emigrants
    partner = ~reported
    home0 = np.where(reported[:, None, None, None], state.home, 0.0)
    batch = whole_batch(State(state.year, home0, state.abroad[keep]), rngs)
    expected = state  # the partners' expected path (the whole world, expected values)
    draw = Sampled(rngs)
    n_years = until - state.year + 1
    paths = PathRecorder(len(rngs), state.home.shape[:2], n_years)
    for y in range(n_years):
        paths.stocks(batch, sub, y)
        sent = _partner_emigrants(expected, rates, corridors, keep[fed], rngs)
        batch, year_flows = step(batch, sub_rates, sub, draw)
        if len(fed):
            year_flows.emigration[:, fed] += sent
            batch.abroad[:, fed, :, 1:, :] += sent[..., :-1, :]
        batch.home[:, partner] = 0.0  # returners to a partner leave the model
        paths.year_flows(year_flows, sub, y)
        expected = step(expected, rates, corridors, EXPECTED)[0]
        if on_step is not None:
            for _ in rngs:  # once per replicate and year, as for replicates run one by one
                on_step(y + 1)
    hidden = np.flatnonzero(partner)
    for a in (paths.supply, paths.foreign, paths.abroad, *paths.flows.values()):
        a[:, hidden] = 0.0
    final_abroad = np.zeros((len(rngs), *state.abroad.shape))
    final_abroad[:, keep] = batch.abroad
    return paths.replicates(State(batch.year, batch.home, final_abroad))


def _partner_emigrants(
    expected: State,
    rates: Rates,
    corridors: Corridors,
    corridor: NDArray[np.intp],
    rngs: Sequence[np.random.Generator],
) -> FloatArray:
    """Draw the emigrants of the year on partner corridors ``corridor`` → ``[r, m, k, a, s]``.

    ``Poisson(n p)`` per cell and replicate, with ``n`` the origin's expected home stock of
    the cell and ``p = (1 − h)(1 − q) e σ_n`` at the origin's rates: the binomial of ``n``
    workers each emigrating with probability ``p``, to within ``p`` in total variation
    (Le Cam), for a stock ``n`` that is an expected value, not a whole number.
    """
    out = np.zeros((len(rngs), len(corridor), *expected.home.shape[1:]))
    if not len(corridor):
        return out
    r = year_rates(rates, expected.year, corridors)
    origin = corridors.origin[corridor]
    h, q = r.retire[origin][..., None], r.attrition[origin][..., None]
    p = (1 - h) * (1 - q) * r.emigration[origin][..., None] * r.share[corridor][:, :, None, None]
    mean = (expected.home[origin] * np.clip(p, 0.0, 1.0)).reshape(-1)
    live = np.flatnonzero(mean > 0)
    if len(live):
        flat = out.reshape(len(rngs), -1)
        for i, g in enumerate(rngs):
            flat[i, live] = g.poisson(mean[live])
    return out
