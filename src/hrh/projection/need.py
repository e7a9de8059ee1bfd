"""Need (demand) per country, cadre and year, chosen per scenario.

- ``sdg_threshold``: 44.5 doctors, nurses and midwives per 10,000 population (WHO 2016),
  split between cadres by the country's base-year mix (or the default mix when a cadre is
  missing), × the projected population (UN WPP median variant);
- ``target_density``: a density per 10,000 for each cadre × the projected population;
- ``utilisation``: the SDG threshold's need in the base year, growing with the
  population weighted by age-specific utilisation, ``U(c, t) = Σ_a w(a) × pop(c, a, t)``
  (UN WPP by five-year age group; weights from ``hrh/params/data/utilisation.yaml``):
  ``need(c, k, t) = sdg_need(c, k, base) × U(c, t) / U(c, base)``.

>>> import numpy as np
>>> shares = np.array([[0.25, 0.75]])
>>> need = sdg_need(44.5, shares, np.array([[1_000_000.0, 2_000_000.0]]))
>>> need[0, :, 0].tolist(), float(need[0, 1, 1])
([1112.5, 3337.5], 6675.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from hrh.domain.codes import DNM_CADRES
from hrh.params.projection import ParameterSet
from hrh.params.utilisation import load_utilisation_weights
from hrh.projection.model import FloatArray
from hrh.projection.params import DEFAULT, Assumption, AssumptionLog

METHODS = ("sdg_threshold", "target_density", "utilisation")


@dataclass(frozen=True)
class NeedSpec:
    """How a scenario measures need.

    Attributes:
        method: ``sdg_threshold`` or ``target_density``.
        per_10k: target density per cadre (``target_density``).
        threshold_per_10k: the DNM threshold (``sdg_threshold``; None: the parameter).
    """

    method: str = "sdg_threshold"
    per_10k: Mapping[str, float] = field(default_factory=dict)
    threshold_per_10k: float | None = None


@dataclass(frozen=True)
class PopulationByAge:
    """Population by age band ``[c, band, year]`` (NaN: unknown) for the country axis.

    ``bands`` are ``(low, high)`` ages, ``high`` None for the open-ended last band.
    """

    bands: tuple[tuple[int, int | None], ...]
    first_year: int
    values: FloatArray
    sources: tuple[str, ...] = ()

    def at(self, year: int) -> FloatArray:
        """Return ``[c, band]`` in ``year`` (NaN outside the stored years)."""
        i = year - self.first_year
        if not 0 <= i < self.values.shape[2]:
            return np.full(self.values.shape[:2], np.nan)
        return np.asarray(self.values[:, :, i], dtype=np.float64)


def utilisation_index(weights: FloatArray, by_age: PopulationByAge, years: range) -> FloatArray:
    """Return ``U[c, year] = Σ_band weights[c, band] × population[c, band, year]``.

    NaN where a band's population is unknown.

    >>> pop = PopulationByAge(((0, 14), (15, None)), 2025, np.array([[[10.0], [20.0]]]))
    >>> utilisation_index(np.array([[2.0, 1.0]]), pop, range(2025, 2026)).tolist()
    [[40.0]]
    """
    return np.stack([(weights * by_age.at(y)).sum(axis=1) for y in years], axis=1)


def utilisation_need(base_need: FloatArray, index: FloatArray) -> FloatArray:
    """Return need ``[c, k, year]`` = base-year need ``[c, k]`` × ``U(t) / U(base)``.

    >>> utilisation_need(np.array([[100.0, 300.0]]), np.array([[50.0, 60.0]])).tolist()
    [[[100.0, 120.0], [300.0, 360.0]]]
    """
    base = index[:, :1]
    growth = np.divide(index, base, out=np.full_like(index, np.nan), where=base > 0)
    return base_need[:, :, None] * growth[:, None, :]


def sdg_need(threshold: float, shares: FloatArray, population: FloatArray) -> FloatArray:
    """Return need ``[c, k, year]`` = threshold / 10,000 × population ``[c, y]`` × share."""
    return threshold / 10_000 * shares[:, :, None] * population[:, None, :]


def cadre_shares(
    headcount: FloatArray, cadres: tuple[str, ...], default: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return each country's DNM mix ``[c, k]`` and which countries used the default mix."""
    dnm = np.array([c in DNM_CADRES for c in cadres])
    known = (headcount > 0) | ~dnm[None]
    complete = known.all(axis=1)
    total = (headcount * dnm[None]).sum(axis=1, keepdims=True)
    own = np.divide(headcount, total, out=np.zeros_like(headcount), where=total > 0) * dnm[None]
    use_default = ~complete | (total[:, 0] <= 0)
    return np.where(use_default[:, None], default[None], own), use_default


def compute_need(
    spec: NeedSpec,
    params: ParameterSet,
    headcount: FloatArray,
    cadres: tuple[str, ...],
    iso3: tuple[str, ...],
    population: FloatArray,
    year: int,
    log: AssumptionLog,
    *,
    by_age: PopulationByAge | None = None,
    years: tuple[int, int] | None = None,
) -> FloatArray:
    """Return need ``[c, k, year]`` for ``population[c, year]`` (NaN where not defined).

    ``utilisation`` needs ``by_age`` and ``years`` (first and last projected year; the first
    is the base year).
    """
    if spec.method == "utilisation":
        if by_age is None or years is None:
            raise ValueError("utilisation need requires the population by age and the years")
        sdg = compute_need(
            NeedSpec("sdg_threshold", threshold_per_10k=spec.threshold_per_10k),
            params,
            headcount,
            cadres,
            iso3,
            population[:, :1],
            year,
            log,
        )
        weights = _weights(by_age, iso3, years[0], log)
        index = utilisation_index(weights, by_age, range(years[0], years[1] + 1))
        return utilisation_need(sdg[:, :, 0], index)
    if spec.method == "target_density":
        density = np.array([spec.per_10k.get(k, np.nan) for k in cadres])
        return density[None, :, None] / 10_000 * population[:, None, :]
    found = params.require("need.sdg_threshold_per_10k", (DEFAULT,), "*", year)
    if spec.threshold_per_10k is None:
        log.use(params["need.sdg_threshold_per_10k"], found, "*", "*")
    threshold = found.value if spec.threshold_per_10k is None else spec.threshold_per_10k
    default = np.zeros(len(cadres))
    for k, cadre in enumerate(cadres):
        if cadre in DNM_CADRES:
            default[k] = params.require("need.cadre_shares", (DEFAULT,), cadre, year).value
    shares, used = cadre_shares(headcount, cadres, default)
    for c in np.nonzero(used)[0]:
        for cadre in cadres:
            if cadre in DNM_CADRES:
                found = params.require("need.cadre_shares", (DEFAULT,), cadre, year)
                log.use(params["need.cadre_shares"], found, cadre, iso3[c])
    return sdg_need(float(threshold), shares, population)


def _weights(
    by_age: PopulationByAge, iso3: tuple[str, ...], year: int, log: AssumptionLog
) -> FloatArray:
    """Return each country's utilisation weight per population band ``[c, band]``."""
    table = load_utilisation_weights()
    out = np.empty((len(iso3), len(by_age.bands)))
    defaults = []
    for c, code in enumerate(iso3):
        profile = table.profile_at(code, year)
        if table.key_at(code, year) == "default":
            defaults.append(code)
        for b, (lo, hi) in enumerate(by_age.bands):
            out[c, b] = profile.weight_of(lo, hi)
    if defaults:
        shape = table.profile_at(defaults[0], year)
        value = ", ".join(
            f"{lo}{'+' if hi is None else f'-{hi}'}: {w:g}" for lo, hi, w in shape.groups
        )
        log.add(
            Assumption(
                "need.utilisation_weights",
                "all cadres, default for every country",
                f"{value} ({table.unit})",
                tuple(sorted(defaults)),
                table.reference,
                table.comment,
            )
        )
    return out
