"""The server-drawn SVG line chart: :mod:`hrh.presentation.linechart`, under the web's old name.

The chart layout moved below the front doors so that ``hrh report`` shares it; the web's
modules still import it from here.
"""

from __future__ import annotations

from hrh.presentation.linechart import (
    BOTTOM,
    COLOURS,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    ChartSeries,
    LineChart,
    Tick,
    line_chart,
    nice_step,
)

__all__ = [
    "BOTTOM",
    "COLOURS",
    "HEIGHT",
    "LEFT",
    "RIGHT",
    "TOP",
    "WIDTH",
    "ChartSeries",
    "LineChart",
    "Tick",
    "line_chart",
    "nice_step",
]
