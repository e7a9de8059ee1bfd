"""The country profile's baseline projection: the fragment, its page and the profile's link."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


def chart_specs(html: str) -> list[dict[str, Any]]:
    """The Vega-Lite specs of the page's charts (``data-vega-spec``), in order."""
    return [json.loads(unescape(s)) for s in re.findall(r'data-vega-spec="([^"]*)"', html)]


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


def test_the_fragment_draws_supply_and_need_for_ghana(client: TestClient) -> None:
    r = client.get("/countries/GHA/projection/fragment")
    assert r.status_code == 200
    body = r.text
    assert "<html" not in body
    for cadre in ("medical_doctors", "nursing_midwifery"):
        assert f'data-cadre="{cadre}"' in body
    specs = chart_specs(body)
    assert [s["title"]["text"] for s in specs] == [
        "Medical doctors: supply and need, 2025–2050, Ghana",
        "Nurses and midwives: supply and need, 2025–2050, Ghana",
    ]
    for spec in specs:
        names = {r["series"] for r in spec["datasets"]["lines"]}
        assert names == {"Supply, baseline", "Need (SDG threshold)"}
        # the fan: 90% of 100 simulated paths, a low and a high for each year
        band = spec["datasets"]["bands"]
        assert len(band) == 26 and all(r["low"] <= r["high"] for r in band)
        assert spec["description"].startswith("Line chart of health workers")
    assert "expected supply" in body and "90% of 100 simulated paths" in body
    assert body.count("90% range of supply") == 2  # a table column per cadre
    rows = re.findall(r'<tr><th scope="row">(\d{4})</th>', body)
    assert rows[:6] == ["2025", "2030", "2035", "2040", "2045", "2050"]


def test_the_fragment_is_cached_and_translated(client: TestClient) -> None:
    first = client.get("/countries/GHA/projection/fragment").text
    assert client.get("/countries/GHA/projection/fragment").text == first
    fr = client.get("/countries/GHA/projection/fragment?lang=fr").text
    assert "Scénario de référence" in fr


def test_the_projection_page_has_the_navigation_and_the_chart(client: TestClient) -> None:
    r = client.get("/countries/gha/projection?lang=es")
    assert r.status_code == 200
    assert "<nav" in r.text and "Proyección de referencia" in r.text
    need = {r["series"] for s in chart_specs(r.text) for r in s["datasets"]["lines"]}
    assert need == {"Oferta, escenario de referencia", "Necesidad (umbral de los ODS)"}


@pytest.mark.parametrize(
    "path", ["/countries/XYZ/projection", "/countries/XYZ/projection/fragment"]
)
def test_an_unknown_country_gives_the_404_page(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "XYZ" in r.text and "ISO 3166-1" in r.text


def test_the_profile_links_to_the_projection_and_loads_it_with_htmx(
    client: TestClient,
) -> None:
    body = client.get("/countries/GHA").text
    assert 'href="/countries/GHA/projection"' in body
    assert 'hx-get="/countries/GHA/projection/fragment" hx-trigger="load"' in body
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_the_projection_downloads_every_year_with_its_fan_and_sources(
    client: TestClient,
) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    fragment = client.get("/countries/GHA/projection/fragment").text
    assert 'href="/countries/GHA/projection.csv"' in fragment
    assert 'href="/countries/GHA/projection.xlsx"' in fragment
    r = client.get("/countries/GHA/projection.csv")
    assert r.status_code == 200
    assert "hrh-GHA-baseline-projection.csv" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    doctors = [x for x in rows if x["cadre"] == "medical_doctors"]
    assert [int(x["year"]) for x in doctors] == list(range(2025, 2051))
    for x in doctors:
        supply, low, high = float(x["supply"]), float(x["supply_p05"]), float(x["supply_p95"])
        assert low <= high and low < supply * 1.1 and high > supply * 0.9
        assert float(x["gap"]) == pytest.approx(supply - float(x["need"]))
    wb = load_workbook(io.BytesIO(client.get("/countries/GHA/projection.xlsx").content))
    keys = {row[0] for row in wb["Sources"].iter_rows(min_row=2, values_only=True)}
    assert keys  # the stored sources the run read (stocks, population, corridors)
    assert client.get("/countries/GHA/projection.pdf").status_code == 400
    assert client.get("/countries/XYZ/projection.csv").status_code == 404
