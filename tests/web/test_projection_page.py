"""The country profile's baseline projection: the fragment, its page and the profile's link."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


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
    assert body.count('data-series="supply"') == 2
    assert body.count('data-series="need"') == 2
    assert "<desc" in body and "Supply, baseline" in body and "Need (SDG threshold)" in body
    assert body.count('data-band="supply"') == 2  # the fan: 90% of 100 simulated paths
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
    assert 'data-series="need"' in r.text


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
