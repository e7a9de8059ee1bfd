"""Seconds to load the bundled reference data (countries + every dataset in the manifest).

``hrh.services.imports.load_reference`` on a fresh, migrated SQLite database, timed end to end.
The split by dataset of the best run is printed, slowest first.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path

from bench._db import fresh_context
from bench._report import Figure
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import imports

NAME = "reference_load_seconds"
UNIT = "s"
GOAL = 120.0  # seconds, on the developer machine
LOWER_IS_BETTER = True


class DatasetLoadError(RuntimeError):
    """A dataset of the manifest could not be loaded."""


def load(folder: Path) -> tuple[float, dict[str, float]]:
    """Load the reference into a fresh database.

    Returns:
        The seconds the whole load took and the seconds of each step (countries, datasets).
    """
    ctx = fresh_context(folder)
    steps: dict[str, float] = {}
    current = ["countries"]
    mark = [0.0]

    def on_dataset(title: str, _index: int) -> None:
        now = time.perf_counter()
        steps[current[0]] = now - mark[0]
        current[0], mark[0] = title, now

    try:
        start = mark[0] = time.perf_counter()
        try:
            imports.load_reference(ctx, on_dataset, principal=LOCAL_ADMIN)
        except Exception as exc:
            raise DatasetLoadError(f"{current[0]}: {type(exc).__name__}: {exc}") from exc
        end = time.perf_counter()
        steps[current[0]] = end - mark[0]
        return end - start, steps
    finally:
        ctx.close()


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="hrh-bench-") as tmp:
        counter = itertools.count()
        runs = [load(Path(tmp) / f"ref{next(counter)}") for _ in range(repeat)]
        took, steps = min(runs, key=lambda r: r[0])
    for title, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"    {seconds:7.2f} s  {title}")
    return Figure.measured(NAME, took, UNIT, goal=GOAL, lower_is_better=True)
