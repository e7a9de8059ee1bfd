"""The country profile, SSL, sources and corridors pages over the bundled reference data."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

PAGES = ("/", "/countries/GHA", "/ssl", "/sources", "/corridors")


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


def text_of(html: str) -> str:
    """The page's text with tags removed and white space collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def chart_spec(html: str, figure_id: str) -> dict[str, Any]:
    """The Vega-Lite spec of the chart ``<figure id=...>`` (its ``data-vega-spec`` attribute)."""
    found = re.search(rf'<figure [^>]*id="{figure_id}"[^>]*data-vega-spec="([^"]*)"', html)
    assert found, figure_id
    spec: dict[str, Any] = json.loads(unescape(found.group(1)))
    return spec


def row(html: str, attribute: str, value: str) -> list[str]:
    """The cells of the table row with ``attribute="value"``, as text."""
    match = re.search(rf'<tr {attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match is not None, f"no row {attribute}={value}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match[1], re.S)
    return [text_of(c).strip() for c in cells]


def test_country_profile_shows_headlines_with_year_and_source(client: TestClient) -> None:
    response = client.get("/countries/GHA")
    assert response.status_code == 200
    html = response.text
    assert "<title>Ghana — HRH Observatory</title>" in html
    assert "<h1>Ghana</h1>" in html
    dnm = row(html, "data-indicator", "dnm_density_per_10k")
    assert dnm[:3] == ["Doctors, nurses and midwives per 10,000 population", "37.9", "2020"]
    assert "Global Health Observatory: National Health Workforce Accounts" in dnm[3]
    assert dnm[3].count("Global Health Observatory") == 1  # two vintages, named once
    assert row(html, "data-indicator", "density_per_10k.medical_doctors")[1:3] == ["1.7", "2020"]
    assert row(html, "data-indicator", "emigration_rate.medical_doctors")[1:3] == ["19.7%", "2018"]
    assert row(html, "data-indicator", "sdg_threshold_gap")[1] == "21,046"
    missing = row(html, "data-indicator", "foreign_trained_share.nurses")
    assert missing[1] == "no data"
    assert "OECD destinations only" in missing[3]


def test_country_profile_chart_ssl_corridors_completeness(client: TestClient) -> None:
    html = client.get("/countries/GHA").text
    page = text_of(html)
    # the time series: a Vega-Lite spec for charts.js (the server's SVG without script) and a
    # table of the same values
    spec = chart_spec(html, "density-chart")
    assert spec["title"]["text"] == "Health workers per 10,000 population over time, Ghana"
    lines = spec["datasets"]["lines"]
    assert {r["series"] for r in lines} == {"Medical doctors", "Nurses and midwives"}
    assert {"year": 2020, "series": "Medical doctors", "value": 1.7} in lines
    assert '<noscript><img class="chart-image" src="/countries/GHA/chart.svg" alt="Health' in html
    assert "Values by year" in page
    # SSL status with its reasons
    assert "Meets both criteria (eligible for the list) · On the published list" in page
    assert "37.9 per 10,000 (doctors 2020, nurses and midwives 2020)" in page
    assert "UHC service coverage index: 46.5 (2019); the threshold is below 55." in page
    # corridors out, largest first; none recorded in
    assert "Top 7 of 7 corridors out" in page
    outbound = re.findall(r'<th scope="row"><a href="/countries/([A-Z]{3})">', html)
    assert outbound[:2] == ["USA", "GBR"]
    assert '<a href="/corridors?origin=GHA">' in html
    # data completeness
    assert "100% of the core series are present." in page
    assert '<a href="/countries/GHA/indicators.csv" download>' in html


def test_country_profile_of_a_destination_lists_corridors_in(client: TestClient) -> None:
    page = text_of(client.get("/countries/GBR").text)
    assert re.search(r"Top 10 of \d+ corridors in", page)
    assert "India" in page


def test_indicators_csv(client: TestClient) -> None:
    response = client.get("/countries/gha/indicators.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="hrh-GHA-indicators.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    dnm = next(r for r in rows if r["indicator"] == "dnm_density_per_10k")
    assert dnm["country"] == "GHA"
    assert float(dnm["value"]) == pytest.approx(37.9)
    assert dnm["year"] == "2020"
    assert dnm["sources"] == "who-gho@2022-01-24; who-gho@2022-02-08"
    assert {r["indicator"] for r in rows} >= {"data_completeness", "emigration_rate"}


@pytest.mark.parametrize(
    "path", ["/countries/XYZ", "/countries/AFR", "/countries/XYZ/indicators.csv"]
)
def test_unknown_country_is_a_404_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.text
    assert "There is no country or territory with the code" in response.text


def test_unknown_page_is_a_404_page_in_the_readers_language(client: TestClient) -> None:
    response = client.get("/no/such/page", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"


def test_ssl_page_compares_computed_and_published(client: TestClient) -> None:
    html = client.get("/ssl").text
    page = text_of(html)
    assert "54 countries meet both criteria in the stored data" in page
    assert "55 countries are on the published list" in page
    assert "191 of 194 WHO Member States: computed and published lists agree" in page
    assert "below 49 per 10,000 population (latest data up to 2022)" in page
    assert "UHC service coverage index for 2019 is below 55" in page
    assert "194 countries shown." in page
    assert row(html, "data-iso3", "GHA") == [
        "Ghana",
        "African Region",
        "37.9",
        "46.5",
        "on the list",
        "on the list",
        "Density 37.9 < 49; UHC index 46.5 < 55.",
    ]
    kenya = row(html, "data-iso3", "KEN")
    assert kenya[4:6] == ["on the list", "not on the list"]
    assert "Differs from the published list." in kenya[6]
    for iso3 in ("KEN", "ZWE", "WSM"):
        assert f'<tr data-iso3="{iso3}" class="differs">' in html


def test_ssl_page_filters_by_region(client: TestClient) -> None:
    html = client.get("/ssl?region=afr").text
    assert '<option value="AFR" selected>African Region</option>' in html
    assert '<label for="region">WHO region</label>' in html
    assert 'data-iso3="GHA"' in html
    assert 'data-iso3="DEU"' not in html
    count = int(re.search(r"(\d+) countries shown", html)[1])  # type: ignore[index]
    assert count == html.count("<tr data-iso3=")
    assert 40 < count < 50
    # an unknown region shows every country rather than an empty list
    assert "194 countries shown." in client.get("/ssl?region=XYZ").text


def test_sources_page_lists_publisher_vintage_licence_and_use(client: TestClient) -> None:
    html = client.get("/sources").text
    gho = row(html, "data-key", "who-gho")
    assert gho[0].startswith("Global Health Observatory: National Health Workforce Accounts")
    assert gho[1:4] == ["World Health Organization", "Jan 24, 2022", "CC BY-NC-SA 3.0 IGO"]
    assert "world map" in gho[4]
    oecd = row(html, "data-key", "oecd-health-wfmi")
    assert oecd[1] == "OECD"
    assert "corridors" in oecd[4]
    for key in ("wb-wdi:SP.POP.TOTL", "un-wpp-2024", "who-ssl-2023", "owid:uhc-service"):
        assert f'<tr data-key="{key}' in html
    assert "—</td>\n      </tr>" not in html  # every source says what it feeds


def test_corridors_page_filters(client: TestClient) -> None:
    html = client.get("/corridors?origin=GHA&cadre=medical_doctors").text
    assert '<option value="GHA" selected>Ghana</option>' in html
    assert "Top 7 of 7 corridors" in text_of(html)
    assert re.search(r'<td class="num">750</td>\s*<td class="num">20.7%</td>', html)
    everything = text_of(client.get("/corridors").text)
    assert re.search(r"Top 50 of [\d,]+ corridors", everything)
    bad = client.get("/corridors?cadre=wizards")
    assert bad.status_code == 400
    assert "Filter not understood" in bad.text


def test_language_switch_sets_a_cookie_and_translates(client: TestClient) -> None:
    client.cookies.clear()
    response = client.get("/countries/GHA?lang=fr")
    assert response.status_code == 200
    assert "hrh_lang=fr" in response.headers["set-cookie"]
    html = response.text
    assert '<html lang="fr">' in html
    assert '<h2 id="headline-title">Indicateurs clés</h2>' in html
    dnm = row(html, "data-indicator", "dnm_density_per_10k")
    assert dnm[:3] == [
        "Médecins, personnel infirmier et sages-femmes pour 10 000 habitants",
        "37,9",
        "2020",
    ]
    assert row(html, "data-indicator", "emigration_rate.medical_doctors")[1] == "19,7\u00a0%"
    assert row(html, "data-indicator", "sdg_threshold_gap")[1] == "21\u202f046"
    # the cookie keeps the language on the next page, without ?lang=
    ssl = client.get("/ssl").text
    assert '<html lang="fr">' in ssl
    assert "191 sur 194" in ssl
    assert row(ssl, "data-iso3", "DEU")[:2] == ["Allemagne", "Région européenne"]
    client.cookies.clear()


def test_accept_language_chooses_spanish(client: TestClient) -> None:
    client.cookies.clear()
    html = client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).text
    assert '<html lang="es">' in html
    assert "<h1>Médicos, personal de enfermería y parteras por 10 000 habitantes</h1>" in html
    assert row(html, "data-iso3", "GHA")[:3] == ["Ghana", "Región de África", "37,9"]
    assert "Alemania" in html


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_navigation_and_the_language_switcher(client: TestClient, path: str) -> None:
    client.cookies.clear()
    html = client.get(path).text
    for href in ("/", "/ssl", "/corridors", "/sources"):
        assert f'<li><a href="{href}"' in html
    base = path.split("?")[0]
    for lang, name in (("en", "English"), ("fr", "Français"), ("es", "Español")):
        assert f'<a href="{base}?lang={lang}" lang="{lang}" hreflang="{lang}"' in html
        assert f">{name}</a>" in html
    assert '<nav class="languages" aria-label="Language">' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
