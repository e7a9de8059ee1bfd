"""The bundled real data, loaded through the importers, checked against hand-verified figures."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from hrh.services import corridors, imports, indicators, safeguards
from hrh.services.context import AppContext

REF = Path(__file__).resolve().parents[2] / "src" / "hrh" / "reference"


def _by_id(report: indicators.IndicatorReport) -> dict[tuple[str, str | None], object]:
    return {(v.id, v.cadre): v for v in report.indicators}


def test_reload_is_a_no_op(reference_ctx: AppContext) -> None:
    quick = imports.load_reference(reference_ctx)
    assert len(quick.imports) == 12
    assert all(s.notes == ["already imported (same file hash)"] for s in quick.imports)
    again = imports.load_reference(reference_ctx, recheck=True)
    assert sum(s.inserted for s in again.imports) == 0
    assert (
        sum(s.unchanged for s in again.imports) == sum(s.records for s in again.imports) > 900_000
    )
    assert all(s.status == "unchanged" for s in again.imports)


def test_ghana_indicators_from_who_gho_and_world_bank(reference_ctx: AppContext) -> None:
    got = _by_id(indicators.indicators_for(reference_ctx, "GHA"))
    doctors = got[("density_per_10k", "medical_doctors")]
    nurses = got[("density_per_10k", "nursing_midwifery")]
    dnm = got[("dnm_density_per_10k", None)]
    gap = got[("sdg_threshold_gap", None)]
    # HWF_0001 GHA 2020 = 1.7, HWF_0006 GHA 2020 = 36.2 (published by WHO)
    assert (doctors.value, doctors.year, doctors.method) == (1.7, 2020, "published")
    assert (nurses.value, nurses.year) == (36.2, 2020)
    assert dnm.value == pytest.approx(37.9)
    # WB SP.POP.TOTL GHA 2020 = 31,887,809
    assert gap.value == pytest.approx((44.5 - 37.9) * 31_887_809 / 10_000, abs=0.1)
    assert "who-gho@2022-01-24" in doctors.sources


def test_density_recomputed_from_headcount_and_population(reference_ctx: AppContext) -> None:
    # PSE 2018: HWF_0002 = 10,417 doctors, no HWF_0001; WB population 4,569,087
    got = _by_id(indicators.indicators_for(reference_ctx, "PSE", year=2018))
    doctors = got[("density_per_10k", "medical_doctors")]
    assert doctors.method == "computed"
    assert doctors.value == pytest.approx(10_417 / 4_569_087 * 10_000)
    assert any(s.startswith("wb-wdi:SP.POP.TOTL@") for s in doctors.sources)


def test_foreign_trained_share_and_emigration_rate(reference_ctx: AppContext) -> None:
    rows = list(
        csv.DictReader(
            (REF / "oecd_foreign_trained_doctors_2018" / "HEALTH_WFMI_FTDS_2018.csv").open(
                encoding="utf-8-sig"
            )
        )
    )
    gbr = sum(float(r["Value"]) for r in rows if r["COU"] == "GBR" and r["CO2"] not in ("GBR",))
    got = _by_id(indicators.indicators_for(reference_ctx, "GBR"))
    share = got[("foreign_trained_share", "medical_doctors")]
    assert share.year == 2018
    assert share.value == pytest.approx(gbr / 174_845)  # TNBD GBR 2018
    gha = _by_id(indicators.indicators_for(reference_ctx, "GHA"))
    rate = gha[("emigration_rate", "medical_doctors")]
    covered = {
        d["destination"]: (d["year"], d["value"]) for d in rate.details["destinations_covered"]
    }
    assert covered["USA"] == (2016, 750.0)
    assert covered["GBR"] == (2018, 231.0)
    abroad = sum(v for _, v in covered.values())
    # home: HWF_0002 GHA 2018 (latest not after 2018)
    assert rate.value == pytest.approx(abroad / (abroad + rate.details["at_home"]))
    assert rate.details["at_home_year"] == 2018


def test_group_headcount_sums_latest_values_within_window(reference_ctx: AppContext) -> None:
    rows = list(
        csv.DictReader(
            (REF / "who_gho_workforce_density" / "gho_medical_doctors_HWF_0001-0005.csv").open(
                encoding="utf-8-sig"
            )
        )
    )
    latest: dict[str, tuple[int, float]] = {}
    for r in rows:
        if r["IndicatorCode"] == "HWF_0002" and r["ParentLocationCode"] == "AFR":
            y = int(r["Period"])
            if 2013 <= y <= 2020 and (
                r["SpatialDimValueCode"] not in latest or y > latest[r["SpatialDimValueCode"]][0]
            ):
                latest[r["SpatialDimValueCode"]] = (y, float(r["FactValueNumeric"]))
    report = indicators.indicators_for(reference_ctx, "AFR", year=2020)
    got = _by_id(report)[("headcount", "medical_doctors")]
    assert got.value == pytest.approx(sum(v for _, v in latest.values()))
    assert got.details["countries_contributing"] == len(latest)
    assert 0.5 < got.details["population_share_covered"] <= 1.0
    dnm = _by_id(report)[("dnm_density_per_10k", None)]
    assert 5 < dnm.value < 49


def test_income_group_and_world(reference_ctx: AppContext) -> None:
    lic = _by_id(indicators.indicators_for(reference_ctx, "LIC", year=2020))
    wld = _by_id(indicators.indicators_for(reference_ctx, "WLD", year=2020))
    assert (
        lic[("headcount", "nursing_midwifery")].value
        < wld[("headcount", "nursing_midwifery")].value
    )
    assert wld[("headcount", "medical_doctors")].details["countries_contributing"] > 150


def test_ssl_2023_agrees_with_the_published_list(reference_ctx: AppContext) -> None:
    result = safeguards.compute_safeguard_list(reference_ctx, "2023")
    s = result.summary
    assert (s.countries, s.official, s.eligible, s.agree) == (194, 55, 54, 191)
    disagree = {r.iso3: r for r in result.countries if r.agrees is False}
    assert set(disagree) == {"KEN", "ZWE", "WSM"}
    assert all(r.reason for r in disagree.values())
    assert "UHC index 55.4 is not below 55" in disagree["ZWE"].reason
    assert all(r.reason == "" for r in result.countries if r.agrees)
    gha = next(r for r in result.countries if r.iso3 == "GHA")
    assert gha.eligible and gha.density_years == {
        "medical_doctors": 2020,
        "nursing_midwifery": 2020,
    }
    assert gha.uhc_year == 2019


def test_corridors_largest_first_with_origin_share(reference_ctx: AppContext) -> None:
    page = corridors.list_corridors(reference_ctx, origin="GHA", limit=3)
    assert [(c.destination, c.year, c.value) for c in page.data[:2]] == [
        ("USA", 2016, 750.0),
        ("GBR", 2018, 231.0),
    ]
    top = page.data[0]
    assert top.share_of_origin_workforce == pytest.approx(750 / top.origin_workforce)
    gbr = corridors.list_corridors(reference_ctx, destination="GBR", cadre="2211", limit=5)
    assert gbr.count == 0  # the OECD data are for all doctors (221), not generalists
    everyone = corridors.list_corridors(reference_ctx, destination="GBR", limit=5)
    values = [c.value for c in everyone.data]
    assert values == sorted(values, reverse=True) and everyone.count > 100


def test_sources_carry_publisher_and_licence(reference_ctx: AppContext) -> None:
    from hrh.services.observatory import list_sources

    by_key = defaultdict(list)
    for s in list_sources(reference_ctx):
        by_key[s.key].append(s)
    assert {"who-gho", "wb-wdi:SP.POP.TOTL", "oecd-health-wfmi", "who-ssl-2023"} <= set(by_key)
    assert all(s.licence for ss in by_key.values() for s in ss)
    assert by_key["who-gho"][0].licence == "CC BY-NC-SA 3.0 IGO"


def test_ssl_for_one_country_matches_the_full_list(reference_ctx: AppContext) -> None:
    full = {r.iso3: r for r in safeguards.compute_safeguard_list(reference_ctx, "2023").countries}
    for iso3 in ("GHA", "KEN", "ZWE", "FRA"):
        one = safeguards.compute_safeguard_list(reference_ctx, "2023", only=iso3).countries
        assert one == [full[iso3]]
