"""Peak memory of the agent mode holding 10 million workers (goal: under 1 GB).

In a fresh Python process (so that nothing else counts): the national workforce of
``bench/_national.py`` scaled to 10,000,000 workers (2,000,000 with ``--quick``) is expanded
into workers (``workers_from_state``) and stepped through 2025–2026 by
``simulate_agents``; the figure is that process's peak resident set size (``ru_maxrss``:
everything, the interpreter and numpy included), with the peak of the arrays traced by
``tracemalloc`` printed beside it (a second child process, since tracing slows the run).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench._report import Figure

NAME = "agent_10m_workers_peak_rss_mb"
UNIT = "MB"
GOAL = 1024.0
LOWER_IS_BETTER = True
ROOT = Path(__file__).resolve().parent.parent


def child(size: int, trace: bool) -> dict[str, float]:
    """Build and step ``size`` workers in this process; return its peak memory."""
    import tracemalloc

    import numpy as np

    from bench._national import FROM, max_rss_mb, national_model
    from hrh.projection.agents import simulate_agents, workers_from_state

    until = FROM + 1
    state, rates, corridors = national_model(size, until)
    if trace:
        tracemalloc.start()
    rng = np.random.default_rng(1)
    workers = workers_from_state(state, corridors, rng)
    path = simulate_agents(workers, rates, corridors, FROM, until, rng)
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
    return {
        "workers": float(len(workers)),
        "final": float(path.final_stocks().home.sum() + path.final_stocks().abroad.sum()),
        "rss_mb": max_rss_mb(),
        "traced_mb": traced,
    }


def _spawn(size: int, trace: bool) -> dict[str, float]:
    code = (
        "import json, sys; from bench.projection_agent_memory import child; "
        f"print(json.dumps(child({size}, {trace})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> Figure:
    """Measure the figure (one child process each: untraced, then traced)."""
    size = 2_000_000 if quick else 10_000_000
    plain = _spawn(size, False)
    traced = _spawn(size, True)
    print(
        f"    {plain['workers']:,.0f} workers ({plain['final']:,.0f} after two years): "
        f"peak RSS {plain['rss_mb']:.0f} MB; peak traced arrays {traced['traced_mb']:.0f} MB"
    )
    return Figure.measured(NAME, plain["rss_mb"], UNIT, goal=GOAL, lower_is_better=True)
