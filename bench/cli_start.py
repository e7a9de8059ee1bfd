"""Start-up time of the command line: ``python -m hrh --help`` (best wall time of several).

The command modules load the services and the heavy libraries (SQLAlchemy, numpy, scipy,
pyarrow, FastAPI, WeasyPrint) on first use (``hrh.cli._lazy``), so the help is printed after
importing Typer, Rich and the light parts only. The bare interpreter's start is printed beside
it for context.
"""

from __future__ import annotations

import subprocess
import sys
import time

from bench._report import Figure

NAME = "cli_help_seconds"
UNIT = "s"
GOAL = 0.3
LOWER_IS_BETTER = True


def _best(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 7, or 3 with ``quick``)."""
    repeat = 3 if quick else 7
    bare = _best([sys.executable, "-c", "pass"], repeat)
    took = _best([sys.executable, "-m", "hrh", "--help"], repeat)
    group = _best([sys.executable, "-m", "hrh", "project", "--help"], repeat)
    print(f"    bare interpreter {bare:.3f} s; hrh project --help {group:.3f} s")
    return Figure.measured(NAME, took, UNIT, goal=GOAL, lower_is_better=True)
