from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrh.indicators import workforce as wf
from hrh.indicators.series import Point, Series


def _s(*pts: tuple[int, float]) -> Series:
    return Series.from_points(Point(y, v, "src@1", 1) for y, v in pts)


def test_published_density_wins_over_computed_for_the_same_year() -> None:
    pts = wf.density_points(
        _s((2019, 9.9)), _s((2019, 500), (2020, 600)), _s((2019, 1e6), (2020, 1e6))
    )
    assert [(p.year, round(p.value, 6), p.method) for p in pts] == [
        (2019, 9.9, "published"),
        (2020, 6.0, "computed"),
    ]


def test_density_respects_year_and_lookback() -> None:
    pts = wf.density_points(_s((2010, 5.0), (2018, 7.0)), Series.empty(), Series.empty())
    assert wf.density_per_10k("medical_doctors", pts, 2015, 7).year == 2010
    missing = wf.density_per_10k("medical_doctors", pts, 2025, 5)
    assert missing.value is None and "2020" in missing.note


def test_dnm_uses_a_common_year_and_sdg_gap() -> None:
    doctors = wf.density_points(_s((2018, 1.5), (2020, 1.7)), Series.empty(), Series.empty())
    nurses = wf.density_points(_s((2018, 30.0), (2019, 31.0)), Series.empty(), Series.empty())
    dnm = wf.dnm_density(doctors, nurses, None, 7)
    assert (dnm.value, dnm.year) == (31.5, 2018)
    gap = wf.sdg_threshold_gap(dnm, _s((2018, 2_000_000)))
    assert gap.value == pytest.approx((44.5 - 31.5) * 200)


def test_sdg_gap_is_zero_above_threshold() -> None:
    dnm = wf.IndicatorValue("dnm_density_per_10k", 120.0, "per 10,000", 2020)
    assert wf.sdg_threshold_gap(dnm, _s((2020, 1e6))).value == 0.0


def test_emigration_rate_takes_latest_year_per_destination() -> None:
    flows = [
        wf.Bilateral("GHA", "GBR", 2016, 800, "oecd@1"),
        wf.Bilateral("GHA", "GBR", 2018, 1000, "oecd@1"),
        wf.Bilateral("GHA", "USA", 2016, 500, "oecd@2"),
    ]
    rate = wf.emigration_rate("medical_doctors", flows, _s((2017, 3500)), None, 7)
    assert rate.value == pytest.approx(1500 / 5000)
    assert rate.year == 2018
    assert [d["destination"] for d in rate.details["destinations_covered"]] == ["GBR", "USA"]
    assert rate.details["at_home_year"] == 2017


def test_foreign_trained_share_prefers_a_reported_total() -> None:
    flows = {
        2018: [
            wf.Bilateral("IND", "GBR", 2018, 30_000, "o"),
            wf.Bilateral("PAK", "GBR", 2018, 10_000, "o"),
        ]
    }
    share = wf.foreign_trained_share(
        "medical_doctors", flows, Series.empty(), _s((2018, 200_000)), None, 7
    )
    assert share.value == pytest.approx(0.2)
    assert "2 countries" in share.method
    reported = wf.foreign_trained_share(
        "medical_doctors", flows, _s((2018, 60_000)), _s((2018, 200_000)), None, 7
    )
    assert reported.value == pytest.approx(0.3)


def test_newest_vintage_wins_in_a_series() -> None:
    s = Series.from_points([Point(2020, 1.0, "a@old", 1), Point(2020, 2.0, "a@new", 5)])
    assert s.at(2020) == Point(2020, 2.0, "a@new", 5)


@given(
    st.lists(st.tuples(st.integers(1990, 2022), st.floats(0, 1e6), st.integers(0, 9)), max_size=40)
)
def test_series_keeps_one_highest_ranked_point_per_year(
    pts: list[tuple[int, float, int]],
) -> None:
    s = Series.from_points(Point(y, v, f"s@{r}", r) for y, v, r in pts)
    assert s.years == sorted({y for y, _, _ in pts})
    for year in s.years:
        assert s.points[year].rank == max(r for y, _, r in pts if y == year)
