"""Code lists: cadres (ISCO-08 based), sexes, age bands, bases, measures, country groups.

Every input that takes a cadre accepts its stable id or its ISCO-08 code:

>>> resolve_cadre("2221").id
'nursing_professionals'
>>> resolve_cadre("Medical_Doctors").id
'medical_doctors'
>>> normalise_age_band("65+")
'65+'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hrh.errors import Invalid


@dataclass(frozen=True)
class Cadre:
    """A health-worker cadre with a stable id.

    Attributes:
        id: stable snake-case id used everywhere (``medical_doctors``).
        label: English label.
        isco: ISCO-08 code(s) it covers, e.g. ``("221",)`` or ``("2221", "3221")``.
        aggregate: True for WHO reporting aggregates made of several ISCO groups.
    """

    id: str
    label: str
    isco: tuple[str, ...]
    aggregate: bool = False


CADRES: tuple[Cadre, ...] = (
    Cadre("medical_doctors", "Medical doctors", ("221",)),
    Cadre("generalist_doctors", "Generalist medical practitioners", ("2211",)),
    Cadre("specialist_doctors", "Specialist medical practitioners", ("2212",)),
    Cadre("nursing_professionals", "Nursing professionals", ("2221",)),
    Cadre("midwifery_professionals", "Midwifery professionals", ("2222",)),
    Cadre("nursing_associates", "Nursing associate professionals", ("3221",)),
    Cadre("midwifery_associates", "Midwifery associate professionals", ("3222",)),
    Cadre("dentists", "Dentists", ("2261",)),
    Cadre("pharmacists", "Pharmacists", ("2262",)),
    Cadre("community_health_workers", "Community health workers", ("3253",)),
    Cadre("nurses", "Nursing personnel", ("2221", "3221"), aggregate=True),
    Cadre("midwives", "Midwifery personnel", ("2222", "3222"), aggregate=True),
    Cadre("nursing_midwifery", "Nursing and midwifery personnel", ("222", "322"), aggregate=True),
)

CADRES_BY_ID: dict[str, Cadre] = {c.id: c for c in CADRES}
_CADRES_BY_ISCO: dict[str, Cadre] = {c.isco[0]: c for c in CADRES if len(c.isco) == 1}
_CADRES_BY_ISCO.update({"+".join(c.isco): c for c in CADRES if len(c.isco) > 1})

#: Cadres whose densities add up to the "doctors, nurses and midwives" (DNM) aggregate.
DNM_CADRES: tuple[str, str] = ("medical_doctors", "nursing_midwifery")

SEXES: tuple[str, ...] = ("T", "F", "M")
BASES: tuple[str, ...] = ("all", "foreign_trained", "foreign_born")
MEASURES: tuple[str, ...] = ("headcount", "per_10k")
FLOW_KINDS: tuple[str, ...] = ("stock_abroad", "inflow", "outflow", "return")
FLOW_BASES: tuple[str, ...] = ("training", "birth", "citizenship")
POPULATION_VARIANTS: tuple[str, ...] = (
    "estimate",
    "median",
    "low",
    "high",
    "pi80_low",
    "pi80_high",
    "pi95_low",
    "pi95_high",
)
TOTAL_AGE = "total"

WHO_REGIONS: dict[str, str] = {
    "AFR": "African Region",
    "AMR": "Region of the Americas",
    "EMR": "Eastern Mediterranean Region",
    "EUR": "European Region",
    "SEAR": "South-East Asia Region",
    "WPR": "Western Pacific Region",
}
INCOME_GROUPS: dict[str, str] = {
    "LIC": "Low income",
    "LMC": "Lower middle income",
    "UMC": "Upper middle income",
    "HIC": "High income",
}
WORLD = "WLD"

_ISO3 = re.compile(r"^[A-Z]{3}$")
_AGE_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|\+)?$")


def resolve_cadre(text: str) -> Cadre:
    """Return the cadre named by a stable id or an ISCO-08 code (case-insensitive).

    Raises:
        Invalid: when the text names no known cadre.
    """
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    if key in CADRES_BY_ID:
        return CADRES_BY_ID[key]
    code = text.strip().replace(" ", "")
    if code in _CADRES_BY_ISCO:
        return _CADRES_BY_ISCO[code]
    raise Invalid(
        f"Unknown cadre {text!r}.",
        hint="Use one of: " + ", ".join(CADRES_BY_ID) + " or an ISCO-08 code such as 2211.",
    )


def is_iso3(text: str) -> bool:
    """Tell whether ``text`` has the shape of an ISO 3166-1 alpha-3 code.

    >>> is_iso3("GHA"), is_iso3("gha"), is_iso3("GH")
    (True, False, False)
    """
    return bool(_ISO3.match(text))


def normalise_age_band(text: str) -> str:
    """Return a canonical age band: ``total``, ``20-24``, ``65+`` or a single year ``30``.

    >>> normalise_age_band(" 20 - 24 ")
    '20-24'
    >>> normalise_age_band("All")
    'total'

    Raises:
        Invalid: when the text is not an age band.
    """
    t = text.strip().replace(" ", "").lower()
    if t in ("", "total", "all", "_t", "t"):
        return TOTAL_AGE
    m = _AGE_BAND.match(t)
    if not m:
        raise Invalid(f"Bad age band {text!r}.", hint="Expected 'total', 'A-B', 'A+' or 'A'.")
    lo, hi = m.group(1), m.group(2)
    if hi is not None:
        if int(hi) < int(lo):
            raise Invalid(f"Bad age band {text!r}: upper bound below lower bound.")
        return f"{int(lo)}-{int(hi)}"
    return f"{int(lo)}+" if t.endswith("+") else str(int(lo))


def normalise_sex(text: str) -> str:
    """Return ``F``, ``M`` or ``T`` (total) for common spellings.

    >>> normalise_sex("female"), normalise_sex(""), normalise_sex("BTSX")
    ('F', 'T', 'T')
    """
    t = text.strip().upper()
    table = {"F": "F", "FEMALE": "F", "FMLE": "F", "M": "M", "MALE": "M", "MLE": "M"}
    if t in table:
        return table[t]
    if t in ("", "T", "TOTAL", "BOTH", "BTSX", "_T", "ALL"):
        return "T"
    raise Invalid(f"Bad sex {text!r}.", hint="Expected F, M or T (total).")
