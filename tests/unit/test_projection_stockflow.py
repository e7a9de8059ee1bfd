"""The transition: accounting, conservation of migrants, no negative stocks, a golden case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hrh.projection.model import AGES, N_AGES, SEXES, Corridors, State
from hrh.projection.need import NeedSpec, compute_need
from hrh.projection.params import AssumptionLog, Rates
from hrh.projection.runner import simulate
from hrh.projection.stockflow import EXPECTED, Sampled, step

CASES = Path(__file__).resolve().parents[1] / "cases"


def make_rates(
    n_c: int,
    n_k: int,
    n_n: int,
    *,
    first: int = 2025,
    years: int = 5,
    attrition: Any = 0.02,
    retirement_age: Any = 65.0,
    retirement_share: Any = 0.5,
    emigration: Any = 0.01,
    share: Any = None,
    returns: Any = 0.02,
    intake: Any = 100.0,
    completion: Any = 0.8,
    duration: Any = 0,
    entry: Any = None,
    attrition_profile: Any = 1.0,
    emigration_profile: Any = 1.0,
) -> Rates:
    def path(v: Any, n: int) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, dtype=float), (years, n, n_k)).copy()

    if entry is None:
        entry = np.zeros((n_k, N_AGES, 2))
        entry[:, 5, 0] = 1.0
    max_duration = int(np.max(duration))
    return Rates(
        first_year=first,
        attrition_rate=path(attrition, n_c),
        attrition_profile=np.broadcast_to(
            np.asarray(attrition_profile, float), (n_k, N_AGES)
        ).copy(),
        retirement_age=path(retirement_age, n_c),
        retirement_share=path(retirement_share, n_c),
        emigration_rate=path(emigration, n_c),
        emigration_profile=np.broadcast_to(
            np.asarray(emigration_profile, float), (n_k, N_AGES)
        ).copy(),
        corridor_share=path(1.0 if share is None else share, n_n),
        return_rate=path(returns, n_n),
        intake=np.broadcast_to(np.asarray(intake, float), (years + max_duration, n_c, n_k)).copy(),
        intake_first_year=first - max_duration,
        completion=path(completion, n_c),
        duration=np.broadcast_to(np.asarray(duration, np.intp), (n_c, n_k)).copy(),
        entry=np.asarray(entry, float),
    ).frozen()


# ---------------------------------------------------------------- random small worlds


@st.composite
def worlds(draw: st.DrawFn) -> tuple[State, Rates, Corridors]:
    n_c = draw(st.integers(2, 4))
    n_k = draw(st.integers(1, 2))
    pairs = [(o, d) for o in range(n_c) for d in range(n_c) if o != d]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    n_n = len(chosen)
    corridors = Corridors(
        np.array([o for o, _ in chosen], dtype=np.intp),
        np.array([d for _, d in chosen], dtype=np.intp),
        n_c,
    )
    unit = st.floats(0.0, 1.0, allow_nan=False)
    stock = st.floats(0.0, 5_000.0, allow_nan=False)
    years = 4

    def arr(shape: tuple[int, ...], elements: st.SearchStrategy[float] = unit) -> np.ndarray:
        return draw(hnp.arrays(np.float64, shape, elements=elements))

    raw_share = arr((n_n, n_k))
    # shares over an origin's corridors sum to at most one
    per_origin = corridors.to_origin(raw_share)[corridors.origin] if n_n else raw_share
    share = np.divide(raw_share, np.maximum(per_origin, 1.0))
    entry = arr((n_k, N_AGES, 2), st.floats(0.0, 1.0))
    entry[:, 0, 0] += 1e-3
    entry /= entry.sum(axis=(1, 2), keepdims=True)
    duration = draw(hnp.arrays(np.intp, (n_c, n_k), elements=st.integers(0, 3)))
    rates = make_rates(
        n_c,
        n_k,
        n_n,
        years=years,
        attrition=arr((years, n_c, n_k)),
        retirement_age=arr((years, n_c, n_k), st.floats(40.0, 75.0)),
        retirement_share=arr((years, n_c, n_k)),
        emigration=arr((years, n_c, n_k)),
        share=share,
        returns=arr((years, n_n, n_k)),
        intake=arr((years + int(duration.max()), n_c, n_k), stock),
        completion=arr((years, n_c, n_k)),
        duration=duration,
        entry=entry,
        attrition_profile=arr((n_k, N_AGES), st.floats(0.0, 3.0)),
        emigration_profile=arr((n_k, N_AGES), st.floats(0.0, 3.0)),
    )
    state = State(2025, arr((n_c, n_k, N_AGES, 2), stock), arr((n_n, n_k, N_AGES, 2), stock))
    return state, rates, corridors


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_accounting_identity_per_country_cadre_and_year(world: Any) -> None:
    state, rates, corridors = world
    for _ in range(4):
        nxt, flows = step(state, rates, corridors)
        totals = flows.totals(corridors)
        before, after = state.supply(corridors), nxt.supply(corridors)
        scale = 1.0 + before.sum() + flows.graduates.sum()
        np.testing.assert_allclose(after, before + totals.net, rtol=0, atol=1e-9 * scale)
        state = nxt


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_migrants_are_conserved(world: Any) -> None:
    state, rates, corridors = world
    for _ in range(4):
        nxt, flows = step(state, rates, corridors)
        totals = flows.totals(corridors)
        scale = 1.0 + state.home.sum() + state.abroad.sum()
        # every emigrant enters one corridor; every return leaves one
        assert totals.emigration.sum() == pytest.approx(
            totals.immigration.sum() + totals.returns.sum(), abs=1e-9 * scale
        )
        # each corridor: stock(t+1) = stock(t) + inflow - returns - exits abroad
        per_corridor = (
            state.abroad
            + flows.emigration
            - flows.returns
            - flows.attrition_abroad
            - flows.retirement_abroad
        ).sum(axis=(2, 3))
        np.testing.assert_allclose(
            nxt.abroad.sum(axis=(2, 3)), per_corridor, rtol=0, atol=1e-9 * scale
        )
        # the home-trained (at home and abroad) change only by graduates and exits
        trained = state.home.sum(axis=(2, 3)) + state.trained_abroad(corridors)
        trained_next = nxt.home.sum(axis=(2, 3)) + nxt.trained_abroad(corridors)
        exits = (
            flows.attrition.sum(axis=(2, 3))
            + flows.retirement.sum(axis=(2, 3))
            + corridors.to_origin(
                (flows.attrition_abroad + flows.retirement_abroad).sum(axis=(2, 3))
            )
        )
        np.testing.assert_allclose(
            trained_next, trained + flows.graduates.sum(axis=(2, 3)) - exits, atol=1e-9 * scale
        )
        state = nxt


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_no_negative_stocks_or_flows(world: Any) -> None:
    state, rates, corridors = world
    for _ in range(4):
        state, flows = step(state, rates, corridors)
        assert (state.home >= 0).all() and (state.abroad >= 0).all()
        for name in ("graduates", "attrition", "retirement", "emigration", "returns"):
            assert (getattr(flows, name) >= 0).all(), name


def test_the_oldest_age_closes_out() -> None:
    corridors = Corridors(np.array([0]), np.array([1]), 2)
    home = np.zeros((2, 1, N_AGES, 2))
    home[0, 0, -1, 1] = 10.0
    abroad = np.zeros((1, 1, N_AGES, 2))
    abroad[0, 0, -1, 0] = 4.0
    rates = make_rates(2, 1, 1, retirement_age=75.0, intake=0.0)
    nxt, flows = step(State(2025, home, abroad), rates, corridors)
    assert flows.retirement.sum() == 10.0 and flows.retirement_abroad.sum() == 4.0
    assert nxt.home.sum() == 0.0 and nxt.abroad.sum() == 0.0


def test_graduates_arrive_after_the_training_duration() -> None:
    intake = np.array([10.0, 10.0, 20.0, 20.0, 20.0, 20.0, 20.0])[:, None, None]  # 2023-2029
    rates = make_rates(1, 1, 0, intake=intake, duration=2, completion=0.8)
    assert rates.intake_first_year == 2023
    graduates = [float(rates.graduates(y)[0, 0]) for y in range(2025, 2029)]
    assert graduates == [8.0, 8.0, 16.0, 16.0]


# ---------------------------------------------------------------- golden case


def _golden() -> dict[str, Any]:
    return yaml.safe_load((CASES / "projection_one_country.yaml").read_text())


def test_golden_case_three_years_by_hand() -> None:
    case = _golden()
    countries, cadres = case["countries"], case["cadres"]
    links = case["corridors"]
    corridors = Corridors(
        np.array([countries.index(o) for o, _ in links], dtype=np.intp),
        np.array([countries.index(d) for _, d in links], dtype=np.intp),
        len(countries),
    )
    home = np.zeros((len(countries), len(cadres), N_AGES, 2))
    for c, k, age, sex, n in case["home"]:
        home[countries.index(c), cadres.index(k), age - AGES[0], SEXES.index(sex)] = n
    abroad = np.zeros((len(links), len(cadres), N_AGES, 2))
    for o, d, k, age, sex, n in case["abroad"]:
        abroad[links.index([o, d]), cadres.index(k), age - AGES[0], SEXES.index(sex)] = n
    r = case["rates"]
    entry = np.zeros((len(cadres), N_AGES, 2))
    entry[:, r["entry_age"] - AGES[0], SEXES.index(r["entry_sex"])] = 1.0
    first, until = case["from"], case["until"]
    rates = make_rates(
        len(countries),
        len(cadres),
        len(links),
        first=first,
        years=until - first + 1,
        attrition=r["attrition"],
        retirement_age=r["retirement_age"],
        retirement_share=r["retirement_share"],
        emigration=r["emigration"],
        returns=r["returns"],
        intake=np.array([[r["intake"][c]] * len(cadres) for c in countries]),
        completion=r["completion"],
        duration=r["duration"],
        entry=entry,
    )
    path = simulate(State(first, home, abroad), rates, corridors, until)
    population = np.array(
        [[case["population"][c]] * (until - first + 1) for c in countries], dtype=float
    )
    need = compute_need(
        NeedSpec("target_density", case["need_per_10k"]),
        None,  # type: ignore[arg-type]  # target densities need no parameters
        np.zeros((len(countries), len(cadres))),
        tuple(cadres),
        tuple(countries),
        population,
        first,
        AssumptionLog(),
    )
    values = {
        "supply": path.supply,
        "need": need,
        "gap": path.supply - need,
        "foreign_trained": path.foreign_trained,
        "abroad": path.abroad,
        **path.flows,
    }
    tol = case["tolerance"]
    checked = 0
    for country, by_year in case["expected"].items():
        for year, expected in by_year.items():
            for measure, value in expected.items():
                got = values[measure][countries.index(country), 0, year - first]
                assert got == pytest.approx(value, rel=tol["relative"], abs=tol["absolute"]), (
                    country,
                    year,
                    measure,
                )
                checked += 1
    assert checked >= 40


def test_expected_draw_splits_counts_exactly() -> None:
    outcomes, left = EXPECTED.split(
        np.array([10.0, 4.0]), [np.array([0.5, 0.25]), np.array([0.5, 0.5])]
    )
    assert [o.tolist() for o in outcomes] == [[5.0, 1.0], [5.0, 2.0]]
    assert left.tolist() == [0.0, 1.0]


# ---------------------------------------------------------------- the same step, sampled


def _integer_world() -> tuple[State, Rates, Corridors]:
    corridors = Corridors(np.array([0, 0, 1]), np.array([1, 2, 2]), 3)
    rng = np.random.default_rng(7)
    home = rng.integers(0, 200, size=(3, 2, N_AGES, 2)).astype(float)
    abroad = rng.integers(0, 50, size=(3, 2, N_AGES, 2)).astype(float)
    share = np.array([[0.3, 0.3], [0.7, 0.7], [1.0, 1.0]])
    rates = make_rates(
        3,
        2,
        3,
        attrition=0.05,
        emigration=0.08,
        share=share,
        returns=0.1,
        intake=123.4,
        retirement_age=60.0,
    )
    return State(2025, home, abroad), rates, corridors


def test_sampled_draws_keep_exact_accounting_in_whole_workers() -> None:
    state, rates, corridors = _integer_world()
    draw = Sampled(np.random.default_rng(np.random.SeedSequence(42)))
    for _ in range(5):
        nxt, flows = step(state, rates, corridors, draw)
        totals = flows.totals(corridors)
        assert np.array_equal(nxt.supply(corridors), state.supply(corridors) + totals.net)
        assert totals.emigration.sum() == totals.immigration.sum() + totals.returns.sum()
        for a in (nxt.home, nxt.abroad):
            assert (a >= 0).all() and np.array_equal(a, np.round(a))
        state = nxt


def test_sampled_mean_agrees_with_expected_values() -> None:
    state, rates, corridors = _integer_world()
    _, expected = step(state, rates, corridors)
    seeds = np.random.SeedSequence(2025).spawn(400)
    names = ("graduates", "attrition", "retirement", "emigration", "returns")
    sums = {n: np.zeros_like(getattr(expected, n).sum(axis=(2, 3))) for n in names}
    for seed in seeds:
        _, flows = step(state, rates, corridors, Sampled(np.random.default_rng(seed)))
        for n in names:
            sums[n] += getattr(flows, n).sum(axis=(2, 3))
    for n in names:
        mean, target = sums[n] / len(seeds), getattr(expected, n).sum(axis=(2, 3))
        # binomial standard error of a mean of 400 draws, with a floor; 5 s.e.
        tolerance = 5 * np.sqrt(np.maximum(target, 1.0) / len(seeds))
        assert (np.abs(mean - target) <= tolerance).all(), n


def test_same_seed_same_sampled_step() -> None:
    state, rates, corridors = _integer_world()
    a, _ = step(state, rates, corridors, Sampled(np.random.default_rng(3)))
    b, _ = step(state, rates, corridors, Sampled(np.random.default_rng(3)))
    assert np.array_equal(a.home, b.home) and np.array_equal(a.abroad, b.abroad)
