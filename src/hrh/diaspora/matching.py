"""Match diaspora professionals to opportunities: filter, score (explained) and assign.

Pure: takes frozen value objects, returns result objects; no database, clock or settings.

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
>>> assign([p], [o]).assignments[0].opportunity_id
'o1'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

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
    failures: tuple[str, ...]
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


def failures(p: Candidate, o: Opening) -> tuple[str, ...]:
    """Return the hard constraints the pair breaks (empty when feasible)."""
    out: list[str] = []
    if not p.consent_matching:
        out.append("no consent to matching")
    if p.cadre != o.cadre:
        out.append(f"cadre {p.cadre} is not {o.cadre}")
    if o.mode not in p.modes:
        out.append(f"mode {o.mode} not accepted")
    if (p.available_to is not None and p.available_to < o.start) or (
        p.available_from is not None and p.available_from > o.end
    ):
        out.append("availability does not overlap the dates")
    if o.language and o.language_level > 0 and _level(p, o.language) < o.language_level:
        out.append(f"language {o.language} below the required level")
    if o.licence_required and not any(
        c == o.country and until >= o.start for c, until in p.licences
    ):
        out.append(f"no licence from {o.country} valid on {o.start.isoformat()}")
    return tuple(out)


def _level(p: Candidate, language: str) -> int:
    return max((lvl for code, lvl in p.languages if code == language), default=0)


_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _points(p: Candidate, o: Opening) -> tuple[float, float, float, float, float]:
    """Return the points (0–1) of the components, in the order of :data:`WEIGHTS`."""
    want, have = _words(o.specialty), _words(p.specialty)
    specialty = 1.0 if not want or want == have else len(want & have) / len(want | have)
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


def _feasible_pairs(
    candidates: Iterable[Candidate], openings: Iterable[Opening]
) -> list[tuple[Candidate, Opening]]:
    """Return feasible pairs ordered by ids, generated per (cadre, mode) bucket."""
    by_key: dict[tuple[str, str], list[Opening]] = {}
    for o in sorted(openings, key=lambda o: o.id):
        by_key.setdefault((o.cadre, o.mode), []).append(o)
    out: list[tuple[Candidate, Opening]] = []
    for p in sorted(candidates, key=lambda p: p.id):
        if not p.consent_matching:
            continue
        for mode in sorted(p.modes):
            out.extend((p, o) for o in by_key.get((p.cadre, mode), []) if not failures(p, o))
    out.sort(key=lambda po: (po[0].id, po[1].id))
    return out


def score_pairs(candidates: Iterable[Candidate], openings: Iterable[Opening]) -> list[Explanation]:
    """Return every feasible pair with its explained score, ordered by ids.

    Candidates are generated per (cadre, mode) bucket, so infeasible cadres and modes are
    never scored.
    """
    return [explain(p, o) for p, o in _feasible_pairs(candidates, openings)]


_Pair = tuple[str, str, float]


def assign(candidates: Sequence[Candidate], openings: Sequence[Opening]) -> MatchResult:
    """Maximise the total score under slot capacities (one assignment per professional).

    Exact: each connected part of the feasibility graph is solved as a rectangular
    assignment problem (Hungarian method) over the professionals × opportunity slots, plus
    one "unassigned" column per row. Inputs are sorted by id first, so ties resolve the
    same way whatever the input order. Only the chosen pairs are explained.
    """
    feasible = _feasible_pairs(candidates, openings)
    pairs = [(p.id, o.id, score(p, o)) for p, o in feasible]
    by_pair = {(p.id, o.id): (p, o) for p, o in feasible}
    slots = {o.id: max(0, o.slots) for o in openings}
    chosen: list[_Pair] = []
    for part in _parts(pairs):
        chosen.extend(_solve(part, slots))
    result = []
    for pid, oid, value in sorted(chosen, key=lambda c: (c[1], c[0])):
        result.append(Assignment(pid, oid, value, components(*by_pair[(pid, oid)])))
    return MatchResult(tuple(result), sum(a.score for a in result))


def _parts(pairs: list[_Pair]) -> list[list[_Pair]]:
    """Split pairs into connected parts of the bipartite graph (deterministic order)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pid, oid, _ in pairs:
        a, b = find("p:" + pid), find("o:" + oid)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[_Pair]] = {}
    for pair in pairs:
        groups.setdefault(find("p:" + pair[0]), []).append(pair)
    return [groups[k] for k in sorted(groups)]


def _solve(pairs: list[_Pair], slots: dict[str, int]) -> list[_Pair]:
    people = sorted({pid for pid, _, _ in pairs})
    opps = sorted({oid for _, oid, _ in pairs})
    value = {(pid, oid): v for pid, oid, v in pairs}
    reach: dict[str, int] = {}
    for _, oid, _ in pairs:
        reach[oid] = reach.get(oid, 0) + 1
    columns = [o for o in opps for _ in range(min(slots[o], reach[o]))]
    # score[i][j]: professional i on slot j (None: infeasible)
    table = [[value.get((p, o)) for o in columns] for p in people]
    return [(people[i], columns[j], value[(people[i], columns[j])]) for i, j in _best(table)]


def _best(score: list[list[float | None]]) -> list[tuple[int, int]]:
    """Return (row, column) pairs of a maximum-score partial assignment.

    The smaller side becomes the rows of the Hungarian method (its cost grows with the
    square of the rows); each row also gets its own zero-cost "unassigned" column.
    """
    n = len(score)
    m = len(score[0]) if n else 0
    flip = m < n
    rows, cols = (m, n) if flip else (n, m)
    big = 1e9
    cost = [[big] * (cols + rows) for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            value = score[c][r] if flip else score[r][c]
            if value is not None:
                cost[r][c] = -value
        cost[r][cols + r] = 0.0
    pairs = []
    for r, c in enumerate(hungarian(cost)):
        if c < cols:
            pairs.append((c, r) if flip else (r, c))
    return sorted(pairs)


def hungarian(cost: list[list[float]]) -> list[int]:
    """Return, for each row, the column of a minimum-cost assignment (rows ≤ columns).

    >>> hungarian([[4.0, 1.0, 3.0], [2.0, 0.0, 5.0]])
    [1, 0]
    """
    c = np.asarray(cost, dtype=np.float64).reshape(len(cost), -1)
    n, m = c.shape
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    p = np.zeros(m + 1, dtype=np.int64)  # p[j]: row (1-based) matched to column j
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            cur = c[i0 - 1] - u[i0] - v[1:]
            free = ~used[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            masked = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(masked)) + 1  # the first minimum: deterministic
            delta = masked[j1 - 1]
            taken = np.flatnonzero(used)
            u[p[taken]] += delta
            v[taken] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = int(way[j0])
            p[j0] = p[j1]
            j0 = j1
    rows = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            rows[int(p[j]) - 1] = j - 1
    return rows
