"""Bounded stochastic runs: the reported countries drawn, their partners at expected values."""

from __future__ import annotations

import numpy as np

from hrh.projection.model import N_AGES, Corridors, State
from hrh.projection.params import Rates
from hrh.projection.replicates import Replicates, run_replicates
from hrh.projection.runner import simulate

UNTIL = 2034  # ten years from 2025
FLOWS = ("graduates", "immigration", "returns", "attrition", "retirement", "emigration")


def _world() -> tuple[State, Rates, Corridors, np.ndarray]:
    """Four countries; country 0 reported. Partners 1 and 2 send workers to 0 and to each
    other; 0 sends to 1 and 2; 2 → 3 is a corridor between partners only."""
    corridors = Corridors(np.array([0, 0, 1, 2, 2, 1]), np.array([1, 2, 0, 0, 3, 2]), 4)
    rng = np.random.default_rng(3)
    home = rng.integers(50, 400, size=(4, 2, N_AGES, 2)) * 1.0
    home[1:] *= 40  # large partners, as OECD destinations are
    abroad = rng.integers(0, 40, size=(6, 2, N_AGES, 2)) * 1.0
    years = 10

    def path(v: float, n: int) -> np.ndarray:
        return np.full((years, n, 2), v)

    entry = np.zeros((2, N_AGES, 2))
    entry[:, 3, 0] = 0.55
    entry[:, 4, 1] = 0.45
    share = np.broadcast_to(
        np.array([0.4, 0.6, 0.05, 0.3, 0.7, 0.95])[None, :, None], (years, 6, 2)
    ).copy()
    rates = Rates(
        first_year=2025,
        attrition_rate=path(0.04, 4),
        attrition_profile=np.ones((2, N_AGES)),
        retirement_age=path(62.0, 4),
        retirement_share=path(0.4, 4),
        emigration_rate=path(0.03, 4),
        emigration_profile=np.ones((2, N_AGES)),
        corridor_share=share,
        return_rate=path(0.08, 6),
        intake=np.full((years, 4, 2), 300.0),
        intake_first_year=2025,
        completion=path(0.9, 4),
        duration=np.zeros((4, 2), dtype=np.intp),
        entry=entry,
    ).frozen()
    reported = np.array([True, False, False, False])
    return State(2025, home, abroad), rates, corridors, reported


def _seeds(n: int, seed: int = 2025) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(seed).spawn(n)


def test_the_accounting_identity_holds_exactly_in_every_replicate() -> None:
    state, rates, corridors, reported = _world()
    paths = run_replicates(state, rates, corridors, UNTIL, _seeds(20), reported=reported)
    s, f = paths.supply[:, 0], paths.flows
    entries = f["graduates"] + f["immigration"] + f["returns"]
    exits = f["attrition"] + f["retirement"] + f["emigration"]
    assert np.array_equal(s[..., 1:], s[..., :-1] + (entries - exits)[:, 0, :, :-1])
    assert f["immigration"][:, 0].sum() > 0  # partners' emigrants reach country 0, drawn
    assert np.all(s >= 0) and np.all(paths.final.home >= 0) and np.all(paths.final.abroad >= 0)


def test_partners_are_not_reported() -> None:
    state, rates, corridors, reported = _world()
    paths = run_replicates(state, rates, corridors, UNTIL, _seeds(4), reported=reported)
    assert not paths.supply[:, 1:].any()
    assert all(not paths.flows[name][:, 1:].any() for name in FLOWS)
    assert paths.final.abroad.shape == (4, *state.abroad.shape[:3], 1)


def test_a_replicate_gives_the_same_numbers_alone_or_in_a_batch() -> None:
    state, rates, corridors, reported = _world()
    seeds = _seeds(6)
    batch = run_replicates(state, rates, corridors, UNTIL, seeds, reported=reported)
    alone = run_replicates(state, rates, corridors, UNTIL, seeds[4:5], reported=reported)
    halves = Replicates.concatenate(
        [
            run_replicates(state, rates, corridors, UNTIL, seeds[:3], reported=reported),
            run_replicates(state, rates, corridors, UNTIL, seeds[3:], reported=reported),
        ]
    )
    assert np.array_equal(batch.supply[4], alone.supply[0])
    assert np.array_equal(batch.supply, halves.supply)
    assert all(np.array_equal(batch.flows[f], halves.flows[f]) for f in FLOWS)


def test_mean_and_spread_agree_with_the_full_stochastic_model() -> None:
    """Means within 5 standard errors of the deterministic path; the standard deviation of
    supply within 25% of the full model's (400 replicates each: the estimates' own error is
    about 5%)."""
    state, rates, corridors, reported = _world()
    n = 400
    bounded = run_replicates(state, rates, corridors, UNTIL, _seeds(n, 1), reported=reported)
    full = run_replicates(state, rates, corridors, UNTIL, _seeds(n, 2))
    expected = simulate(state, rates, corridors, UNTIL)
    for name, mean, reps in [
        ("supply", expected.supply[0], bounded.supply[:, 0]),
        *((f, expected.flows[f][0], bounded.flows[f][:, 0]) for f in FLOWS),
    ]:
        se = reps.std(axis=0, ddof=1) / np.sqrt(n)
        gap = np.abs(reps.mean(axis=0) - mean)
        assert np.all(gap <= 5 * se + 1e-6 * np.maximum(1.0, np.abs(mean))), name
    sd_bounded = bounded.supply[:, 0, :, 1:].std(axis=0, ddof=1)
    sd_full = full.supply[:, 0, :, 1:].std(axis=0, ddof=1)
    ratio = sd_bounded / sd_full
    assert np.all((ratio > 0.75) & (ratio < 1.25)), ratio


def test_all_reported_is_the_full_model() -> None:
    state, rates, corridors, _ = _world()
    seeds = _seeds(3)
    everyone = np.ones(4, dtype=bool)
    a = run_replicates(state, rates, corridors, UNTIL, seeds, reported=everyone)
    b = run_replicates(state, rates, corridors, UNTIL, seeds)
    assert np.array_equal(a.supply, b.supply)


def test_a_one_country_ensemble_runs_in_this_process_by_default() -> None:
    from hrh.services.ensembles import execution_for

    with execution_for(200, 2025, 2050, countries=1) as one:
        assert one is None  # 5,200 replicate-years of one country: no process to start
    with execution_for(200, 2025, 2050) as world:
        assert world is not None and world.batches >= 1  # the whole world: local processes
