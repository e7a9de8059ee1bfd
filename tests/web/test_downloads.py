"""Table downloads (CSV, Excel with a "Sources" sheet), the chart as SVG, the flow diagram."""

from __future__ import annotations

import csv
import io
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from defusedxml import ElementTree
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from hrh.domain.records import StoredSource
from hrh.services.corridors import Corridor
from hrh.web.exports import SOURCE_COLUMNS, XLSX_TYPE, Table, table_csv, table_xlsx
from hrh.web.flows import flow_diagram

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        c.cookies.set("hrh_lang", "en")
        yield c


def rows_of(response_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response_text)))


def sheets(body: bytes) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(io.BytesIO(body), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


# --- the helper -------------------------------------------------------------------------------


def test_a_table_as_csv_and_excel_with_its_sources() -> None:
    src = StoredSource(1, "who-gho", "2024", "WHO", "GHO", "https://who.int", "CC BY", "", "")
    table = Table("t", ["country", "value"], [["GHA", 37.9], ["NGA", None]], [src])
    assert table_csv(table) == "country,value\nGHA,37.9\nNGA,\n"
    book = sheets(table_xlsx(table))
    assert list(book) == ["Data", "Sources"]
    assert book["Data"] == [("country", "value"), ("GHA", 37.9), ("NGA", None)]
    assert book["Sources"][0][:5] == ("key", "title", "publisher", "vintage", "licence")
    assert book["Sources"][1][:5] == ("who-gho", "GHO", "WHO", "2024", "CC BY")


# --- each page's downloads ----------------------------------------------------------------------


def test_map_table_downloads_follow_the_indicator(client: TestClient) -> None:
    response = client.get("/map.csv?indicator=doctors_density")
    assert response.status_code == 200
    assert 'filename="hrh-map-doctors_density.csv"' in response.headers["content-disposition"]
    rows = {r["country"]: r for r in rows_of(response.text)}
    assert len(rows) >= 190
    assert float(rows["GHA"]["value"]) == pytest.approx(1.7)
    assert rows["GHA"]["indicator"] == "doctors_density"
    xlsx = client.get("/map.xlsx?indicator=ssl_status")
    assert xlsx.headers["content-type"] == XLSX_TYPE
    book = sheets(xlsx.content)
    assert book["Data"][0][:5] == ("country", "name", "who_region", "indicator", "value")
    keys = {r[0] for r in book["Sources"][1:]}
    assert "who-gho" in keys and any(k.startswith("owid") for k in keys)
    assert client.get("/map.csv?indicator=beds").status_code == 400


def test_ssl_downloads_follow_the_region(client: TestClient) -> None:
    rows = rows_of(client.get("/ssl.csv?region=AFR").text)
    assert len(rows) == 47
    assert {r["who_region"] for r in rows} == {"AFR"}
    ghana = next(r for r in rows if r["country"] == "GHA")
    assert ghana["computed_eligible"] == "True" and ghana["published"] == "True"
    assert float(ghana["dnm_density_per_10k"]) == pytest.approx(37.9)
    book = sheets(client.get("/ssl.xlsx").content)
    assert len(book["Data"]) == 195  # header + 194 WHO Member States
    assert book["Sources"][0] == SOURCE_COLUMNS


def test_corridor_downloads_give_every_row_of_the_filter(client: TestClient) -> None:
    rows = rows_of(client.get("/corridors.csv?origin=GHA").text)
    assert [r["destination"] for r in rows[:2]] == ["USA", "GBR"]
    assert len(rows) == 7
    all_rows = rows_of(client.get("/corridors.csv").text)
    assert len(all_rows) > 50  # the page shows the top 50; the download has them all
    book = sheets(client.get("/corridors.xlsx?origin=GHA&cadre=medical_doctors").content)
    assert len(book["Data"]) == 8
    assert {r[0] for r in book["Sources"][1:]} == {"oecd-health-wfmi"}
    bad = client.get("/corridors.csv?cadre=surgeons")
    assert bad.status_code == 400
    assert "surgeons" in bad.text


def test_sources_and_country_downloads(client: TestClient) -> None:
    sources = rows_of(client.get("/sources.csv").text)
    assert {"who-gho", "oecd-health-wfmi"} <= {r["key"] for r in sources}
    assert all(r["title"] for r in sources)
    book = sheets(client.get("/countries/GHA/indicators.xlsx").content)
    header, *data = book["Data"]
    assert header[:5] == ("country", "indicator", "cadre", "label", "value")
    dnm = next(r for r in data if r[1] == "dnm_density_per_10k")
    assert dnm[4] == pytest.approx(37.9)
    assert "who-gho" in {r[0] for r in book["Sources"][1:]}
    corridors = rows_of(client.get("/countries/GBR/corridors.csv").text)
    assert {r["direction"] for r in corridors} == {"out", "in"}
    assert client.get("/countries/XYZ/corridors.csv").status_code == 404
    assert client.get("/countries/XYZ/indicators.xlsx").status_code == 404


def test_an_unknown_format_is_a_400_page(client: TestClient) -> None:
    response = client.get("/ssl.pdf")
    assert response.status_code == 400
    assert "use csv or xlsx" in response.text


def test_pages_link_their_downloads(client: TestClient) -> None:
    assert 'href="/ssl.xlsx?region=AFR" download' in client.get("/ssl?region=AFR").text
    assert 'href="/sources.csv" download' in client.get("/sources").text
    corridors = client.get("/corridors?origin=GHA").text
    assert re.search(r'href="/corridors\.xlsx\?origin=GHA&amp;destination=&amp;cadre=', corridors)
    profile = client.get("/countries/GHA").text
    for href in ("indicators.xlsx", "corridors.csv", "chart.svg", "chart.png", "brief.pdf"):
        assert f'href="/countries/GHA/{href}' in profile


def test_the_chart_downloads_as_a_standalone_svg(client: TestClient) -> None:
    response = client.get("/countries/GHA/chart.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Health workers per 10,000 population over time, Ghana"
    # drawn by vl-convert from the page's spec: doctors, nurses and midwives
    lines = [g for g in root.iter(f"{SVG}g") if "mark-line" in (g.get("class") or "")]
    assert len([p for g in lines for p in g.iter(f"{SVG}path")]) == 2
    assert "<style" not in response.text and "href" not in response.text  # self-contained
    assert client.get("/countries/XYZ/chart.svg").status_code == 404


def test_the_chart_downloads_as_a_png(client: TestClient) -> None:
    response = client.get("/countries/GHA/chart.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert 'filename="hrh-GHA-density.png"' in response.headers["content-disposition"]
    body = response.content
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
    width, height = struct.unpack(">II", body[16:24])
    svg = ElementTree.fromstring(client.get("/countries/GHA/chart.svg").content)
    # the SVG's size, twice
    assert (width, height) == (2 * int(svg.get("width")), 2 * int(svg.get("height")))
    assert width >= 1280
    assert len(body) > 10_000
    Path("/tmp/hrh-chart.png").write_bytes(body)  # to look at
    assert client.get("/countries/XYZ/chart.png").status_code == 404


# --- the flow diagram ---------------------------------------------------------------------------


def corridor(origin: str, destination: str, value: float) -> Corridor:
    return Corridor(
        origin, origin, destination, destination, "nurses", 2018, "stock_abroad", "training",
        value, None, None, None, "s",
    )  # fmt: skip


def test_flow_bands_are_proportional_and_nodes_add_up() -> None:
    d = flow_diagram(
        [corridor("IND", "USA", 600), corridor("IND", "GBR", 200), corridor("PHL", "USA", 200)]
    )
    assert d is not None
    widths = {(b.origin, b.destination): b.width for b in d.bands}
    for b in d.bands:  # the ribbon's ends are as wide as the band
        y0 = float(b.path[1:].split("C")[0].split(",")[1])
        assert b.path.endswith(f",{round(y0 + b.width, 1)}Z")
    assert widths[("IND", "USA")] == pytest.approx(3 * widths[("IND", "GBR")], rel=0.02)
    nodes = {(n.side, n.iso3): n for n in d.nodes}
    assert nodes[("origin", "IND")].total == 800
    assert nodes[("destination", "USA")].total == 800
    assert nodes[("origin", "IND")].height == pytest.approx(4 * nodes[("origin", "PHL")].height)
    assert flow_diagram([]) is None
    assert flow_diagram([corridor("A", "B", 0.0)]) is None


def test_corridors_page_draws_the_flow_diagram_with_a_text_alternative(
    client: TestClient,
) -> None:
    html = client.get("/corridors").text
    assert "Largest 15 corridors, from origin to destination" in html
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="flow-svg-title flow-svg-desc"', html)
    assert len(re.findall(r'<path class="band"', html)) == 15
    desc = re.search(r'<desc id="flow-svg-desc">(.*?)</desc>', html, re.S)
    assert desc is not None
    assert desc[1].startswith("India → United States of America: 45,830")
    ghana = client.get("/corridors?origin=GHA").text
    assert len(re.findall(r'<path class="band" [^>]*data-origin="GHA"', ghana)) == 7
    nothing = client.get("/corridors?origin=GHA&destination=FRA").text
    assert '<path class="band"' not in nothing


def test_the_profiles_time_series_downloads_with_its_sources(client: TestClient) -> None:
    page = client.get("/countries/GHA").text
    assert (
        'href="/countries/GHA/series.csv"' in page and 'href="/countries/GHA/series.xlsx"' in page
    )
    r = client.get("/countries/GHA/series.csv")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    doctors = {int(x["year"]): float(x["value"]) for x in rows if x["cadre"] == "medical_doctors"}
    assert len(doctors) >= 5 and all(v > 0 for v in doctors.values())
    assert {x["unit"] for x in rows} == {"per 10,000 population"}
    api = client.get("/api/v1/series?country=GHA&cadre=medical_doctors&measure=per_10k")
    assert api.status_code == 200  # the same values as the API's newest vintages
    latest = {x["year"]: x["value"] for x in api.json()["data"] if x["latest_vintage"]}
    assert latest == pytest.approx(doctors)
    wb = load_workbook(io.BytesIO(client.get("/countries/GHA/series.xlsx").content))
    assert wb["Sources"].max_row >= 2  # at least one source under its header
    assert client.get("/countries/GHA/series.pdf").status_code == 400
    assert client.get("/countries/XYZ/series.csv").status_code == 404
