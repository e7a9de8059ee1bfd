"""Match diaspora professionals to opportunities: filter, score (explained) and assign.

Pure: takes frozen value objects, returns result objects; no database, clock or settings.
The rules of one pair (hard constraints, explained score) live in :mod:`hrh.diaspora.rules`
and are re-exported here; :mod:`hrh.diaspora.candidates` generates the feasible pairs at
scale (blocking on the hard constraints, numpy scoring) and :mod:`hrh.diaspora.assignment`
solves the assignment exactly on the sparse candidate graph.

>>> p = Candidate("p1", "medical_doctors", "surgery", "GHA", "GBR", (("en", 6),), (),
...               10.0, None, None, frozenset({"short"}), True)
>>> o = Opening("o1", "GHA", "Korle Bu", "medical_doctors", "surgery", "short",
...             date(2027, 1, 1), date(2027, 2, 1), "en", 4, False, 1)
>>> round(explain(p, o).score, 3)
0.875
>>> assign([p], [o]).assignments[0].opportunity_id
'o1'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np

from hrh.diaspora.assignment import assign_pairs
from hrh.diaspora.candidates import Pairs, feasible_pairs
from hrh.diaspora.rules import (
    CEFR,
    EXPERIENCE_CAP_YEARS,
    MODES,
    WEIGHTS,
    Assignment,
    Candidate,
    Component,
    Explanation,
    MatchResult,
    Opening,
    components,
    explain,
    failures,
    score,
    specialty_points,
)

__all__ = [
    "CEFR",
    "EXPERIENCE_CAP_YEARS",
    "MODES",
    "WEIGHTS",
    "Assignment",
    "Candidate",
    "Component",
    "Explanation",
    "MatchResult",
    "Opening",
    "Pairs",
    "assign",
    "components",
    "date",
    "explain",
    "failures",
    "feasible_pairs",
    "score",
    "score_pairs",
    "specialty_points",
]


def score_pairs(candidates: Iterable[Candidate], openings: Iterable[Opening]) -> list[Explanation]:
    """Return every feasible pair with its explained score, ordered by ids.

    Candidates come from :func:`~hrh.diaspora.candidates.feasible_pairs`, so infeasible
    cadres, modes, languages and licences are never compared.
    """
    pairs = feasible_pairs(candidates, openings)
    ps, os_ = pairs.profiles, pairs.openings
    order = np.lexsort((pairs.opening, pairs.profile))
    return [explain(ps[pairs.profile[k]], os_[pairs.opening[k]]) for k in order]


def assign(candidates: Iterable[Candidate], openings: Iterable[Opening]) -> MatchResult:
    """Maximise the total score under slot capacities (one assignment per professional).

    Exact (sparse Jonker–Volgenant over opportunity slots; see
    :mod:`hrh.diaspora.assignment`). Inputs are sorted by id first, so ties resolve the same
    way whatever the input order. Only the chosen pairs are explained. Assignments are
    ordered by opportunity id, then profile id.
    """
    pairs = feasible_pairs(candidates, openings)
    slots = np.array([o.slots for o in pairs.openings], dtype=np.int64)
    chosen = assign_pairs(pairs.profile, pairs.opening, pairs.score, slots)
    ps, os_ = pairs.profiles, pairs.openings
    picked = sorted(
        (os_[int(pairs.opening[k])].id, ps[int(pairs.profile[k])].id, int(k)) for k in chosen
    )
    result = tuple(
        Assignment(
            pid,
            oid,
            float(pairs.score[k]),
            components(ps[int(pairs.profile[k])], os_[int(pairs.opening[k])]),
        )
        for oid, pid, k in picked
    )
    return MatchResult(result, sum(a.score for a in result))
