"""Matching: hard filters, explained scores, and an optimal, order-independent assignment."""

from __future__ import annotations

import itertools
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrh.diaspora.matching import (
    WEIGHTS,
    Candidate,
    Opening,
    assign,
    explain,
    failures,
    score_pairs,
)

D = date


def cand(pid: str = "p1", **kw: object) -> Candidate:
    base: dict[str, object] = {
        "id": pid,
        "cadre": "medical_doctors",
        "specialty": "surgery",
        "origin": "GHA",
        "residence": "GBR",
        "languages": (("en", 6),),
        "licences": (("GHA", D(2027, 12, 31)),),
        "experience_years": 10.0,
        "available_from": D(2026, 1, 1),
        "available_to": D(2026, 12, 31),
        "modes": frozenset({"short", "virtual"}),
        "consent_matching": True,
    }
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


def opening(oid: str = "o1", **kw: object) -> Opening:
    base: dict[str, object] = {
        "id": oid,
        "country": "GHA",
        "facility": "Korle Bu",
        "cadre": "medical_doctors",
        "specialty": "surgery",
        "mode": "short",
        "start": D(2026, 6, 1),
        "end": D(2026, 8, 31),
        "language": "en",
        "language_level": 5,
        "licence_required": True,
        "slots": 1,
    }
    base.update(kw)
    return Opening(**base)  # type: ignore[arg-type]


def test_a_golden_pair_is_explained_component_by_component() -> None:
    e = explain(cand(), opening())
    assert e.feasible and e.failures == ()
    parts = {c.name: (c.points, c.reason) for c in e.components}
    assert parts == {
        "specialty": (1.0, "same specialty"),
        "language": (pytest.approx(0.75), "1 level(s) above required"),
        "experience": (0.5, "10 years (full points at 20)"),
        "origin": (1.0, "return to country of origin"),
        "preference": (1.0, "no preference stated"),
    }
    assert e.score == pytest.approx(0.35 + 0.15 * 0.75 + 0.2 * 0.5 + 0.2 + 0.1)
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"consent_matching": False}, "no consent to matching"),
        ({"cadre": "nursing_professionals"}, "cadre nursing_professionals is not medical_doctors"),
        ({"modes": frozenset({"virtual"})}, "mode short not accepted"),
        ({"available_to": D(2026, 5, 31)}, "availability does not overlap the dates"),
        ({"available_from": D(2026, 9, 1)}, "availability does not overlap the dates"),
        ({"languages": (("en", 4),)}, "language en below the required level"),
        ({"licences": (("GHA", D(2026, 5, 31)),)}, "no licence from GHA valid on 2026-06-01"),
        ({"licences": (("GBR", D(2030, 1, 1)),)}, "no licence from GHA valid on 2026-06-01"),
    ],
)
def test_each_hard_filter(change: dict[str, object], expected: str) -> None:
    assert failures(cand(**change), opening()) == (expected,)


def test_open_availability_and_no_licence_needed() -> None:
    p = cand(available_from=None, available_to=None, licences=())
    assert failures(p, opening(licence_required=False)) == ()
    assert failures(p, opening()) != ()


def test_specialty_is_scored_never_filtered() -> None:
    e = explain(cand(specialty="paediatric surgery"), opening(specialty="general surgery"))
    assert e.feasible
    spec = next(c for c in e.components if c.name == "specialty")
    assert spec.points == pytest.approx(1 / 3)
    assert explain(cand(specialty="dermatology"), opening()).feasible


def test_assignment_respects_slots_and_prefers_the_higher_total() -> None:
    # p1 fits both, p2 only o1: the optimum sends p2 to o1 and p1 to o2
    ps = [cand("p1"), cand("p2", modes=frozenset({"short"}))]
    os_ = [opening("o1"), opening("o2", mode="virtual")]
    result = assign(ps, os_)
    got = {(a.profile_id, a.opportunity_id) for a in result.assignments}
    assert got == {("p2", "o1"), ("p1", "o2")}
    assert result.total_score == pytest.approx(sum(a.score for a in result.assignments))


def test_two_slots_take_two_people() -> None:
    result = assign([cand("a"), cand("b"), cand("c")], [opening("o", slots=2)])
    assert len(result.assignments) == 2
    assert {a.opportunity_id for a in result.assignments} == {"o"}


def test_withdrawn_consent_leaves_the_matches() -> None:
    assert assign([cand(consent_matching=False)], [opening()]).assignments == ()
    assert score_pairs([cand(consent_matching=False)], [opening()]) == []


# --- properties -------------------------------------------------------------------------

_people = st.lists(
    st.builds(
        lambda i, cadre, modes, exp, frm, ok, spec: cand(
            f"p{i}",
            cadre=cadre,
            modes=frozenset(modes),
            experience_years=float(exp),
            available_from=D(2026, frm, 1),
            consent_matching=ok,
            specialty=spec,
        ),
        st.integers(0, 999),
        st.sampled_from(["medical_doctors", "nursing_professionals"]),
        st.sets(st.sampled_from(["short", "virtual", "long"]), min_size=1),
        st.integers(0, 30),
        st.integers(1, 12),
        st.booleans(),
        st.sampled_from(["surgery", "paediatric surgery", "midwifery", ""]),
    ),
    max_size=5,
    unique_by=lambda c: c.id,
)
_openings = st.lists(
    st.builds(
        lambda i, cadre, mode, slots, spec, country: opening(
            f"o{i}", cadre=cadre, mode=mode, slots=slots, specialty=spec, country=country
        ),
        st.integers(0, 999),
        st.sampled_from(["medical_doctors", "nursing_professionals"]),
        st.sampled_from(["short", "virtual", "long"]),
        st.integers(1, 2),
        st.sampled_from(["surgery", "midwifery", ""]),
        st.sampled_from(["GHA", "NGA"]),
    ),
    max_size=4,
    unique_by=lambda o: o.id,
)


def _brute_force(ps: list[Candidate], os_: list[Opening]) -> float:
    pairs = {(e.profile_id, e.opportunity_id): e.score for e in score_pairs(ps, os_)}
    slots = {o.id: o.slots for o in os_}
    best = 0.0
    for choice in itertools.product([None, *slots], repeat=len(ps)):
        used: dict[str, int] = {}
        total = 0.0
        for p, o in zip(ps, choice, strict=True):
            if o is None:
                continue
            if (p.id, o) not in pairs:
                break
            used[o] = used.get(o, 0) + 1
            total += pairs[(p.id, o)]
        else:
            if all(used[o] <= slots[o] for o in used):
                best = max(best, total)
    return best


@settings(max_examples=150, deadline=None)
@given(_people, _openings)
def test_assignment_is_optimal_against_brute_force(ps: list[Candidate], os_: list[Opening]) -> None:
    result = assign(ps, os_)
    assert result.total_score == pytest.approx(_brute_force(ps, os_), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(_people, _openings)
def test_hard_constraints_and_capacities_are_never_violated(
    ps: list[Candidate], os_: list[Opening]
) -> None:
    result = assign(ps, os_)
    by_id_p = {p.id: p for p in ps}
    by_id_o = {o.id: o for o in os_}
    assert len({a.profile_id for a in result.assignments}) == len(result.assignments)
    for a in result.assignments:
        assert failures(by_id_p[a.profile_id], by_id_o[a.opportunity_id]) == ()
    for o in os_:
        assert sum(a.opportunity_id == o.id for a in result.assignments) <= o.slots


@settings(max_examples=100, deadline=None)
@given(_people, _openings, st.integers(0, 2**32 - 1))
def test_same_answer_in_any_input_order(ps: list[Candidate], os_: list[Opening], seed: int) -> None:
    rng = random.Random(seed)
    ps2, os2 = ps[:], os_[:]
    rng.shuffle(ps2)
    rng.shuffle(os2)
    assert assign(ps, os_) == assign(ps2, os2)
    assert score_pairs(ps, os_) == score_pairs(ps2, os2)


@settings(max_examples=100, deadline=None)
@given(_people, _openings)
def test_assigned_scores_are_their_explanations(ps: list[Candidate], os_: list[Opening]) -> None:
    by_p, by_o = {p.id: p for p in ps}, {o.id: o for o in os_}
    for a in assign(ps, os_).assignments:
        e = explain(by_p[a.profile_id], by_o[a.opportunity_id])
        assert (a.score, a.components) == (e.score, e.components)
        assert a.score == sum(c.value for c in a.components)
