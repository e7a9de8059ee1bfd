"""Signing in and out, and the API reference, in a real Chromium under the real CSP."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts
from hrh.services.context import AppContext

pytestmark = pytest.mark.browser

#: Collects Content-Security-Policy violations seen by the page itself (Playwright injects
#: this through the DevTools protocol, so the page's own CSP does not block it).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@dataclass
class Watch:
    """What a page did: every request, and anything that went wrong."""

    page: Page
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def check(self) -> None:
        """Assert no request left 127.0.0.1 and nothing went wrong (no CSP violation)."""
        violations = self.page.evaluate("window.__cspViolations || []")
        assert violations == []
        assert self.requests, "the page made no requests"
        outside = [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]
        assert outside == []
        assert self.problems == []


@pytest.fixture
def web_app(density_ctx: AppContext, tmp_path: Path) -> FastAPI:
    """The whole application with the test database's key; mail goes to an outbox."""
    return create_app(density_ctx.settings.model_copy(update={"outbox_dir": tmp_path / "outbox"}))


@pytest.fixture
def watch(browser: Browser) -> Iterator[Watch]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    w = Watch(page)
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


def test_sign_in_and_out_through_the_form(
    live_server: str, watch: Watch, analyst: dict[str, str]
) -> None:
    page = watch.page
    page.goto(f"{live_server}/", wait_until="networkidle")
    page.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_label("Username").fill(analyst["username"])
    page.get_by_label("Password").fill(analyst["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("header.site")).to_contain_text("Signed in as ana (analyst)")
    page.screenshot(path="/tmp/hrh-signed-in.png")

    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["hrh_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""  # scripts cannot read the session

    page.get_by_role("button", name="Sign out").focus()
    outline = page.get_by_role("button", name="Sign out").evaluate(
        "el => getComputedStyle(el).outlineStyle"
    )
    assert outline == "solid"  # a visible keyboard focus
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("header.site")).not_to_contain_text("Signed in as")
    assert "hrh_session" not in {c["name"] for c in page.context.cookies()}
    watch.check()


def test_a_wrong_password_is_reported_in_the_form(
    live_server: str, watch: Watch, analyst: dict[str, str]
) -> None:
    page = watch.page
    page.goto(f"{live_server}/login", wait_until="networkidle")
    page.get_by_label("Username").fill(analyst["username"])
    page.get_by_label("Password").fill("not the password at all")
    with page.expect_response(re.compile(r"/login$")) as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 401
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    expect(page.get_by_label("Username")).to_have_value(analyst["username"])
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    watch.problems = [p for p in watch.problems if not p.startswith("HTTP 401")]
    watch.problems = [p for p in watch.problems if "401 (Unauthorized)" not in p]
    watch.check()


def test_api_docs_render_offline_from_the_vendored_files(live_server: str, watch: Watch) -> None:
    page = watch.page
    page.goto(f"{live_server}/api/v1/docs", wait_until="networkidle")
    expect(page).to_have_title("API reference — HRH Observatory")
    operations = page.locator(".swagger-ui .opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 15
    countries = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/countries"]'))
    expect(countries).to_have_count(1)

    # try an operation from the page: the request goes to this server (connect-src 'self')
    countries.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    with page.expect_response(re.compile(r"/api/v1/countries(\?|$)")) as answer:
        page.get_by_role("button", name="Execute").click()
    assert answer.value.status == 200
    status = page.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200")
    page.screenshot(path="/tmp/hrh-api-docs.png")

    paths = {urlsplit(url).path for url in watch.requests}
    assert {
        "/api/v1/docs",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/js/api-docs.js",
        "/api/v1/openapi.json",
    } <= paths
    watch.check()


def test_forgot_password_reset_and_sign_out_everywhere(
    live_server: str, watch: Watch, analyst: dict[str, str], ctx: AppContext, tmp_path: Path
) -> None:
    accounts.set_email(ctx, LOCAL_ADMIN, analyst["username"], "ana@example.org")
    page = watch.page
    page.goto(f"{live_server}/login", wait_until="networkidle")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(f"{live_server}/forgot-password")
    page.get_by_label("Username or e-mail address").fill("ANA@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("we have sent it a link")

    [eml] = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "ana@example.org"
    body = message.get_body()
    assert body is not None
    match = re.search(r"/reset-password\?token=(\S+)", str(body.get_content()))  # type: ignore[attr-defined]
    assert match is not None
    page.goto(f"{live_server}/reset-password?token={match[1]}", wait_until="networkidle")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("New password, again").fill("a brand new passphrase")
    page.get_by_role("button", name="Set the new password").click()
    expect(page).to_have_url(f"{live_server}/login?done=reset")
    expect(page.get_by_role("status")).to_contain_text("Sign in with the new one.")

    page.get_by_label("Username").fill(analyst["username"])
    page.get_by_label("Password").fill("a brand new passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("header.site")).to_contain_text("Signed in as ana (analyst)")
    page.get_by_role("link", name="Your account").click()
    expect(page).to_have_url(f"{live_server}/account")
    expect(page.locator("dl.account-details")).to_contain_text("ana@example.org")
    page.screenshot(path="/tmp/hrh-account.png")
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page).to_have_url(f"{live_server}/login?done=signed-out")
    expect(page.locator("header.site")).not_to_contain_text("Signed in as")

    # the link was used up
    page.goto(f"{live_server}/reset-password?token={match[1]}", wait_until="networkidle")
    expect(page.get_by_role("alert")).to_contain_text("already used or expired")
    watch.problems = [p for p in watch.problems if "400" not in p]
    watch.check()
