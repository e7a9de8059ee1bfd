"""Projection results: per country × cadre × year supply, need, gap and flows.

``supply`` is the stock at the start of the year; the flows are those of the year, so
``supply(t+1) = supply(t) + graduates + immigration + returns − attrition − retirement −
emigration``. ``foreign_trained`` is the part of ``supply`` trained abroad; ``abroad`` is the
country's trained workers working abroad (on the modelled corridors).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hrh.projection.model import FloatArray
from hrh.projection.params import Assumption

FLOWS = ("graduates", "immigration", "returns", "attrition", "retirement", "emigration")
MEASURES = ("supply", "need", "gap", *FLOWS, "foreign_trained", "abroad")
QUANTILES = (("p05", 0.05), ("p50", 0.5), ("p95", 0.95))
"""Quantiles of supply over the replicates of a stochastic run (name, level)."""


@dataclass(frozen=True)
class ProjectionRow:
    """One country, cadre and year. ``need`` and ``gap`` are None without population data."""

    country: str
    cadre: str
    year: int
    supply: float
    need: float | None
    gap: float | None
    graduates: float
    immigration: float
    returns: float
    attrition: float
    retirement: float
    emigration: float
    foreign_trained: float
    abroad: float


@dataclass(frozen=True)
class ProjectionResult:
    """A projection run: its provenance and its values ``[country, cadre, year]``.

    ``covered[c, k]`` says whether a country had base-year data for a cadre; rows are given
    for covered pairs only.
    """

    scenario: str
    scenario_hash: str
    parameters_hash: str
    mode: str
    seed: int | None
    from_year: int
    until_year: int
    code_version: str
    need_method: str
    countries: tuple[str, ...]
    cadres: tuple[str, ...]
    values: Mapping[str, FloatArray]
    covered: NDArray[np.bool_]
    assumptions: tuple[Assumption, ...]
    sources: tuple[str, ...]
    replicates: int | None = None

    @property
    def measures(self) -> tuple[str, ...]:
        """Return the measures of each row (the supply quantiles in stochastic mode)."""
        return MEASURES + tuple(q for q, _ in QUANTILES if q in self.values)

    @property
    def years(self) -> tuple[int, ...]:
        """Return the projected years."""
        return tuple(range(self.from_year, self.until_year + 1))

    def value(self, measure: str, country: str, cadre: str) -> FloatArray:
        """Return one measure by year for one country and cadre."""
        c, k = self.countries.index(country), self.cadres.index(cadre)
        return np.asarray(self.values[measure][c, k], dtype=np.float64)

    def rows(self) -> list[ProjectionRow]:
        """Return one row per covered country, cadre and year (without quantiles)."""
        return [ProjectionRow(**{k: r[k] for k in _ROW_KEYS}) for r in self.row_dicts()]

    def row_dicts(self) -> list[dict[str, Any]]:
        """Return the rows as plain mappings (fast: no dataclass per row)."""
        measures = self.measures
        arrays = {m: self.values[m].tolist() for m in measures}
        out = []
        for c, k in zip(*np.nonzero(self.covered), strict=True):
            country, cadre = self.countries[c], self.cadres[k]
            for y, year in enumerate(self.years):
                row: dict[str, Any] = {"country": country, "cadre": cadre, "year": year}
                for m in measures:
                    row[m] = arrays[m][c][k][y]
                row["need"], row["gap"] = _or_none(row["need"]), _or_none(row["gap"])
                out.append(row)
        return out

    def document(self) -> dict[str, Any]:
        """Return the result as a JSON-ready mapping (one shape for every front door)."""
        return {
            "scenario": self.scenario,
            "hash": self.scenario_hash,
            "parameters_hash": self.parameters_hash,
            "seed": self.seed,
            "mode": self.mode,
            "replicates": self.replicates,
            "from": self.from_year,
            "until": self.until_year,
            "code_version": self.code_version,
            "need_method": self.need_method,
            "assumptions": [asdict(a) for a in self.assumptions],
            "sources": list(self.sources),
            "rows": self.row_dicts(),
        }


_ROW_KEYS = ("country", "cadre", "year", *MEASURES)


def _or_none(value: float) -> float | None:
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class ComparisonRow:
    """Scenario B minus scenario A for one country, cadre and year."""

    country: str
    cadre: str
    year: int
    supply_a: float
    supply_b: float
    supply_diff: float
    gap_a: float | None
    gap_b: float | None
    gap_diff: float | None
    graduates_diff: float
    immigration_diff: float
    returns_diff: float
    emigration_diff: float


@dataclass(frozen=True)
class ProjectionComparison:
    """Two runs over the same countries and years, and their difference (B − A)."""

    a: ProjectionResult
    b: ProjectionResult
    rows: tuple[ComparisonRow, ...]

    def document(self) -> dict[str, Any]:
        """Return the comparison as a JSON-ready mapping."""
        meta = ("scenario", "hash", "mode", "from", "until", "need_method", "assumptions")
        da, db = self.a.document(), self.b.document()
        return {
            "a": {k: da[k] for k in meta},
            "b": {k: db[k] for k in meta},
            "rows": [asdict(r) for r in self.rows],
        }


def compare(a: ProjectionResult, b: ProjectionResult) -> ProjectionComparison:
    """Return B − A per covered country, cadre and year (same countries and years).

    A cadre that only one run has (a scenario's new cadre, say) is compared with none: the
    other run counts zero workers and no gap there, so the difference is the new cadre.
    """
    if (a.countries, a.years) != (b.countries, b.years):
        raise ValueError("compare needs two runs over the same countries and years")
    ra = {(r.country, r.cadre, r.year): r for r in a.rows()}
    rb = {(r.country, r.cadre, r.year): r for r in b.rows()}
    keys = [*ra, *(k for k in rb if k not in ra)]
    out = []
    for key in keys:
        x, y = ra.get(key), rb.get(key)
        gap_a = x.gap if x is not None else None
        gap_b = y.gap if y is not None else None

        def of(r: ProjectionRow | None, name: str) -> float:
            return 0.0 if r is None else float(getattr(r, name))

        out.append(
            ComparisonRow(
                *key,
                of(x, "supply"),
                of(y, "supply"),
                of(y, "supply") - of(x, "supply"),
                gap_a,
                gap_b,
                None if gap_a is None or gap_b is None else gap_b - gap_a,
                of(y, "graduates") - of(x, "graduates"),
                of(y, "immigration") - of(x, "immigration"),
                of(y, "returns") - of(x, "returns"),
                of(y, "emigration") - of(x, "emigration"),
            )
        )
    return ProjectionComparison(a, b, tuple(out))
