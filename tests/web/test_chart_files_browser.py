"""Chart downloads in a real Chromium: the links on the pages give the files they name."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from defusedxml import ElementTree
from PIL import Image
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_scenario_chart_downloads_as_a_png_with_the_levers(
    page: Page, reference_server: str
) -> None:
    page.goto(f"{reference_server}/scenarios?country=GHA&lang=en")
    with page.expect_response(lambda r: "/scenarios/fragment" in r.url):
        page.fill("#training", "100")
    cadre = page.locator('section[aria-labelledby="title-nursing_midwifery"]')
    link = cadre.get_by_role("link", name="PNG", exact=True)
    expect(link).to_have_accessible_description("Nurses and midwives, Ghana")
    expect(link).to_have_attribute("href", re.compile(r"^/scenarios/nursing_midwifery\.png\?"))
    expect(link).to_have_attribute("href", re.compile(r"training=100"))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "hrh-GHA-scenario-nursing_midwifery.png"
    body = Path(download.path()).read_bytes()
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(body))
    image.load()
    assert image.width >= 1200
    assert image.convert("RGB").getpixel((2, 2)) == (255, 255, 255)


def test_the_profile_projection_and_flow_diagram_download_as_svg(
    page: Page, reference_server: str
) -> None:
    page.goto(f"{reference_server}/countries/GHA?lang=en")
    cadre = page.locator('div.projection-cadre[data-cadre="medical_doctors"]')
    link = cadre.get_by_role("link", name="SVG", exact=True)
    expect(link).to_be_visible(timeout=15_000)  # the projection loads after the page
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == "hrh-GHA-projection-medical_doctors.svg"
    root = ElementTree.fromstring(Path(info.value.path()).read_bytes())
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "Medical doctors: supply and need, 2025–2050, Ghana"
    page.goto(f"{reference_server}/corridors?origin=GHA&lang=en")
    with page.expect_download() as info:
        page.get_by_role("link", name="PNG", exact=True).click()
    assert info.value.suggested_filename == "hrh-corridors-flow.png"
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
