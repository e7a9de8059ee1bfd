"""The diaspora pages: registration, "for me", the matching console (TestClient, CSRF)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, diaspora, diaspora_matching
from hrh.services import diaspora_assignments as wf
from hrh.services.context import AppContext
from hrh.web.auth import CSRF_MESSAGE

DATA = Path(__file__).parents[1] / "data" / "diaspora"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def client(ctx: AppContext, tmp_path: Path) -> Iterator[TestClient]:
    diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, DATA / "opportunities.csv")
    # the same settings (so the same key) as the services called directly below
    settings = ctx.settings.model_copy(update={"outbox_dir": tmp_path / "outbox"})
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


def _token(html: str) -> str:
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', html)
    assert match is not None, "no CSRF field on the page"
    return match[1]


def _form(**changes: object) -> dict[str, object]:
    return {
        "username": "kofi",
        "password": PASSWORD,
        "name": "Kofi Boateng",
        "email": "kofi@example.org",
        "cadre": "medical_doctors",
        "specialty": "paediatric surgery",
        "experience_years": "14",
        "origin": "GHA",
        "residence": "GBR",
        "languages": "en:C2",
        "licences": "GHA:2030-01-01",
        "modes": ["short", "virtual"],
        "consent_matching": "true",
        "consent_contact": "true",
        **changes,
    }


def _register(client: TestClient, **changes: object) -> None:
    token = _token(client.get("/diaspora/register").text)
    r = client.post("/diaspora/register", data={"csrf_token": token, **_form(**changes)})
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/diaspora/me?done=registered"


def _sign_in(client: TestClient, username: str) -> None:
    client.post("/logout", data={"csrf_token": _token(client.get("/login").text)})
    client.cookies.clear()
    token = _token(client.get("/login").text)
    form = {"csrf_token": token, "username": username, "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 303


def test_register_signs_in_and_shows_proposals(client: TestClient, ctx: AppContext) -> None:
    page = client.get("/diaspora/register")
    assert page.status_code == 200
    for purpose in ("consent_matching", "consent_contact", "consent_statistics"):
        assert f'name="{purpose}"' in page.text
    _register(client)
    me = client.get("/diaspora/me?done=registered")
    assert me.status_code == 200
    assert "You are registered and signed in." in me.text
    assert "No proposals yet." in me.text
    assert 'href="/diaspora/me"' in me.text  # the navigation link, for members only
    assert 'href="/diaspora/console"' not in me.text


def test_bad_registration_is_shown_and_nothing_is_stored(client: TestClient) -> None:
    token = _token(client.get("/diaspora/register").text)
    form = _form(languages="klingon", modes=[])
    r = client.post("/diaspora/register", data={"csrf_token": token, **form})
    assert r.status_code == 422
    assert "The registration was not accepted" in r.text
    assert "languages" in r.text and "modes" in r.text
    assert PASSWORD not in r.text
    assert 'value="kofi@example.org"' in r.text  # kept for the person to correct
    token = _token(r.text)
    r = client.post("/login", data={"csrf_token": token, "username": "kofi", "password": PASSWORD})
    assert r.status_code == 401


def test_forms_need_the_csrf_token(client: TestClient) -> None:
    r = client.post("/diaspora/register", data=_form())
    assert r.status_code == 403 and CSRF_MESSAGE in r.text
    _register(client)
    r = client.post("/diaspora/me/assignments/as-x", data={"answer": "accept"})
    assert r.status_code == 403


def test_pages_are_gated(client: TestClient, ctx: AppContext) -> None:
    r = client.get("/diaspora/console")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fdiaspora%2Fconsole"
    assert client.get("/diaspora/me").status_code == 303
    _register(client)
    r = client.get("/diaspora/console")
    assert r.status_code == 403
    assert "This page is for programme officers and administrators." in r.text


def test_console_propose_then_member_accepts_then_confirm(
    client: TestClient, ctx: AppContext
) -> None:
    _register(client)
    accounts.add_user(
        ctx, LOCAL_ADMIN, "po", "programme_officer", countries=["GHA"], password=PASSWORD
    )
    _sign_in(client, "po")
    page = client.get("/diaspora/console")
    assert page.status_code == 200
    assert 'href="/diaspora/console"' in page.text
    assert "O-GHA-1" in page.text and "O-NGA-1" not in page.text  # their countries only
    pid = re.search(r"<code>(dp-[0-9a-f]+)</code> <strong>best</strong>", page.text)
    assert pid is not None
    form = {"csrf_token": _token(page.text), "profile_id": pid[1], "opportunity_id": "O-GHA-1"}
    r = client.post("/diaspora/console/propose", data=form)
    assert r.status_code == 303 and r.headers["location"] == "/diaspora/console?done=proposed"
    again = client.post("/diaspora/console/propose", data=form)
    assert again.status_code == 409 and "under way" in again.text

    _sign_in(client, "kofi")
    me = client.get("/diaspora/me")
    (aid,) = re.findall(r'action="/diaspora/me/assignments/(as-[0-9a-f]+)"', me.text)
    assert "Return to country of origin" in me.text  # the score's components
    r = client.post(
        f"/diaspora/me/assignments/{aid}", data={"csrf_token": _token(me.text), "answer": "accept"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/diaspora/me?done=accepted"

    _sign_in(client, "po")
    page = client.get("/diaspora/console")
    assert 'value="confirm"' in page.text
    r = client.post(
        f"/diaspora/console/assignments/{aid}",
        data={"csrf_token": _token(page.text), "event": "confirm"},
    )
    assert r.status_code == 303
    assert wf.get_assignment(ctx, LOCAL_ADMIN, aid).status == "confirmed"
    r = client.post(
        f"/diaspora/console/assignments/{aid}",
        data={"csrf_token": _token(page.text), "event": "confirm"},
    )
    assert r.status_code == 409 and "confirmed cannot be confirmed" in r.text


def test_pages_in_french(client: TestClient) -> None:
    page = client.get("/diaspora/register?lang=fr")
    assert "Consentement" in page.text
    assert "Count me in anonymous statistics" not in page.text


def test_member_reports_the_outcome(client: TestClient, ctx: AppContext) -> None:
    _register(client)
    pid = diaspora.my_profile(ctx, accounts.login(ctx, "kofi", PASSWORD)).profile_id
    aid = wf.propose(ctx, LOCAL_ADMIN, pid, "O-GHA-1").assignment_id
    wf.respond(ctx, LOCAL_ADMIN, aid, accept=True)
    for step in ("confirm", "complete"):
        wf.advance(ctx, LOCAL_ADMIN, aid, step)
    me = client.get("/diaspora/me")
    action = f"/diaspora/me/assignments/{aid}/outcome"
    assert f'action="{action}"' in me.text
    form = {"csrf_token": _token(me.text), "hours": "lots", "feedback": "Great team"}
    bad = client.post(action, data=form)
    assert bad.status_code == 422 and "hours: &#39;lots&#39; is not a number" in bad.text
    r = client.post(action, data={**form, "hours": "12.5", "patients_seen": "40"})
    assert r.status_code == 303 and r.headers["location"] == "/diaspora/me?done=reported"
    page = client.get(r.headers["location"]).text
    assert "Outcome: 12.5 hours, 40 patients seen, 0 staff trained." in page
    assert f'action="{action}"' not in page  # once only
    assert wf.get_assignment(ctx, LOCAL_ADMIN, aid).outcome.feedback == "Great team"  # type: ignore[union-attr]


def test_visitors_are_invited_to_register_and_members_are_not(client: TestClient) -> None:
    home = client.get("/")
    assert 'href="/diaspora/register"' in home.text
    page = client.get("/diaspora/register")
    assert page.status_code == 200
    assert "Join the diaspora registry" not in page.text  # no link to the page it is on
    _register(client)
    assert 'href="/diaspora/register"' not in client.get("/").text
