"""Levers added in issue 4: absolute intake, bonding, a new cadre, parameter uncertainty.

Each: its direction, its accounting (the identity per country, cadre and year, and the
conservation of migrants over the world), and that it leaves what it should not touch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hrh.params.projection import load_projection_parameters
from hrh.projection.ensemble import parameter_multipliers, scaled_rates
from hrh.projection.example import example_inputs
from hrh.projection.results import FLOWS, ProjectionResult
from hrh.projection.runner import run
from hrh.projection.scenarios import Scenario, load_scenario

PARAMS = load_projection_parameters()
NURSES, DOCTORS, CHW = "nursing_midwifery", "medical_doctors", "community_health_workers"


def _scenario(tmp_path: Path, body: str, name: str = "lever-test") -> Scenario:
    f = tmp_path / f"{name}.yaml"
    f.write_text(f"name: {name}\ndescription: A lever under test.\nbase: baseline\n{body}")
    return load_scenario(str(f), PARAMS)


def _run(scenario: Scenario | str, until: int = 2040, **kw: object) -> ProjectionResult:
    chosen = load_scenario(scenario, PARAMS) if isinstance(scenario, str) else scenario
    return run(example_inputs(), PARAMS, chosen, 2025, until, **kw)  # type: ignore[arg-type]


def _check_accounting(r: ProjectionResult) -> None:
    """The identity per country, cadre and year, and migrants conserved over the world."""
    v = r.values
    net = v["graduates"] + v["immigration"] + v["returns"]
    net = net - v["attrition"] - v["retirement"] - v["emigration"]
    covered = r.covered[:, :, None]
    gap = np.where(covered, v["supply"][..., 1:] - v["supply"][..., :-1] - net[..., :-1], 0)
    assert np.allclose(gap, 0.0, atol=1e-6 * max(1.0, float(v["supply"].max())))
    world_emi = v["emigration"].sum(axis=(0, 1))
    assert np.allclose(world_emi, (v["immigration"] + v["returns"]).sum(axis=(0, 1)))
    for f in (*FLOWS, "supply"):
        assert (v[f] >= -1e-9).all(), f


def test_absolute_intake_sets_trainees_from_its_year(tmp_path: Path) -> None:
    lever = "levers:\n  - {lever: training_intake, from: 2026, where: {iso3: [GHA]},"
    s = _scenario(tmp_path, lever + " cadres: [nursing_midwifery], intake: 1000}\n")
    base, more = _run("baseline"), _run(s)
    grads, before = more.value("graduates", "GHA", NURSES), base.value("graduates", "GHA", NURSES)
    # intake from 2026, 3 years of training, completion 0.8: 800 graduates a year from 2029
    assert np.allclose(grads[: 2029 - 2025], before[: 2029 - 2025])
    assert np.allclose(grads[2029 - 2025 :], 1000 * 0.8)
    assert np.allclose(
        more.value("graduates", "GHA", DOCTORS), base.value("graduates", "GHA", DOCTORS)
    )
    # other countries train as before (their supply moves only with Ghana's emigrants)
    assert np.allclose(
        more.value("graduates", "GBR", NURSES), base.value("graduates", "GBR", NURSES)
    )
    _check_accounting(more)


def test_absolute_intake_direction_follows_the_number(tmp_path: Path) -> None:
    base = _run("baseline")
    few = _scenario(
        tmp_path,
        "levers:\n  - {lever: training_intake, from: 2026, where: {iso3: [GHA]}, intake: 10}\n",
        "few",
    )
    low = _run(few)
    assert (
        low.value("supply", "GHA", NURSES)[-5:] < base.value("supply", "GHA", NURSES)[-5:]
    ).all()


BOND = (
    "levers:\n  - {lever: bonding, from: 2026, where: {iso3: [GHA]}, years: %d, buyout_share: %s}\n"
)


def test_bonding_keeps_graduates_home_and_shows_in_the_destinations(tmp_path: Path) -> None:
    base = _run("baseline")
    bonded = _run(_scenario(tmp_path, BOND % (5, "0.2")))
    for cadre in (DOCTORS, NURSES):
        emi_b, emi = (
            base.value("emigration", "GHA", cadre),
            bonded.value("emigration", "GHA", cadre),
        )
        sup_b, sup = base.value("supply", "GHA", cadre), bonded.value("supply", "GHA", cadre)
        # nothing changes before the first bonded graduates work (graduating in 2026)
        assert np.allclose(emi[:2], emi_b[:2]) and np.allclose(sup[:2], sup_b[:2])
        assert (emi[2:] < emi_b[2:]).all() and (sup[3:] > sup_b[3:]).all()
        # the workers who stayed are missing from the destinations' immigration
        gained = sup - sup_b
        lost_abroad = sum(
            base.value("immigration", d, cadre) - bonded.value("immigration", d, cadre)
            for d in ("GBR", "USA")
        )
        assert gained[3] > 0 and lost_abroad[2] > 0
        assert np.allclose(
            bonded.value("graduates", "GHA", cadre), base.value("graduates", "GHA", cadre)
        )
    assert np.allclose(
        bonded.value("supply", "GBR", NURSES)[:2], base.value("supply", "GBR", NURSES)[:2]
    )
    _check_accounting(bonded)


def test_bonding_with_full_buyout_changes_nothing_and_longer_bonds_keep_more(
    tmp_path: Path,
) -> None:
    base = _run("baseline")
    free = _run(_scenario(tmp_path, BOND % (5, "1"), "free"))
    for m in ("supply", *FLOWS):
        assert np.allclose(free.values[m], base.values[m], rtol=1e-12, atol=1e-9), m
    short = _run(_scenario(tmp_path, BOND % (2, "0"), "short"))
    long = _run(_scenario(tmp_path, BOND % (8, "0"), "long"))
    assert (
        long.value("supply", "GHA", NURSES)[5:] > short.value("supply", "GHA", NURSES)[5:]
    ).all()
    _check_accounting(short)
    _check_accounting(long)


def test_bonding_in_stochastic_mode_keeps_exact_accounting(tmp_path: Path) -> None:
    s = _scenario(tmp_path, BOND % (4, "0.1"))
    r = _run(s, until=2032, mode="stochastic", replicates=6, seed=5)
    _check_accounting(r)
    assert r.cadres == (DOCTORS, NURSES)
    assert (r.values["p05"] <= r.values["p95"]).all()


NEW = (
    "levers:\n  - {lever: new_cadre, from: 2027, where: {iso3: [GHA]},"
    " cadre: community_health_workers, intake: 500%s}\n"
)


def test_a_new_cadre_grows_from_its_year_without_emigration(tmp_path: Path) -> None:
    base = _run("baseline")
    r = _run(_scenario(tmp_path, NEW % ""))
    assert r.cadres == (DOCTORS, NURSES, CHW)
    gha, gbr = r.countries.index("GHA"), r.countries.index("GBR")
    assert r.covered[gha, 2] and not r.covered[gbr, 2]
    supply, grads = r.value("supply", "GHA", CHW), r.value("graduates", "GHA", CHW)
    # first graduates in 2027: 500 trainees × completion 0.9 (defaults: duration 1 year)
    assert np.allclose(supply[: 2028 - 2025], 0.0) and supply[2028 - 2025] == pytest.approx(450)
    assert np.allclose(grads[: 2027 - 2025], 0.0) and np.allclose(grads[2027 - 2025 :], 450)
    assert (np.diff(supply[2027 - 2025 :]) > 0).all()
    assert np.allclose(r.value("emigration", "GHA", CHW), 0.0)
    assert np.allclose(r.value("immigration", "GHA", CHW), 0.0)
    assert np.isnan(r.value("need", "GHA", CHW)).all()
    for cadre in (DOCTORS, NURSES):  # the other cadres are untouched
        assert np.allclose(r.value("supply", "GHA", cadre), base.value("supply", "GHA", cadre))
    assert any(a.parameter == "levers.new_cadre.community_health_workers" for a in r.assumptions)
    rows = [x for x in r.row_dicts() if x["cadre"] == CHW]
    assert {x["country"] for x in rows} == {"GHA"} and len(rows) == 2040 - 2025 + 1
    _check_accounting(r)


def test_a_new_cadre_takes_its_options_and_a_target_density(tmp_path: Path) -> None:
    options = ", attrition_rate: 0.2, emigration_rate: 0.05, duration_years: 2"
    body = (
        NEW % options + "need: {method: target_density, per_10k: {community_health_workers: 5}}\n"
    )
    r = _run(_scenario(tmp_path, body))
    assert r.value("graduates", "GHA", CHW)[2027 - 2025] == pytest.approx(450)
    assert r.value("emigration", "GHA", CHW)[-1] > 0  # along Ghana's corridors
    population = example_inputs().population_at(2030)[1]
    assert r.value("need", "GHA", CHW)[2030 - 2025] == pytest.approx(5 * population / 10_000)
    assert not any(
        a.parameter.startswith("levers.new_cadre") and "attrition" in a.value for a in r.assumptions
    )
    _check_accounting(r)


def test_a_new_cadre_already_projected_is_refused(tmp_path: Path) -> None:
    from hrh.errors import Invalid

    body = NEW.replace("community_health_workers", NURSES) % ""
    with pytest.raises(Invalid, match=r"lever-test.yaml: levers\[0\].cadre: nursing_midwifery is"):
        _run(_scenario(tmp_path, body))


UNCERTAIN = (
    "uncertainty:\n  attrition.annual_rate: {low: 0.5, high: 1.5}\n"
    "  emigration.annual_rate: {low: 0.5, high: 2}\n"
)


def test_parameter_uncertainty_widens_the_fan_and_is_reproducible(tmp_path: Path) -> None:
    s = _scenario(tmp_path, UNCERTAIN)
    assert s.uncertainty == (
        ("attrition.annual_rate", 0.5, 1.5),
        ("emigration.annual_rate", 0.5, 2.0),
    )
    plain = _run("baseline", until=2035, mode="stochastic", replicates=30, seed=9)
    wide = _run(s, until=2035, mode="stochastic", replicates=30, seed=9)
    again = _run(s, until=2035, mode="stochastic", replicates=30, seed=9)
    for m in wide.values:
        assert np.array_equal(wide.values[m], again.values[m], equal_nan=True), m
    spread = lambda r: r.value("p95", "GHA", NURSES)[-1] - r.value("p05", "GHA", NURSES)[-1]  # noqa: E731
    assert spread(wide) > 3 * spread(plain)
    _check_accounting(wide)
    assert s.digest != load_scenario("baseline", PARAMS).digest


def test_each_replicate_draws_its_own_parameters_within_the_ranges() -> None:
    seeds = np.random.SeedSequence(4).spawn(50)
    ranges = (("attrition.annual_rate", 0.5, 1.5), ("training.intake_rate", 0.8, 1.2))
    draws = [parameter_multipliers(s, ranges) for s in seeds]
    attrition = np.array([d["attrition.annual_rate"] for d in draws])
    assert ((attrition >= 0.5) & (attrition <= 1.5)).all() and len(set(attrition)) == 50
    assert abs(attrition.mean() - 1.0) < 0.15  # uniform on [0.5, 1.5]: sd of the mean 0.04
    # the same replicate draws the same set, whatever the ensemble's size
    assert parameter_multipliers(np.random.SeedSequence(4).spawn(3)[2], ranges) == draws[2]


def test_scaled_rates_cap_probabilities_and_leave_the_baseline() -> None:
    from hrh.projection.calibrate import build_rates, initial_state
    from hrh.projection.params import AssumptionLog

    inputs, log = example_inputs(), AssumptionLog()
    state, headcount = initial_state(inputs, PARAMS, 2025, log)
    rates = build_rates(inputs, PARAMS, state, headcount, 2030, log)
    before = rates.attrition_rate.copy()
    scaled = scaled_rates(rates, {"attrition.annual_rate": 100.0, "training.intake_rate": 2.0})
    assert np.allclose(scaled.attrition_rate, 1.0) and np.array_equal(rates.attrition_rate, before)
    assert np.allclose(scaled.intake, 2 * rates.intake)
    assert not scaled.attrition_rate.flags.writeable


def test_bonding_removes_exactly_the_bonded_graduates_expected_emigration(
    tmp_path: Path,
) -> None:
    """In the first bonded year (2027) the drop in emigration is, to rounding, what the 2026
    graduates would have emigrated (buyout 0): computed by hand from the rates."""
    from hrh.projection.calibrate import build_rates, initial_state
    from hrh.projection.params import AssumptionLog
    from hrh.projection.stockflow import year_rates

    inputs, log = example_inputs(), AssumptionLog()
    state, headcount = initial_state(inputs, PARAMS, 2025, log)
    rates = build_rates(inputs, PARAMS, state, headcount, 2040, log)
    yr = year_rates(rates, 2027, inputs.corridors)
    entrants = rates.graduates(2026)[:, :, None, None] * rates.entry[None]  # ages in 2027
    h, q = yr.retire[..., None], yr.attrition[..., None]
    p_emi = (1 - h) * (1 - q) * yr.emigration[..., None] * yr.share_sum[:, :, None, None]
    expected = (entrants * p_emi).sum(axis=(2, 3))
    base, bonded = _run("baseline"), _run(_scenario(tmp_path, BOND % (15, "0")))
    gha = inputs.iso3.index("GHA")
    for k, cadre in enumerate(inputs.cadres):
        drop = base.value("emigration", "GHA", cadre) - bonded.value("emigration", "GHA", cadre)
        assert drop[2027 - 2025] == pytest.approx(expected[gha, k], rel=1e-9)
        assert expected[gha, k] > 0
