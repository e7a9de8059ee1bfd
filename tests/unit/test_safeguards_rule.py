from __future__ import annotations

from pathlib import Path

import pytest

from hrh.errors import ConfigError, NotFound
from hrh.indicators.safeguards import CountryInput, evaluate
from hrh.indicators.series import Point, Series
from hrh.params.safeguards import load_criteria


def _s(*pts: tuple[int, float]) -> Series:
    return Series.from_points(Point(y, v, "src@1", 1) for y, v in pts)


def _country(iso3: str, doc: Series, nm: Series, uhc: Series) -> CountryInput:
    return CountryInput(iso3, iso3, "AFR", doc, nm, uhc)


def test_each_series_at_its_own_latest_year_before_the_cutoff() -> None:
    crit = load_criteria("2023")
    c = _country("AAA", _s((2018, 2.0), (2023, 90.0)), _s((2020, 20.0)), _s((2019, 40.0)))
    r = evaluate(crit, [c], {"AAA": "red"}).countries[0]
    assert r.eligible and r.agrees
    assert r.density == 22.0
    assert r.density_years == {"medical_doctors": 2018, "nursing_midwifery": 2020}
    assert (r.uhc_index, r.uhc_year) == (40.0, 2019)


def test_disagreements_are_explained() -> None:
    crit = load_criteria("2023")
    inputs = [
        _country("MIS", Series.empty(), _s((2020, 10.0)), _s((2019, 40.0))),
        _country("NEA", _s((2020, 10.0)), _s((2020, 40.0)), _s((2019, 50.0))),
        _country("FAR", _s((2020, 1.0)), _s((2020, 5.0)), _s((2019, 30.0))),
        _country("HIG", _s((2020, 30.0)), _s((2020, 90.0)), _s((2019, 80.0))),
    ]
    result = evaluate(crit, inputs, {"MIS": "red", "NEA": "red"})
    by = {r.iso3: r for r in result.countries}
    assert "missing data" in by["MIS"].reason and "doctor density" in by["MIS"].reason
    assert "threshold margin" in by["NEA"].reason and "density 50.0" in by["NEA"].reason
    assert "not on the published list" in by["FAR"].reason
    assert by["HIG"].agrees and by["HIG"].reason == ""
    assert (result.summary.eligible, result.summary.official, result.summary.agree) == (1, 2, 1)


def test_without_a_published_list_agreement_is_unknown() -> None:
    crit = load_criteria("2020")
    r = evaluate(crit, [_country("AAA", _s((2017, 1.0)), _s((2017, 2.0)), _s((2017, 30.0)))], None)
    assert r.countries[0].eligible and r.countries[0].agrees is None
    assert r.summary.agree is None


def test_criteria_errors_name_file_and_key(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        load_criteria("1999")
    bad = tmp_path / "ssl.yaml"
    bad.write_text(
        "versions:\n  '2023':\n    effective: 2023-03-14\n    density_threshold: {value: x}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_criteria("2023", bad)
    assert "ssl.yaml: versions.2023.density_threshold" in err.value.message
