"""The baseline projection of a country profile and brief: expected supply and its fan."""

from __future__ import annotations

from hrh.services.brief import FAN_REPLICATES, baseline_projection, run_baseline_projection
from hrh.services.context import AppContext


def test_the_baseline_has_a_fan_around_the_expected_supply(reference_ctx: AppContext) -> None:
    cadres, note = baseline_projection(reference_ctx, "GHA")
    assert note == "" and {c.cadre for c in cadres} == {"medical_doctors", "nursing_midwifery"}
    for c in cadres:
        assert len(c.low) == len(c.high) == len(c.supply) == len(c.years) == 26
        assert c.replicates == FAN_REPLICATES  # Ghana is on 13 corridors: the full fan
        # the first year is the base-year stock: the band holds it (whole-worker rounding)
        assert c.low[0] <= c.supply[0] + 1 and c.high[0] >= c.supply[0] - 1
        later = range(5, 26)
        assert all(c.low[i] < c.high[i] for i in later)  # demographic noise widens the band
        # the expected path lies inside the 5–95% band of 100 replicates in most years
        inside = sum(c.low[i] <= c.supply[i] <= c.high[i] for i in later)
        assert inside >= len(later) - 2, (c.cadre, inside)
        width = max(c.high[i] - c.low[i] for i in later)
        assert width < 0.1 * c.supply[-1]  # binomial noise only: narrow for ~100,000 workers
    again, _ = run_baseline_projection(reference_ctx, "GHA")  # computed afresh, not cached
    assert [c.low for c in again] == [c.low for c in cadres]  # fixed seed: the same fan
    assert baseline_projection(reference_ctx, "GHA")[0] is cadres  # cached per data version
    assert FAN_REPLICATES >= 100


def test_without_the_fan_only_expected_values(reference_ctx: AppContext) -> None:
    cadres, _ = baseline_projection(reference_ctx, "GHA", fan=False)
    assert cadres and all(c.low == [] and c.high == [] and c.replicates == 0 for c in cadres)
