"""Compute the WHO Support and Safeguards List from the stored data and compare it."""

from __future__ import annotations

from hrh.indicators.safeguards import CountryInput, SafeguardList, evaluate
from hrh.indicators.series import Series
from hrh.params.safeguards import load_criteria
from hrh.services._inputs import SourceIndex, coverage_series, stock_series
from hrh.services.context import AppContext
from hrh.store import reads


def compute_safeguard_list(
    ctx: AppContext, version: str = "2023", only: str | None = None
) -> SafeguardList:
    """Evaluate SSL eligibility of every WHO Member State for edition ``version``.

    ``only`` (an ISO3 code) evaluates that one country (the summary then counts it alone).
    """
    criteria = load_criteria(version)
    wanted = [only.upper()] if only else None
    with ctx.unit() as s:
        countries = [
            c
            for c in reads.load_countries(s)
            if c.who_member and (wanted is None or c.iso3 in wanted)
        ]
        src = SourceIndex.load(s)
        stocks = stock_series(
            s,
            src,
            countries=wanted,
            cadres=("medical_doctors", "nursing_midwifery"),
            measures=("per_10k",),
        )
        uhc = coverage_series(s, src, wanted)
        published = reads.safeguard_rows(s, version)
    official = {r.country: r.grade for r in published} if published else None
    empty = Series.empty()
    inputs = [
        CountryInput(
            c.iso3,
            c.name,
            c.who_region,
            stocks.get((c.iso3, "medical_doctors", "per_10k"), empty),
            stocks.get((c.iso3, "nursing_midwifery", "per_10k"), empty),
            uhc.get(c.iso3, empty),
        )
        for c in countries
    ]
    return evaluate(criteria, inputs, official)
