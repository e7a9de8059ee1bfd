"""A registry of individual workers as the agent population of its countries of training.

The registry (read by :mod:`hrh.ingest.worker_registry`, handed over by the services layer
as a :class:`Registry`: columns, no identifiers) replaces the stored stocks of its
countries of training: their home stocks and their stocks abroad on every corridor.
A worker whose workplace is another country works abroad on the corridor (country of
training → workplace); a workplace without a stored corridor is an error (the model has
no rates for it). Registry cadres map to the model's cadres by ISCO-08 code
(``nursing_professionals`` 2221 counts as ``nursing_midwifery`` 222); workers outside ages
20–74 in the base year are left out (not yet, or no longer, in the workforce; the result's
assumptions say how many).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hrh.domain.codes import CADRES_BY_ID
from hrh.errors import Invalid
from hrh.projection.agents.population import HOME, Workers
from hrh.projection.model import AGE_MAX, AGE_MIN, Corridors, State
from hrh.projection.params import Assumption


@dataclass(frozen=True)
class Registry:
    """Workers of a registry as columns (see :class:`hrh.ingest.worker_registry.WorkerRegistry`).

    ``countries`` and ``cadres`` are the codes met (ISO3, cadre ids); ``origin``,
    ``workplace`` and ``cadre`` index into them; ``born`` is the year of birth, or with
    ``by_age`` the age in the base year; ``sex`` 0 female, 1 male; ``graduated`` the year
    of graduation (0: not given). ``label`` names the file (and its digest) for the notes.
    """

    label: str
    countries: tuple[str, ...]
    cadres: tuple[str, ...]
    origin: NDArray[np.int16]
    workplace: NDArray[np.int16]
    cadre: NDArray[np.int8]
    born: NDArray[np.int16]
    by_age: bool
    sex: NDArray[np.int8]
    graduated: NDArray[np.int16]

    def training_countries(self) -> tuple[str, ...]:
        """Return the ISO3 codes of the countries of training, sorted."""
        return tuple(sorted({self.countries[i] for i in np.unique(self.origin)}))


@dataclass(frozen=True)
class Placed:
    """A registry on the model's axes: its workers, the countries it replaces, the left out."""

    workers: Workers
    replaced: tuple[int, ...]  #: country indices (countries of training)
    left_out: int

    def stocks(self, state: State, corridors: Corridors) -> State:
        """Return ``state`` with the replaced countries' stocks set to the registry's counts."""
        rest = self.without(state, corridors)
        counted = self.workers.stocks(corridors, state.home.shape[1])
        return State(state.year, rest.home + counted.home, rest.abroad + counted.abroad)

    def without(self, state: State, corridors: Corridors) -> State:
        """Return ``state`` without the replaced countries' stocks (home and abroad)."""
        home, abroad = state.home.copy(), state.abroad.copy()
        replaced = np.array(self.replaced, dtype=np.intp)
        home[replaced] = 0.0
        abroad[np.isin(corridors.origin, replaced)] = 0.0
        return State(state.year, home, abroad)

    def assumption(self, registry: Registry, iso3: tuple[str, ...]) -> Assumption:
        """Say in the result's assumptions what the registry replaced (no personal data)."""
        countries = tuple(sorted(iso3[c] for c in self.replaced))
        note = f"{self.left_out:,} outside ages 20-74 in the base year left out. "
        return Assumption(
            "base.stock",
            "registry of individual workers",
            f"{len(self.workers):,} workers from {registry.label} replace the stored stocks "
            "(at home and abroad) of their countries of training",
            countries,
            note=note + "Agent mode: every replicate starts from these workers.",
        )


def place_registry(
    registry: Registry,
    iso3: tuple[str, ...],
    cadres: tuple[str, ...],
    corridors: Corridors,
    year: int,
) -> Placed:
    """Put a registry's workers on the run's country, corridor and cadre axes in ``year``.

    Raises:
        Invalid: a country not on the run's axis, a workplace abroad without a stored
            corridor, or a cadre the model does not project.
    """
    country_at = {c: i for i, c in enumerate(iso3)}
    missing = sorted(set(registry.training_countries()) - set(country_at))
    if missing:
        raise Invalid(
            f"Worker registry: {', '.join(missing)} not among the run's countries.",
            hint="Run the projection for the registry's countries of training (-c).",
        )
    to_axis = np.array([country_at.get(c, -1) for c in registry.countries], dtype=np.intp)
    origin, place = to_axis[registry.origin], to_axis[registry.workplace]
    cadre = np.array([_model_cadre(c, cadres) for c in registry.cadres], dtype=np.intp)
    age = registry.born.astype(np.intp) if registry.by_age else year - registry.born
    inside = (age >= AGE_MIN) & (age <= AGE_MAX)
    corridor = _corridors(origin, place, corridors)
    unknown = corridor == _UNKNOWN
    if unknown.any():
        codes = registry.countries
        pairs = Counter(
            f"{codes[o]}→{codes[d]}"
            for o, d in zip(registry.origin[unknown], registry.workplace[unknown], strict=True)
        )
        listed = ", ".join(f"{pair} ({n:,})" for pair, n in sorted(pairs.items()))
        raise Invalid(
            f"Worker registry: workers abroad where no corridor is stored: {listed}.",
            hint="Load stocks abroad for these corridors (e.g. OECD DIOC) or correct the "
            "workplace column.",
        )
    keep = np.flatnonzero(inside)
    workers = Workers(
        origin[keep].astype(np.int16),
        cadre[registry.cadre[keep]].astype(np.int8),
        age[keep].astype(np.int8),
        registry.sex[keep].astype(np.int8),
        corridor[keep].astype(np.int16),
        registry.graduated[keep].astype(np.int16),
    )
    replaced = tuple(sorted({int(c) for c in np.unique(origin)}))
    return Placed(workers, replaced, int(len(age) - len(keep)))


def _model_cadre(cadre: str, cadres: tuple[str, ...]) -> int:
    """Return the model cadre that covers ``cadre`` (itself, or by ISCO-08 code prefix)."""
    if cadre in cadres:
        return cadres.index(cadre)
    codes = CADRES_BY_ID[cadre].isco
    for k, name in enumerate(cadres):
        covering = CADRES_BY_ID[name].isco if name in CADRES_BY_ID else ()
        if all(any(c.startswith(p) for p in covering) for c in codes):
            return k
    raise Invalid(
        f"Worker registry: cadre {cadre} is not projected.",
        hint="The model projects " + ", ".join(cadres) + " (and the cadres they contain).",
    )


_UNKNOWN = -2  #: the corridor of a workplace abroad that has none


def _corridors(
    origin: NDArray[np.intp], place: NDArray[np.intp], corridors: Corridors
) -> NDArray[np.intp]:
    """Return each worker's corridor: :data:`HOME` at home, :data:`_UNKNOWN` if none.

    ``place`` is -1 for a workplace off the run's country axis.
    """
    n_c = corridors.n_countries
    lookup = np.full(n_c * n_c, _UNKNOWN, dtype=np.intp)
    lookup[corridors.origin * n_c + corridors.destination] = np.arange(len(corridors))
    lookup[np.arange(n_c) * (n_c + 1)] = HOME
    corridor = np.where(place >= 0, lookup[origin * n_c + np.maximum(place, 0)], _UNKNOWN)
    return np.asarray(corridor, dtype=np.intp)
