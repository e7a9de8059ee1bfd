"""Turn stored rows into the pure core's series, ranking source vintages (newest wins)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hrh.indicators.series import Point, Series
from hrh.indicators.workforce import Bilateral
from hrh.store import reads

_ESTIMATE_BONUS = 1_000_000  # an estimate beats a projection of the same year


@dataclass(frozen=True)
class SourceIndex:
    """Source id → label and rank (a higher rank is a newer vintage)."""

    labels: dict[int, str]
    ranks: dict[int, int]

    @classmethod
    def load(cls, session: Session) -> SourceIndex:
        """Read the stored sources."""
        sources = reads.list_sources(session)
        return cls({s.id: s.label for s in sources}, {s.id: i for i, s in enumerate(sources)})

    def point(self, year: int, value: float, source_id: int, bonus: int = 0) -> Point:
        """Make a point for a stored value."""
        return Point(year, value, self.labels[source_id], self.ranks[source_id] + bonus)


def stock_series(
    session: Session,
    src: SourceIndex,
    *,
    countries: Collection[str] | None,
    cadres: Collection[str],
    measures: Collection[str] = ("per_10k", "headcount"),
    basis: str = "all",
) -> dict[tuple[str, str, str], Series]:
    """Return (country, cadre, measure) → series."""
    groups: dict[Hashable, list[Point]] = defaultdict(list)
    for r in reads.stock_rows(
        session, countries=countries, cadres=cadres, measures=measures, basis=basis
    ):
        groups[(r.country, r.cadre, r.measure)].append(src.point(r.year, r.value, r.source_id))
    return {k: Series.from_points(v) for k, v in groups.items()}  # type: ignore[misc]


def population_series(
    session: Session, src: SourceIndex, countries: Collection[str] | None
) -> dict[str, Series]:
    """Return country → total population series (estimates preferred over projections)."""
    groups: dict[str, list[Point]] = defaultdict(list)
    for r in reads.population_totals(session, countries):
        bonus = _ESTIMATE_BONUS if r.variant == "estimate" else 0
        groups[r.country].append(src.point(r.year, r.value, r.source_id, bonus))
    return {k: Series.from_points(v) for k, v in groups.items()}


def coverage_series(
    session: Session, src: SourceIndex, countries: Collection[str] | None
) -> dict[str, Series]:
    """Return country → UHC service coverage index series."""
    groups: dict[str, list[Point]] = defaultdict(list)
    for r in reads.coverage_rows(session, countries):
        groups[r.country].append(src.point(r.year, r.value, r.source_id))
    return {k: Series.from_points(v) for k, v in groups.items()}


def bilaterals(
    session: Session,
    src: SourceIndex,
    *,
    origin: str | None = None,
    destination: str | None = None,
    cadres: Collection[str] | None = None,
    year: int | None = None,
) -> list[Bilateral]:
    """Return stocks abroad, keeping the newest vintage per corridor and year."""
    best: dict[tuple[str, str, str, int], tuple[int, Bilateral]] = {}
    for r in reads.flow_rows(
        session, origin=origin, destination=destination, cadres=cadres, year=year
    ):
        key = (r.origin, r.destination, r.cadre, r.year)
        rank = src.ranks[r.source_id]
        if key not in best or rank > best[key][0]:
            best[key] = (
                rank,
                Bilateral(r.origin, r.destination, r.year, r.value, src.labels[r.source_id]),
            )
    return [b for _, b in best.values()]
