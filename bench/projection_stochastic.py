"""Seconds of a stochastic projection of one country: 200 replicates, 2025–2050.

``run_projection(ctx, "baseline", countries=["GHA"], mode="stochastic", replicates=200)``
through the service on a database loaded with the reference data, with the default choice
of where to run (this process, for one country). GHA's axis holds its seven migration
partners (large OECD destinations) too: Ghana's cells, the corridors that touch Ghana and
the partners' emigrants to Ghana are drawn per cell (one multinomial per cell and
replicate), the partners kept at their expected values (:mod:`hrh.projection.boundary`).
Quantiles of supply.
"""

from __future__ import annotations

from bench._projection import FROM, ONE_COUNTRY, UNTIL, best, reference_context
from bench._report import Figure
from hrh.services import projections as svc

NAME = "projection_one_country_stochastic_seconds"
UNIT = "s"
GOAL = 0.3
LOWER_IS_BETTER = True
REPLICATES = 200


def stochastic(replicates: int) -> None:
    """Run the one-country stochastic projection once."""
    svc.run_projection(
        reference_context(),
        "baseline",
        countries=[ONE_COUNTRY],
        from_year=FROM,
        until=UNTIL,
        mode="stochastic",
        replicates=replicates,
        seed=2025,
    )


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    stochastic(1)  # warm-up: the reference data read once, caches filled
    took = best(lambda: stochastic(REPLICATES), 1 if quick else 3, warm_up=False)
    return Figure.measured(NAME, took, UNIT, goal=GOAL, lower_is_better=True)
