"""Need (demand) per country, cadre and year, chosen per scenario.

- ``sdg_threshold``: 44.5 doctors, nurses and midwives per 10,000 population (WHO 2016),
  split between cadres by the country's base-year mix (or the default mix when a cadre is
  missing), × the projected population (UN WPP median variant);
- ``target_density``: a density per 10,000 for each cadre × the projected population.

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
from hrh.projection.model import FloatArray
from hrh.projection.params import DEFAULT, AssumptionLog

METHODS = ("sdg_threshold", "target_density")


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
) -> FloatArray:
    """Return need ``[c, k, year]`` for ``population[c, year]`` (NaN where not defined)."""
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
