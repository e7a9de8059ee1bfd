"""Agent mode: one row per worker, numpy arrays per attribute, the cell model's transitions.

A population is a struct of arrays (:class:`Workers`): country of training, cadre, age, sex,
where the worker works (home, or the corridor abroad) and the year of graduation, one
element per worker. Each year, with the rates of :func:`hrh.projection.stockflow.year_rates`
(the same parameters and the same competing decrements as :func:`~hrh.projection.stockflow.step`):

- every worker draws **one** uniform ``U`` (float32) and leaves with probability
  ``P = h + (1 - h) q + (1 - h)(1 - q) e Σσ`` at home, ``h + (1 - h) q + (1 - h)(1 - q) ρ``
  abroad (``h``, ``q`` of the country where the worker works); the same ``U`` tells the
  outcome of those who leave (``U < h``: retirement; ``U < h + (1 - h) q``: attrition; else
  emigration, or return home for a worker abroad), so each worker's outcome has exactly the
  cell model's probabilities;
- an emigrant picks a corridor of the country of training with probability ``σ_n / Σσ``
  (one more uniform per emigrant);
- graduates ``G(c, k, t)`` are rounded stochastically and spread over entry ages and sexes
  by a multinomial (the cell model's :meth:`~hrh.projection.stockflow.Sampled.spread`), and
  enter next year at their entry age; everybody ages by one year (ages are kept as birth
  years, so ageing costs nothing); at 74 everyone retires.

Per worker and year the work is one float32 uniform, one look-up of ``P`` in a small table
by the worker's key (place, cadre, birth year), one comparison and one scan for those who
leave; the few who leave or move are then handled on their own (their rows are overwritten
by the last rows: no pass over the whole population). The thresholds are float32: outcome
probabilities are exact to about 6·10⁻⁸.

The flows are counted per country and cadre as
:meth:`~hrh.projection.stockflow.Flows.totals` counts them, so the accounting identity
holds exactly (tested against a fresh count of the population), and the mean over
replicates agrees with the deterministic mode (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hrh.projection.model import AGE_MAX, AGE_MIN, N_AGES, Corridors, FloatArray, State
from hrh.projection.params import Rates
from hrh.projection.replicates import Replicates
from hrh.projection.results import FLOWS
from hrh.projection.stockflow import Sampled, YearRates, year_rates

HOME = -1  #: ``corridor`` of a worker working in the country of training
UNKNOWN = 0  #: ``graduated`` when the year of graduation is not known

Int8 = NDArray[np.int8]
Int16 = NDArray[np.int16]
Index = NDArray[np.intp]


@dataclass(frozen=True)
class Workers:
    """A population, one element per worker (a struct of arrays).

    Attributes:
        origin: country of training, an index into the country axis.
        cadre: an index into the cadre axis.
        age: age in whole years (20…74).
        sex: 0 female, 1 male.
        corridor: where the worker works: :data:`HOME`, or the corridor abroad.
        graduated: year of graduation (:data:`UNKNOWN` when not known).
    """

    origin: Int16
    cadre: Int8
    age: Int8
    sex: Int8
    corridor: Int16
    graduated: Int16

    def __len__(self) -> int:
        return len(self.origin)

    @property
    def nbytes(self) -> int:
        """Return the memory the attribute arrays hold."""
        return sum(a.nbytes for a in self._arrays())

    def _arrays(self) -> tuple[np.ndarray, ...]:
        return (self.origin, self.cadre, self.age, self.sex, self.corridor, self.graduated)

    def stocks(self, corridors: Corridors, n_cadres: int) -> State:
        """Return the counts per cell: ``home[c, k, a, s]`` and ``abroad[n, k, a, s]``."""
        a = self.age.astype(np.intp) - AGE_MIN
        k, s = self.cadre.astype(np.intp), self.sex.astype(np.intp)
        home = self.corridor == HOME
        n_c, n_n = corridors.n_countries, len(corridors)
        place = np.where(home, self.origin, self.corridor).astype(np.intp)
        flat = ((place * n_cadres + k) * N_AGES + a) * 2 + s
        cell = n_cadres * N_AGES * 2
        h = np.bincount(flat[home], minlength=n_c * cell).reshape(n_c, n_cadres, N_AGES, 2)
        d = np.bincount(flat[~home], minlength=n_n * cell).reshape(n_n, n_cadres, N_AGES, 2)
        return State(0, h.astype(np.float64), d.astype(np.float64))


def workers_from_state(state: State, corridors: Corridors, rng: np.random.Generator) -> Workers:
    """Expand cell stocks into workers (fractional cells rounded: ``⌊x⌋ + Bernoulli``).

    Home cells first, then corridor cells, each in cell order. The year of graduation is
    :data:`UNKNOWN` (the cell stocks do not carry it).
    """
    attrs: dict[str, list[np.ndarray]] = {f: [] for f in ("origin", "cadre", "age", "sex", "corr")}
    for values, is_home in ((state.home, True), (state.abroad, False)):
        low = np.floor(values)
        counts = (low + (rng.random(values.shape) < values - low)).astype(np.intp).reshape(-1)
        place, k, a, s = np.indices(values.shape).reshape(4, -1)
        cell = {
            "origin": place if is_home else corridors.origin[place],
            "corr": np.full(place.shape, HOME) if is_home else place,
            "cadre": k,
            "age": a + AGE_MIN,
            "sex": s,
        }
        for f, dtype in _DTYPES.items():
            attrs[f].append(np.repeat(cell[f].astype(dtype), counts))
    corr = np.concatenate(attrs["corr"])
    return Workers(
        np.concatenate(attrs["origin"]),
        np.concatenate(attrs["cadre"]),
        np.concatenate(attrs["age"]),
        np.concatenate(attrs["sex"]),
        corr,
        np.full(len(corr), UNKNOWN, dtype=np.int16),
    )


_DTYPES = {"origin": np.int16, "cadre": np.int8, "age": np.int8, "sex": np.int8, "corr": np.int16}


@dataclass(frozen=True)
class AgentPath:
    """One agent replicate: totals ``[c, k, year]`` and the population after the last year."""

    supply: FloatArray
    foreign_trained: FloatArray
    abroad: FloatArray
    flows: dict[str, FloatArray]
    year: int
    _pool: _Pool
    _keys: _Keys
    _corridors: Corridors

    @property
    def final(self) -> Workers:
        """Return the population at the start of ``year`` (unpacked on demand)."""
        return self._pool.workers(self.year, self._keys, self._corridors)

    def final_stocks(self) -> State:
        """Return the final population counted per cell (one pass over the packed rows)."""
        return self._pool.stocks(self.year, self._keys, self._corridors)


class _Pool:
    """The population during a run, packed: ``key`` (place, cadre, birth year), sex, graduation.

    The key holds everything the transitions read (where the worker works, the cadre, the
    birth year: ages need no update), so a move changes one number and an exit moves three.
    Arrays have spare capacity for the graduates.
    """

    def __init__(self, w: Workers, year: int, capacity: int, keys: _Keys) -> None:
        n = len(w)
        self.size = n
        cap = max(capacity, n)
        self.key = np.zeros(cap, dtype=np.intp)
        for i in range(0, n, _CHUNK):  # in chunks: small temporaries
            j = min(i + _CHUNK, n)
            self.key[i:j] = keys.of(
                w.origin[i:j], w.corridor[i:j], w.cadre[i:j], year - w.age[i:j].astype(np.int32)
            )
        self.sex = _grown(w.sex, cap)
        self.graduated = _grown(w.graduated, cap)

    def fields(self) -> tuple[str, ...]:
        return ("key", "sex", "graduated")

    def reserve(self, extra: int) -> None:
        """Make room for ``extra`` more rows (doubling)."""
        need = self.size + extra
        if need <= len(self.key):
            return
        cap = max(need, 2 * len(self.key))
        for f in self.fields():
            setattr(self, f, _grown(getattr(self, f)[: self.size], cap))

    def remove(self, rows: Index) -> None:
        """Drop ``rows`` (sorted, distinct): the last rows that stay move into the holes."""
        n_left = self.size - len(rows)
        holes = rows[rows < n_left]
        gone_tail = np.zeros(self.size - n_left, dtype=bool)
        gone_tail[rows[rows >= n_left] - n_left] = True
        movers = n_left + np.flatnonzero(~gone_tail)
        for f in self.fields():
            a = getattr(self, f)
            a[holes] = a[movers]
        self.size = n_left

    def stocks(self, year: int, keys: _Keys, corridors: Corridors) -> State:
        """Count the population of ``year`` per cell: ``home[c,k,a,s]``, ``abroad[n,k,a,s]``."""
        n = self.size
        cell = self.key[:n] * 2
        cell += self.sex[:n]
        per = np.bincount(cell, minlength=keys.n_keys * 2)
        del cell
        per = per.reshape(keys.n_places, keys.n_cadres, keys.n_births, 2).astype(np.float64)
        age = year - (keys.birth_min + np.arange(keys.n_births))
        inside = (age >= AGE_MIN) & (age <= AGE_MAX)
        cells = np.zeros((keys.n_places, keys.n_cadres, N_AGES, 2))
        cells[:, :, age[inside] - AGE_MIN] = per[:, :, inside]
        return State(year, cells[: keys.n_countries], cells[keys.n_countries :])

    def workers(self, year: int, keys: _Keys, corridors: Corridors) -> Workers:
        """Unpack the population in ``year`` into a :class:`Workers` (a chunk at a time)."""
        n = self.size
        out = Workers(
            np.empty(n, np.int16),
            np.empty(n, np.int8),
            np.empty(n, np.int8),
            self.sex[:n].copy(),
            np.empty(n, np.int16),
            self.graduated[:n].copy(),
        )
        for i in range(0, n, _CHUNK):
            j = min(i + _CHUNK, n)
            place, rest = np.divmod(self.key[i:j], keys.n_cadres * keys.n_births)
            cadre, birth = np.divmod(rest, keys.n_births)
            home = place < keys.n_countries
            corridor = np.where(home, HOME, place - keys.n_countries)
            origin = place.copy()
            origin[~home] = corridors.origin[corridor[~home]]
            out.origin[i:j] = origin
            out.cadre[i:j] = cadre
            out.age[i:j] = year - keys.birth_min - birth
            out.corridor[i:j] = corridor
        return out


_CHUNK = 1 << 20  #: rows per chunk where whole-population temporaries would be large


def _grown(a: np.ndarray, cap: int) -> np.ndarray:
    out = np.zeros(cap, dtype=a.dtype)
    out[: len(a)] = a
    return out


@dataclass(frozen=True)
class _Tables:
    """Per key (place, cadre, birth year) of one year: leave, retire and attrition thresholds."""

    leave: NDArray[np.float32]
    retire: NDArray[np.float32]
    attrition: NDArray[np.float32]


class _Keys:
    """Keys of the look-up tables: (place, cadre, birth year).

    A place is a country (working at home) or, after the countries, a corridor.
    """

    def __init__(self, n_countries: int, n_corridors: int, n_cadres: int, first: int, last: int):
        self.n_places = n_countries + n_corridors
        self.n_countries = n_countries
        self.n_cadres = n_cadres
        self.birth_min = first - AGE_MAX
        self.n_births = (last + 1 - AGE_MIN) - self.birth_min + 1
        self.n_keys = self.n_places * n_cadres * self.n_births

    def of(
        self, origin: Int16, corridor: Int16, cadre: Int8, birth: NDArray[np.int32]
    ) -> NDArray[np.int32]:
        """Return the keys of workers (int32 arithmetic)."""
        c = corridor.astype(np.int32)
        place = np.where(c == HOME, origin, self.n_countries + c)
        key = place * np.int32(self.n_cadres) + cadre
        key *= np.int32(self.n_births)
        key += birth
        key -= np.int32(self.birth_min)
        return np.asarray(key, dtype=np.int32)

    def tables(self, r: YearRates, year: int) -> _Tables:
        """Lay the year's per-cell probabilities out by key (ages from birth years)."""
        h = np.concatenate([r.retire, r.retire_abroad])  # [place, k, a]
        q = np.concatenate([r.attrition, r.attrition_abroad])
        home_move = r.emigration * r.share_sum[:, :, None]
        back = np.broadcast_to(r.returns[:, :, None], r.retire_abroad.shape)
        move = np.concatenate([home_move, back])
        attrition = h + (1 - h) * q
        leave = np.minimum(attrition + (1 - h) * (1 - q) * move, 1.0)
        age = year - (self.birth_min + np.arange(self.n_births)) - AGE_MIN
        valid = (age >= 0) & (age < N_AGES)
        by_age = np.stack([leave, h, attrition])  # [3, place, k, a]
        out = np.take(by_age, np.clip(age, 0, N_AGES - 1), axis=3) * valid
        flat = out.astype(np.float32).reshape(3, -1)
        return _Tables(flat[0], flat[1], flat[2])


def simulate_agents(
    workers: Workers,
    rates: Rates,
    corridors: Corridors,
    year: int,
    until: int,
    rng: np.random.Generator,
    on_step: Callable[[int], None] | None = None,
) -> AgentPath:
    """Step the population from ``year`` through ``until``; return the totals and the end.

    The random stream is ``rng`` only.
    """
    n_c, n_k = corridors.n_countries, rates.entry.shape[0]
    n_years = until - year + 1
    keys = _Keys(n_c, len(corridors), n_k, year, until)
    pool = _Pool(workers, year, int(len(workers) * 1.3) + 1024, keys)
    shape = (n_c, n_k, n_years)
    out = {f: np.zeros(shape) for f in (*FLOWS, "supply", "foreign_trained", "abroad")}
    home_count, dest_count, origin_abroad = _counts(pool, corridors, keys)
    uniform = np.empty(0, dtype=np.float32)
    leave_p = np.empty(0, dtype=np.float32)
    order = np.argsort(corridors.origin, kind="stable")
    draw = Sampled(rng)
    for y in range(n_years):
        t = year + y
        out["supply"][:, :, y] = home_count + dest_count
        out["foreign_trained"][:, :, y] = dest_count
        out["abroad"][:, :, y] = origin_abroad
        r = year_rates(rates, t, corridors)
        tab = keys.tables(r, t)
        n = pool.size
        if len(uniform) < n:
            uniform = np.empty(len(pool.key), dtype=np.float32)
            leave_p = np.empty(len(pool.key), dtype=np.float32)
        u, lp = uniform[:n], leave_p[:n]
        rng.random(n, dtype=np.float32, out=u)
        np.take(tab.leave, pool.key[:n], out=lp)
        rows = np.flatnonzero(u < lp)
        flows = _transitions(pool, rows, u[rows], tab, r, corridors, order, keys, rng)
        graduates = draw.spread(r.graduates, rates.entry)
        _enter(pool, graduates, t, keys)
        flows["graduates"] = graduates.sum(axis=(2, 3))
        for f in FLOWS:
            out[f][:, :, y] = flows[f]
        home_count = home_count + flows["graduates"] + flows["returns"] - flows["home_exits"]
        dest_count = dest_count + flows["immigration"] - flows["abroad_exits"]
        origin_abroad = origin_abroad + flows["emigrants"] - flows["abroad_exits_by_origin"]
        if on_step is not None:
            on_step(y + 1)
    flows_out = {f: out[f] for f in FLOWS}
    totals = (out["supply"], out["foreign_trained"], out["abroad"], flows_out)
    return AgentPath(*totals, year + n_years, pool, keys, corridors)


def _counts(pool: _Pool, corridors: Corridors, keys: _Keys) -> tuple[FloatArray, ...]:
    """Return workers at home ``[c, k]``, working in ``c`` from abroad, trained in ``c`` abroad.

    One ``bincount`` of the keys, then sums over birth years and corridors (small tables).
    """
    n_c = corridors.n_countries
    per_key = np.bincount(pool.key[: pool.size], minlength=keys.n_keys)
    per_place = per_key.reshape(keys.n_places, keys.n_cadres, keys.n_births).sum(axis=2)
    per_place = per_place.astype(np.float64)
    abroad = per_place[n_c:]
    return per_place[:n_c], corridors.to_destination(abroad), corridors.to_origin(abroad)


def _transitions(
    pool: _Pool,
    rows: Index,
    u: NDArray[np.float32],
    tab: _Tables,
    r: YearRates,
    corridors: Corridors,
    order: Index,
    keys: _Keys,
    rng: np.random.Generator,
) -> dict[str, FloatArray]:
    """Apply the outcomes of the workers who leave their place; return the year's flows.

    The flows are counted per key and outcome (one ``bincount``), then summed over birth
    years and laid out by country in the small key tables; only movers are looked at one
    by one (their corridor and key change).
    """
    n_c, n_k, n_b = corridors.n_countries, keys.n_cadres, keys.n_births
    key = pool.key[rows]
    # outcome: 0 retirement, 1 attrition, 2 emigration (home) or return (abroad)
    outcome = 2 - (u < tab.attrition[key]).astype(np.intp) - (u < tab.retire[key])
    per_key = np.bincount(key * 3 + outcome, minlength=keys.n_keys * 3)
    per_place = per_key.reshape(keys.n_places, n_k, n_b, 3).sum(axis=2).astype(np.float64)
    home, abroad = per_place[:n_c], per_place[n_c:]  # [c, k, outcome], [n, k, outcome]
    dest, origin = corridors.to_destination, corridors.to_origin
    moving = outcome == 2
    moved, moved_key = rows[moving], key[moving]
    place, rest = np.divmod(moved_key, n_k * n_b)  # rest = k * n_b + b
    out = place < n_c
    emigrants, returners = moved[out], moved[~out]
    k = rest[out] // n_b
    chosen = _corridor_choice(place[out], k, r, corridors, order, rng.random(len(emigrants)))
    arrived = np.bincount(chosen * n_k + k, minlength=len(corridors) * n_k).reshape(-1, n_k)
    pool.key[emigrants] = (n_c + chosen) * (n_k * n_b) + rest[out]
    back_home = corridors.origin[place[~out] - n_c]
    pool.key[returners] = back_home * (n_k * n_b) + rest[~out]
    pool.remove(rows[~moving])  # sorted: ``rows`` are
    return {
        "retirement": home[:, :, 0] + dest(abroad[:, :, 0]),
        "attrition": home[:, :, 1] + dest(abroad[:, :, 1]),
        "emigration": home[:, :, 2] + dest(abroad[:, :, 2]),
        "immigration": dest(arrived.astype(np.float64)),
        "returns": origin(abroad[:, :, 2]),
        "emigrants": home[:, :, 2],
        "home_exits": home.sum(axis=2),
        "abroad_exits": dest(abroad.sum(axis=2)),
        "abroad_exits_by_origin": origin(abroad.sum(axis=2)),
    }


def _corridor_choice(
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


def _enter(pool: _Pool, graduates: FloatArray, year: int, keys: _Keys) -> None:
    """Append the graduates ``[c, k, a, s]``; they are at age ``a`` next year."""
    counts = graduates.astype(np.intp).reshape(-1)
    n = int(counts.sum())
    if n == 0:
        return
    c, k, a, s = np.indices(graduates.shape, dtype=np.intp).reshape(4, -1)
    birth = year + 1 - AGE_MIN - a  # at age a next year
    cell_key = (c * keys.n_cadres + k) * keys.n_births + birth - keys.birth_min
    pool.reserve(n)
    rows = slice(pool.size, pool.size + n)
    pool.key[rows] = np.repeat(cell_key, counts)
    pool.sex[rows] = np.repeat(s.astype(np.int8), counts)
    pool.graduated[rows] = year
    pool.size += n


def run_agent_replicates(
    state: State,
    rates: Rates,
    corridors: Corridors,
    until: int,
    seeds: Sequence[np.random.SeedSequence],
    on_step: Callable[[int], None] | None = None,
) -> Replicates:
    """Run one agent replicate per seed from the cell stocks; stack them like the cells'.

    Replicate ``r`` expands the stocks into workers and steps them with
    ``default_rng(seeds[r])`` only, so it does not depend on the other replicates.
    """
    paths, finals = [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        workers = workers_from_state(state, corridors, rng)
        path = simulate_agents(workers, rates, corridors, state.year, until, rng, on_step)
        finals.append(path.final_stocks())  # the population itself is not kept
        paths.append((path.supply, path.foreign_trained, path.abroad, path.flows))
    return Replicates(
        np.stack([p[0] for p in paths]),
        np.stack([p[1] for p in paths]),
        np.stack([p[2] for p in paths]),
        {f: np.stack([p[3][f] for p in paths]) for f in FLOWS},
        State(
            until + 1,
            np.stack([f.home for f in finals]),
            np.stack([f.abroad for f in finals]),
        ),
    )
