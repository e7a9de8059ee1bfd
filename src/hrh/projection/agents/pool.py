"""The population during a run, packed by key; the per-key thresholds; the yearly draw.

A worker's key (birth year, place, kind) holds everything the transitions read: the birth
year (ages need no update), where the worker works (a country, or after the countries a
corridor), the cadre and the sex. A move changes one number, an exit moves two (the key and
the year of graduation). The year's probabilities are laid out by key as integer
thresholds on 39 bits (:class:`Tables`), and each worker's uniform is drawn lazily, a first
byte for everyone and more bits only where the byte does not decide (:meth:`Pool.leavers`).

The birth year comes first in the key so that "born before year b" is "key below a bound":
the older workers (where retirement makes leaving likely) are told from the others by one
comparison, and the others, whose probabilities of leaving are all small, by one comparison
of their first byte with the largest of them (:meth:`Tables.split`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hrh.projection.agents.population import HOME, Index, Workers
from hrh.projection.model import AGE_MAX, AGE_MIN, N_AGES, Corridors, State
from hrh.projection.stockflow import YearRates

CHUNK = 1 << 17  #: rows per chunk of the yearly draw (its temporaries stay in cache)
LOW = 31  #: bits of ``U`` drawn for the workers who may leave, after the first 8
SCALE = 1 << (8 + LOW)  #: ``U = (first · 2³¹ + rest) / 2³⁹``
Bits = NDArray[np.uint64]
Counts = NDArray[np.int64]


@dataclass(frozen=True)
class Tables:
    """Per key of one year, ``round(p · 2³⁹)`` for p = leave, retire, retire or attrition.

    ``U < p`` is ``bits < round(p · 2³⁹)`` for the 39 bits of ``U``: outcome probabilities
    are exact to 2⁻⁴⁰ (0 and 1 exactly), and the rounding keeps the thresholds ordered.
    """

    leave: Bits
    retire: Bits
    attrition: Bits

    def split(self, per_key: Counts, block: int) -> tuple[int, int]:
        """Return ``(cut, first)``: every key ≥ ``cut`` has ``leave < (first + 1) · 2³¹``.

        So a worker whose key is at least the cut and whose first 8 bits are above ``first``
        stays. Keys come in blocks of ``block`` per birth year; the cut is at a block edge,
        chosen to make few workers candidates (those below the cut, and those at or above
        it whose first bits are at most ``first``), by the counts ``per_key`` (any counts
        give exact draws: they only steer the choice).
        """
        by_birth = self.leave.reshape(-1, block).max(axis=1) >> np.uint64(LOW)
        first = np.maximum.accumulate(by_birth[::-1])[::-1]  # max over births ≥ b
        older = np.concatenate([[0], np.cumsum(per_key.reshape(-1, block).sum(axis=1))])
        cost = older[:-1] / max(int(older[-1]), 1) + (first + 1) / 256
        b = int(np.argmin(cost))
        return b * block, int(first[b])


class Keys:
    """Keys of the look-up tables: ``(birth year, place, kind)``, the birth year first.

    A place is a country (working at home) or, after the countries, a corridor; a kind is
    a cadre and a sex (``2 · cadre + sex``).
    """

    def __init__(self, n_countries: int, n_corridors: int, n_cadres: int, first: int, last: int):
        self.n_places = n_countries + n_corridors
        self.n_countries = n_countries
        self.n_cadres = n_cadres
        self.n_kinds = 2 * n_cadres
        self.birth_min = first - AGE_MAX
        self.n_births = (last + 1 - AGE_MIN) - self.birth_min + 1
        self.block = self.n_places * self.n_kinds  #: keys per birth year
        self.n_keys = self.block * self.n_births
        #: the smallest integer type for keys (less memory to read each year)
        self.dtype = np.dtype(np.uint16 if self.n_keys <= 1 << 16 else np.int64)

    def of(self, w: Workers, year: int) -> Index:
        """Return the keys of workers ``w`` in ``year``."""
        key = w.age.astype(np.intp)
        np.subtract(year - self.birth_min, key, out=key)
        key *= self.n_places
        home = w.corridor == HOME
        key += np.where(home, w.origin, w.corridor + self.n_countries)
        key *= self.n_kinds
        key += w.cadre * 2
        key += w.sex
        return key

    def make(self, birth: Index, place: Index, kind: Index) -> Index:
        """Return the keys of ``birth`` (index from :attr:`birth_min`), place and kind."""
        return (birth * self.n_places + place) * self.n_kinds + kind

    def parts(self, key: NDArray[np.integer]) -> tuple[Index, Index, Index]:
        """Return the birth (index from :attr:`birth_min`), place and kind of ``key``."""
        birth, rest = np.divmod(key.astype(np.intp), self.block)
        place, kind = np.divmod(rest, self.n_kinds)
        return birth, place, kind

    def per_place(self, per_key: Counts) -> NDArray[np.float64]:
        """Sum counts per key over birth years and sexes: ``[place, cadre, ...]`` (float)."""
        shaped = per_key.reshape(self.n_births, self.n_places, self.n_cadres, 2, -1)
        return np.asarray(shaped.sum(axis=(0, 3)), dtype=np.float64)

    def tables(self, r: YearRates, year: int) -> Tables:
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
        out = np.take(by_age, np.clip(age, 0, N_AGES - 1), axis=3) * valid  # [3, p, k, b]
        out = np.moveaxis(out, 3, 1)[..., None]  # [3, birth, place, k, 1]: same for both sexes
        bits = np.rint(np.clip(out, 0.0, 1.0) * SCALE).astype(np.uint64)
        flat = np.broadcast_to(bits, (*bits.shape[:-1], 2)).reshape(3, -1)
        return Tables(flat[0], flat[1], flat[2])


class Pool:
    """The population during a run, packed: ``key`` (birth year, place, kind), graduation.

    Arrays have spare capacity for the graduates. ``per_key`` counts the workers per key
    (kept up to date by the transitions).
    """

    def __init__(self, w: Workers, year: int, capacity: int, keys: Keys) -> None:
        n = len(w)
        self.size = n
        cap = max(capacity, n)
        self.key: NDArray[np.integer] = np.zeros(cap, dtype=keys.dtype)
        for i in range(0, n, CHUNK):  # in chunks: the temporaries stay in cache
            j = min(i + CHUNK, n)
            self.key[i:j] = keys.of(w[i:j], year)
        self.graduated = _grown(w.graduated, cap)
        self.per_key: Counts = np.bincount(self.key[:n], minlength=keys.n_keys)
        self.block = keys.block
        self._buffers = (np.empty(CHUNK, dtype=bool), np.empty(CHUNK, dtype=bool))

    def fields(self) -> tuple[str, ...]:
        """Return the names of the per-row arrays."""
        return ("key", "graduated")

    def leavers(self, tab: Tables, rng: np.random.Generator) -> tuple[Index, Bits, Index]:
        """Draw a uniform ``U`` per worker; return who leaves (``U < leave[key]``).

        Returns the rows (sorted), the 39 bits of their ``U`` and their keys. ``U``'s bits
        are drawn lazily, as needed, which leaves its distribution exactly uniform: first
        8 bits for every worker (one byte of the generator's 64-bit outputs), then 31 more
        for the workers whose first byte does not already tell that they stay (below or at
        the first byte of their threshold). A worker is a candidate when its key is below
        the cut or its first byte at most the bound's (:meth:`Tables.split`); only
        candidates look up their own threshold. A chunk at a time, so that the temporaries
        stay in cache. The stream is ``rng``'s bit generator: the chunks in row order, each
        chunk's first bytes, then its candidates' further bits.
        """
        cut, first = tab.split(self.per_key, self.block)
        out_rows, out_bits, out_keys = [], [], []
        n, gen = self.size, rng.bit_generator
        cand, old = self._buffers
        for i in range(0, n, CHUNK):
            m = min(CHUNK, n - i)
            byte = gen.random_raw((m + 7) // 8).view(np.uint8)[:m]
            key = self.key[i : i + m]
            if first < 255:
                np.less_equal(byte, first, out=cand[:m])
                if cut > 0:
                    np.less(key, cut, out=old[:m])
                    cand[:m] |= old[:m]
                rows = np.flatnonzero(cand[:m])
            else:
                rows = np.arange(m)
            k = key[rows].astype(np.intp)
            u = byte[rows].astype(np.uint64) << np.uint64(LOW)
            threshold = np.take(tab.leave, k, mode="clip")
            maybe = np.flatnonzero(u < threshold)  # first byte at most the threshold's
            u = u[maybe]
            u |= gen.random_raw(len(maybe)) >> np.uint64(64 - LOW)
            leave = maybe[u < threshold[maybe]]
            rows = rows[leave]
            rows += i
            out_rows.append(rows)
            out_bits.append(u[u < threshold[maybe]])
            out_keys.append(k[leave])
        if not out_rows:
            return np.zeros(0, np.intp), np.zeros(0, np.uint64), np.zeros(0, np.intp)
        return np.concatenate(out_rows), np.concatenate(out_bits), np.concatenate(out_keys)

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

    def stocks(self, year: int, keys: Keys) -> State:
        """Count the population of ``year`` per cell: ``home[c,k,a,s]``, ``abroad[n,k,a,s]``.

        From the counts per key (no pass over the rows).
        """
        shaped = self.per_key.reshape(keys.n_births, keys.n_places, keys.n_cadres, 2)
        age = year - (keys.birth_min + np.arange(keys.n_births))
        inside = (age >= AGE_MIN) & (age <= AGE_MAX)
        cells = np.zeros((keys.n_places, keys.n_cadres, N_AGES, 2))
        cells[:, :, age[inside] - AGE_MIN] = np.moveaxis(shaped[inside], 0, 2)
        return State(year, cells[: keys.n_countries], cells[keys.n_countries :])

    def workers(self, year: int, keys: Keys, corridors: Corridors) -> Workers:
        """Unpack the population in ``year`` into a :class:`Workers` (a chunk at a time)."""
        n = self.size
        out = Workers(
            np.empty(n, np.int16),
            np.empty(n, np.int8),
            np.empty(n, np.int8),
            np.empty(n, np.int8),
            np.empty(n, np.int16),
            self.graduated[:n].copy(),
        )
        for i in range(0, n, CHUNK):
            j = min(i + CHUNK, n)
            birth, place, kind = keys.parts(self.key[i:j])
            home = place < keys.n_countries
            corridor = np.where(home, HOME, place - keys.n_countries)
            origin = place.copy()
            origin[~home] = corridors.origin[corridor[~home]]
            out.origin[i:j] = origin
            out.cadre[i:j] = kind >> 1
            out.sex[i:j] = kind & 1
            out.age[i:j] = year - keys.birth_min - birth
            out.corridor[i:j] = corridor
        return out


def _grown(a: np.ndarray, cap: int) -> np.ndarray:
    out = np.zeros(cap, dtype=a.dtype)
    out[: len(a)] = a
    return out
