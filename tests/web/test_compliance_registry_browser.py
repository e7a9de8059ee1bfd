"""The registry edit forms and the yearly scorecards in a real Chromium, under the real CSP.

An admin ends an agreement through its form (keyboard-reachable, CSRF included by the page);
the agreements and scorecards pages pass axe-core with no serious or critical violation and
do not scroll sideways at 360 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, compliance
from hrh.services.compliance_registry import import_organisations, load_bundled_agreements
from hrh.services.context import AppContext

pytestmark = pytest.mark.browser

DATA = Path(__file__).parents[1] / "data" / "compliance"
PASSWORD = "correct horse battery staple"
AXE = "/static/vendor/axe/axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture
def registry_data(ctx: AppContext) -> None:
    load_bundled_agreements(ctx)
    import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    compliance.import_file(ctx, LOCAL_ADMIN, DATA / "personal_records.csv")
    accounts.add_user(ctx, LOCAL_ADMIN, "root", "admin", password=PASSWORD)


@pytest.fixture
def page(browser: Browser, registry_data: None) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.add_init_script(CSP_LISTENER)
    try:
        yield p
    finally:
        context.close()


def _check(page: Page, base: str, name: str) -> None:
    assert page.evaluate("window.__cspViolations || []") == [], name
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 361, name
    page.set_viewport_size({"width": 1280, "height": 900})
    page.add_script_tag(url=f"{base}{AXE}")
    assert page.evaluate(AXE_RUN) == [], name


def test_an_admin_ends_an_agreement_and_reads_the_yearly_scorecards(
    live_server: str, page: Page
) -> None:
    page.goto(f"{live_server}/login", wait_until="networkidle")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/")

    page.goto(f"{live_server}/compliance/agreements", wait_until="networkidle")
    kenya = page.locator("#edit-agreement-GBR-KEN-2021")
    kenya.locator("summary").click()
    _check(page, live_server, "agreements with a form open")
    kenya.get_by_label("Valid to").fill("2025-06-30")
    kenya.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_role("status")).to_contain_text("The change was saved")
    expect(page.locator("#agreement-GBR-KEN-2021")).to_contain_text("2025")

    page.goto(f"{live_server}/compliance/scorecards", wait_until="networkidle")
    trend = page.locator("#scorecard-agency").get_by_role(
        "img", name="Share of records with findings by year: 2023: 100%; 2024: 0%"
    )
    expect(trend).to_be_visible()
    page.locator("#scorecard-agency details").first.locator("summary").click()
    expect(page.locator("#scorecard-agency .year-status").first).to_contain_text("part of the year")
    _check(page, live_server, "scorecards")
