"""One year's transitions of the workers who leave their place, the graduates, the counts.

Only the workers who leave (a few per cent a year) are looked at one by one: their outcome
from their drawn bits, the corridor of those who emigrate, the rows of those who exit.
"""

from __future__ import annotations

import numpy as np

from hrh.projection.agents.pool import Bits, Keys, Pool, Tables
from hrh.projection.agents.population import Index
from hrh.projection.model import AGE_MIN, Corridors, FloatArray
from hrh.projection.stockflow import YearRates


def counts(pool: Pool, corridors: Corridors, keys: Keys) -> tuple[FloatArray, ...]:
    """Return workers at home ``[c, k]``, working in ``c`` from abroad, trained in ``c`` abroad.

    From the pool's counts per key: sums over birth years and corridors (small tables).
    """
    n_c = corridors.n_countries
    per_place = keys.per_place(pool.per_key)[:, :, 0]
    abroad = per_place[n_c:]
    return per_place[:n_c], corridors.to_destination(abroad), corridors.to_origin(abroad)


def transitions(
    pool: Pool,
    leavers: tuple[Index, Bits, Index],
    tab: Tables,
    r: YearRates,
    corridors: Corridors,
    order: Index,
    keys: Keys,
    rng: np.random.Generator,
) -> dict[str, FloatArray]:
    """Apply the outcomes of the workers who leave their place; return the year's flows.

    ``leavers`` are the rows (sorted) that leave, their drawn bits and their keys. The flows
    are counted per key and outcome (one ``bincount``), then summed over birth years and
    laid out by country in the small key tables; only movers are looked at one by one
    (their corridor and key change).
    """
    rows, bits, key = leavers
    n_c = corridors.n_countries
    # outcome: 0 retirement, 1 attrition, 2 emigration (home) or return (abroad)
    outcome = np.full(len(rows), 2, dtype=np.intp)
    outcome -= bits < tab.attrition[key]
    outcome -= bits < tab.retire[key]
    per_key = np.bincount(key * 3 + outcome, minlength=keys.n_keys * 3)
    per_place = keys.per_place(per_key)
    home, abroad = per_place[:n_c], per_place[n_c:]  # [c, k, outcome], [n, k, outcome]
    dest, origin = corridors.to_destination, corridors.to_origin
    moving = np.flatnonzero(outcome == 2)
    moved, moved_key = rows[moving], key[moving]
    birth, place, kind = keys.parts(moved_key)
    out = place < n_c
    emigrants, k = moved[out], kind[out] >> 1
    chosen = corridor_choice(place[out], k, r, corridors, order, rng.random(len(emigrants)))
    n_k = keys.n_cadres
    arrived = np.bincount(chosen * n_k + k, minlength=len(corridors) * n_k).reshape(-1, n_k)
    place[out] = n_c + chosen
    place[~out] = corridors.origin[place[~out] - n_c]  # back home
    new_key = keys.make(birth, place, kind)
    pool.key[moved] = new_key
    pool.per_key -= per_key.reshape(-1, 3).sum(axis=1)
    pool.per_key += np.bincount(new_key, minlength=keys.n_keys)
    staying = np.ones(len(rows), dtype=bool)
    staying[moving] = False
    pool.remove(rows[staying])  # sorted: ``rows`` are
    there, trained = dest(abroad), origin(abroad)  # [c, k, outcome]: where, trained where
    return {
        "retirement": home[:, :, 0] + there[:, :, 0],
        "attrition": home[:, :, 1] + there[:, :, 1],
        "emigration": home[:, :, 2] + there[:, :, 2],
        "immigration": dest(arrived.astype(np.float64)),
        "returns": trained[:, :, 2],
        "emigrants": home[:, :, 2],
        "home_exits": home.sum(axis=2),
        "abroad_exits": there.sum(axis=2),
        "abroad_exits_by_origin": trained.sum(axis=2),
    }


def corridor_choice(
    origin: Index,
    cadre: Index,
    r: YearRates,
    corridors: Corridors,
    order: Index,
    v: FloatArray,
) -> Index:
    """Pick each emigrant's corridor: ``n`` with probability ``σ_n / Σσ`` of its origin."""
    out = np.empty(len(origin), dtype=np.intp)
    if len(origin) == 0:
        return out
    sorted_origin = corridors.origin[order]
    countries = np.arange(corridors.n_countries)
    start = np.searchsorted(sorted_origin, countries)
    end = np.searchsorted(sorted_origin, countries, side="right")
    # origin c's corridors take the interval [2c, 2c + 1]: cumulative shares within it
    cum = np.concatenate([np.zeros((1, r.share.shape[1])), np.cumsum(r.share[order], axis=0)])
    total = (cum[end] - cum[start])[sorted_origin]  # [sorted corridor, k]
    within = cum[1:] - cum[start][sorted_origin]
    share = np.divide(within, total, out=np.zeros_like(within), where=total > 0)
    edges = 2.0 * sorted_origin[:, None] + share
    for k in range(r.share.shape[1]):
        mine = cadre == k
        if mine.any():
            target = 2.0 * origin[mine] + v[mine]
            out[mine] = order[np.searchsorted(edges[:, k], target, side="right")]
    return out


def enter(pool: Pool, graduates: FloatArray, year: int, keys: Keys) -> None:
    """Append the graduates ``[c, k, a, s]``; they are at age ``a`` next year."""
    per_cell = graduates.astype(np.intp).reshape(-1)
    n = int(per_cell.sum())
    if n == 0:
        return
    c, k, a, s = np.indices(graduates.shape, dtype=np.intp).reshape(4, -1)
    birth = year + 1 - AGE_MIN - a - keys.birth_min  # at age a next year
    cell_key = keys.make(birth, c, 2 * k + s)
    pool.reserve(n)
    rows = slice(pool.size, pool.size + n)
    pool.key[rows] = np.repeat(cell_key, per_cell)
    pool.graduated[rows] = year
    pool.size += n
    pool.per_key += np.bincount(cell_key, weights=per_cell, minlength=keys.n_keys).astype(np.int64)
