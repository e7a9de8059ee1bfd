"""A population of workers as a struct of arrays, and its expansion from cell stocks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hrh.projection.model import AGE_MIN, N_AGES, Corridors, State

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

    def __add__(self, other: Workers) -> Workers:
        """Return both populations, ``self``'s workers first."""
        both = zip(self._arrays(), other._arrays(), strict=True)
        return Workers(*(np.concatenate([a, b]) for a, b in both))

    def __getitem__(self, rows: slice) -> Workers:
        """Return the workers of ``rows`` (views)."""
        return Workers(*(a[rows] for a in self._arrays()))

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
