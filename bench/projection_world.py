"""Seconds of a deterministic projection of every country, 2025–2050, through the service.

``hrh.services.projections.run_projection(ctx, "baseline")`` on a database loaded with the
bundled reference data: reading the inputs, calibrating, 26 linked steps, need and gap.
"""

from __future__ import annotations

from bench._projection import FROM, UNTIL, best, reference_context
from bench._report import Figure
from hrh.services import projections as svc

NAME = "projection_world_deterministic_seconds"
UNIT = "s"
GOAL = 1.0
LOWER_IS_BETTER = True


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``, after a warm-up)."""
    ctx = reference_context()
    result: list[int] = []

    def work() -> None:
        r = svc.run_projection(ctx, "baseline", from_year=FROM, until=UNTIL)
        result[:] = [len(r.countries)]

    took = best(work, 1 if quick else 3)
    print(f"    {result[0]} countries reported, {UNTIL - FROM + 1} years")
    return Figure.measured(NAME, took, UNIT, goal=GOAL, lower_is_better=True)
