"""Levers: dated policy changes applied to a copy of the rates.

Each lever applies from 1 January of its year to the countries its selector picks (and to
some cadres): ``training_intake`` (intake × (1 + change_pct/100), or an absolute ``intake``
of trainees a year per country), ``retention`` (emigration × factor), ``return_incentive``
(return rate of workers trained there × factor), ``retirement_age``, ``attrition_reduction``
(attrition × (1 − reduction_pct/100)) and ``ethical_recruitment`` (corridor shares from
``origins`` into the selected destinations × (1 − compliance): fewer workers leave the
origins and fewer arrive in the destinations). ``bonding`` and ``new_cadre`` change the
cadre axis: see :mod:`hrh.projection.cadres`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hrh.domain.records import Country
from hrh.errors import Invalid
from hrh.projection.model import Corridors
from hrh.projection.params import Rates

#: lever → (value key, lower bound, upper bound)
LEVERS: dict[str, tuple[str, float, float]] = {
    "training_intake": ("change_pct", -100.0, 1000.0),
    "retention": ("factor", 0.0, 10.0),
    "return_incentive": ("factor", 0.0, 100.0),
    "retirement_age": ("age", 50.0, 75.0),
    "attrition_reduction": ("reduction_pct", 0.0, 100.0),
    "ethical_recruitment": ("compliance", 0.0, 1.0),
    "bonding": ("years", 1.0, 15.0),
    "new_cadre": ("intake", 0.0, 10_000_000.0),
}
#: lever → a second value key, used instead of the first: (key, lower bound, upper bound)
ALTERNATIVE_VALUES: dict[str, tuple[str, float, float]] = {
    "training_intake": ("intake", 0.0, 10_000_000.0),
}
#: lever → optional numeric keys: key → (lower bound, upper bound, default)
OPTIONS: dict[str, dict[str, tuple[float, float, float]]] = {
    "bonding": {"buyout_share": (0.0, 1.0, 0.0)},
    "new_cadre": {
        "attrition_rate": (0.0, 1.0, 0.08),
        "emigration_rate": (0.0, 1.0, 0.0),
        "retirement_age": (50.0, 75.0, 60.0),
        "completion_share": (0.0, 1.0, 0.9),
        "duration_years": (0.0, 10.0, 1.0),
        "female_share": (0.0, 1.0, 0.7),
    },
}
#: levers whose value must be a whole number
WHOLE: dict[str, frozenset[str]] = {
    "bonding": frozenset({"years"}),
    "new_cadre": frozenset({"duration_years"}),
}


@dataclass(frozen=True)
class World:
    """What selectors look at: the country axis, safeguards lists and OECD membership."""

    countries: tuple[Country, ...]
    ssl: Mapping[str, frozenset[str]]
    oecd: frozenset[str]


@dataclass(frozen=True)
class Selector:
    """A set of countries: the intersection of the given criteria (``all`` when none)."""

    iso3: tuple[str, ...] | None = None
    who_region: tuple[str, ...] | None = None
    wb_region: tuple[str, ...] | None = None
    income: tuple[str, ...] | None = None
    ssl: str | None = None
    oecd: bool | None = None

    def mask(self, world: World) -> NDArray[np.bool_]:
        """Return which countries of the world's axis are selected."""
        return np.array([self._selects(c, world) for c in world.countries], dtype=bool)

    def _selects(self, c: Country, world: World) -> bool:
        checks = (
            self.iso3 is None or c.iso3 in self.iso3,
            self.who_region is None or c.who_region in self.who_region,
            self.wb_region is None or c.wb_region in self.wb_region,
            self.income is None or c.wb_income in self.income,
            self.ssl is None or c.iso3 in world.ssl[self.ssl],
            self.oecd is None or (c.iso3 in world.oecd) == self.oecd,
        )
        return all(checks)


@dataclass(frozen=True)
class Lever:
    """One dated policy change (see the module docstring); ``where`` is the file and key."""

    kind: str
    start: int
    value: float
    countries: Selector
    cadres: tuple[str, ...] | None = None
    origins: Selector | None = None
    where: str = ""
    key: str = ""
    options: tuple[tuple[str, float], ...] = ()
    cadre: str = ""

    def option(self, name: str) -> float:
        """Return an optional value (its default when the file does not give it)."""
        given = dict(self.options)
        return given[name] if name in given else OPTIONS[self.kind][name][2]


def apply_levers(
    rates: Rates,
    levers: tuple[Lever, ...],
    world: World,
    corridors: Corridors,
    cadres: tuple[str, ...],
) -> Rates:
    """Return new rates with the levers applied in order (``rates`` is not changed)."""
    new = rates.copy()
    for lever in levers:
        ks = np.array([lever.cadres is None or k in lever.cadres for k in cadres])
        selected = _mask(lever.countries, world, lever.where)
        t0 = max(0, lever.start - new.first_year)
        if lever.kind == "training_intake":
            ti = max(0, lever.start - new.intake_first_year)
            if lever.key == "intake":  # absolute: trainees a year in each selected country
                new.intake[ti:, selected[:, None] & ks[None]] = lever.value
            else:
                new.intake[ti:, selected[:, None] & ks[None]] *= 1 + lever.value / 100
        elif lever.kind == "retention":
            new.emigration_rate[t0:, selected[:, None] & ks[None]] *= lever.value
        elif lever.kind == "attrition_reduction":
            new.attrition_rate[t0:, selected[:, None] & ks[None]] *= 1 - lever.value / 100
        elif lever.kind == "retirement_age":
            new.retirement_age[t0:, selected[:, None] & ks[None]] = lever.value
        elif lever.kind == "return_incentive":
            on = selected[corridors.origin]
            new.return_rate[t0:, on[:, None] & ks[None]] *= lever.value
        elif lever.kind == "ethical_recruitment":
            assert lever.origins is not None
            origins = _mask(lever.origins, world, lever.where)
            on = selected[corridors.destination] & origins[corridors.origin]
            new.corridor_share[t0:, on[:, None] & ks[None]] *= 1 - lever.value
    return new.frozen()


def _mask(selector: Selector, world: World, where: str) -> NDArray[np.bool_]:
    if selector.ssl is not None and selector.ssl not in world.ssl:
        raise Invalid(
            f"{where}: the safeguards list {selector.ssl} is not stored.",
            hint="Load it with `hrh load reference` or use ssl: '2023'.",
        )
    return selector.mask(world)
