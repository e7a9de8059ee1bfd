"""The state of the linked projection and the inputs it starts from.

State at the start of a year:

- ``home[c, k, a, s]``: workers trained in country ``c`` working there (cadre ``k``,
  single-year age ``a`` = 20…74, sex ``s`` = F, M);
- ``abroad[n, k, a, s]``: workers trained in ``origin[n]`` working in ``destination[n]``, for
  the non-zero corridors ``n`` only (a sparse corridor index).

The supply of a country is its home-trained workers at home plus the foreign-trained
workers on corridors into it.

>>> import numpy as np
>>> corr = Corridors(np.array([0]), np.array([1]), 2)
>>> s = State(2025, np.ones((2, 1, N_AGES, 2)), np.ones((1, 1, N_AGES, 2)))
>>> s.supply(corr)[:, 0].tolist()
[110.0, 220.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hrh.domain.records import Country

AGE_MIN, AGE_MAX = 20, 74
AGES = np.arange(AGE_MIN, AGE_MAX + 1)
N_AGES = len(AGES)
SEXES: tuple[str, str] = ("F", "M")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class Corridors:
    """The non-zero corridors as (origin, destination) indices into the country axis.

    Corridor arrays ``[n, ...]`` are summed by destination or origin with ``np.bincount``
    (one pass, no Python loop over corridors).
    """

    origin: IntArray
    destination: IntArray
    n_countries: int
    _index: dict[tuple[str, int], IntArray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.origin)

    def to_destination(self, values: FloatArray, axis: int = 0) -> FloatArray:
        """Sum ``values[n, ...]`` by destination country → ``[c, ...]``.

        ``axis`` is the corridor axis (1 for arrays with a leading replicate axis).
        """
        return self._along("destination", values, axis)

    def to_origin(self, values: FloatArray, axis: int = 0) -> FloatArray:
        """Sum ``values[n, ...]`` by origin country → ``[c, ...]`` (``axis``: the corridor axis)."""
        return self._along("origin", values, axis)

    def _along(self, side: str, values: FloatArray, axis: int) -> FloatArray:
        if axis == 0:
            return self._sum(side, values)
        moved = self._sum(side, np.moveaxis(values, axis, 0))
        return np.moveaxis(moved, 0, axis)

    def _sum(self, side: str, values: FloatArray) -> FloatArray:
        tail = values.shape[1:]
        m = int(np.prod(tail, dtype=np.intp))
        key = (side, m)
        idx = self._index.get(key)
        if idx is None:
            country = self.destination if side == "destination" else self.origin
            idx = (np.repeat(country * m, m) + np.tile(np.arange(m), len(country))).astype(np.intp)
            self._index[key] = idx
        out = np.bincount(idx, weights=values.reshape(-1), minlength=self.n_countries * m)
        return np.asarray(out.reshape((self.n_countries, *tail)), dtype=np.float64)


@dataclass(frozen=True)
class State:
    """Stocks at the start of ``year``: ``home[c,k,a,s]`` and ``abroad[n,k,a,s]``."""

    year: int
    home: FloatArray
    abroad: FloatArray

    def supply(self, corridors: Corridors) -> FloatArray:
        """Return workers working in each country, ``[c, k]`` (home-trained + foreign-trained)."""
        home: FloatArray = self.home.sum(axis=(2, 3))
        return home + self.foreign_trained(corridors)

    def foreign_trained(self, corridors: Corridors) -> FloatArray:
        """Return foreign-trained workers working in each country, ``[c, k]``."""
        return corridors.to_destination(self.abroad.sum(axis=(2, 3)))

    def trained_abroad(self, corridors: Corridors) -> FloatArray:
        """Return each country's trained workers working abroad, ``[c, k]``."""
        return corridors.to_origin(self.abroad.sum(axis=(2, 3)))


@dataclass(frozen=True)
class Inputs:
    """What the projection starts from, read from stored data by the services layer.

    Attributes:
        countries: the country axis (requested countries, their partners on the corridors).
        cadres: the cadre axis.
        headcount: latest headcount per ``[c, k]`` within the look-back window (NaN: none).
        headcount_year: the year of each headcount (0: none).
        corridors: non-zero corridors (origin, destination).
        abroad: stock abroad per ``[n, k]`` by country of training (NaN: no data for the cadre).
        abroad_year: the year of each stock abroad (0: none).
        population: total population ``[c, year - population_first_year]`` (NaN: none).
        population_first_year: the first year of ``population``.
        ssl: safeguards list edition → member ISO3 codes.
        reported: which countries the result reports, ``[c]``.
        sources: labels of the stored sources used.
    """

    countries: tuple[Country, ...]
    cadres: tuple[str, ...]
    headcount: FloatArray
    headcount_year: IntArray
    corridors: Corridors
    abroad: FloatArray
    abroad_year: IntArray
    population: FloatArray
    population_first_year: int
    ssl: Mapping[str, frozenset[str]]
    reported: NDArray[np.bool_]
    sources: tuple[str, ...] = ()

    @property
    def iso3(self) -> tuple[str, ...]:
        """Return the ISO3 codes of the country axis."""
        return tuple(c.iso3 for c in self.countries)

    def population_at(self, year: int) -> FloatArray:
        """Return the population of every country in ``year`` (NaN where unknown)."""
        i = year - self.population_first_year
        if i < 0 or i >= self.population.shape[1]:
            return np.full(len(self.countries), np.nan)
        return np.asarray(self.population[:, i], dtype=np.float64)
