"""A seeded synthetic diaspora registry shaped like a real one (for the matching benchmark).

Professionals: eight cadres (nursing professionals the largest group), 24 countries of origin
(Nigeria, India, the Philippines, Ghana, Zimbabwe … with falling weights), living in ten
destinations (the UK, the US, Canada, Australia, Germany …); English for nearly all, plus the
origin's own language (French, Portuguese, Arabic, Hindi, Tagalog …) and some French or German;
a licence from the country of residence (90 %) and from the country of origin (55 %), valid
until 2025–2031; availability windows of one to eighteen months starting in 2026–2027 (a
quarter open-ended); modes virtual 65 %, short 40 %, long 15 %, permanent 6 % (at least
one); 85 % consent to matching; half state preferred countries (their origin, sometimes a
neighbour); experience 0–35 years; a specialty from their cadre's list (or none).

Opportunities: in the countries of origin (weighted the same way), the same cadres; mode
virtual 40 %, short 35 %, long 15 %, permanent 10 %; starting in 2026–2027 and lasting by
mode; the country's language required (B2 or C1) in 60 %; a local licence required for 80 %
of on-site posts and 20 % of virtual ones; 1–5 slots (up to 10 for virtual teaching).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hrh.diaspora.matching import Candidate, Opening

CADRES = (
    ("nursing_professionals", 0.34),
    ("medical_doctors", 0.24),
    ("midwifery_professionals", 0.09),
    ("nursing_associates", 0.09),
    ("pharmacists", 0.08),
    ("community_health_workers", 0.06),
    ("dentists", 0.05),
    ("midwifery_associates", 0.05),
)
SPECIALTIES = {
    "nursing_professionals": ("critical care", "paediatric nursing", "mental health", "oncology"),
    "medical_doctors": (
        "general surgery",
        "paediatric surgery",
        "obstetrics and gynaecology",
        "internal medicine",
        "emergency medicine",
        "anaesthesia",
        "psychiatry",
        "paediatrics",
    ),
    "midwifery_professionals": ("obstetric emergencies", "neonatal care"),
    "nursing_associates": ("general care", "theatre"),
    "pharmacists": ("clinical pharmacy", "supply chain"),
    "community_health_workers": ("maternal health", "immunisation"),
    "dentists": ("oral surgery", "paediatric dentistry"),
    "midwifery_associates": ("neonatal care",),
}
# origin, its language other than English ("" when none), weight
ORIGINS = (
    ("NGA", "", 14),
    ("IND", "hi", 14),
    ("PHL", "tl", 12),
    ("GHA", "", 7),
    ("ZWE", "", 6),
    ("PAK", "ur", 6),
    ("KEN", "sw", 5),
    ("ZAF", "", 4),
    ("EGY", "ar", 4),
    ("CMR", "fr", 3),
    ("SEN", "fr", 3),
    ("COD", "fr", 3),
    ("ETH", "am", 3),
    ("UGA", "", 2),
    ("ZMB", "", 2),
    ("MWI", "", 2),
    ("NPL", "ne", 2),
    ("LKA", "si", 2),
    ("MAR", "ar", 2),
    ("CIV", "fr", 2),
    ("MOZ", "pt", 1),
    ("AGO", "pt", 1),
    ("SLE", "", 1),
    ("LBR", "", 1),
)
RESIDENCES = (
    ("GBR", 30),
    ("USA", 25),
    ("CAN", 10),
    ("AUS", 8),
    ("DEU", 7),
    ("FRA", 5),
    ("IRL", 5),
    ("SAU", 5),
    ("ARE", 3),
    ("NZL", 2),
)
LEVELS = ("A2", "B1", "B2", "C1", "C2", "NATIVE")
RANK = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "NATIVE": 7}
BASE = date(2026, 1, 1)


def _weights(items: tuple[tuple[object, ...], ...]) -> np.ndarray:
    w = np.array([float(it[-1]) for it in items])  # type: ignore[arg-type]
    return w / w.sum()


def _day(n: int) -> date:
    return BASE + timedelta(days=int(n))


def profiles(n: int, rng: np.random.Generator) -> list[Candidate]:
    """Return ``n`` seeded professionals (ids ``P000000`` …, in a shuffled order)."""
    cadre_at = rng.choice(len(CADRES), n, p=_weights(CADRES))
    origin_at = rng.choice(len(ORIGINS), n, p=_weights(ORIGINS))
    residence_at = rng.choice(len(RESIDENCES), n, p=_weights(RESIDENCES))
    out = []
    for i in range(n):
        cadre = CADRES[cadre_at[i]][0]
        origin, own, _ = ORIGINS[origin_at[i]]
        residence = RESIDENCES[residence_at[i]][0]
        languages = [("en", RANK[LEVELS[rng.choice(6, p=[0.02, 0.05, 0.15, 0.3, 0.18, 0.3])]])]
        if own:
            languages.append((own, RANK["NATIVE"]))
        if rng.random() < 0.15:
            languages.append(("fr" if rng.random() < 0.6 else "de", int(rng.integers(2, 7))))
        licences = []
        if rng.random() < 0.9:
            licences.append((residence, _day(rng.integers(-365, 6 * 365))))
        if rng.random() < 0.55:
            licences.append((origin, _day(rng.integers(-365, 6 * 365))))
        start = rng.integers(0, 2 * 365)
        open_ended = rng.random() < 0.25
        modes = {
            m for m, p in (("virtual", 0.65), ("short", 0.4), ("long", 0.15)) if rng.random() < p
        }
        if rng.random() < 0.06:
            modes.add("permanent")
        specialties = SPECIALTIES[cadre]
        out.append(
            Candidate(
                id=f"P{i:06d}",
                cadre=cadre,
                specialty="" if rng.random() < 0.1 else specialties[rng.integers(len(specialties))],
                origin=origin,
                residence=residence,
                languages=tuple(languages),
                licences=tuple(licences),
                experience_years=float(rng.integers(0, 36)),
                available_from=None if open_ended and rng.random() < 0.5 else _day(start),
                available_to=None if open_ended else _day(start + rng.integers(30, 540)),
                modes=frozenset(modes or {"virtual"}),
                consent_matching=bool(rng.random() < 0.85),
                preferred_countries=_preferred(origin, rng),
            )
        )
    rng.shuffle(out)  # type: ignore[arg-type]
    return out


def _preferred(origin: str, rng: np.random.Generator) -> frozenset[str]:
    if rng.random() < 0.5:
        return frozenset()
    if rng.random() < 0.3:
        return frozenset({origin, ORIGINS[rng.integers(len(ORIGINS))][0]})
    return frozenset({origin})


_LENGTH = {"virtual": (30, 365), "short": (21, 92), "long": (92, 365), "permanent": (365, 730)}


def openings(n: int, rng: np.random.Generator) -> list[Opening]:
    """Return ``n`` seeded opportunities (ids ``O00000`` …, in a shuffled order)."""
    cadre_at = rng.choice(len(CADRES), n, p=_weights(CADRES))
    country_at = rng.choice(len(ORIGINS), n, p=_weights(ORIGINS))
    mode_at = rng.choice(4, n, p=[0.4, 0.35, 0.15, 0.1])
    out = []
    for j in range(n):
        cadre = CADRES[cadre_at[j]][0]
        country, own, _ = ORIGINS[country_at[j]]
        mode = ("virtual", "short", "long", "permanent")[mode_at[j]]
        start = int(rng.integers(0, 2 * 365))
        low, high = _LENGTH[mode]
        language, level = "", 0
        if rng.random() < 0.6:
            language = own if own and rng.random() < 0.5 else "en"
            level = RANK["B2"] if rng.random() < 0.6 else RANK["C1"]
        specialties = SPECIALTIES[cadre]
        slots = int(rng.integers(1, 11)) if mode == "virtual" else int(rng.integers(1, 6))
        out.append(
            Opening(
                id=f"O{j:05d}",
                country=country,
                facility=f"Facility {j % 997}",
                cadre=cadre,
                specialty="" if rng.random() < 0.2 else specialties[rng.integers(len(specialties))],
                mode=mode,
                start=_day(start),
                end=_day(start + rng.integers(low, high + 1)),
                language=language,
                language_level=level,
                licence_required=bool(rng.random() < (0.2 if mode == "virtual" else 0.8)),
                slots=slots,
            )
        )
    rng.shuffle(out)  # type: ignore[arg-type]
    return out
