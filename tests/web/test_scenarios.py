"""The scenario explorer over the bundled reference data: levers, baseline, CSV, errors."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


def figures(client: TestClient, query: str) -> dict[tuple[str, int], dict[str, float]]:
    """The CSV's rows by (cadre, year)."""
    response = client.get(f"/scenarios.csv?{query}")
    assert response.status_code == 200, response.text
    rows = csv.DictReader(io.StringIO(response.text))
    return {
        (r["cadre"], int(r["year"])): {
            k: float(v) for k, v in r.items() if k not in ("country", "cadre", "year") and v
        }
        for r in rows
    }


def test_default_page_is_ghana_baseline(client: TestClient) -> None:
    response = client.get("/scenarios")
    assert response.status_code == 200
    html = response.text
    assert 'aria-current="page"' in html and 'href="/scenarios"' in html
    assert '<option value="GHA" selected>' in html
    assert 'data-cadre="medical_doctors"' in html and 'data-cadre="nursing_midwifery"' in html
    assert 'hx-get="/scenarios/fragment"' in html and "vendor/htmx/htmx.min.js" in html
    assert "<script>" not in html
    base = figures(client, "country=GHA")
    for (_cadre, _year), row in base.items():
        assert row["baseline_supply"] == row["scenario_supply"]


def test_training_raises_supply_in_later_years(client: TestClient) -> None:
    base = figures(client, "country=GHA")
    more = figures(client, "country=GHA&training=50")
    for cadre in ("medical_doctors", "nursing_midwifery"):
        assert more[(cadre, 2025)]["scenario_supply"] == pytest.approx(
            base[(cadre, 2025)]["scenario_supply"]
        )
        assert more[(cadre, 2050)]["scenario_supply"] > base[(cadre, 2050)]["scenario_supply"]
        assert more[(cadre, 2050)]["baseline_supply"] == base[(cadre, 2050)]["baseline_supply"]
        assert more[(cadre, 2050)]["scenario_gap"] > base[(cadre, 2050)]["scenario_gap"]


@pytest.mark.parametrize(
    ("query", "direction"),
    [
        ("retention=0.5", 1),  # fewer leave
        ("retention=2", -1),  # more leave
        ("returns=5", 1),
        ("retirement=70", 1),
        ("retirement=55", -1),
        ("ethical=1&compliance=100", 1),
    ],
)
def test_levers_move_supply_the_expected_way(
    client: TestClient, query: str, direction: int
) -> None:
    base = figures(client, "country=GHA")
    changed = figures(client, f"country=GHA&{query}")
    total = sum(
        changed[(c, 2040)]["scenario_supply"] for c in ("medical_doctors", "nursing_midwifery")
    )
    before = sum(
        base[(c, 2040)]["scenario_supply"] for c in ("medical_doctors", "nursing_midwifery")
    )
    assert (total - before) * direction > 0, (query, before, total)


def test_page_fragment_and_csv_agree(client: TestClient) -> None:
    page = client.get("/scenarios?country=GHA&training=100")
    fragment = client.get("/scenarios/fragment?country=GHA&training=100")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "HX-Replace-Url" not in fragment.headers  # only htmx's requests move the address
    swapped = client.get(
        "/scenarios/fragment?country=GHA&training=100", headers={"HX-Request": "true"}
    )
    assert swapped.headers["HX-Replace-Url"].startswith("/scenarios?country=GHA&training=100&")
    cell = r'<tr data-year="2050">.*?data-scenario="([0-9.]+)"'
    assert re.search(cell, page.text, re.S)[1] == re.search(cell, fragment.text, re.S)[1]  # type: ignore[index]
    assert 'value="100"' in page.text
    assert "/scenarios.csv?country=GHA&amp;training=100" in page.text
    download = client.get("/scenarios.csv?country=GHA&training=100")
    assert download.headers["content-type"].startswith("text/csv")
    assert "hrh-GHA-scenario.csv" in download.headers["content-disposition"]
    assert download.text.splitlines()[0] == (
        "country,cadre,year,baseline_supply,scenario_supply,need,baseline_gap,scenario_gap"
    )


@pytest.mark.parametrize(
    "query",
    ["training=abc", "training=5000", "retention=-1", "retirement=99", "country=G1", "returns=nan"],
)
def test_invalid_values_give_a_friendly_400_page(client: TestClient, query: str) -> None:
    for path in ("/scenarios", "/scenarios/fragment", "/scenarios.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert "Filter not understood" in response.text
        assert "Traceback" not in response.text


def test_unknown_country_is_a_400_page(client: TestClient) -> None:
    response = client.get("/scenarios?country=ZZZ")
    assert response.status_code == 400
    assert "ZZZ" in response.text


def test_french_page(client: TestClient) -> None:
    response = client.get("/scenarios?lang=fr")
    assert response.status_code == 200
    assert "Explorateur de scénarios" in response.text


def test_the_excel_download_has_the_figures_their_sources_and_the_levers(
    client: TestClient,
) -> None:
    from openpyxl import load_workbook

    query = "country=GHA&training=100&retention=0.5"
    page = client.get(f"/scenarios?{query}").text
    assert 'id="scenario-xlsx" href="/scenarios.xlsx?country=GHA&amp;training=100' in page
    r = client.get(f"/scenarios.xlsx?{query}")
    assert r.status_code == 200
    assert "hrh-GHA-scenario.xlsx" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Data", "Sources", "Inputs"]
    data = list(wb["Data"].iter_rows(values_only=True))
    assert list(data[0]) == [
        "country", "cadre", "year", "baseline_supply", "scenario_supply", "need",
        "baseline_gap", "scenario_gap",
    ]  # fmt: skip
    csv_rows = figures(client, query)
    for row in data[1:]:
        same = csv_rows[str(row[1]), int(row[2])]
        assert row[4] == pytest.approx(same["scenario_supply"])
    publishers = {row[2] for row in wb["Sources"].iter_rows(min_row=2, values_only=True)}
    assert publishers  # the stocks, population and corridors the run read
    levers = {row[0]: row[1] for row in wb["Inputs"].iter_rows(min_row=2, values_only=True)}
    assert levers["training"] == "100" and levers["retention"] == "0.5"
    bad = client.get(f"/scenarios.pdf?{query}&lang=en")
    assert bad.status_code == 400 and "use csv or xlsx" in bad.text
