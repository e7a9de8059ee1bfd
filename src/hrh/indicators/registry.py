"""The indicator registry: every indicator declared once (id, label, unit, formula, reference).

The CLI, the API and the docs read this declaration; a test fails when one is undocumented.

>>> INDICATORS["dnm_density_per_10k"].unit
'per 10,000'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndicatorSpec:
    """The declaration of an indicator."""

    id: str
    label: str
    unit: str
    formula: str
    inputs: tuple[str, ...]
    reference: str
    per_cadre: bool = False


INDICATORS: dict[str, IndicatorSpec] = {
    s.id: s
    for s in (
        IndicatorSpec(
            "density_per_10k",
            "Health workers per 10,000 population",
            "per 10,000",
            "the density the source publishes, else headcount / population × 10,000",
            ("workforce_stocks: per_10k, headcount", "populations: total"),
            "WHO NHWA indicator 01-02; WHO GHO HWF_0001, HWF_0006",
            per_cadre=True,
        ),
        IndicatorSpec(
            "dnm_density_per_10k",
            "Doctors, nurses and midwives per 10,000 population",
            "per 10,000",
            "density(medical_doctors) + density(nursing_midwifery), same year",
            ("density_per_10k",),
            "WHO (2016) Global strategy on HRH: Workforce 2030; SDG indicator 3.c.1",
        ),
        IndicatorSpec(
            "sdg_threshold_gap",
            "Workers missing to reach 44.5 doctors, nurses and midwives per 10,000",
            "workers",
            "max(0, 44.5 − dnm_density_per_10k) × population / 10,000",
            ("dnm_density_per_10k", "populations: total"),
            "WHO (2016) Health workforce requirements for universal health coverage and the SDGs",
        ),
        IndicatorSpec(
            "foreign_trained_share",
            "Share of the workforce trained abroad",
            "share",
            "foreign-trained stock / total stock (destination)",
            ("migration_flows: stock_abroad by destination", "workforce_stocks: headcount"),
            "OECD Health Workforce Migration (HEALTH_WFMI); NHWA indicator 01-07",
            per_cadre=True,
        ),
        IndicatorSpec(
            "emigration_rate",
            "Share of the workers trained in a country who work abroad",
            "share",
            "abroad / (abroad + at home), over the destinations with data",
            ("migration_flows: stock_abroad by origin", "workforce_stocks: headcount"),
            "Clemens & Pettersson (2008); Docquier & Bhargava (2006)",
            per_cadre=True,
        ),
        IndicatorSpec(
            "data_completeness",
            "Share of the core series with data, and their latest years",
            "share",
            "core series present / core series (doctor and nurse/midwife density and headcount, "
            "population, UHC index)",
            ("workforce_stocks", "populations", "coverage_indices"),
            "WHO NHWA data completeness",
        ),
        IndicatorSpec(
            "headcount",
            "Health workers (headcount), summed over a group's member countries",
            "persons",
            "Σ over members of each country's latest headcount within the look-back window",
            ("workforce_stocks: headcount",),
            "WHO (2020) State of the world's nursing, aggregation method",
            per_cadre=True,
        ),
    )
}
