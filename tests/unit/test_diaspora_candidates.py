"""Matching at scale: blocked candidate generation and the sparse exact assignment."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from hrh.diaspora.assignment import assign_pairs
from hrh.diaspora.candidates import feasible_pairs
from hrh.diaspora.matching import Candidate, Opening, assign, explain, failures, score

D0 = date(2026, 1, 1)
COUNTRIES = ["GHA", "NGA", "KEN"]
LANGS = ["en", "fr", "sw"]
SPECS = ["surgery", "paediatric surgery", "general surgery", "midwifery", ""]


def _day(n: int | None) -> date | None:
    return None if n is None else D0 + timedelta(days=n)


_days = st.one_of(st.none(), st.integers(0, 400))

_candidates = st.lists(
    st.builds(
        lambda i, cadre, modes, spec, origin, langs, lic, exp, frm, to, ok, pref: Candidate(
            f"p{i}",
            cadre,
            spec,
            origin,
            "GBR",
            tuple(langs),
            tuple((c, D0 + timedelta(days=d)) for c, d in lic),
            exp,
            _day(frm),
            _day(to),
            frozenset(modes),
            ok,
            frozenset(pref),
        ),
        st.integers(0, 99),
        st.sampled_from(["medical_doctors", "nursing_professionals"]),
        st.sets(st.sampled_from(["short", "virtual", "long", "permanent"])),
        st.sampled_from(SPECS),
        st.sampled_from(COUNTRIES),
        st.lists(st.tuples(st.sampled_from(LANGS), st.integers(1, 7)), max_size=3),
        st.lists(
            st.tuples(st.sampled_from([*COUNTRIES, "GBR"]), st.integers(-50, 400)), max_size=3
        ),
        st.floats(-5, 40),
        _days,
        _days,
        st.booleans(),
        st.sets(st.sampled_from(COUNTRIES), max_size=2),
    ),
    max_size=12,
    unique_by=lambda c: c.id,
)

_openings = st.lists(
    st.builds(
        lambda i, country, cadre, spec, mode, start, length, lang, level, lic, slots: Opening(
            f"o{i}",
            country,
            "F",
            cadre,
            spec,
            mode,
            D0 + timedelta(days=start),
            D0 + timedelta(days=start + length),
            lang,
            level,
            lic,
            slots,
        ),
        st.integers(0, 99),
        st.sampled_from(COUNTRIES),
        st.sampled_from(["medical_doctors", "nursing_professionals"]),
        st.sampled_from(SPECS),
        st.sampled_from(["short", "virtual", "long", "permanent"]),
        st.integers(0, 380),
        st.integers(0, 90),
        st.sampled_from(["", *LANGS]),
        st.integers(0, 7),
        st.booleans(),
        st.integers(0, 3),
    ),
    max_size=8,
    unique_by=lambda o: o.id,
)


@settings(max_examples=300, deadline=None)
@given(_candidates, _openings)
def test_generated_candidates_are_exactly_the_feasible_pairs(
    ps: list[Candidate], os_: list[Opening]
) -> None:
    naive = {(p.id, o.id) for p in ps for o in os_ if not failures(p, o)}
    pairs = feasible_pairs(ps, os_)
    got = [
        (pairs.profiles[i].id, pairs.openings[j].id)
        for i, j in zip(pairs.profile, pairs.opening, strict=True)
    ]
    assert set(got) == naive
    assert len(got) == len(naive)
    # ordered by opportunity id, then profile id
    assert got == sorted(got, key=lambda pair: (pair[1], pair[0]))
    # scores and points are those of the scalar rules, bit for bit
    by_p = {p.id: p for p in ps}
    by_o = {o.id: o for o in os_}
    for k, (pid, oid) in enumerate(got):
        e = explain(by_p[pid], by_o[oid])
        assert float(pairs.score[k]) == score(by_p[pid], by_o[oid]) == e.score
        assert pairs.points[k].tolist() == [c.points for c in e.components]


def test_blocking_keeps_open_windows_and_skips_a_wrong_licence() -> None:
    p = Candidate(
        "p",
        "medical_doctors",
        "",
        "GHA",
        "GBR",
        (("en", 7),),
        (("NGA", D0),),
        3.0,
        None,
        None,
        frozenset({"short"}),
        True,
    )
    o_any = Opening("a", "GHA", "F", "medical_doctors", "", "short", D0, D0, "en", 4, False, 1)
    o_lic = Opening("b", "GHA", "F", "medical_doctors", "", "short", D0, D0, "en", 4, True, 1)
    pairs = feasible_pairs([p], [o_any, o_lic])
    assert [pairs.openings[j].id for j in pairs.opening] == ["a"]


def _reference_total(
    profile: np.ndarray, opening: np.ndarray, w: np.ndarray, slots: list[int]
) -> float:
    """The optimum by dense linear_sum_assignment over professionals × slot copies."""
    n = int(profile.max()) + 1 if profile.size else 0
    columns = [j for j, s in enumerate(slots) for _ in range(s)]
    if not n or not columns:
        return 0.0
    gain = np.zeros((n, len(columns)))
    for i, j, v in zip(profile, opening, w, strict=True):
        for c, oj in enumerate(columns):
            if oj == j:
                gain[i, c] = v
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return float(gain[rows, cols].sum())


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_sparse_assignment_matches_linear_sum_assignment_with_slots(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 6))
    mask = rng.random((n, m)) < 0.5
    profile, opening = (a.astype(np.int64) for a in np.nonzero(mask))
    w = rng.choice([0.1, 0.25, 0.5, 0.75, 1.0], profile.size) * rng.random(profile.size) + 0.01
    slots = rng.integers(0, 3, m).astype(np.int64)
    chosen = assign_pairs(profile, opening, w, slots)
    assert len(set(profile[chosen].tolist())) == chosen.size
    assert all(np.sum(opening[chosen] == j) <= slots[j] for j in range(m))
    assert w[chosen].sum() == pytest.approx(
        _reference_total(profile, opening, w, slots.tolist()), abs=1e-9
    )


@settings(max_examples=150, deadline=None)
@given(_candidates, _openings)
def test_one_slot_instances_agree_with_linear_sum_assignment(
    ps: list[Candidate], os_: list[Opening]
) -> None:
    os_ = [replace(o, slots=1) for o in os_]
    result = assign(ps, os_)
    gain = np.zeros((len(ps), len(os_)))
    for i, p in enumerate(ps):
        for j, o in enumerate(os_):
            if not failures(p, o):
                gain[i, j] = score(p, o)  # every feasible score is > 0
    rows, cols = linear_sum_assignment(gain, maximize=True)
    assert result.total_score == pytest.approx(float(gain[rows, cols].sum()), abs=1e-9)
    assert all(
        failures(*_pair(ps, os_, a.profile_id, a.opportunity_id)) == () for a in result.assignments
    )


def _pair(ps: list[Candidate], os_: list[Opening], pid: str, oid: str) -> tuple[Candidate, Opening]:
    return next(p for p in ps if p.id == pid), next(o for o in os_ if o.id == oid)


@settings(max_examples=100, deadline=None)
@given(_candidates, _openings, st.integers(0, 2**32 - 1))
def test_rich_instances_give_the_same_answer_in_any_order(
    ps: list[Candidate], os_: list[Opening], seed: int
) -> None:
    rng = random.Random(seed)
    ps2, os2 = ps[:], os_[:]
    rng.shuffle(ps2)
    rng.shuffle(os2)
    first, second = assign(ps, os_), assign(ps2, os2)
    assert first == second
    by_p, by_o = {p.id: p for p in ps}, {o.id: o for o in os_}
    for a in first.assignments:
        assert failures(by_p[a.profile_id], by_o[a.opportunity_id]) == ()
    for o in os_:
        assert sum(a.opportunity_id == o.id for a in first.assignments) <= max(0, o.slots)


def test_ties_resolve_the_same_way_whatever_the_order() -> None:
    twins = [
        Candidate(
            f"p{i}",
            "medical_doctors",
            "surgery",
            "GHA",
            "GBR",
            (),
            (),
            5.0,
            None,
            None,
            frozenset({"virtual"}),
            True,
        )
        for i in range(6)
    ]
    o = Opening("o", "GHA", "F", "medical_doctors", "surgery", "virtual", D0, D0, "", 0, False, 3)
    picked = {tuple(a.profile_id for a in assign(twins[::k], [o]).assignments) for k in (1, -1)}
    assert len(picked) == 1
    assert len(next(iter(picked))) == 3


def test_parts_solved_in_small_batches_give_the_same_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hrh.diaspora.assignment as module

    monkeypatch.setattr(module, "_BATCH_ENTRIES", 4)  # nearly one part per batch
    rng = np.random.default_rng(7)
    for _ in range(60):
        mask = rng.random((12, 8)) < 0.2
        profile, opening = (a.astype(np.int64) for a in np.nonzero(mask))
        w = rng.random(profile.size) + 0.01
        slots = rng.integers(0, 3, 8).astype(np.int64)
        chosen = assign_pairs(profile, opening, w, slots)
        assert w[chosen].sum() == pytest.approx(
            _reference_total(profile, opening, w, slots.tolist()), abs=1e-9
        )
