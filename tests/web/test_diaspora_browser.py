"""Register → propose → accept → confirm in a real Chromium, under the real CSP."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from hrh.config import Settings
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, diaspora_matching
from hrh.services import diaspora_assignments as wf
from hrh.services.context import AppContext

pytestmark = pytest.mark.browser

DATA = Path(__file__).parents[1] / "data" / "diaspora"
PASSWORD = "correct horse battery staple"


def _page(browser: Browser, problems: list[str]) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: problems.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None,
    )
    return page


def _sign_in(page: Page, base: str, username: str, target: str) -> None:
    page.goto(f"{base}/login?next={target}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}{target}")


def test_register_propose_accept_confirm(
    live_server: str, browser: Browser, density_ctx: AppContext, tmp_path: Path
) -> None:
    # the live server's settings (and so its key), for the services called directly here
    settings = Settings(var_dir=tmp_path, database_url=density_ctx.settings.database_url)
    ctx = dataclasses.replace(density_ctx, settings=settings)
    diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, DATA / "opportunities.csv")
    accounts.add_user(
        ctx, LOCAL_ADMIN, "po", "programme_officer", countries=["GHA"], password=PASSWORD
    )
    problems: list[str] = []

    # a professional registers through the form and lands, signed in, on their page
    member = _page(browser, problems)
    member.goto(f"{live_server}/diaspora/register")
    member.get_by_label("Username", exact=True).fill("kofi")
    member.get_by_label("Password", exact=True).fill(PASSWORD)
    member.get_by_label("E-mail", exact=True).fill("kofi@example.org")
    member.get_by_label("Cadre", exact=True).select_option("medical_doctors")
    member.get_by_label("Specialty", exact=True).fill("paediatric surgery")
    member.get_by_label("Years of experience", exact=True).fill("14")
    member.get_by_label("Country of origin", exact=True).select_option("GHA")
    member.get_by_label("Country of residence", exact=True).select_option("GBR")
    member.get_by_label("Languages", exact=True).fill("en:C2")
    member.get_by_label("Licences", exact=True).fill("GHA:2030-01-01")
    member.get_by_label("Short assignment (3 weeks to 3 months)").check()
    member.get_by_label("Match me with opportunities").check()
    member.get_by_label("Programme officers may contact me by e-mail").check()
    member.get_by_role("button", name="Register").click()
    expect(member).to_have_url(f"{live_server}/diaspora/me?done=registered")
    expect(member.get_by_role("status")).to_contain_text("You are registered and signed in.")
    expect(member.get_by_role("link", name="For me")).to_be_visible()

    # the officer sees the candidate, ranked with components, and proposes them
    officer = _page(browser, problems)
    _sign_in(officer, live_server, "po", "/diaspora/console")
    section = officer.locator("#opportunity-O-GHA-1")
    expect(section.get_by_role("row").nth(1)).to_contain_text("best")
    section.get_by_role("button", name="Propose").first.click()
    expect(officer).to_have_url(f"{live_server}/diaspora/console?done=proposed")
    expect(officer.get_by_role("status")).to_contain_text("Proposed")

    # the professional accepts on their page
    member.goto(f"{live_server}/diaspora/me")
    expect(member.get_by_text("Return to country of origin")).to_be_visible()
    member.get_by_role("button", name="Accept").click()
    expect(member.get_by_role("status")).to_contain_text("Accepted")

    # the officer confirms
    officer.goto(f"{live_server}/diaspora/console")
    officer.get_by_role("button", name="Confirm").click()
    expect(officer.get_by_role("status")).to_contain_text("Confirmed")
    officer.screenshot(path="/tmp/hrh-diaspora-console.png")

    (a,) = wf.list_assignments(ctx, LOCAL_ADMIN)
    assert a.status == "confirmed" and a.opportunity_id == "O-GHA-1"
    assert a.contact == {"email": "kofi@example.org"}  # they consented to contact
    assert [(n.event, n.status) for n in a.notifications] == [
        ("proposed", "sent"),
        ("accepted", "no_address"),
        ("confirmed", "sent"),
    ]
    assert problems == []
