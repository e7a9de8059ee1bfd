"""Names the pages and the brief show for codes: indicators, cadres, regions, countries, sources.

Each English name is marked with :func:`~hrh.presentation.l10n.N_` so that it is extracted into the
catalogs; templates translate it where it is shown (``_(label)``).
"""

from __future__ import annotations

from babel import Locale

from hrh.presentation.l10n import DEFAULT_LANGUAGE, N_

#: ``(indicator id, cadre or "")`` → English label.
INDICATOR_LABELS: dict[tuple[str, str], str] = {
    ("density_per_10k", "medical_doctors"): N_("Medical doctors per 10,000 population"),
    ("density_per_10k", "nursing_midwifery"): N_("Nurses and midwives per 10,000 population"),
    ("dnm_density_per_10k", ""): N_("Doctors, nurses and midwives per 10,000 population"),
    ("sdg_threshold_gap", ""): N_("Health workers missing to reach the SDG index threshold"),
    ("foreign_trained_share", "medical_doctors"): N_("Foreign-trained share of medical doctors"),
    ("foreign_trained_share", "nurses"): N_("Foreign-trained share of nurses"),
    ("emigration_rate", "medical_doctors"): N_("Medical doctors working abroad (share)"),
    ("emigration_rate", "nurses"): N_("Nurses working abroad (share)"),
    ("data_completeness", ""): N_("Data completeness"),
}

UNITS: dict[str, str] = {
    "per 10,000": N_("per 10,000"),
    "workers": N_("workers"),
    "persons": N_("persons"),
    "share": N_("share"),
}

CADRES: dict[str, str] = {
    "medical_doctors": N_("Medical doctors"),
    "nurses": N_("Nurses"),
    "midwives": N_("Midwives"),
    "nursing_midwifery": N_("Nurses and midwives"),
}

#: The cadres a health professional registers or is recruited under (ISCO-08 unit groups).
PROFESSION_CADRES: dict[str, str] = {
    "medical_doctors": N_("Medical doctors"),
    "nursing_professionals": N_("Nursing professionals"),
    "midwifery_professionals": N_("Midwifery professionals"),
    "nursing_associates": N_("Nursing associate professionals"),
    "midwifery_associates": N_("Midwifery associate professionals"),
    "dentists": N_("Dentists"),
    "pharmacists": N_("Pharmacists"),
    "community_health_workers": N_("Community health workers"),
}

WHO_REGION_NAMES: dict[str, str] = {
    "AFR": N_("African Region"),
    "AMR": N_("Region of the Americas"),
    "EMR": N_("Eastern Mediterranean Region"),
    "EUR": N_("European Region"),
    "SEAR": N_("South-East Asia Region"),
    "WPR": N_("Western Pacific Region"),
}

#: The data-completeness series, by the name the indicator gives them.
SERIES_NAMES: dict[str, str] = {
    "medical_doctors.per_10k": N_("Medical doctors per 10,000"),
    "medical_doctors.headcount": N_("Medical doctors (headcount)"),
    "nursing_midwifery.per_10k": N_("Nurses and midwives per 10,000"),
    "nursing_midwifery.headcount": N_("Nurses and midwives (headcount)"),
    "population": N_("Population"),
    "uhc_service_coverage_index": N_("UHC service coverage index"),
}

#: What each source (by key, or the part of the key before ``:``) feeds in the observatory.
SOURCE_USES: dict[str, str] = {
    "who-gho": N_(
        "Density of doctors, nurses and midwives: the world map, country profiles and the "
        "Support and Safeguards List"
    ),
    "wb-wdi": N_("Population and UHC service coverage index: densities, gaps, the SSL check"),
    "owid": N_("UHC service coverage index: the Support and Safeguards List check"),
    "un-wpp-2022": N_("Population: densities and projections"),
    "un-wpp-2024": N_("Population: densities and projections"),
    "oecd-health-wfmi": N_(
        "Foreign-trained doctors and nurses in OECD countries: corridors, emigration rates"
    ),
    "who-ssl-2023": N_("The published Support and Safeguards List 2023, for comparison"),
}


def indicator_label(indicator: str, cadre: str | None) -> str:
    """Return the English label of an indicator (its id when it has none).

    >>> indicator_label("density_per_10k", "nursing_midwifery")
    'Nurses and midwives per 10,000 population'
    >>> indicator_label("new_thing", None)
    'new_thing'
    """
    return INDICATOR_LABELS.get((indicator, cadre or ""), indicator)


def source_use(key: str) -> str:
    """Return what a source feeds, from its key (``""`` when unknown).

    >>> source_use("wb-wdi:SP.POP.TOTL").startswith("Population")
    True
    """
    return SOURCE_USES.get(key) or SOURCE_USES.get(key.split(":")[0], "")


def country_name(lang: str, iso2: str, stored: str) -> str:
    """Return a country's name in ``lang`` (Babel's CLDR names), the stored name in English.

    >>> country_name("fr", "DE", "Germany"), country_name("en", "DE", "Germany")
    ('Allemagne', 'Germany')
    >>> country_name("es", "", "Somewhere")
    'Somewhere'
    """
    if lang == DEFAULT_LANGUAGE or not iso2:
        return stored
    return str(Locale.parse(lang).territories.get(iso2.upper(), stored))
