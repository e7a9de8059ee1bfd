"""A small synthetic world for examples, tests and benchmarks (not real data).

Three countries: Ghana (on the safeguards list, trains doctors who work in the United
Kingdom and the United States), the United Kingdom (OECD, also sends doctors to the United
States) and the United States. Headcounts and stocks abroad are round numbers of the right
order of magnitude, not statistics.

>>> inputs = example_inputs()
>>> inputs.iso3, len(inputs.corridors)
(('GBR', 'GHA', 'USA'), 3)
"""

from __future__ import annotations

import numpy as np

from hrh.domain.codes import DNM_CADRES
from hrh.domain.records import Country
from hrh.projection.model import Corridors, Inputs

COUNTRIES = (
    Country("GBR", "GB", "826", "United Kingdom", "EUR", True, "HIC", "Europe & Central Asia"),
    Country("GHA", "GH", "288", "Ghana", "AFR", True, "LMC", "Sub-Saharan Africa"),
    Country("USA", "US", "840", "United States", "AMR", True, "HIC", "North America"),
)


def example_inputs(*, corridors: tuple[tuple[str, str], ...] | None = None) -> Inputs:
    """Return the example world (optionally with other corridors among its countries)."""
    iso3 = [c.iso3 for c in COUNTRIES]
    links = corridors or (("GHA", "GBR"), ("GHA", "USA"), ("GBR", "USA"))
    stocks = {("GHA", "GBR"): 250.0, ("GHA", "USA"): 750.0, ("GBR", "USA"): 4000.0}
    headcount = np.array([[200_000.0, 600_000.0], [5_000.0, 110_000.0], [850_000.0, 5_000_000.0]])
    years = np.arange(1950, 2101)
    growth = np.array([0.004, 0.02, 0.005])
    base = np.array([68e6, 34e6, 340e6])
    population = base[:, None] * (1 + growth[:, None]) ** (years[None, :] - 2025.0)
    return Inputs(
        countries=COUNTRIES,
        cadres=DNM_CADRES,
        headcount=headcount,
        headcount_year=np.full((3, 2), 2020, dtype=np.intp),
        corridors=Corridors(
            np.array([iso3.index(o) for o, _ in links], dtype=np.intp),
            np.array([iso3.index(d) for _, d in links], dtype=np.intp),
            len(iso3),
        ),
        abroad=np.array([[stocks.get(link, 100.0), np.nan] for link in links]),
        abroad_year=np.array([[2018, 0] for _ in links], dtype=np.intp),
        population=population,
        population_first_year=1950,
        ssl={"2023": frozenset({"GHA"})},
        reported=np.ones(3, dtype=bool),
        sources=("synthetic example",),
    )
