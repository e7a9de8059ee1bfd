"""Projection parameters: the file, its errors, derived defaults, and the assumptions listed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from hrh.errors import ConfigError
from hrh.params.projection import PROJECTION_FILE, load_projection_parameters
from hrh.projection.example import example_inputs
from hrh.projection.model import AGES
from hrh.projection.runner import run
from hrh.projection.scenarios import load_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "projection" / "params"
DOCS = Path(__file__).resolve().parents[2] / "docs"
PARAMS = load_projection_parameters()

BAD = {
    "bad_kind.yaml": "parameters.attrition.annual_rate.kind: expected one of",
    "bad_missing_unit.yaml": "parameters.attrition.annual_rate.unit: expected a non-empty text",
    "bad_reference.yaml": "parameters.attrition.annual_rate.reference: expected a list of",
    "bad_value_range.yaml": (
        "parameters.attrition.annual_rate.values.2000-01-01.default.medical_doctors: "
        "expected a number from 0 to 1"
    ),
    "bad_shares_sum.yaml": "medical_doctors: shares must add up to 1; they add up to 0.9",
    "bad_group_key.yaml": "values.2000-01-01.lower_income: expected an ISO3 code",
    "bad_date.yaml": "values.first of January: expected an effective date YYYY-MM-DD",
    "bad_age_band.yaml": "medical_doctors.15-19: expected an age band like 25-29 within 20-74",
    "bad_top.yaml": "expected a mapping with 'parameters'",
}


@pytest.mark.parametrize(("name", "fragment"), sorted(BAD.items()))
def test_bad_parameter_files_name_the_file_and_key(name: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_projection_parameters(DATA / name)
    assert err.value.message.startswith(name), err.value.message
    assert fragment in err.value.message


def test_every_bad_parameter_fixture_is_tested() -> None:
    assert {p.name for p in DATA.glob("*.yaml")} == set(BAD)


def test_every_parameter_has_metadata_and_is_documented() -> None:
    doc = (DOCS / "projections.md").read_text()
    for path, p in PARAMS.parameters.items():
        assert p.unit and p.description, path
        assert f"`{path}`" in doc, f"{path} is not in docs/projections.md"


def test_missing_value_names_the_file_parameter_and_keys() -> None:
    with pytest.raises(ConfigError, match=r"projection.yaml: parameters.retirement.age has no"):
        PARAMS.require("retirement.age", ("GHA",), "medical_doctors", 2030)


def test_default_intake_is_the_replacement_intake_of_a_stationary_workforce() -> None:
    """The comment in projection.yaml says how intake_rate is derived; recompute it."""

    def profile(path: str, cadre: str) -> np.ndarray:
        out = np.ones(len(AGES))
        for age, m in sorted(PARAMS[path].lookup(("default",), cadre, 2025).value.items()):
            out[age <= AGES] = m
        return out

    for cadre in ("medical_doctors", "nursing_midwifery"):
        entry = PARAMS["training.entry_ages"].lookup(("default",), cadre, 2025).value
        completion = PARAMS["training.completion_share"].lookup(("default",), cadre, 2025).value
        for group in ("LIC", "LMC", "UMC", "HIC", "default"):
            keys = (group, "default")

            def value(path: str, keys: tuple[str, ...] = keys, cadre: str = cadre) -> float:
                found = PARAMS[path].lookup(keys, cadre, 2025)
                assert found is not None
                return float(found.value)

            q = value("attrition.annual_rate") * profile("attrition.age_profile", cadre)
            e = value("emigration.annual_rate") * profile("emigration.age_profile", cadre)
            h = np.where(value("retirement.age") <= AGES, value("retirement.annual_share"), 0.0)
            h[-1] = 1.0
            stay = (1 - h) * (1 - q) * (1 - e)
            years = 0.0
            for age, share in entry.items():
                alive = np.concatenate([[1.0], np.cumprod(stay[age - AGES[0] :])[:-1]])
                years += share * alive.sum()
            expected = 1 / (completion * years)
            assert value("training.intake_rate") == pytest.approx(expected, abs=6e-4), (
                cadre,
                group,
            )


def test_every_default_used_is_listed_with_its_countries() -> None:
    result = run(example_inputs(), PARAMS, load_scenario("baseline", PARAMS), 2025, 2030)
    listed = {a.parameter for a in result.assumptions}
    assert listed >= {
        "attrition.annual_rate",
        "attrition.age_profile",
        "retirement.age",
        "retirement.annual_share",
        "emigration.annual_rate",
        "emigration.age_profile",
        "returns.annual_rate",
        "training.intake_rate",
        "training.completion_share",
        "training.duration_years",
        "training.entry_ages",
        "training.female_share",
        "workforce.age_distribution",
        "workforce.female_share",
        "need.sdg_threshold_per_10k",
        "base.stock",
        "base.abroad",
    }
    by_key = {(a.parameter, a.applies_to): a for a in result.assumptions}
    lmc = by_key[("attrition.annual_rate", "medical_doctors, default for income group LMC")]
    assert lmc.countries == ("GHA",) and lmc.value.startswith("0.02 ")
    assert "Health labour market analysis" in lmc.reference
    calibrated = by_key[
        ("emigration.annual_rate", "medical_doctors, calibrated from the stocks abroad")
    ]
    assert calibrated.countries == ("GBR", "GHA")


def test_national_values_win_and_are_not_listed_as_defaults(tmp_path: Path) -> None:
    f = tmp_path / "ghana-national.yaml"
    f.write_text(
        "name: ghana-national\ndescription: A national attrition rate.\nbase: baseline\n"
        "parameters:\n  attrition.annual_rate: {'2000-01-01': {GHA: 0.01}}\n"
    )
    result = run(example_inputs(), PARAMS, load_scenario(str(f), PARAMS), 2025, 2030)
    for a in result.assumptions:
        if a.parameter == "attrition.annual_rate":
            assert "GHA" not in a.countries
    assert result.parameters_hash != PARAMS.digest()


def test_parameter_file_is_the_bundled_one() -> None:
    assert PROJECTION_FILE.name == "projection.yaml" and PARAMS.file == "projection.yaml"


def test_a_cadre_without_headcount_is_not_projected_and_says_so() -> None:
    inputs = example_inputs()
    headcount = inputs.headcount.copy()
    headcount[inputs.iso3.index("GHA"), 1] = np.nan
    inputs = dataclasses.replace(inputs, headcount=headcount)
    result = run(inputs, PARAMS, load_scenario("baseline", PARAMS), 2025, 2027)
    assert ("GHA", "nursing_midwifery") not in {(r.country, r.cadre) for r in result.rows()}
    missing = [a for a in result.assumptions if "no headcount" in a.applies_to]
    assert [(a.applies_to.split(",")[0], a.countries) for a in missing] == [
        ("nursing_midwifery", ("GHA",))
    ]
