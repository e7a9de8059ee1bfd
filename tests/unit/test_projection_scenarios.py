"""Scenarios: validation errors name file, key and expectation; levers never touch the baseline."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from hrh.errors import Invalid, NotFound
from hrh.params.projection import load_projection_parameters
from hrh.projection.calibrate import build_rates, initial_state
from hrh.projection.example import example_inputs
from hrh.projection.levers import apply_levers
from hrh.projection.model import Inputs
from hrh.projection.params import AssumptionLog, Rates
from hrh.projection.runner import run, world_of
from hrh.projection.scenarios import bundled_scenarios, find_scenario, load_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "projection" / "scenarios"
PARAMS = load_projection_parameters()

# file → fragments the message must contain (file name, key, what was expected)
BAD = {
    "bad_yaml_syntax.yaml": ["not valid YAML"],
    "bad_not_mapping.yaml": ["expected a mapping"],
    "bad_unknown_key.yaml": ["leverz: unknown key", "expected one of"],
    "bad_name.yaml": ["name: expected lower-case", "'Not A Slug'"],
    "bad_missing_description.yaml": ["description: expected"],
    "bad_levers_not_list.yaml": ["levers: expected a list"],
    "bad_lever_kind.yaml": ["levers[0].lever: expected one of", "'wage_rise'"],
    "bad_lever_from.yaml": ["levers[0].from: expected", "'next year'"],
    "bad_lever_factor.yaml": ["levers[0].factor: expected a number from 0 to 10", "-1"],
    "bad_compliance.yaml": ["levers[0].compliance: expected a number from 0 to 1", "1.5"],
    "bad_cadre.yaml": ["levers[0].cadres: expected a cadre id", "'surgeons'"],
    "bad_selector_key.yaml": ["levers[0].where.country: unknown key"],
    "bad_iso3.yaml": ["levers[0].where.iso3: expected", "ISO3"],
    "bad_lever_key.yaml": ["levers[0].factr: unknown key"],
    "bad_where_missing.yaml": ["levers[0].where: expected a mapping"],
    "bad_retirement_age.yaml": ["levers[0].age: expected a number from 50 to 75", "90"],
    "bad_ssl_edition.yaml": ["levers[0].origins.ssl: expected", "'latest'"],
    "bad_base.yaml": ["base: expected a bundled scenario name or a YAML file"],
    "bad_cycle_a.yaml": ["base: the bases form a cycle"],
    "bad_need_method.yaml": ["need.method: expected one of", "'wisn'"],
    "bad_need_density.yaml": ["need.per_10k: expected"],
    "bad_parameter_path.yaml": ["parameters.attrition.rate: unknown parameter"],
    "bad_parameter_date.yaml": ["parameters.retirement.age.in 2030: expected an effective date"],
    "bad_parameter_value.yaml": [
        "parameters.attrition.annual_rate.2030-01-01.GHA: expected a number from 0 to 1",
        "1.5",
    ],
    "bad_parameter_key.yaml": ["parameters.retirement.age.2030-01-01.Ghana: expected an ISO3"],
    "bad_intake_both.yaml": ["levers[0]: give change_pct or intake, not both"],
    "bad_intake_absolute.yaml": ["levers[0].intake: expected a number from 0 to 1e+07", "-5"],
    "bad_bonding_years.yaml": ["levers[0].years: expected a whole number", "2.5"],
    "bad_bonding_buyout.yaml": ["levers[0].buyout_share: expected a number from 0 to 1", "1.5"],
    "bad_new_cadre_id.yaml": ["levers[0].cadre: expected a cadre id", "'health_helpers'"],
    "bad_new_cadre_key.yaml": ["levers[0].cadres: unknown key", "cadre,"],
    "bad_uncertainty_parameter.yaml": [
        "uncertainty.retirement.age: expected one of",
        "attrition.annual_rate",
    ],
    "bad_uncertainty_range.yaml": [
        "uncertainty.attrition.annual_rate.low: expected a number from 0 to 1",
        "1.2",
    ],
    "bad_need_utilisation_key.yaml": ["need.weights: unknown key", "threshold_per_10k"],
}


@pytest.mark.parametrize(("name", "fragments"), sorted(BAD.items()))
def test_invalid_scenarios_name_file_key_and_expectation(name: str, fragments: list[str]) -> None:
    with pytest.raises(Invalid) as err:
        load_scenario(str(DATA / name), PARAMS)
    message = err.value.message
    assert message.startswith(name), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_every_bad_fixture_is_tested() -> None:
    on_disk = {p.name for p in DATA.glob("bad_*.yaml")}
    assert on_disk - set(BAD) == {"bad_cycle_b.yaml"}


def test_unknown_scenario_name_lists_the_bundled_ones() -> None:
    with pytest.raises(NotFound) as err:
        find_scenario("no-such")
    assert "baseline" in err.value.hint


def test_bundled_scenarios_load_and_have_stable_hashes() -> None:
    names = [p.stem for p in bundled_scenarios()]
    assert set(names) >= {
        "baseline",
        "ssl-recruitment-ban",
        "ghana-retention-and-return",
        "double-training-sub-saharan-africa",
    }
    digests = {n: load_scenario(n, PARAMS).digest for n in names}
    assert len(set(digests.values())) == len(names)
    assert all(load_scenario(n, PARAMS).digest == d for n, d in digests.items())


def test_a_scenario_inherits_its_base_levers_in_order() -> None:
    s = load_scenario(str(DATA / "good_child.yaml"), PARAMS)
    assert s.chain == ("baseline", "ghana-retention-and-return", "good-child")
    assert [lever.kind for lever in s.levers] == [
        "retention",
        "return_incentive",
        "training_intake",
        "attrition_reduction",
        "retirement_age",
        "ethical_recruitment",
    ]
    assert s.need.method == "target_density"
    assert s.levers[-1].origins is not None and s.levers[-1].origins.ssl == "2023"


def _baseline() -> tuple[Rates, Inputs]:
    inputs = example_inputs()
    log = AssumptionLog()
    state, headcount = initial_state(inputs, PARAMS, 2025, log)
    return build_rates(inputs, PARAMS, state, headcount, 2035, log), inputs


def test_applying_a_scenario_never_mutates_the_baseline() -> None:
    rates, inputs = _baseline()
    snapshot = {
        f.name: np.array(getattr(rates, f.name))
        for f in dataclasses.fields(rates)
        if isinstance(getattr(rates, f.name), np.ndarray)
    }
    scenario = load_scenario(str(DATA / "good_child.yaml"), PARAMS)
    world = world_of(inputs, PARAMS, 2025)
    new = apply_levers(rates, scenario.levers, world, inputs.corridors, inputs.cadres)
    changed = [
        name for name, before in snapshot.items() if not np.array_equal(getattr(new, name), before)
    ]
    assert set(changed) >= {
        "emigration_rate",
        "return_rate",
        "intake",
        "attrition_rate",
        "retirement_age",
        "corridor_share",
    }
    for name, before in snapshot.items():
        assert np.array_equal(getattr(rates, name), before), name
        assert not getattr(rates, name).flags.writeable, name
        assert getattr(new, name) is not getattr(rates, name)
    with pytest.raises(ValueError, match="read-only"):
        rates.emigration_rate[0, 0, 0] = 1.0


def test_parameter_overrides_work_on_a_copy() -> None:
    before = PARAMS.digest()
    scenario = load_scenario(str(DATA / "good_child.yaml"), PARAMS)
    changed = scenario.apply_parameters(PARAMS)
    assert PARAMS.digest() == before
    assert changed.digest() != before
    keys = ("GHA", "LMC", "default")
    assert PARAMS["retirement.age"].lookup(keys, "medical_doctors", 2031).value == 60
    assert changed["retirement.age"].lookup(keys, "medical_doctors", 2031).value == 62
    assert changed["retirement.age"].lookup(keys, "medical_doctors", 2029).value == 60


def test_levers_act_from_their_year_on_their_countries_only() -> None:
    rates, inputs = _baseline()
    scenario = load_scenario("ghana-retention-and-return", PARAMS)
    world = world_of(inputs, PARAMS, 2025)
    new = apply_levers(rates, scenario.levers, world, inputs.corridors, inputs.cadres)
    gha = inputs.iso3.index("GHA")
    ratio = new.emigration_rate / rates.emigration_rate
    assert np.allclose(ratio[0], 1.0)  # 2025: before the lever
    assert np.allclose(ratio[1:, gha], 0.5)  # 2026 on
    others = np.delete(ratio, gha, axis=1)
    assert np.allclose(others, 1.0)
    from_gha = inputs.corridors.origin == gha
    back = new.return_rate / rates.return_rate
    assert np.allclose(back[1:, from_gha], 3.0) and np.allclose(back[:, ~from_gha], 1.0)


def test_ssl_ban_raises_source_supply_and_lowers_destination_immigration_equally() -> None:
    # one SSL source (GHA) and one destination (GBR) on the GHA corridor; GBR -> USA is untouched
    inputs = example_inputs(corridors=(("GHA", "GBR"), ("GBR", "USA")))
    base = run(inputs, PARAMS, load_scenario("baseline", PARAMS), 2025, 2035)
    ban = run(inputs, PARAMS, load_scenario("ssl-recruitment-ban", PARAMS), 2025, 2035)
    for cadre in inputs.cadres:
        supply_gain = ban.value("supply", "GHA", cadre) - base.value("supply", "GHA", cadre)
        immigration_loss = base.value("immigration", "GBR", cadre) - ban.value(
            "immigration", "GBR", cadre
        )
        emigration_loss = base.value("emigration", "GHA", cadre) - ban.value(
            "emigration", "GHA", cadre
        )
        y = 2026 - 2025
        assert immigration_loss[y] > 0
        # the first year of the ban: the same workers, counted in both countries
        assert supply_gain[y + 1] == pytest.approx(immigration_loss[y], rel=1e-12)
        assert emigration_loss[y] == pytest.approx(immigration_loss[y], rel=1e-12)
        assert (supply_gain[y + 1 :] > 0).all()
        assert (immigration_loss[y:] > 0).all()
        assert np.allclose(supply_gain[: y + 1], 0.0) and np.allclose(immigration_loss[:y], 0.0)
        # non-SSL corridors are untouched: the USA gets the same immigrants from GBR
        assert np.allclose(
            ban.value("immigration", "USA", cadre), base.value("immigration", "USA", cadre)
        )
    assert ban.scenario_hash != base.scenario_hash


def test_training_intake_shows_after_the_training_duration() -> None:
    inputs = example_inputs()
    base = run(inputs, PARAMS, load_scenario("baseline", PARAMS), 2025, 2040)
    more = run(
        inputs, PARAMS, load_scenario("double-training-sub-saharan-africa", PARAMS), 2025, 2040
    )
    nurses = more.value("graduates", "GHA", "nursing_midwifery") / base.value(
        "graduates", "GHA", "nursing_midwifery"
    )
    doctors = more.value("graduates", "GHA", "medical_doctors") / base.value(
        "graduates", "GHA", "medical_doctors"
    )
    # intake doubles from 2026: nurses graduate 3 years later, doctors 6 years later
    assert np.allclose(nurses[: 2029 - 2025], 1.0) and np.allclose(nurses[2029 - 2025 :], 2.0)
    assert np.allclose(doctors[: 2032 - 2025], 1.0) and np.allclose(doctors[2032 - 2025 :], 2.0)
    assert np.allclose(
        more.value("graduates", "GBR", "nursing_midwifery"),
        base.value("graduates", "GBR", "nursing_midwifery"),
    )


def test_ssl_edition_not_stored_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "old-list.yaml"
    f.write_text(
        "name: old-list\ndescription: Uses the 2020 list.\nlevers:\n"
        "  - {lever: ethical_recruitment, from: 2026, destinations: {oecd: true},"
        " origins: {ssl: '2020'}, compliance: 1}\n"
    )
    with pytest.raises(Invalid, match=r"old-list.yaml: levers\[0\]: the safeguards list 2020"):
        run(example_inputs(), PARAMS, load_scenario(str(f), PARAMS), 2025, 2030)
