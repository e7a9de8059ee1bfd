"""The rules of one pair: value objects, hard constraints and the explained soft score.

Pure: frozen value objects in, result objects out. :mod:`hrh.diaspora.candidates` applies
the same rules to whole arrays at once; its results are identical to these (tested).

Hard filters (a pair is feasible only if all hold): same cadre, the opportunity's mode is one
the professional accepts, the availability window overlaps the opportunity's dates, the
required language at the required CEFR level, a licence issued by the opportunity's country
valid on the start date (when required), and consent to matching.

Soft score (0–1) = Σ weight × points over the components in :data:`WEIGHTS`; each component
carries its reason. Specialty is only ever scored, never a filter.

>>> p = Candidate("p1", "medical_doctors", "surgery", "GHA", "GBR", (("en", 6),), (),
...               10.0, None, None, frozenset({"short"}), True)
>>> o = Opening("o1", "GHA", "Korle Bu", "medical_doctors", "surgery", "short",
...             date(2027, 1, 1), date(2027, 2, 1), "en", 4, False, 1)
>>> e = explain(p, o)
>>> e.feasible, round(e.score, 3), [c.name for c in e.components]
(True, 0.875, ['specialty', 'language', 'experience', 'origin', 'preference'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hrh.errors import M_, Sentence, Text

MODES: tuple[str, ...] = ("virtual", "short", "long", "permanent")
#: CEFR levels as ranks; ``native`` is above C2.
CEFR: dict[str, int] = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "NATIVE": 7}
#: Component weights (they sum to 1, so a score lies in [0, 1]).
WEIGHTS: dict[str, float] = {
    "specialty": 0.35,
    "language": 0.15,
    "experience": 0.20,
    "origin": 0.20,
    "preference": 0.10,
}
EXPERIENCE_CAP_YEARS = 20.0


@dataclass(frozen=True)
class Candidate:
    """A professional as matching sees it: pseudonymous id, no personal fields."""

    id: str
    cadre: str
    specialty: str
    origin: str
    residence: str
    languages: tuple[tuple[str, int], ...]  # (ISO 639-1, CEFR rank)
    licences: tuple[tuple[str, date], ...]  # (issuing ISO3, valid until)
    experience_years: float
    available_from: date | None
    available_to: date | None
    modes: frozenset[str]
    consent_matching: bool
    preferred_countries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Opening:
    """An opportunity: a facility in a country asks for a cadre, in a mode, for some dates."""

    id: str
    country: str
    facility: str
    cadre: str
    specialty: str
    mode: str
    start: date
    end: date
    language: str  # ISO 639-1, "" when none is required
    language_level: int  # CEFR rank, 0 when none is required
    licence_required: bool
    slots: int


@dataclass(frozen=True)
class Component:
    """One part of a score: its points (0–1), weight, weighted value and reason."""

    name: str
    points: float
    weight: float
    value: float
    reason: str


@dataclass(frozen=True)
class Explanation:
    """Why a pair is or is not feasible, and how it scores."""

    profile_id: str
    opportunity_id: str
    feasible: bool
    failures: tuple[Sentence, ...]  # English strings that keep their text (for the pages)
    components: tuple[Component, ...]
    score: float


@dataclass(frozen=True)
class Assignment:
    """One professional assigned to one opportunity."""

    profile_id: str
    opportunity_id: str
    score: float
    components: tuple[Component, ...]


@dataclass(frozen=True)
class MatchResult:
    """The optimal assignment and its total score."""

    assignments: tuple[Assignment, ...]
    total_score: float


def failures(p: Candidate, o: Opening) -> tuple[Sentence, ...]:
    """Return the hard constraints the pair breaks (empty when feasible), in English.

    Each is a :class:`~hrh.errors.Sentence`: a plain string that keeps its text for the pages.
    """
    out: list[Text] = []
    if not p.consent_matching:
        out.append(Text(M_("no consent to matching")))
    if p.cadre != o.cadre:
        out.append(Text.of(M_("cadre %(cadre)s is not %(wanted)s"), cadre=p.cadre, wanted=o.cadre))
    if o.mode not in p.modes:
        out.append(Text.of(M_("mode %(mode)s not accepted"), mode=o.mode))
    if (p.available_to is not None and p.available_to < o.start) or (
        p.available_from is not None and p.available_from > o.end
    ):
        out.append(Text(M_("availability does not overlap the dates")))
    if o.language and o.language_level > 0 and _level(p, o.language) < o.language_level:
        out.append(
            Text.of(M_("language %(language)s below the required level"), language=o.language)
        )
    if o.licence_required and not any(
        c == o.country and until >= o.start for c, until in p.licences
    ):
        out.append(
            Text.of(
                M_("no licence from %(country)s valid on %(date)s"),
                country=o.country,
                date=o.start.isoformat(),
            )
        )
    return tuple(t.sentence() for t in out)


def _level(p: Candidate, language: str) -> int:
    return max((lvl for code, lvl in p.languages if code == language), default=0)


_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def specialty_points(asked: str, held: str) -> float:
    """Return the specialty points: 1 if equal (or none asked), else the share of words shared.

    >>> specialty_points("general surgery", "paediatric surgery")
    0.3333333333333333
    """
    want, have = _words(asked), _words(held)
    return 1.0 if not want or want == have else len(want & have) / len(want | have)


def _points(p: Candidate, o: Opening) -> tuple[float, float, float, float, float]:
    """Return the points (0–1) of the components, in the order of :data:`WEIGHTS`."""
    specialty = specialty_points(o.specialty, p.specialty)
    language = 1.0
    if o.language and o.language_level > 0:
        extra = max(0, _level(p, o.language) - o.language_level)
        language = 0.5 + 0.5 * min(1.0, extra / max(1, CEFR["NATIVE"] - o.language_level))
    experience = min(max(0.0, p.experience_years), EXPERIENCE_CAP_YEARS) / EXPERIENCE_CAP_YEARS
    origin = 1.0 if p.origin == o.country else 0.0
    fit = not p.preferred_countries or o.country in p.preferred_countries
    return (specialty, language, experience, origin, 1.0 if fit else 0.0)


_WEIGHT_LIST = tuple(WEIGHTS.values())


def score(p: Candidate, o: Opening) -> float:
    """Return the soft score of a pair (the sum of the weighted components)."""
    return sum(w * pt for w, pt in zip(_WEIGHT_LIST, _points(p, o), strict=True))


def _reasons(p: Candidate, o: Opening) -> tuple[str, ...]:
    want, have = _words(o.specialty), _words(p.specialty)
    if not want:
        specialty = "no specialty asked"
    elif want == have:
        specialty = "same specialty"
    else:
        specialty = f"{len(want & have)} of {len(want | have)} words shared"
    language = "no language asked"
    if o.language and o.language_level > 0:
        extra = max(0, _level(p, o.language) - o.language_level)
        language = f"{extra} level(s) above required"
    years = max(0.0, p.experience_years)
    experience = f"{years:g} years (full points at {EXPERIENCE_CAP_YEARS:g})"
    origin = "return to country of origin" if p.origin == o.country else "not met"
    if not p.preferred_countries:
        preference = "no preference stated"
    else:
        preference = "preferred country" if o.country in p.preferred_countries else "not met"
    return (specialty, language, experience, origin, preference)


def components(p: Candidate, o: Opening) -> tuple[Component, ...]:
    """Return the soft-score components of a pair, each with its reason."""
    return tuple(
        Component(name, pts, w, w * pts, reason)
        for (name, w), pts, reason in zip(
            WEIGHTS.items(), _points(p, o), _reasons(p, o), strict=True
        )
    )


def explain(p: Candidate, o: Opening) -> Explanation:
    """Return the feasibility and the explained score of one pair."""
    parts = components(p, o)
    fails = failures(p, o)
    return Explanation(p.id, o.id, not fails, fails, parts, sum(c.value for c in parts))
