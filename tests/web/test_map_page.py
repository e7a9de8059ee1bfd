from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, ConsoleMessage, Response

from hrh.asgi import create_app
from hrh.config import Settings
from hrh.services.context import AppContext
from hrh.web.choropleth import NO_DATA_COLOUR, classify

TITLE = "Doctors, nurses and midwives per 10,000 population — HRH Observatory"
SOURCE = "National Health Workforce Accounts test extract"  # as in conftest.py
SCREENSHOT = Path("/tmp/hrh-map.png")


def _get_page(app: FastAPI) -> str:
    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _path(html: str, iso3: str) -> re.Match[str]:
    match = re.search(
        rf'<a href="/countries/{iso3}"><path data-iso3="{iso3}" d="M[^"]+" '
        r'fill="(?P<fill>#[0-9a-f]{6})"><title>(?P<title>[^<]*)</title></path></a>',
        html,
    )
    assert match is not None, f"no map path for {iso3}"
    return match


def test_map_page_draws_each_country_in_its_bin(web_app: FastAPI) -> None:
    html = _get_page(web_app)
    ghana = _path(html, "GHA")
    assert ghana["fill"] == "#7fcdbb"
    assert classify(37.4) is not None
    assert ghana["fill"] == classify(37.4).colour  # type: ignore[union-attr]
    assert ghana["title"] == f"Ghana: 37.4 per 10,000 (2020). Source: {SOURCE}"
    assert _path(html, "NGA")["fill"] == classify(18.8).colour  # type: ignore[union-attr]
    assert _path(html, "DEU")["fill"] == "#253494"
    assert _path(html, "FRA")["fill"] == NO_DATA_COLOUR
    assert _path(html, "FRA")["title"] == "France: no data"
    assert len(re.findall(r"<path data-iso3=", html)) >= 150


def test_map_page_has_legend_source_table_and_licences(web_app: FastAPI) -> None:
    html = _get_page(web_app)
    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html
    assert (
        "<title>Doctors, nurses and midwives per 10,000 population — HRH Observatory</title>"
        in html
    )
    assert "<h1>Doctors, nurses and midwives per 10,000 population</h1>" in html
    assert re.search(r'<svg [^>]*viewBox="0 0 1000 [\d.]+"[^>]*width="100%"', html)
    # legend: units, the six classes, no data, the SSL threshold
    assert "Doctors, nurses and midwives per 10,000 population (per 10,000)" in html
    for label in ("&lt; 10", "10–25", "25–49", "49–100", "100–150", "≥ 150", "No data"):
        assert f"</svg>{label}</li>" in html
    assert "below 49 per 10,000" in html
    assert "Support and Safeguards List 2023" in html
    # the source is named
    assert re.search(
        rf'Source:\s*<span class="source-item" title="tidy:[^"]+">{re.escape(SOURCE)}[ (<]', html
    )
    # Malta has data but no polygon at 1:110m: named under the map, present in the table
    assert "Too small to draw at this scale (1), see the table: Malta." in html
    row = re.search(r'<tr data-iso3="GHA">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row[1], re.S)
    ]
    assert cells == ["Ghana", "African Region", "37.4", "2020", SOURCE]
    assert "4 of " in html
    for licence in ("CC BY-NC-SA 3.0 IGO", "CC BY 4.0", "Natural Earth", "public domain"):
        assert licence in html


def test_map_page_without_data_says_so(ctx: AppContext, tmp_path: Path) -> None:
    app = create_app(Settings(var_dir=tmp_path, database_url=ctx.settings.database_url))
    html = _get_page(app)
    assert "no data loaded yet" in html
    fills = set(re.findall(r'<path data-iso3="[A-Z]{3}" d="[^"]+" fill="([^"]+)"', html))
    assert fills == {NO_DATA_COLOUR}


def test_static_files_are_served(web_app: FastAPI) -> None:
    with TestClient(web_app) as client:
        css = client.get("/static/hrh.css")
        icon = client.get("/static/favicon.svg")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "@import" not in css.text
    assert "url(" not in css.text
    assert icon.status_code == 200


@pytest.mark.browser
def test_map_in_a_real_browser(live_server: str, browser: Browser) -> None:
    requests: list[str] = []
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("response", on_response)
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))

        page.goto(f"{live_server}/", wait_until="networkidle")
        assert page.title() == TITLE
        assert page.locator("figure.map > svg path[data-iso3]").count() >= 150

        ghana = page.locator('path[data-iso3="GHA"]')
        ghana.hover()
        assert ghana.locator("title").text_content() == (
            f"Ghana: 37.4 per 10,000 (2020). Source: {SOURCE}"
        )
        stroke = ghana.evaluate("el => getComputedStyle(el).stroke")
        assert stroke == "rgb(17, 17, 17)"  # the hover outline
        page.screenshot(path=str(SCREENSHOT))

        for width, height in ((1440, 900), (360, 740)):
            page.set_viewport_size({"width": width, "height": height})
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width + 1, f"horizontal scroll at {width} px"
            box = page.locator("figure.map > svg").bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= width + 1
            assert box["width"] >= min(width - 64, 1000)
            assert box["height"] > box["width"] * 0.4
        page.screenshot(path=str(SCREENSHOT.with_name("hrh-map-360.png")), full_page=False)
    finally:
        page.close()

    assert requests, "the page made no requests"
    outside = [url for url in requests if urlsplit(url).hostname != "127.0.0.1"]
    assert outside == []
    assert {urlsplit(url).path for url in requests} >= {"/", "/static/hrh.css"}
    assert problems == []
