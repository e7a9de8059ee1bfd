"""One benchmark figure, how it is printed and how the run is written to ``var/bench.json``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One measured figure.

    ``ratio`` is ``value / baseline`` when there is a baseline. ``goal`` applies to the ratio
    when there is one, else to the value; ``lower_is_better`` says which side meets it.
    ``error`` is set (and the numbers are null) when the benchmark could not run.
    """

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    goal: float | None = None
    goal_met: bool | None = None
    lower_is_better: bool = False
    error: str | None = None

    @classmethod
    def measured(
        cls,
        name: str,
        value: float,
        unit: str,
        *,
        baseline: float | None = None,
        goal: float | None = None,
        lower_is_better: bool = False,
    ) -> Figure:
        """Build a figure, deriving ``ratio`` and ``goal_met``."""
        ratio = value / baseline if baseline else None
        judged = ratio if ratio is not None else value
        met = None
        if goal is not None:
            met = judged <= goal if lower_is_better else judged >= goal
        return cls(name, value, unit, baseline, ratio, goal, met, lower_is_better)

    @classmethod
    def failed(
        cls,
        name: str,
        unit: str,
        error: str,
        *,
        goal: float | None = None,
        lower_is_better: bool = False,
    ) -> Figure:
        """Build the figure of a benchmark that could not run."""
        met = None if goal is None else False
        return cls(name, None, unit, None, None, goal, met, lower_is_better, error)

    def line(self) -> str:
        """Return the figure as one printable line."""
        if self.error:
            return f"{self.name:<28} ERROR  {self.error}"
        parts = [f"{self.name:<28} {_num(self.value):>12} {self.unit}"]
        if self.baseline is not None:
            parts.append(f"baseline {_num(self.baseline)}  ratio {self.ratio:.3f}")
        if self.goal is not None:
            side = "<=" if self.lower_is_better else ">="
            on = "ratio" if self.ratio is not None else "value"
            verdict = "met" if self.goal_met else "NOT met"
            parts.append(f"goal {on} {side} {self.goal:g}: {verdict}")
        return "  ".join(parts)


def _num(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def best_of(repeat: int, run: Callable[[], float], *, lowest: bool = True) -> float:
    """Call ``run`` (which returns one measurement) ``repeat`` times; return the best."""
    results = [run() for _ in range(max(1, repeat))]
    return min(results) if lowest else max(results)


def timed(fn: Callable[[], object]) -> float:
    """Return the seconds ``fn()`` took on the wall clock (``time.perf_counter``)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def write(figures: Sequence[Figure], path: Path) -> None:
    """Write the figures as a JSON list of objects."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(f) for f in figures], indent=2) + "\n", encoding="utf-8")
