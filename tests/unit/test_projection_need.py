"""Need by utilisation weighted by the population's age structure: a hand-computed case."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hrh.errors import ConfigError
from hrh.params.projection import load_projection_parameters
from hrh.params.utilisation import load_utilisation_weights
from hrh.projection.example import example_inputs
from hrh.projection.need import NeedSpec, PopulationByAge, compute_need
from hrh.projection.params import AssumptionLog
from hrh.projection.runner import run
from hrh.projection.scenarios import load_scenario

PARAMS = load_projection_parameters()
BANDS = ((0, 4), (5, 14), (15, 44), (45, 64), (65, 74), (75, None))


def test_utilisation_need_by_hand() -> None:
    # one country; 300 doctors and 700 nurses and midwives: a 0.3 / 0.7 mix
    # 2025: 1,000,000 people; SDG need 44.5 per 10,000 = 4,450: 1,335 doctors, 3,115 nurses
    # weights (default profile) 1.6, 0.6, 1.0, 1.5, 2.5, 3.2 by age group:
    #   U(2025) = 1.6×100k + 0.6×200k + 400k + 1.5×200k + 2.5×60k + 3.2×40k = 1,258,000
    #   U(2026) = 1.6×90k + 0.6×190k + 400k + 1.5×220k + 2.5×80k + 3.2×60k = 1,380,000
    # need(2026) = need(2025) × 1,380,000 / 1,258,000 (the head count grew only 4 %)
    pop = np.array(
        [
            [100e3, 200e3, 400e3, 200e3, 60e3, 40e3],
            [90e3, 190e3, 400e3, 220e3, 80e3, 60e3],
        ]
    ).T[None]
    by_age = PopulationByAge(BANDS, 2025, pop)
    log = AssumptionLog()
    need = compute_need(
        NeedSpec("utilisation"),
        PARAMS,
        np.array([[300.0, 700.0]]),
        ("medical_doctors", "nursing_midwifery"),
        ("XXX",),
        np.array([[1_000_000.0, 1_040_000.0]]),
        2025,
        log,
        by_age=by_age,
        years=(2025, 2026),
    )
    assert need.shape == (1, 2, 2)
    assert need[0, :, 0] == pytest.approx([1335.0, 3115.0], rel=1e-12)
    assert need[0, :, 1] == pytest.approx([1464.4674085850556, 3417.0906200317963], rel=1e-12)
    used = [a for a in log.assumptions() if a.parameter == "need.utilisation_weights"]
    assert len(used) == 1 and used[0].countries == ("XXX",)
    assert "0-4: 1.6" in used[0].value and "75+: 3.2" in used[0].value


def test_utilisation_need_is_missing_where_an_age_band_is() -> None:
    pop = np.full((1, len(BANDS), 2), 1000.0)
    pop[0, 3, 1] = np.nan
    need = compute_need(
        NeedSpec("utilisation"),
        PARAMS,
        np.array([[1.0, 1.0]]),
        ("medical_doctors", "nursing_midwifery"),
        ("XXX",),
        np.array([[6000.0, 6000.0]]),
        2025,
        AssumptionLog(),
        by_age=PopulationByAge(BANDS, 2025, pop),
        years=(2025, 2026),
    )
    assert np.isfinite(need[..., 0]).all() and np.isnan(need[..., 1]).all()


def test_a_scenario_chooses_utilisation_and_the_run_uses_it(tmp_path: Path) -> None:
    f = tmp_path / "ageing.yaml"
    f.write_text("name: ageing\ndescription: Need from utilisation.\nneed: {method: utilisation}\n")
    scenario = load_scenario(str(f), PARAMS)
    assert scenario.need.method == "utilisation"
    inputs = example_inputs()
    # every country ages the same way: the 65+ double over ten years, the rest stay
    years = np.arange(2025, 2036)
    old = 1 + (years - 2025) / 10
    pop = np.empty((3, len(BANDS), len(years)))
    pop[:, :4] = 1e6
    pop[:, 4:] = 1e5 * old
    by_age = PopulationByAge(BANDS, 2025, pop, ("wpp@test",))
    r = run(inputs, PARAMS, scenario, 2025, 2035, population_by_age=by_age)
    sdg = run(inputs, PARAMS, load_scenario("baseline", PARAMS), 2025, 2035)
    assert r.need_method == "utilisation" and "wpp@test" in r.sources
    for c in r.countries:
        base = sdg.value("need", c, "nursing_midwifery")[0]
        u = 1.6e6 + 0.6e6 + 1e6 + 1.5e6 + (2.5e5 + 3.2e5) * old
        expected = base * u / u[0]
        assert r.value("need", c, "nursing_midwifery") == pytest.approx(expected, rel=1e-12)
    gap = r.values["supply"] - r.values["need"]
    assert np.allclose(r.values["gap"], gap, equal_nan=True)


def test_utilisation_weights_are_dated_and_documented() -> None:
    w = load_utilisation_weights()
    assert "ASSUMPTION" in w.comment and w.reference
    assert w.profile_at("GHA", 2000).weight_of(65, 69) == 2.5
    with pytest.raises(ConfigError, match="the population age band 60-69 is not inside one age"):
        w.profile_at("GHA", 2030).weight_of(60, 69)


@pytest.mark.parametrize(
    ("profile", "fragment"),
    [
        ('{"0-4": 1, "10-14": 1, "15+": 1}', "expected a group starting at 5"),
        ('{"0-4": 1, "5-100": 1}', "the last age group must be open-ended"),
        ('{"0-4": -1, "5+": 1}', "0-4: expected a weight from 0 to 100"),
        ('{"young": 1}', "young: expected an age group such as 0-4 or 75+"),
    ],
)
def test_bad_utilisation_files_name_the_key(tmp_path: Path, profile: str, fragment: str) -> None:
    f = tmp_path / "utilisation.yaml"
    f.write_text(
        "parameters:\n  need.utilisation_weights:\n    unit: relative use\n"
        "    description: test\n    comment: test\n    reference: []\n"
        f'    values:\n      "2000-01-01":\n        default: {profile}\n'
    )
    with pytest.raises(ConfigError) as err:
        load_utilisation_weights(f)
    message = err.value.message
    assert message.startswith("utilisation.yaml: parameters.need.utilisation_weights.values.")
    assert fragment in message
