"""A small line chart drawn on the server as SVG (no script): time series and projections.

Pure: :func:`line_chart` turns series of ``(year, value)`` points into coordinates, axis ticks and
paths in a fixed ``viewBox``; the template writes the SVG, and a table beside it gives the same
numbers as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640.0
HEIGHT = 280.0
LEFT, RIGHT, TOP, BOTTOM = 48.0, 16.0, 14.0, 30.0

#: Colour-blind-safe line colours (Okabe–Ito), one per series, in order.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")


@dataclass(frozen=True)
class ChartSeries:
    """One line: its key (for the label), colour, SVG path and points."""

    key: str
    colour: str
    path: str
    points: list[tuple[float, float, int, float]]  # x, y, year, value


@dataclass(frozen=True)
class ChartBand:
    """A shaded range (e.g. the 5th–95th percentiles of a projection): key, colour, SVG path."""

    key: str
    colour: str
    path: str


@dataclass(frozen=True)
class Tick:
    """An axis tick: its position and the value it marks."""

    position: float
    value: float


@dataclass(frozen=True)
class LineChart:
    """Everything the template needs to draw the chart."""

    width: float
    height: float
    series: list[ChartSeries]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bands: list[ChartBand] = field(default_factory=list)


def nice_step(span: float, target: int = 5) -> float:
    """Return a round step (1, 2 or 5 × 10^k) that cuts ``span`` into about ``target`` parts.

    >>> nice_step(37.9), nice_step(0.8), nice_step(120)
    (10.0, 0.2, 50.0)
    """
    if span <= 0:
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return float(m * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


Points = Sequence[tuple[int, float]]


def line_chart(
    series: Sequence[tuple[str, Points]],
    bands: Sequence[tuple[str, Points, Points]] = (),
) -> LineChart | None:
    """Lay out the lines; None when there is no point at all.

    The y axis starts at zero (densities are compared with zero and with thresholds).
    ``bands`` are shaded ranges ``(key, low points, high points)``, drawn under the lines in
    the colour of the line with the same key.

    >>> c = line_chart([("a", [(2000, 10.0), (2010, 20.0)])])
    >>> c.series[0].path
    'M48.0,132.0L624.0,14.0'
    >>> [t.value for t in c.y_ticks]
    [0.0, 5.0, 10.0, 15.0, 20.0]
    >>> b = line_chart([("a", [(2000, 10.0), (2010, 20.0)])],
    ...                [("a", [(2000, 9.0), (2010, 18.0)], [(2000, 11.0), (2010, 22.0)])])
    >>> b.bands[0].path, [t.value for t in b.y_ticks][-1]
    ('M48.0,165.0L624.0,80.1L624.0,42.3L48.0,146.2Z', 25.0)
    """
    points = [p for _, ps in series for p in ps]
    points += [p for _, _, highs in bands for p in highs]
    if not points:
        return None
    years = [p[0] for p in points]
    x0, x1 = min(years), max(years)
    if x0 == x1:
        x0, x1 = x0 - 1, x1 + 1
    top = max(p[1] for p in points)
    step = nice_step(top or 1.0)
    y_max = step * math.ceil((top or 1.0) / step)
    bottom = HEIGHT - BOTTOM

    def x(year: float) -> float:
        return round(LEFT + (year - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT), 1)

    def y(value: float) -> float:
        return round(bottom - value / y_max * (bottom - TOP), 1)

    lines = []
    for i, (key, ps) in enumerate(series):
        coords = [(x(yr), y(v), yr, v) for yr, v in sorted(ps)]
        path = "".join(
            f"{'M' if j == 0 else 'L'}{cx},{cy}" for j, (cx, cy, _, _) in enumerate(coords)
        )
        lines.append(ChartSeries(key, COLOURS[i % len(COLOURS)], path, coords))
    colour_of = {line.key: line.colour for line in lines}
    shaded = []
    for key, lows, highs in bands:
        outline = [(x(yr), y(v)) for yr, v in sorted(lows)]
        outline += [(x(yr), y(v)) for yr, v in sorted(highs, reverse=True)]
        if outline:
            path = "".join(
                f"{'M' if j == 0 else 'L'}{cx},{cy}" for j, (cx, cy) in enumerate(outline)
            )
            shaded.append(ChartBand(key, colour_of.get(key, COLOURS[0]), path + "Z"))
    y_ticks = [Tick(y(step * k), step * k) for k in range(round(y_max / step) + 1)]
    x_step = max(1, int(nice_step(x1 - x0, 6)))
    first = x_step * math.ceil(x0 / x_step)
    x_ticks = [Tick(x(v), float(v)) for v in range(first, x1 + 1, x_step)]
    return LineChart(
        WIDTH, HEIGHT, lines, x_ticks, y_ticks, LEFT, WIDTH - RIGHT, TOP, bottom, shaded
    )
