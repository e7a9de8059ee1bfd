"""The observatory's pages in a real Chromium, over the bundled reference data.

Map → country profile → SSL → sources, then the same in French; keyboard focus, 360 and
1440 px without horizontal scroll, no console error, no Content-Security-Policy violation,
every request to 127.0.0.1, and axe-core (vendored) with no serious or critical violation.
Screenshots of each page at both widths go to ``/tmp/hrh-pages/``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect
from pypdf import PdfReader

from hrh.services import library
from hrh.services.context import AppContext

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp/hrh-pages")
AXE = "/static/vendor/axe/axe.min.js"
#: What Vega draws (SVG renderer): a chart drawn by charts.js, its shaded range and its lines.
DRAWN = 'figure[data-vega-state="drawn"]'
BAND = f"{DRAWN} g.mark-area path"
LINES = f"{DRAWN} g.mark-line path"
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


@dataclass
class Watch:
    """What the page did: every request, and anything that went wrong."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def check_page(self, name: str) -> None:
        """Check the page now shown: CSP, scrolling at both widths, axe; save screenshots."""
        assert self.page.evaluate("window.__cspViolations || []") == [], name
        SCREENSHOTS.mkdir(exist_ok=True)
        for width, height in ((1440, 900), (360, 740)):
            self.page.set_viewport_size({"width": width, "height": height})
            scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width + 1, f"{name}: horizontal scroll at {width} px"
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1440, "height": 900})
        self.page.add_script_tag(url=f"{self.base}{AXE}")
        violations = self.page.evaluate(AXE_RUN)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{name}: {serious}"

    def check_requests(self) -> None:
        """Assert every request stayed on 127.0.0.1 and nothing went wrong."""
        assert self.requests
        outside = [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]
        assert outside == []
        assert self.problems == []


@pytest.fixture
def watch(browser: Browser, reference_server: str) -> Iterator[Watch]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    w = Watch(page, reference_server)
    page.add_init_script(CSP_LISTENER)
    page.on("request", lambda request: w.requests.append(request.url))
    page.on("console", w.on_console)
    page.on("pageerror", lambda error: w.problems.append(f"page error: {error}"))
    page.on("response", w.on_response)
    page.on("requestfailed", lambda request: w.problems.append(f"failed: {request.url}"))
    try:
        yield w
    finally:
        context.close()


def test_map_profile_ssl_sources_in_english(watch: Watch) -> None:
    page, base = watch.page, watch.base
    page.goto(f"{base}/", wait_until="networkidle")
    watch.check_page("map")
    page.locator('path[data-iso3="GHA"]').click()
    expect(page).to_have_url(f"{base}/countries/GHA")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghana")
    expect(page.locator('tr[data-indicator="dnm_density_per_10k"] td').first).to_have_text("37.9")
    # the time series, drawn by Vega (static/js/charts.js) from the spec in the page
    density = page.locator('#density-chart[data-vega-state="drawn"]')
    expect(density.locator("svg.marks")).to_have_count(1, timeout=30_000)
    expect(density.locator('[role="graphics-document"]')).to_have_attribute(
        "aria-label", "Line chart; the same values are in the table below."
    )
    # the baseline projection arrives after the page, with its fan (one band per cadre)
    expect(page.locator(f"#projection-result {BAND}")).to_have_count(2, timeout=60_000)
    expect(page.locator(".projection-result").first).to_contain_text("simulated paths")
    watch.check_page("country-GHA")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Safeguards list").click()
    expect(page).to_have_url(f"{base}/ssl")
    page.get_by_label("WHO region").select_option("AFR")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{base}/ssl?region=AFR")
    expect(page.locator('tr[data-iso3="GHA"]')).to_be_visible()
    expect(page.locator('tr[data-iso3="DEU"]')).to_have_count(0)
    watch.check_page("ssl")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sources").click()
    expect(page).to_have_url(f"{base}/sources")
    expect(page.locator('tr[data-key="who-gho"]').first).to_contain_text(
        "World Health Organization"
    )
    watch.check_page("sources")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Corridors").click()
    expect(page).to_have_url(f"{base}/corridors")
    watch.check_page("corridors")
    watch.check_requests()


def test_switch_to_french_and_keep_it(watch: Watch) -> None:
    page, base = watch.page, watch.base
    page.goto(f"{base}/countries/GHA", wait_until="networkidle")
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(f"{base}/countries/GHA?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Indicateurs clés")).to_be_visible()
    expect(page.locator('tr[data-indicator="dnm_density_per_10k"] td').first).to_have_text("37,9")
    watch.check_page("country-GHA-fr")
    # the choice is kept (cookie) on the next page, reached through the French navigation
    page.get_by_role("link", name="Liste de sauvegarde").click()
    expect(page).to_have_url(f"{base}/ssl")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Liste d'appui et de sauvegarde de l'OMS 2023"
    )
    expect(page.locator('tr[data-iso3="DEU"] th')).to_have_text("Allemagne")
    watch.check_page("ssl-fr")
    page.get_by_role("link", name="Carte du monde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Médecins, personnel infirmier et sages-femmes pour 10 000 habitants"
    )
    watch.check_page("map-fr")
    watch.check_requests()


def test_links_are_reachable_with_the_keyboard(watch: Watch) -> None:
    page, base = watch.page, watch.base
    page.goto(f"{base}/countries/GHA", wait_until="networkidle")
    reached: list[str] = []
    for _ in range(14):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('href') || ''"))
    assert reached[0] == "#main"  # the skip link comes first
    for href in ("/", "/ssl", "/corridors", "/sources", "/countries/GHA?lang=fr"):
        assert href in reached, reached
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    watch.check_requests()


def test_a_lever_move_updates_the_chart_in_place(watch: Watch) -> None:
    page = watch.page
    page.goto(f"{watch.base}/scenarios?country=GHA")
    expect(page.locator("h1")).to_have_text("Scenario explorer")
    page.evaluate("window.__notReloaded = true")
    section = page.locator('section[aria-labelledby="title-nursing_midwifery"]')
    # baseline, scenario (the second colour) and the dashed need, drawn by Vega
    expect(section.locator(LINES)).to_have_count(3, timeout=30_000)
    line = section.locator(f'{LINES}[stroke="#d55e00"]')
    expect(section.locator(f'{LINES}[stroke-dasharray="6,4"]')).to_have_count(1)
    before = line.get_attribute("d")
    cell = page.locator('table[data-cadre="nursing_midwifery"] tr[data-year="2050"] td').nth(1)
    before_value = cell.get_attribute("data-scenario")
    with page.expect_response(lambda r: "/scenarios/fragment" in r.url):
        page.fill("#training", "100")
    expect(cell).not_to_have_attribute("data-scenario", before_value or "")
    assert float(cell.get_attribute("data-scenario") or 0) > float(before_value or 0)
    # the swapped-in result is drawn by Vega again (charts.js on htmx:load), with the new line
    expect(line).to_have_count(1, timeout=30_000)
    expect(line).not_to_have_attribute("d", before or "")
    expect(section.locator("figure")).to_have_attribute("data-vega-spec", re.compile("Training"))
    assert page.evaluate("window.__notReloaded") is True
    assert "training=100" in page.url
    expect(page.locator("#scenario-csv")).to_have_attribute("href", re.compile(r"training=100"))
    watch.check_page("scenarios")
    page.goto(f"{watch.base}/scenarios?country=GHA&retention=0.5&lang=fr")
    expect(page.locator("h1")).to_have_text("Explorateur de scénarios")
    watch.check_page("scenarios-fr")
    watch.check_requests()


def test_library_search_and_entry(
    browser: Browser, density_ctx: AppContext, live_server: str
) -> None:
    library.load_seed(density_ctx)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    w = Watch(page, live_server)
    page.add_init_script(CSP_LISTENER)
    page.on("request", lambda request: w.requests.append(request.url))
    page.on("console", w.on_console)
    page.on("pageerror", lambda error: w.problems.append(f"page error: {error}"))
    page.on("response", w.on_response)
    try:
        page.goto(f"{live_server}/library")
        page.fill("#q", "return of diaspora doctors to Ghana")
        page.click("button[type=submit]")
        first = page.locator("ol.library-results li h2 a").first
        expect(first).to_have_attribute("href", "/library/iom-mida-ghana-health")
        w.check_page("library")
        first.click()
        expect(page.locator("h1")).to_contain_text("MIDA")
        w.check_page("library-entry")
        w.check_requests()
    finally:
        context.close()


def test_the_brief_downloads_as_a_pdf(watch: Watch) -> None:
    page = watch.page
    page.goto(f"{watch.base}/countries/GHA?lang=en", wait_until="networkidle")
    link = page.get_by_role("link", name="Download the brief (PDF)")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "hrh-GHA-brief.pdf"
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    assert 2 <= len(reader.pages) <= 4
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Ghana" in text and "37.9" in text
    watch.check_requests()


def test_the_map_indicator_chooser(watch: Watch) -> None:
    page, base = watch.page, watch.base
    page.goto(f"{base}/?lang=en", wait_until="networkidle")
    # with JavaScript, choosing an indicator shows it at once (a plain GET form underneath)
    with page.expect_navigation():
        page.get_by_label("Indicator", exact=True).select_option("ssl_status")
    expect(page).to_have_url(re.compile(r"/\?indicator=ssl_status&year=$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "WHO Support and Safeguards List 2023"
    )
    ghana = page.locator('path[data-iso3="GHA"] title')
    expect(ghana).to_contain_text("Ghana: Meets both criteria (eligible for the list) (2020)")
    expect(page.locator('tr[data-iso3="GHA"] td').nth(1)).to_have_text(
        "Meets both criteria (eligible for the list)"
    )
    watch.check_page("map-ssl")
    page.get_by_label("Indicator", exact=True).select_option("emigration_rate_doctors")
    expect(page).to_have_url(re.compile(r"indicator=emigration_rate_doctors"))
    expect(page.locator('tr[data-iso3="GHA"] td').nth(1)).to_have_text("19.7%")
    watch.check_page("map-emigration")
    # a bad parameter: a 400 page that says what to do, in the reader's language
    response = page.goto(f"{base}/?indicator=beds&lang=fr")
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande de carte non comprise")
    watch.problems.clear()  # the 400 was asked for
    watch.check_requests()


def test_the_map_chooser_works_without_javascript(browser: Browser, reference_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{reference_server}/?lang=en")
        page.get_by_label("Indicator", exact=True).select_option("doctors_density")
        page.get_by_label("As of year (empty: latest)").fill("2015")
        page.get_by_role("button", name="Show").click()
        expect(page).to_have_url(f"{reference_server}/?indicator=doctors_density&year=2015")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Medical doctors per 10,000 population"
        )
        expect(page.locator('tr[data-iso3="GHA"] td').nth(2)).to_have_text(re.compile(r"201[0-5]"))
    finally:
        context.close()


def test_corridor_flow_diagram_follows_the_filters(watch: Watch) -> None:
    page, base = watch.page, watch.base
    page.goto(f"{base}/corridors?lang=en", wait_until="networkidle")
    expect(page.locator("path.band")).to_have_count(15)
    page.get_by_label("Origin", exact=True).select_option("GHA")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"origin=GHA"))
    expect(page.locator('path.band[data-origin="GHA"]')).to_have_count(7)
    expect(page.get_by_role("img", name=re.compile("^Flow diagram"))).to_be_visible()
    watch.check_page("corridors-GHA")
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (with sources)").click()
    assert info.value.suggested_filename == "hrh-corridors.xlsx"
    watch.check_requests()


def test_the_profile_loads_the_projection_chart_after_the_page(watch: Watch) -> None:
    page = watch.page
    page.goto(f"{watch.base}/countries/GHA")
    result = page.locator("#projection-result")
    # drawn by Vega once htmx has swapped the fragment in: supply solid, need dashed, the band
    nurses = result.locator('div[data-cadre="nursing_midwifery"]')
    expect(nurses.locator(LINES)).to_have_count(2, timeout=30_000)
    expect(nurses.locator(f'{LINES}[stroke-dasharray="6,4"]')).to_have_count(1)
    expect(nurses.locator(f'{LINES}[stroke="#0072b2"]')).to_have_attribute(
        "stroke-dasharray", "1,0"
    )
    expect(nurses.locator(BAND)).to_have_count(1)
    expect(result.locator(LINES)).to_have_count(4)
    # years as integers on the axis, and a tooltip for a point: the line, the year, the value
    labels = nurses.locator("g.role-axis-label text").all_text_contents()
    assert "2030" in labels and "2,030" not in labels
    nurses.locator(f"{DRAWN} g.mark-symbol path").nth(5).hover(force=True)
    tooltip = page.locator("#vg-tooltip-element.visible")
    expect(tooltip).to_contain_text("Supply, baseline")
    expect(tooltip).to_contain_text("2030")
    expect(result.locator("#projection-link")).to_have_count(0)
    watch.check_page("country-projection")
    watch.check_requests()


def test_without_javascript_the_charts_are_the_servers_drawings(
    browser: Browser, reference_server: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        for path, src in (
            ("/countries/GHA?lang=en", "/countries/GHA/chart.svg"),
            ("/scenarios?country=GHA&training=50", "/scenarios/medical_doctors.svg?"),
            ("/countries/GHA/projection", "/countries/GHA/projection/medical_doctors.svg"),
        ):
            page.goto(f"{reference_server}{path}")
            image = page.locator(f'img.chart-image[src^="{src}"]')
            expect(image).to_have_count(1)
            expect(image).to_have_attribute("alt", re.compile(r"\. Line chart"))
            # the image is vl-convert's drawing of the same spec: loaded and decoded
            image.scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 600", arg=image.element_handle()
            )
            expect(page.locator("svg.marks")).to_have_count(0)  # nothing drawn in the page
    finally:
        context.close()
