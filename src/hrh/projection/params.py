"""Rates per country × cadre (× year) from the dated parameters and the starting data.

Parameters are read from ``hrh/params/data/projection.yaml`` (national value, else the
income group's default, else ``default``). Every default used is recorded as an
:class:`Assumption`, with the countries it was used for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from hrh.params.projection import GROUP_KEYS, Parameter, ParameterSet, Resolved
from hrh.projection.model import AGES, N_AGES, FloatArray, Inputs, IntArray

DEFAULT = "default"


@dataclass(frozen=True)
class Assumption:
    """A default, a calibration or a modelling choice that a projection relied on."""

    parameter: str
    applies_to: str
    value: str
    countries: tuple[str, ...]
    reference: str = ""
    note: str = ""


@dataclass(frozen=True)
class Rates:
    """Everything :func:`hrh.projection.stockflow.step` needs, for years ``first_year``….

    Paths are ``[year, country, cadre]`` (corridor paths ``[year, corridor, cadre]``); a
    year outside the range takes the nearest year's values. The arrays are read-only:
    scenarios work on copies.
    """

    first_year: int
    attrition_rate: FloatArray
    attrition_profile: FloatArray
    retirement_age: FloatArray
    retirement_share: FloatArray
    emigration_rate: FloatArray
    emigration_profile: FloatArray
    corridor_share: FloatArray
    return_rate: FloatArray
    intake: FloatArray
    intake_first_year: int
    completion: FloatArray
    duration: IntArray
    entry: FloatArray

    @property
    def n_years(self) -> int:
        """Return the number of years the paths cover."""
        return int(self.attrition_rate.shape[0])

    def index(self, year: int) -> int:
        """Return the path index of ``year`` (clamped to the range)."""
        return min(max(year - self.first_year, 0), self.n_years - 1)

    def graduates(self, year: int) -> FloatArray:
        """Return graduates ``[c, k]`` in ``year``: intake ``duration`` years ago × completion."""
        last = self.intake.shape[0] - 1
        yi = np.clip(year - self.duration - self.intake_first_year, 0, last)
        c = np.arange(self.intake.shape[1])[:, None]
        k = np.arange(self.intake.shape[2])[None, :]
        return np.asarray(self.intake[yi, c, k] * self.completion[self.index(year)])

    def arrays(self) -> Iterable[np.ndarray]:
        """Yield every array field."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                yield value

    def copy(self) -> Rates:
        """Return a deep copy whose arrays are writable (for scenarios to change)."""
        arrays: dict[str, Any] = {
            f.name: np.array(getattr(self, f.name))
            for f in fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)
        }
        return replace(self, **arrays)

    def frozen(self) -> Rates:
        """Mark every array read-only and return self."""
        for a in self.arrays():
            a.setflags(write=False)
        return self


def country_keys(iso3: str, income: str) -> tuple[str, ...]:
    """Return the lookup chain of a country: ISO3, income group, default.

    >>> country_keys("GHA", "LMC"), country_keys("VEN", "")
    (('GHA', 'LMC', 'default'), ('VEN', 'default'))
    """
    return (iso3, income, DEFAULT) if income in GROUP_KEYS else (iso3, DEFAULT)


class AssumptionLog:
    """Collects which non-national parameter values were used, for which countries."""

    def __init__(self) -> None:
        self._used: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
        self._params: dict[str, Parameter] = {}
        self.extra: list[Assumption] = []

    def use(self, param: Parameter, found: Resolved, cadre: str, iso3: str) -> None:
        """Record that ``iso3`` used a default (group or ``default``) value."""
        self._params[param.path] = param
        value = _format(found.value)
        key = (param.path, found.key, cadre, value)
        self._used[key].append(iso3)

    def add(self, assumption: Assumption) -> None:
        """Record a modelling assumption."""
        self.extra.append(assumption)

    def assumptions(self) -> list[Assumption]:
        """Return the recorded assumptions, parameters first (sorted), then the others."""
        out = []
        for (path, key, cadre, value), countries in sorted(self._used.items()):
            p = self._params[path]
            who = "every country" if key == DEFAULT else f"income group {key}"
            target = "all cadres" if cadre == "*" else cadre
            out.append(
                Assumption(
                    path,
                    f"{target}, default for {who}",
                    f"{value} ({p.unit})",
                    tuple(sorted({c for c in countries if c != "*"})),
                    p.reference_text,
                    p.comment,
                )
            )
        return out + self.extra


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{_label(k)}: {v:g}" for k, v in value.items())
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _label(key: object) -> str:
    if isinstance(key, tuple):
        return f"{key[0]}-{key[1]}"
    return str(key)


def scalar_path(
    params: ParameterSet, path: str, inputs: Inputs, first: int, last: int, log: AssumptionLog
) -> FloatArray:
    """Return ``[year, country, cadre]`` values of a per-country parameter, years first…last."""
    param = params[path]
    out = np.empty((last - first + 1, len(inputs.countries), len(inputs.cadres)))
    starts = [first, *(y for y in param.change_years() if first < y <= last)]
    for i, y0 in enumerate(starts):
        y1 = starts[i + 1] if i + 1 < len(starts) else last + 1
        block = np.empty((len(inputs.countries), len(inputs.cadres)))
        for c, country in enumerate(inputs.countries):
            keys = country_keys(country.iso3, country.wb_income)
            for k, cadre in enumerate(inputs.cadres):
                found = params.require(path, keys, cadre, y0)
                block[c, k] = found.value
                if found.key != country.iso3 and y0 == first:
                    log.use(param, found, cadre, country.iso3)
        out[y0 - first : y1 - first] = block
    return out


def cadre_profile(
    params: ParameterSet, path: str, cadres: tuple[str, ...], year: int, log: AssumptionLog
) -> FloatArray:
    """Return ``[cadre, age]`` multipliers (piecewise constant from each listed age up)."""
    out = np.ones((len(cadres), N_AGES))
    for k, cadre in enumerate(cadres):
        found = params.require(path, (DEFAULT,), cadre, year)
        for age, value in sorted(found.value.items()):
            out[k, age <= AGES] = value
        log.use(params[path], found, cadre, "*")
    return out


def default_distribution(
    params: ParameterSet, cadres: tuple[str, ...], year: int, log: AssumptionLog
) -> FloatArray:
    """Return the default age × sex distribution ``[k, a, s]`` of a stock (sums to 1)."""
    out = np.zeros((len(cadres), N_AGES, 2))
    for k, cadre in enumerate(cadres):
        bands = params.require("workforce.age_distribution", (DEFAULT,), cadre, year)
        female = params.require("workforce.female_share", (DEFAULT,), cadre, year)
        log.use(params["workforce.age_distribution"], bands, cadre, "*")
        log.use(params["workforce.female_share"], female, cadre, "*")
        by_age = np.zeros(N_AGES)
        for (lo, hi), share in bands.value.items():
            mask = (lo <= AGES) & (hi >= AGES)
            by_age[mask] += share / mask.sum()
        out[k, :, 0] = by_age * female.value
        out[k, :, 1] = by_age * (1 - female.value)
    return out


def entry_distribution(
    params: ParameterSet, cadres: tuple[str, ...], year: int, log: AssumptionLog
) -> FloatArray:
    """Return the graduates' distribution by entry age and sex ``[k, a, s]`` (sums to 1)."""
    out = np.zeros((len(cadres), N_AGES, 2))
    for k, cadre in enumerate(cadres):
        ages = params.require("training.entry_ages", (DEFAULT,), cadre, year)
        female = params.require("training.female_share", (DEFAULT,), cadre, year)
        log.use(params["training.entry_ages"], ages, cadre, "*")
        log.use(params["training.female_share"], female, cadre, "*")
        for age, share in ages.value.items():
            out[k, age - AGES[0], 0] = share * female.value
            out[k, age - AGES[0], 1] = share * (1 - female.value)
    return out
