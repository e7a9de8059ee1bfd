"""Stochastic mode: replicates from SeedSequence, quantiles, agreement with expected values."""

from __future__ import annotations

import numpy as np

from hrh.projection.model import N_AGES, Corridors, State
from hrh.projection.params import Rates
from hrh.projection.replicates import Replicates, pool_sexes, run_replicates
from hrh.projection.runner import ensemble, generators, simulate, whole
from hrh.projection.stockflow import Sampled, step

UNTIL = 2029  # five years from 2025


def _fractional() -> tuple[State, Rates, Corridors]:
    """Three countries, two cadres, three corridors; fractional stocks as from data."""
    corridors = Corridors(np.array([0, 0, 1]), np.array([1, 2, 2]), 3)
    rng = np.random.default_rng(7)
    home = rng.integers(0, 200, size=(3, 2, N_AGES, 2)) * 1.37
    abroad = rng.integers(0, 50, size=(3, 2, N_AGES, 2)) * 0.61
    years = 5

    def path(v: float, n: int) -> np.ndarray:
        return np.full((years, n, 2), v)

    entry = np.zeros((2, N_AGES, 2))
    entry[:, 5, 0] = 0.6
    entry[:, 6, 1] = 0.4
    share = np.broadcast_to(np.array([0.3, 0.7, 1.0])[None, :, None], (years, 3, 2)).copy()
    rates = Rates(
        first_year=2025,
        attrition_rate=path(0.05, 3),
        attrition_profile=np.ones((2, N_AGES)),
        retirement_age=path(60.0, 3),
        retirement_share=path(0.5, 3),
        emigration_rate=path(0.08, 3),
        emigration_profile=np.ones((2, N_AGES)),
        corridor_share=share,
        return_rate=path(0.1, 3),
        intake=np.full((years, 3, 2), 123.4),
        intake_first_year=2025,
        completion=path(0.8, 3),
        duration=np.zeros((3, 2), dtype=np.intp),
        entry=entry,
    ).frozen()
    return State(2025, home, abroad), rates, corridors


def test_same_seed_identical_different_seeds_differ() -> None:
    state, rates, corridors = _fractional()
    a, qa = ensemble(state, rates, corridors, UNTIL, 8, 11)
    b, qb = ensemble(state, rates, corridors, UNTIL, 8, 11)
    c, _ = ensemble(state, rates, corridors, UNTIL, 8, 12)
    assert np.array_equal(a.supply, b.supply)
    assert all(np.array_equal(qa[k], qb[k]) for k in qa)
    assert all(np.array_equal(a.flows[f], b.flows[f]) for f in a.flows)
    assert not np.array_equal(a.supply, c.supply)


def test_replicate_streams_do_not_depend_on_the_replicate_count() -> None:
    few = [g.random(3) for g in generators(5, 3)]
    many = [g.random(3) for g in generators(5, 10)][:3]
    assert all(np.array_equal(x, y) for x, y in zip(few, many, strict=True))


def test_quantiles_are_ordered_and_bracket_the_mean() -> None:
    state, rates, corridors = _fractional()
    mean, q = ensemble(state, rates, corridors, UNTIL, 40, 3)
    assert set(q) == {"p05", "p50", "p95"}
    assert (q["p05"] <= q["p50"]).all() and (q["p50"] <= q["p95"]).all()
    assert (q["p05"] <= mean.supply).all() and (mean.supply <= q["p95"]).all()
    assert (q["p95"] > q["p05"]).any()


def test_accounting_identity_in_every_replicate() -> None:
    state, rates, corridors = _fractional()
    for rng in generators(99, 5):
        path = simulate(whole(state, rng), rates, corridors, UNTIL, Sampled(rng))
        net = sum(path.flows[f] for f in ("graduates", "immigration", "returns"))
        net = net - sum(path.flows[f] for f in ("attrition", "retirement", "emigration"))
        assert np.array_equal(path.supply[:, :, 1:], path.supply[:, :, :-1] + net[:, :, :-1])
        world = path.flows["emigration"].sum(axis=0)
        assert np.array_equal(
            world, (path.flows["immigration"] + path.flows["returns"]).sum(axis=0)
        )
        assert (path.supply >= 0).all() and np.array_equal(path.supply, np.round(path.supply))
        assert (path.final.home >= 0).all() and (path.final.abroad >= 0).all()


def test_whole_rounding_is_unbiased() -> None:
    state, _, _ = _fractional()
    rng = np.random.default_rng(0)
    draws = np.stack([whole(state, rng).home.sum(axis=(2, 3)) for _ in range(200)])
    target = state.home.sum(axis=(2, 3))
    # a sum of 110 independent Bernoulli roundings: s.d. at most ~5.2; 5 s.e. of a mean of 200
    assert (np.abs(draws.mean(axis=0) - target) <= 5 * 5.3 / np.sqrt(200)).all()


def test_stochastic_mean_agrees_with_deterministic() -> None:
    state, rates, corridors = _fractional()
    expected = simulate(state, rates, corridors, UNTIL)
    n = 200
    mean, _ = ensemble(state, rates, corridors, UNTIL, n, 2025)
    # supply is a sum of near-binomial counts (variance ≤ mean): 5 standard errors of the
    # replicate mean, with a floor of one worker
    tolerance = 5 * np.sqrt(np.maximum(expected.supply, 1.0) / n)
    assert (np.abs(mean.supply - expected.supply) <= tolerance).all()
    for f in ("graduates", "emigration", "immigration", "returns", "attrition", "retirement"):
        tol = 5 * np.sqrt(np.maximum(expected.flows[f], 1.0) / n)
        assert (np.abs(mean.flows[f] - expected.flows[f]) <= tol).all(), f


def _same(a: Replicates, b: Replicates) -> bool:
    return (
        np.array_equal(a.supply, b.supply)
        and np.array_equal(a.foreign_trained, b.foreign_trained)
        and np.array_equal(a.abroad, b.abroad)
        and all(np.array_equal(a.flows[f], b.flows[f]) for f in a.flows)
        and np.array_equal(a.final.home, b.final.home)
        and np.array_equal(a.final.abroad, b.final.abroad)
    )


def test_batching_and_worker_count_do_not_change_results() -> None:
    state, rates, corridors = _fractional()
    seeds = np.random.SeedSequence(9).spawn(6)
    together = run_replicates(state, rates, corridors, UNTIL, seeds)
    chunks = [seeds[:2], seeds[2:5], seeds[5:]]  # as three workers would run them
    split = Replicates.concatenate(
        [run_replicates(state, rates, corridors, UNTIL, c) for c in chunks]
    )
    one_by_one = Replicates.concatenate(
        [run_replicates(state, rates, corridors, UNTIL, [s]) for s in seeds]
    )
    assert _same(together, split) and _same(together, one_by_one)
    assert not np.array_equal(together.supply[0], together.supply[1])


def test_ensemble_is_the_mean_of_the_replicates_of_the_spawned_seeds() -> None:
    state, rates, corridors = _fractional()
    mean, q = ensemble(state, rates, corridors, UNTIL, 5, 21)
    reps = run_replicates(state, rates, corridors, UNTIL, np.random.SeedSequence(21).spawn(5))
    assert np.array_equal(mean.supply, reps.supply.mean(axis=0))
    assert np.array_equal(q["p50"], np.quantile(reps.supply, 0.5, axis=0))


def test_one_generator_draws_as_a_batch_of_one() -> None:
    state, rates, corridors = _fractional()
    whole_state = whole(state, np.random.default_rng(4))
    a, fa = step(whole_state, rates, corridors, Sampled(np.random.default_rng(8)))
    batch = State(whole_state.year, whole_state.home[None], whole_state.abroad[None])
    b, fb = step(batch, rates, corridors, Sampled([np.random.default_rng(8)]))
    assert np.array_equal(a.home, b.home[0]) and np.array_equal(a.abroad, b.abroad[0])
    ta, tb = fa.totals(corridors), fb.totals(corridors)
    assert np.array_equal(ta.net, tb.net[0]) and np.array_equal(ta.emigration, tb.emigration[0])


def test_pooling_the_sexes_keeps_every_total() -> None:
    state, rates, corridors = _fractional()
    pooled, pooled_rates = pool_sexes(state, rates)
    assert pooled.home.shape[-1] == 1 and pooled_rates.entry.shape[-1] == 1
    a = simulate(state, rates, corridors, UNTIL)
    b = simulate(pooled, pooled_rates, corridors, UNTIL)
    assert np.allclose(a.supply, b.supply, rtol=1e-12)
    assert all(np.allclose(a.flows[f], b.flows[f], rtol=1e-12) for f in a.flows)
