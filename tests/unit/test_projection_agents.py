"""Agent mode: one row per worker, the cell model's transitions, exact accounting."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hrh.projection.agents import (
    HOME,
    Workers,
    run_agent_replicates,
    simulate_agents,
    workers_from_state,
)
from hrh.projection.agents.pool import Keys, Pool, Tables
from hrh.projection.agents.step import corridor_choice
from hrh.projection.model import N_AGES, Corridors, State
from hrh.projection.params import Rates
from hrh.projection.runner import simulate
from hrh.projection.stockflow import year_rates

FROM, UNTIL = 2025, 2029  # five years


def _world(scale: int = 12) -> tuple[State, Rates, Corridors]:
    """Three countries, two cadres, three corridors; fractional stocks as from data."""
    corridors = Corridors(np.array([0, 0, 1]), np.array([1, 2, 2]), 3)
    rng = np.random.default_rng(7)
    home = rng.integers(0, scale, size=(3, 2, N_AGES, 2)) * 1.37
    abroad = rng.integers(0, scale // 3 + 1, size=(3, 2, N_AGES, 2)) * 0.61
    years = 5

    def path(v: float, n: int) -> np.ndarray:
        return np.full((years, n, 2), v)

    entry = np.zeros((2, N_AGES, 2))
    entry[:, 5, 0] = 0.6
    entry[:, 6, 1] = 0.4
    share = np.broadcast_to(np.array([0.3, 0.7, 1.0])[None, :, None], (years, 3, 2)).copy()
    rates = Rates(
        first_year=FROM,
        attrition_rate=path(0.05, 3),
        attrition_profile=np.ones((2, N_AGES)),
        retirement_age=path(60.0, 3),
        retirement_share=path(0.5, 3),
        emigration_rate=path(0.08, 3),
        emigration_profile=np.ones((2, N_AGES)),
        corridor_share=share,
        return_rate=path(0.1, 3),
        intake=np.full((years, 3, 2), 23.4),
        intake_first_year=FROM,
        completion=path(0.8, 3),
        duration=np.zeros((3, 2), dtype=np.intp),
        entry=entry,
    ).frozen()
    return State(FROM, home, abroad), rates, corridors


def _net(flows: dict[str, np.ndarray]) -> np.ndarray:
    entries = flows["graduates"] + flows["immigration"] + flows["returns"]
    return entries - flows["attrition"] - flows["retirement"] - flows["emigration"]


def test_agent_means_agree_with_deterministic() -> None:
    state, rates, corridors = _world()
    expected = simulate(state, rates, corridors, UNTIL)
    n = 200
    reps = run_agent_replicates(
        state, rates, corridors, UNTIL, np.random.SeedSequence(2025).spawn(n)
    )
    # counts are sums of near-binomial draws (variance ≤ mean): 5 standard errors of the
    # mean of n replicates, with a floor of one worker
    tolerance = 5 * np.sqrt(np.maximum(expected.supply, 1.0) / n)
    assert (np.abs(reps.supply.mean(axis=0) - expected.supply) <= tolerance).all()
    for f in ("graduates", "emigration", "immigration", "returns", "attrition", "retirement"):
        target = expected.flows[f]
        tol = 5 * np.sqrt(np.maximum(target, 1.0) / n)
        assert (np.abs(reps.flows[f].mean(axis=0) - target) <= tol).all(), f
    for name in ("foreign_trained", "abroad"):
        target = getattr(expected, name)
        tol = 5 * np.sqrt(np.maximum(target, 1.0) / n)
        assert (np.abs(getattr(reps, name).mean(axis=0) - target) <= tol).all(), name


def test_accounting_identity_and_a_fresh_count_of_the_population() -> None:
    state, rates, corridors = _world()
    rng = np.random.default_rng(5)
    workers = workers_from_state(state, corridors, rng)
    path = simulate_agents(workers, rates, corridors, FROM, UNTIL, rng)
    net = _net(path.flows)
    assert np.array_equal(path.supply[:, :, 1:], path.supply[:, :, :-1] + net[:, :, :-1])
    emigration = path.flows["emigration"].sum(axis=0)
    assert np.array_equal(
        emigration, (path.flows["immigration"] + path.flows["returns"]).sum(axis=0)
    )
    # the population left at the end, counted afresh, is last year's supply plus its net
    final = path.final.stocks(corridors, 2)
    assert np.array_equal(final.supply(corridors), path.supply[:, :, -1] + net[:, :, -1])
    for values in (path.supply, path.foreign_trained, path.abroad, *path.flows.values()):
        assert (values >= 0).all() and np.array_equal(values, np.round(values))
    assert (path.final.age >= 20).all() and (path.final.age <= 74).all()


def test_stocks_kept_by_the_run_match_a_fresh_count() -> None:
    state, rates, corridors = _world()
    workers = workers_from_state(state, corridors, np.random.default_rng(1))
    long = simulate_agents(workers, rates, corridors, FROM, UNTIL, np.random.default_rng(2))
    short = simulate_agents(workers, rates, corridors, FROM, UNTIL - 1, np.random.default_rng(2))
    counted = short.final.stocks(corridors, 2)
    assert np.array_equal(counted.supply(corridors), long.supply[:, :, -1])
    assert np.array_equal(counted.foreign_trained(corridors), long.foreign_trained[:, :, -1])
    assert np.array_equal(counted.trained_abroad(corridors), long.abroad[:, :, -1])
    assert np.array_equal(short.supply, long.supply[:, :, :-1])


def test_workers_from_integer_stocks_are_the_stocks() -> None:
    state, _, corridors = _world()
    whole = State(FROM, np.round(state.home), np.round(state.abroad))
    workers = workers_from_state(whole, corridors, np.random.default_rng(0))
    counted = workers.stocks(corridors, 2)
    assert np.array_equal(counted.home, whole.home)
    assert np.array_equal(counted.abroad, whole.abroad)
    abroad = workers.corridor != HOME
    assert np.array_equal(workers.origin[abroad], corridors.origin[workers.corridor[abroad]])


def test_same_seed_identical_and_replicates_independent_of_the_batch() -> None:
    state, rates, corridors = _world()
    seeds = np.random.SeedSequence(11).spawn(4)
    a = run_agent_replicates(state, rates, corridors, UNTIL, seeds)
    b = run_agent_replicates(state, rates, corridors, UNTIL, np.random.SeedSequence(11).spawn(4))
    alone = run_agent_replicates(state, rates, corridors, UNTIL, seeds[2:3])
    other = run_agent_replicates(
        state, rates, corridors, UNTIL, np.random.SeedSequence(12).spawn(1)
    )
    assert np.array_equal(a.supply, b.supply)
    assert all(np.array_equal(a.flows[f], b.flows[f]) for f in a.flows)
    assert np.array_equal(a.supply[2:3], alone.supply)
    assert np.array_equal(a.final.home[2:3], alone.final.home)
    assert not np.array_equal(a.supply[:1], other.supply)


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(1, 60),
    data=st.data(),
)
def test_removing_rows_keeps_exactly_the_others(size: int, data: st.DataObject) -> None:
    gone = sorted(data.draw(st.sets(st.integers(0, size - 1), max_size=size)))
    w = Workers(
        np.arange(size, dtype=np.int16),
        np.zeros(size, np.int8),
        np.full(size, 30, np.int8),
        np.zeros(size, np.int8),
        np.full(size, HOME, np.int16),
        np.zeros(size, np.int16),
    )
    keys = Keys(size, 0, 1, 2025, 2030)
    corridors = Corridors(np.zeros(0, np.intp), np.zeros(0, np.intp), size)
    pool = Pool(w, 2025, size + 5, keys)
    pool.remove(np.array(gone, dtype=np.intp))
    kept = pool.workers(2025, keys, corridors)
    assert sorted(kept.origin.tolist()) == [i for i in range(size) if i not in set(gone)]
    assert (kept.age == 30).all() and (kept.corridor == HOME).all()


def test_emigrants_choose_corridors_by_share() -> None:
    _, rates, corridors = _world()
    r = year_rates(rates, FROM, corridors)
    order = np.argsort(corridors.origin, kind="stable")
    n = 40_000
    rng = np.random.default_rng(3)
    origin = np.zeros(n, dtype=np.intp)
    cadre = rng.integers(0, 2, n)
    chosen = corridor_choice(origin, cadre, r, corridors, order, rng.random(n))
    assert set(np.unique(chosen)) == {0, 1}  # origin 0's corridors only
    # shares 0.3 / 0.7: a binomial proportion, 5 standard errors
    assert abs((chosen == 0).mean() - 0.3) <= 5 * np.sqrt(0.3 * 0.7 / n)
    one = corridor_choice(
        np.ones(10, np.intp), np.zeros(10, np.intp), r, corridors, order, rng.random(10)
    )
    assert (one == 2).all()


def test_final_stocks_count_the_final_population() -> None:
    state, rates, corridors = _world()
    rng = np.random.default_rng(6)
    path = simulate_agents(
        workers_from_state(state, corridors, rng), rates, corridors, FROM, UNTIL, rng
    )
    packed, unpacked = path.final_stocks(), path.final.stocks(corridors, 2)
    assert packed.year == UNTIL + 1
    assert np.array_equal(packed.home, unpacked.home)
    assert np.array_equal(packed.abroad, unpacked.abroad)


@st.composite
def small_worlds(draw: st.DrawFn) -> tuple[State, Rates, Corridors]:
    """Random small worlds: 2–3 countries, 1–2 cadres, any corridors, any rates."""
    n_c, n_k, years = draw(st.integers(2, 3)), draw(st.integers(1, 2)), 3
    pairs = [(o, d) for o in range(n_c) for d in range(n_c) if o != d]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    corridors = Corridors(
        np.array([o for o, _ in chosen], dtype=np.intp),
        np.array([d for _, d in chosen], dtype=np.intp),
        n_c,
    )
    n_n = len(chosen)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)

    def rate(n: int, high: float = 0.5) -> np.ndarray:
        return rng.uniform(0, high, size=(years, n, n_k))

    raw = rng.uniform(0, 1, size=(years, n_n, n_k))
    per_origin = np.zeros((years, n_c, n_k))
    for y in range(years):
        per_origin[y] = corridors.to_origin(raw[y]) if n_n else 0.0
    share = raw / np.maximum(per_origin[:, corridors.origin], 1.0) if n_n else raw
    entry = rng.uniform(0, 1, size=(n_k, N_AGES, 2)) * (rng.uniform(size=(1, N_AGES, 1)) < 0.2)
    entry[:, 3, 0] += 0.1
    entry /= entry.sum(axis=(1, 2), keepdims=True)
    rates = Rates(
        first_year=FROM,
        attrition_rate=rate(n_c),
        attrition_profile=rng.uniform(0, 2, size=(n_k, N_AGES)),
        retirement_age=rng.uniform(40, 75, size=(years, n_c, n_k)),
        retirement_share=rate(n_c, 1.0),
        emigration_rate=rate(n_c),
        emigration_profile=rng.uniform(0, 2, size=(n_k, N_AGES)),
        corridor_share=share,
        return_rate=rate(n_n),
        intake=rng.uniform(0, 60, size=(years, n_c, n_k)),
        intake_first_year=FROM,
        completion=rate(n_c, 1.0),
        duration=np.zeros((n_c, n_k), dtype=np.intp),
        entry=entry,
    ).frozen()
    home = rng.integers(0, 30, size=(n_c, n_k, N_AGES, 2)) * rng.uniform(0.5, 1.5)
    abroad = rng.integers(0, 8, size=(n_n, n_k, N_AGES, 2)) * 1.0
    return State(FROM, home, abroad), rates, corridors


@settings(max_examples=30, deadline=None)
@given(world=small_worlds(), seed=st.integers(0, 2**32 - 1))
def test_agent_accounting_holds_on_random_small_worlds(
    world: tuple[State, Rates, Corridors], seed: int
) -> None:
    state, rates, corridors = world
    rng = np.random.default_rng(seed)
    n_k = rates.entry.shape[0]
    until = FROM + 2
    path = simulate_agents(
        workers_from_state(state, corridors, rng), rates, corridors, FROM, until, rng
    )
    net = _net(path.flows)
    assert np.array_equal(path.supply[:, :, 1:], path.supply[:, :, :-1] + net[:, :, :-1])
    world_emigration = path.flows["emigration"].sum(axis=0)
    arrivals = (path.flows["immigration"] + path.flows["returns"]).sum(axis=0)
    assert np.array_equal(world_emigration, arrivals)
    final = path.final_stocks()
    assert np.array_equal(final.supply(corridors), path.supply[:, :, -1] + net[:, :, -1])
    assert np.array_equal(final.home, path.final.stocks(corridors, n_k).home)
    for values in (path.supply, path.abroad, *path.flows.values(), final.home, final.abroad):
        assert (values >= 0).all()


class _AllCandidates(Tables):
    """Thresholds whose split makes every worker a candidate (no short cut)."""

    def split(self, per_key: np.ndarray, block: int) -> tuple[int, int]:
        return 0, 255


def test_the_candidate_short_cut_never_changes_who_leaves() -> None:
    state, rates, corridors = _world(scale=40)
    workers = workers_from_state(state, corridors, np.random.default_rng(4))
    keys = Keys(3, len(corridors), 2, FROM, UNTIL)
    pool = Pool(workers, FROM, len(workers) + 10, keys)
    tab = keys.tables(year_rates(rates, FROM + 1, corridors), FROM + 1)
    cut, first = tab.split(pool.per_key, keys.block)
    assert cut > 0 and 0 < first < 255  # the short cut is taken: some workers are not candidates
    fast = pool.leavers(tab, np.random.default_rng(9))
    slow = pool.leavers(_AllCandidates(*vars(tab).values()), np.random.default_rng(9))
    assert len(fast[0]) > 0
    for a, b in zip(fast, slow, strict=True):
        assert np.array_equal(a, b)


def test_counts_per_key_follow_the_population() -> None:
    state, rates, corridors = _world()
    rng = np.random.default_rng(8)
    path = simulate_agents(
        workers_from_state(state, corridors, rng), rates, corridors, FROM, UNTIL, rng
    )
    pool = path._pool
    counted = np.bincount(pool.key[: pool.size], minlength=len(pool.per_key))
    assert np.array_equal(pool.per_key, counted)
    assert pool.size > 0
