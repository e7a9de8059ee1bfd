"""The world map's indicator chooser, over all the bundled reference data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hrh.domain.policy import ANONYMOUS
from hrh.errors import Invalid
from hrh.services.context import AppContext
from hrh.services.indicators import indicators_for
from hrh.services.map_layers import MAP_INDICATORS, map_layer
from hrh.web.choropleth import NO_DATA_COLOUR, SCALES, classify


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


def shape(html: str, iso3: str) -> re.Match[str]:
    match = re.search(
        rf'<path data-iso3="{iso3}" d="M[^"]+" fill="(?P<fill>#[0-9a-f]{{6}})">'
        r"<title>(?P<title>[^<]*)</title>",
        html,
    )
    assert match is not None, f"no map path for {iso3}"
    return match


def table_cells(html: str, iso3: str) -> list[str]:
    match = re.search(rf'<tr data-iso3="{iso3}"[^>]*>(.*?)</tr>', html, re.S)
    assert match is not None
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match[1], re.S)
    ]


def test_every_indicator_has_values_for_many_countries(reference_ctx: AppContext) -> None:
    counts = {
        k: sum(v.value is not None for v in map_layer(reference_ctx, ANONYMOUS, k).values)
        for k in MAP_INDICATORS
    }
    assert counts["dnm_density"] >= 190
    assert counts["doctors_density"] >= 190
    assert counts["nurses_midwives_density"] >= 190
    assert counts["ssl_status"] >= 190
    assert counts["emigration_rate_doctors"] >= 150
    assert 15 <= counts["foreign_trained_doctors"] <= 40  # OECD destinations only
    assert set(SCALES) >= set(MAP_INDICATORS)


def test_map_values_agree_with_the_country_profile(reference_ctx: AppContext) -> None:
    profile = {(v.id, v.cadre): v for v in indicators_for(reference_ctx, "GBR").indicators}
    for indicator, key in (
        ("doctors_density", ("density_per_10k", "medical_doctors")),
        ("emigration_rate_doctors", ("emigration_rate", "medical_doctors")),
        ("foreign_trained_doctors", ("foreign_trained_share", "medical_doctors")),
    ):
        layer = map_layer(reference_ctx, ANONYMOUS, indicator)
        gbr = next(v for v in layer.values if v.iso3 == "GBR")
        assert gbr.value == pytest.approx(profile[key].value), indicator
        assert gbr.year == profile[key].year, indicator


def test_bad_requests_are_refused(reference_ctx: AppContext) -> None:
    with pytest.raises(Invalid, match="Unknown map indicator"):
        map_layer(reference_ctx, ANONYMOUS, "beds_per_10k")
    with pytest.raises(Invalid, match="1990 to 2100"):
        map_layer(reference_ctx, ANONYMOUS, "dnm_density", 1800)


def test_the_default_map_is_dnm_density_with_the_chooser(client: TestClient) -> None:
    html = client.get("/?lang=en").text
    assert "<h1>Doctors, nurses and midwives per 10,000 population</h1>" in html
    assert '<label for="indicator">Indicator</label>' in html
    assert '<option value="dnm_density" selected>' in html
    for key in MAP_INDICATORS:
        assert f'<option value="{key}"' in html
    assert '<label for="year">As of year (empty: latest)</label>' in html
    assert shape(html, "GHA")["fill"] == classify(37.9).colour  # type: ignore[union-attr]


def test_emigration_rate_map_legend_tooltip_and_table(client: TestClient) -> None:
    response = client.get("/?indicator=emigration_rate_doctors&lang=en")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Medical doctors working abroad (share)</h1>" in html
    assert '<option value="emigration_rate_doctors" selected>' in html
    ghana = shape(html, "GHA")
    bins = SCALES["emigration_rate_doctors"].bins
    assert ghana["fill"] == classify(0.197, bins).colour  # type: ignore[union-attr]
    assert ghana["title"].startswith("Ghana: 19.7% (2018). Source: Health Workforce Migration")
    for label in ("&lt; 2%", "2–5%", "10–20%", "≥ 40%"):
        assert f"</svg>{label}</li>" in html
    assert "below 49 per 10,000" not in html  # the SSL density note is for densities only
    assert table_cells(html, "GHA")[2] == "19.7%"
    assert 'href="/map.csv?indicator=emigration_rate_doctors"' in html


def test_ssl_status_map_names_the_status(client: TestClient) -> None:
    html = client.get("/?indicator=ssl_status&lang=en").text
    ghana, germany = shape(html, "GHA"), shape(html, "DEU")
    assert ghana["title"].startswith("Ghana: Meets both criteria (eligible for the list) (2020)")
    assert germany["title"].startswith("Germany: Does not meet both criteria")
    assert ghana["fill"] != germany["fill"] != NO_DATA_COLOUR
    assert table_cells(html, "GHA")[2] == "Meets both criteria (eligible for the list)"
    french = client.get("/?indicator=ssl_status&lang=fr").text
    assert "Remplit les deux critères" in shape(french, "GHA")["title"]


def test_a_year_gives_values_not_after_it(client: TestClient) -> None:
    html = client.get("/?indicator=doctors_density&year=2012&lang=en").text
    assert 'value="2012"' in html
    years = [int(y) for y in re.findall(r"\((\d{4})\)\. Source", html)]
    assert years and max(years) <= 2012 and min(years) >= 2005


@pytest.mark.parametrize(
    "query", ["indicator=beds", "year=abc", "year=1800", "indicator=dnm_density&year=20201"]
)
def test_bad_map_parameters_give_a_400_page(client: TestClient, query: str) -> None:
    response = client.get(f"/?{query}&lang=en")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "Map request not understood" in response.text
    assert "Choose an indicator from the list" in response.text


def test_bad_map_parameter_page_is_in_the_readers_language(client: TestClient) -> None:
    response = client.get("/?indicator=beds&lang=es")
    assert response.status_code == 400
    assert "Solicitud de mapa no comprendida" in response.text
