"""Run the benchmarks, print each figure and write them all to ``var/bench.json``."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from bench import (
    cli_start,
    compliance_check,
    diaspora_matching,
    profile_page,
    projection_agent,
    projection_agent_memory,
    projection_cell_vs_agent,
    projection_mesa,
    projection_ratio,
    projection_stochastic,
    projection_world,
    reference_load,
    scenario_explorer,
    tidy_import,
)
from bench._report import Figure, write

BENCHMARKS: dict[str, ModuleType] = {
    "tidy_import": tidy_import,
    "compliance_check": compliance_check,
    "diaspora_matching": diaspora_matching,
    "reference_load": reference_load,
    "projection_world": projection_world,
    "projection_stochastic": projection_stochastic,
    "projection_ratio": projection_ratio,
    "projection_agent": projection_agent,
    "projection_cell_vs_agent": projection_cell_vs_agent,
    "projection_mesa": projection_mesa,
    "projection_agent_memory": projection_agent_memory,
    "scenario_explorer": scenario_explorer,
    "profile_page": profile_page,
    "cli_start": cli_start,
}
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "var" / "bench.json"


def measure(name: str, module: ModuleType, quick: bool) -> Figure:
    """Run one benchmark; a failure becomes a figure carrying the error, not a crash."""
    run: Callable[[bool], Figure] = module.run
    try:
        return run(quick)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return Figure.failed(
            module.NAME,
            module.UNIT,
            f"{type(exc).__name__}: {exc}",
            goal=module.GOAL,
            lower_is_better=module.LOWER_IS_BETTER,
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns 1 when a benchmark could not run, else 0."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller inputs, one repetition")
    parser.add_argument(
        "--only", choices=sorted(BENCHMARKS), action="append", help="run only these (repeatable)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write")
    args = parser.parse_args(argv)
    figures = []
    for name, module in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        print(f"{name} ...", flush=True)
        figure = measure(name, module, args.quick)
        print("  " + figure.line(), flush=True)
        figures.append(figure)
    write(figures, args.out)
    print(f"wrote {args.out}")
    return 1 if any(f.error for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
