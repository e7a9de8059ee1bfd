"""Economics core: Kirigia et al. 2006 golden cases, validation, properties, parameters."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hrh.economics.training_cost import (
    CorridorStock,
    EducationCost,
    RateRange,
    corridor_losses,
    cost_share,
    destination_savings,
    future_value,
    lost_investment_range,
    parse_rate,
    parse_share,
)
from hrh.errors import ConfigError, Invalid
from hrh.params.training_costs import PARAMS_FILE, load_training_costs
from hrh.services import economics

GOLDEN = Path(__file__).resolve().parents[1] / "cases" / "economics_kirigia_2006.yaml"
_DOC = yaml.safe_load(GOLDEN.read_text())
CASES = _DOC["cases"]


# -- golden cases --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_kirigia_2006_table_3_to_the_dollar(case: dict[str, Any]) -> None:
    c = case["components"]
    cost = EducationCost.from_components(c["primary"], c["secondary"], c["professional"])
    fv = future_value(cost.total, case["rate"], case["years"])
    assert cost.total == case["expected"]["cost"]
    assert round(fv) == case["expected"]["future_value"]
    assert abs(fv - case["expected"]["future_value"]) <= _DOC["absolute_tolerance"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bundled_parameters_reproduce_the_paper(case: dict[str, Any]) -> None:
    report = economics.lost_investment_per_emigrant(country="KEN", cadre=case["cadre"])
    by_rate = {r.rate: r for r in report.results}
    assert report.years == case["years"] == 32
    assert report.cost.total == case["expected"]["cost"]
    assert (report.cost.primary, report.cost.secondary, report.cost.professional) == tuple(
        case["components"][k] for k in ("primary", "secondary", "professional")
    )
    assert round(by_rate[case["rate"]].future_value) == case["expected"]["future_value"]
    assert report.cost.currency == "USD" and report.cost.price_year == 2005
    assert "Kirigia" in report.cost.source


def test_the_golden_file_covers_all_six_figures() -> None:
    assert sorted(c["expected"]["future_value"] for c in CASES) == [
        205_750,
        314_472,
        338_868,
        517_931,
        4_515_869,
        6_902_125,
    ]


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "rate", "years", "named"),
    [
        (-1.0, 0.05, 32, "-1.0"),
        (65_997, -1.5, 32, "-1.5"),
        (65_997, -1.0, 32, "-1.0"),
        (65_997, 0.05, -3, "-3"),
        (math.nan, 0.05, 32, "nan"),
        (math.inf, 0.05, 32, "inf"),
        (65_997, math.nan, 32, "nan"),
    ],
)
def test_nonsense_inputs_are_refused_naming_the_value(
    cost: float, rate: float, years: float, named: str
) -> None:
    with pytest.raises(Invalid) as err:
        future_value(cost, rate, years)
    assert named in err.value.message
    assert "expected" in err.value.message or "must be" in err.value.message


def test_overflow_is_an_error_not_infinity() -> None:
    with pytest.raises(Invalid, match="too large"):
        future_value(1e300, 0.99, 1e6)
    with pytest.raises(Invalid, match="too large"):
        future_value(1e300, 0.5, 100)


def test_rate_parsing() -> None:
    assert parse_rate("0.0665") == 0.0665
    assert parse_rate("6.65%") == 0.0665
    assert parse_rate(" 15.64 % ") == 0.1564
    assert parse_rate("-2%") == -0.02
    assert parse_rate(0.05) == 0.05
    with pytest.raises(Invalid, match=r"'6\.65' is ambiguous"):
        parse_rate("6.65")
    with pytest.raises(Invalid, match="'abc' is not a number"):
        parse_rate("abc")
    with pytest.raises(Invalid, match="1_0"):
        parse_rate("1_0")
    with pytest.raises(Invalid, match=r"-1\.5"):
        parse_rate("-150%")
    with pytest.raises(Invalid, match=r"-1\.5"):
        parse_rate("-1.5")


def test_share_parsing() -> None:
    assert parse_share("10%") == 0.1
    assert parse_share("0.25") == 0.25
    with pytest.raises(Invalid, match="above 100 %"):
        parse_share("150%")
    with pytest.raises(Invalid, match=r"-0\.1"):
        parse_share("-0.1")


def test_rate_range() -> None:
    assert RateRange.of([0.1564, 0.05, 0.0665]) == RateRange(0.05, 0.0665, 0.1564)
    assert RateRange.of([0.05]).distinct() == [("central", 0.05)]
    with pytest.raises(Invalid, match="one interest rate or three"):
        RateRange.of([0.05, 0.06])
    with pytest.raises(Invalid, match="low ≤ central ≤ high"):
        RateRange(0.1, 0.05, 0.2)


def test_education_cost_breakdown_must_add_up() -> None:
    with pytest.raises(Invalid, match="add up to 65997"):
        EducationCost(70_000, 10_963, 6_865, 48_169)
    with pytest.raises(Invalid, match="Secondary education cost"):
        EducationCost.from_components(1, -2, 3)
    assert EducationCost.from_total(43_180).training_place_cost is None


# -- aggregation and cost sharing on hand-checked numbers -----------------------------------


def test_corridor_losses_hand_checked() -> None:
    doctor = EducationCost.from_total(100)
    nurse = EducationCost.from_total(50)
    stocks = [
        CorridorStock("AAA", "XXX", "medical_doctors", 2018, 10),
        CorridorStock("AAA", "YYY", "nurses", 2018, 4),
    ]
    rates = RateRange(0.0, 0.1, 1.0)
    total = corridor_losses(
        stocks, {"medical_doctors": doctor, "nurses": nurse}, rates, 2, {("XXX", "nurses"): 9.0}
    )
    # doctors: 100 × (1, 1.21, 4) × 10 ; nurses: 50 × (1, 1.21, 4) × 4
    assert [c.destination for c in total.corridors] == ["XXX", "YYY"]
    assert total.corridors[0].loss.central == pytest.approx(1210.0)
    assert total.corridors[1].loss_per_worker.high == pytest.approx(200.0)
    assert (total.loss.low, total.loss.high) == pytest.approx((1200.0, 4800.0))
    assert total.loss.central == pytest.approx(1452.0)
    assert total.stock == 14
    assert total.destination_savings is None  # the cost given is for nurses in XXX: no stock
    with pytest.raises(Invalid, match="No education cost for cadre 'nurses'"):
        corridor_losses(stocks, {"medical_doctors": doctor}, rates, 2)


def test_destination_savings() -> None:
    assert destination_savings(12, 250_000) == 3_000_000
    with pytest.raises(Invalid, match="-1"):
        destination_savings(-1, 10)


def test_cost_share_hand_checked() -> None:
    x = cost_share(200_000.0, 0.25, 40_000.0, recruits=30)
    assert x.refund_per_recruit == 50_000
    assert x.refund_total == 1_500_000
    assert x.training_places_per_recruit == 1.25
    assert x.training_places == 37.5
    assert x.whole_training_places == 37
    y = cost_share(200_000.0, 0.25, 40_000.0)
    assert y.refund_total is None and y.training_places is None
    with pytest.raises(Invalid, match="positive cost of one place"):
        cost_share(1.0, 0.1, 0.0)
    with pytest.raises(Invalid, match="above 1"):
        cost_share(1.0, 1.5, 10.0)


# -- properties -----------------------------------------------------------------------------

costs = st.floats(min_value=1.0, max_value=1e7, allow_nan=False)
rates = st.floats(min_value=-0.99, max_value=0.5, allow_nan=False)
horizons = st.floats(min_value=0.0, max_value=60.0, allow_nan=False)


@given(costs, rates, rates, horizons)
def test_fv_is_monotone_in_the_rate(c: float, r1: float, r2: float, n: float) -> None:
    lo, hi = sorted((r1, r2))
    assert future_value(c, lo, n) <= future_value(c, hi, n) * (1 + 1e-12)


@given(costs, st.floats(min_value=0.0, max_value=0.5), horizons, horizons)
def test_fv_grows_with_the_years_at_a_positive_rate(
    c: float, r: float, n1: float, n2: float
) -> None:
    lo, hi = sorted((n1, n2))
    assert future_value(c, r, lo) <= future_value(c, r, hi) * (1 + 1e-12)
    assert future_value(c, r, lo) >= c * (1 - 1e-12)


@given(costs, rates)
def test_fv_with_no_years_is_the_cost(c: float, r: float) -> None:
    assert future_value(c, r, 0) == c


@given(
    st.floats(min_value=0, max_value=1e8),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=1, max_value=1e6),
    st.integers(min_value=0, max_value=100_000),
)
def test_refund_arithmetic(loss: float, share: float, place: float, recruits: int) -> None:
    x = cost_share(loss, share, place, recruits=recruits)
    assert x.refund_per_recruit == pytest.approx(share * loss)
    assert x.refund_total == pytest.approx(share * loss * recruits)
    assert x.training_places == pytest.approx(x.refund_total / place)
    assert x.whole_training_places is not None
    assert 0 <= x.training_places - x.whole_training_places < 1 + 1e-9


@given(costs, rates, horizons)
def test_range_is_ordered_like_the_rates(c: float, r: float, n: float) -> None:
    lows = lost_investment_range(c, RateRange(r, r + 0.01, r + 0.02), n)
    assert lows[0].future_value <= lows[1].future_value <= lows[2].future_value


# -- the parameter file ---------------------------------------------------------------------


def test_bundled_file_loads_with_sources() -> None:
    p = load_training_costs()
    for key in (("KEN", "medical_doctors"), ("KEN", "nurses")):
        cost = p.education_cost(*key)
        assert cost is not None
        assert cost.references and cost.references[0].href.startswith("https://doi.org/")
    assert p.destination_costs == {}  # none bundled without a source
    assert p.education_cost("KEN", "medical_doctors", as_of=date(2004, 1, 1)) is None


GOOD = PARAMS_FILE.read_text()


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("destination_costs: {}", "", "missing section(s) destination_costs"),
        ("      unit: USD\n      currency: USD\n", "      currency: USD\n", "lacks its 'unit'"),
        ("        2005-01-01:\n          primary", "        soon:\n          primary", "soon"),
        ("primary: 10963\n", "primary: -10963\n", "education_costs.KEN.medical_doctors.values"),
        ("primary: 10963\n", "primary: 10963\n          total: 5\n", "single 'total'"),
        ("low: 0.05", "low: 0.5", "interest_rates.KEN.values.2005-01-01"),
        (
            "  KEN:\n    description: >\n      The three",
            "  Kenya:\n    description: >\n      x",
            "Kenya",
        ),
        ("      price_year: 2005\n", "", "price_year"),
    ],
)
def test_loader_errors_name_the_file_and_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in GOOD
    bad = tmp_path / "training_costs.yaml"
    bad.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as err:
        load_training_costs(bad)
    assert "training_costs.yaml" in err.value.message
    assert key in err.value.message


# -- the service without a database ---------------------------------------------------------


def test_user_figures_override_the_bundled_ones() -> None:
    r = economics.lost_investment_per_emigrant(
        cost=1000, rates=["10%"], years=2, country="KEN", cadre="medical_doctors"
    )
    assert [(x.scenario, round(x.future_value, 6)) for x in r.results] == [("central", 1210.0)]
    assert {i.source for i in r.inputs} == {economics.USER}


def test_missing_figures_are_asked_for() -> None:
    with pytest.raises(Invalid, match="No education cost is bundled for GHA medical_doctors"):
        economics.lost_investment_per_emigrant(country="GHA", cadre="221")
    with pytest.raises(Invalid, match="No interest rate given"):
        economics.lost_investment_per_emigrant(cost=10, years=3)
    with pytest.raises(Invalid, match="No number of years given"):
        economics.lost_investment_per_emigrant(cost=10, rates=["5%"])
    with pytest.raises(Invalid, match="Unknown cadre 'surgeons'"):
        economics.lost_investment_per_emigrant(country="KEN", cadre="surgeons")
