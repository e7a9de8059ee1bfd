"""Tiny inline trend lines (sparklines) for table cells: SVG geometry only, no text.

The template draws the ``<svg>`` with ``role="img"`` and a text alternative (the values in
words), so the line is decoration for sighted readers and the numbers stay in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 80
HEIGHT = 20
PAD = 2


@dataclass(frozen=True)
class Sparkline:
    """A polyline's points and its dots (x, y), in a ``WIDTH`` × ``HEIGHT`` view box."""

    points: str
    dots: tuple[tuple[float, float], ...]
    width: int = WIDTH
    height: int = HEIGHT


def sparkline(values: Sequence[tuple[int, float]], top: float = 1.0) -> Sparkline | None:
    """Return the line of (year, value) pairs on a fixed 0..``top`` scale; None if empty.

    Years are placed on a true time axis (a missing year leaves a wider gap).

    >>> sparkline([(2022, 0.0), (2024, 1.0)]).points
    '2.0,18.0 78.0,2.0'
    >>> sparkline([(2023, 0.5)]).points
    '40.0,10.0'
    """
    if not values:
        return None
    years = [y for y, _ in values]
    lo, hi = min(years), max(years)
    span = hi - lo

    def x(year: int) -> float:
        if span == 0:
            return WIDTH / 2
        return round(PAD + (year - lo) / span * (WIDTH - 2 * PAD), 1)

    def y(value: float) -> float:
        share = min(max(value / top, 0.0), 1.0) if top > 0 else 0.0
        return round(HEIGHT - PAD - share * (HEIGHT - 2 * PAD), 1)

    dots = tuple((x(a), y(b)) for a, b in sorted(values))
    return Sparkline(" ".join(f"{a},{b}" for a, b in dots), dots)
