"""Chart downloads as SVG and PNG: projection, scenario explorer and the corridors' flow diagram."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

SVG = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        c.cookies.set("hrh_lang", "en")
        yield c


def svg_title(body: bytes) -> str:
    root = ElementTree.fromstring(body)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    return str(title.text)


def svg_texts(body: bytes) -> list[str]:
    """Every line of text: a ``<text>``, or each of its ``<tspan>`` lines (Vega's subtitles)."""
    out: list[str] = []
    for text in ElementTree.fromstring(body).iter(f"{SVG}text"):
        spans = text.findall(f"{SVG}tspan")
        out += [s.text or "" for s in spans] if spans else [text.text or ""]
    return out


def marks(body: bytes, kind: str) -> list[Any]:
    """The paths Vega drew for one kind of mark (``area``, ``line``) in a vl-convert SVG."""
    root = ElementTree.fromstring(body)
    groups = [g for g in root.iter(f"{SVG}g") if f"mark-{kind} " in (g.get("class") or "") + " "]
    return [p for g in groups for p in g.iter(f"{SVG}path")]


def decoded_png(body: bytes) -> Image.Image:
    """Check the magic bytes, then decode the whole image (a truncated file fails here)."""
    assert body[:8] == PNG_MAGIC
    image = Image.open(io.BytesIO(body))
    image.load()
    assert image.format == "PNG"
    return image


def assert_white_background(image: Image.Image) -> None:
    rgb = image.convert("RGB")
    assert rgb.getpixel((2, 2)) == (255, 255, 255)
    assert rgb.getpixel((rgb.width - 3, rgb.height - 3)) == (255, 255, 255)
    # something is drawn: more than a few colours
    assert len(rgb.getcolors(maxcolors=1_000_000) or []) > 20


def attachment(response: object, filename: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-disposition"] == f'attachment; filename="{filename}"'


# --- the baseline projection of a country --------------------------------------------------------


def test_the_projection_chart_as_svg(client: TestClient) -> None:
    response = client.get("/countries/GHA/projection/nursing_midwifery.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    attachment(response, "hrh-GHA-projection-nursing_midwifery.svg")
    title = svg_title(response.content)
    assert title == "Nurses and midwives: supply and need, 2025–2050, Ghana"
    texts = svg_texts(response.content)
    assert "Baseline projection" in texts
    assert {"Supply, baseline", "Need (SDG threshold)"} <= set(texts)
    assert "Supply, 90% of the simulated paths" in texts  # the fan's legend
    assert any(t.startswith("90% of the simulated paths in 2050: ") for t in texts)  # its range
    # drawn by vl-convert from the page's spec: the fan (a filled area), supply and dashed need
    (band,) = marks(response.content, "area")
    assert band.get("opacity") == "0.22" and band.get("d", "").endswith("Z")
    supply, need = marks(response.content, "line")
    assert supply.get("stroke-dasharray") == "1,0" and need.get("stroke-dasharray") == "6,4"
    assert "2030" in texts and "2,030" not in texts  # years as integers
    # self-contained: no style sheet, no image, no link to anything
    assert "<style" not in response.text and "href" not in response.text


def test_the_projection_chart_as_png(client: TestClient) -> None:
    response = client.get("/countries/GHA/projection/medical_doctors.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    attachment(response, "hrh-GHA-projection-medical_doctors.png")
    image = decoded_png(response.content)
    svg = client.get("/countries/GHA/projection/medical_doctors.svg").content
    root = ElementTree.fromstring(svg)
    width, height = float(root.get("width")), float(root.get("height"))
    assert image.size == (round(2 * width), round(2 * height))  # twice the SVG's size
    assert image.width >= 1200
    assert_white_background(image)
    Path("/tmp/hrh-projection-chart.png").write_bytes(response.content)  # to look at


def test_the_projection_chart_follows_the_language(reference_app: FastAPI) -> None:
    with TestClient(reference_app) as french:
        response = french.get("/countries/GHA/projection/medical_doctors.svg?lang=fr")
    assert svg_title(response.content).startswith("Médecins")
    assert "Projection de référence" in svg_texts(response.content)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/countries/XYZ/projection/medical_doctors.png", 404),  # no such country
        ("/countries/GHA/projection/surgeons.svg", 404),  # no such cadre
        ("/countries/GHA/projection/medical_doctors.gif", 400),  # no such format
    ],
)
def test_bad_projection_chart_addresses(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    if status == 400:
        assert "use svg or png" in response.text


def test_the_projection_fragment_links_its_charts(
    client: TestClient, reference_app: FastAPI
) -> None:
    html = client.get("/countries/GHA/projection/fragment").text
    for cadre in ("medical_doctors", "nursing_midwifery"):
        for fmt in ("svg", "png"):
            assert f'href="/countries/GHA/projection/{cadre}.{fmt}" download' in html
    assert 'aria-describedby="projection-title-medical_doctors">PNG</a>' in html
    assert "Download the chart:" in html
    with TestClient(reference_app) as french:
        assert "Télécharger le graphique :" in french.get("/countries/GHA/projection?lang=fr").text


# --- the scenario explorer ----------------------------------------------------------------------


def test_the_scenario_chart_carries_the_levers(client: TestClient) -> None:
    query = "country=GHA&training=100&retention=0.5&returns=1&retirement=&compliance=100"
    response = client.get(f"/scenarios/nursing_midwifery.svg?{query}")
    assert response.status_code == 200
    attachment(response, "hrh-GHA-scenario-nursing_midwifery.svg")
    assert svg_title(response.content) == "Nurses and midwives: supply and need, 2025–2050, Ghana"
    texts = svg_texts(response.content)
    assert "Scenario explorer" in texts
    assert "Training intake, change in %: 100" in texts
    assert "Emigration × factor (retention): 0.5" in texts
    assert {"Supply, baseline", "Supply, this scenario"} <= set(texts)
    # the scenario line differs from the baseline's when a lever moves
    paths = marks(response.content, "line")
    assert len(paths) == 3 and paths[0].get("d") != paths[1].get("d")
    baseline = client.get("/scenarios/nursing_midwifery.svg?country=GHA").content
    base_paths = marks(baseline, "line")
    assert base_paths[0].get("d") == base_paths[1].get("d")
    assert not any(t.startswith("Training intake") for t in svg_texts(baseline))


def test_the_scenario_chart_as_png(client: TestClient) -> None:
    response = client.get("/scenarios/medical_doctors.png?country=NGA&training=50")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    attachment(response, "hrh-NGA-scenario-medical_doctors.png")
    image = decoded_png(response.content)
    assert image.width >= 1200 and image.height >= 700
    assert_white_background(image)
    Path("/tmp/hrh-scenario-chart.png").write_bytes(response.content)  # to look at


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/scenarios/medical_doctors.png?country=GHA&training=9999", 400),  # lever out of range
        ("/scenarios/medical_doctors.svg?country=XYZ", 400),  # no projection (as the page)
        ("/scenarios/surgeons.png?country=GHA", 404),  # no such cadre
        ("/scenarios/medical_doctors.jpeg?country=GHA", 400),  # no such format
    ],
)
def test_bad_scenario_chart_addresses(client: TestClient, path: str, status: int) -> None:
    assert client.get(path).status_code == status


def test_the_scenario_result_links_its_charts_with_the_levers(client: TestClient) -> None:
    html = client.get("/scenarios/fragment?country=GHA&training=20").text
    links = re.findall(r'href="(/scenarios/nursing_midwifery\.png\?[^"]*)" download', html)
    assert len(links) == 1
    assert "country=GHA" in links[0] and "training=20" in links[0]
    # the link is a stable address: following it gives the same levers' chart
    svg = client.get(links[0].replace("&amp;", "&").replace(".png", ".svg")).content
    assert "Training intake, change in %: 20" in svg_texts(svg)


# --- the corridors' flow diagram ----------------------------------------------------------------


def test_the_flow_diagram_as_svg_follows_the_filters(client: TestClient) -> None:
    response = client.get("/corridors/flow.svg")
    assert response.status_code == 200
    attachment(response, "hrh-corridors-flow.svg")
    assert svg_title(response.content) == "Largest 15 corridors, from origin to destination"
    root = ElementTree.fromstring(response.content)
    assert len(root.findall(f"{SVG}path")) == 15
    ghana = client.get("/corridors/flow.svg?origin=GHA&destination=&cadre=&year=").content
    root = ElementTree.fromstring(ghana)
    assert len(root.findall(f"{SVG}path")) == 7
    texts = svg_texts(ghana)
    assert "Origin: Ghana" in texts
    assert any(t.startswith("Ghana · ") for t in texts)
    assert "class=" not in ghana.decode()


def test_the_flow_diagram_as_png(client: TestClient) -> None:
    response = client.get("/corridors/flow.png?origin=GHA")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = decoded_png(response.content)
    assert image.width == 2000  # the diagram's 1000 units at twice the size
    assert_white_background(image)
    Path("/tmp/hrh-flow.png").write_bytes(response.content)  # to look at


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/corridors/flow.png?cadre=surgeons", 400),
        ("/corridors/flow.svg?year=last", 400),
        ("/corridors/flow.png?origin=GHA&destination=FRA", 404),  # no corridor to draw
        ("/corridors/flow.pdf", 400),
    ],
)
def test_bad_flow_diagram_addresses(client: TestClient, path: str, status: int) -> None:
    assert client.get(path).status_code == status


def test_the_corridors_page_links_the_flow_diagram(
    client: TestClient, reference_app: FastAPI
) -> None:
    html = client.get("/corridors?origin=GHA").text
    assert re.search(r'href="/corridors/flow\.svg\?origin=GHA&amp;destination=&amp;cadre=', html)
    assert re.search(r'href="/corridors/flow\.png\?origin=GHA&amp;', html)
    with TestClient(reference_app) as spanish:
        assert "Descargar el gráfico:" in spanish.get("/corridors?lang=es").text
