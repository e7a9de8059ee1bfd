"""Year-indexed series that keep, for each year, the value of the latest source vintage.

>>> s = Series.from_points([Point(2019, 1.0, "a@1", 1), Point(2019, 2.0, "a@2", 2),
...                         Point(2020, 3.0, "a@1", 1)])
>>> s.at(2019).value, s.latest(until=2021).year, s.latest(until=2018)
(2.0, 2020, None)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Point:
    """One value with the source it came from; ``rank`` orders vintages (higher is newer)."""

    year: int
    value: float
    source: str
    rank: int


@dataclass(frozen=True)
class Series:
    """Values by year, one point per year (the newest vintage wins)."""

    points: dict[int, Point]

    @classmethod
    def from_points(cls, points: Iterable[Point]) -> Series:
        """Keep the highest-ranked point for each year."""
        best: dict[int, Point] = {}
        for p in points:
            cur = best.get(p.year)
            if cur is None or p.rank > cur.rank:
                best[p.year] = p
        return cls(dict(sorted(best.items())))

    @classmethod
    def empty(cls) -> Series:
        """Return a series with no points."""
        return cls({})

    def __bool__(self) -> bool:
        return bool(self.points)

    @property
    def years(self) -> list[int]:
        """Return the years with a value, ascending."""
        return list(self.points)

    def at(self, year: int) -> Point | None:
        """Return the point for exactly ``year``."""
        return self.points.get(year)

    def latest(self, until: int | None = None, since: int | None = None) -> Point | None:
        """Return the point of the latest year in ``[since, until]`` (bounds optional)."""
        for year in reversed(self.points):
            if until is not None and year > until:
                continue
            if since is not None and year < since:
                return None
            return self.points[year]
        return None
