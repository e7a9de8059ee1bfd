"""The assignment workflow over the API: propose → accept → confirm → complete → outcome."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, diaspora, diaspora_matching
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "diaspora"
API = "/api/v1"


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    diaspora.import_profiles(ctx, LOCAL_ADMIN, DATA / "profiles.csv")
    diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, DATA / "opportunities.csv")
    with TestClient(create_app(ctx.settings)) as c:
        yield c


def _bearer(ctx: AppContext, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_token(ctx, LOCAL_ADMIN, name, 't').secret}"}


def _member(client: TestClient, ctx: AppContext, username: str) -> tuple[dict[str, str], str]:
    body = {
        "username": username,
        "password": "a-long-password-1",
        "cadre": "medical_doctors",
        "specialty": "paediatric surgery",
        "origin": "GHA",
        "residence": "GBR",
        "languages": "en:C2",
        "licences": "GHA:2030-01-01",
        "experience_years": 15,
        "modes": ["short"],
        "consent_matching": True,
        "email": f"{username}@example.org",
    }
    r = client.post(f"{API}/diaspora/register", json=body)
    assert r.status_code == 201, r.text
    return _bearer(ctx, username), r.json()["profile_id"]


def _officer(ctx: AppContext, name: str, country: str) -> dict[str, str]:
    accounts.add_user(ctx, LOCAL_ADMIN, name, "programme_officer", countries=[country])
    return _bearer(ctx, name)


def test_the_whole_workflow(client: TestClient, ctx: AppContext) -> None:
    kofi, pid = _member(client, ctx, "kofi")
    po = _officer(ctx, "po", "GHA")
    r = client.post(
        f"{API}/diaspora/assignments",
        json={"profile_id": pid, "opportunity_id": "O-GHA-1"},
        headers=po,
    )
    assert r.status_code == 201, r.text
    a = r.json()
    aid = a["assignment_id"]
    assert (a["status"], a["next_events"]) == ("proposed", ["accept", "decline", "cancel"])
    assert a["notifications"][0]["status"] == "no_consent"  # no consent to contact
    assert {c["name"] for c in a["components"]} >= {"specialty", "origin"}

    mine = client.get(f"{API}/diaspora/assignments", headers=kofi).json()
    assert [m["assignment_id"] for m in mine["data"]] == [aid] and mine["count"] == 1

    r = client.post(f"{API}/diaspora/assignments/{aid}/confirm", headers=po)
    assert r.status_code == 409
    assert r.json()["error"] == (
        "An assignment that is proposed cannot be confirmed "
        "(from proposed it may be: accept, decline, cancel)."
    )
    r = client.post(
        f"{API}/diaspora/assignments/{aid}/respond", json={"accept": True}, headers=kofi
    )
    assert r.json()["status"] == "accepted"
    for step, status in (("confirm", "confirmed"), ("start", "started"), ("complete", "completed")):
        r = client.post(f"{API}/diaspora/assignments/{aid}/{step}", headers=po)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == status
    r = client.post(
        f"{API}/diaspora/assignments/{aid}/outcome",
        json={"hours": 80, "patients_seen": 150, "staff_trained": 6, "feedback": "Good team"},
        headers=kofi,
    )
    assert r.status_code == 201, r.text
    assert r.json()["outcome"]["feedback"] == "Good team"
    seen = client.get(f"{API}/diaspora/assignments/{aid}", headers=po).json()
    assert seen["outcome"]["hours"] == 80

    figures = client.get(f"{API}/diaspora/statistics/assignments").json()
    assert figures == {
        "min_cell": 5,
        "cells": [
            {
                "country": "GHA",
                "cadre": "medical_doctors",
                "mode": "short",
                "assignments": None,
                "virtual_hours": None,
                "suppressed": True,
            }
        ],
    }


def test_others_cannot_reach_an_assignment(client: TestClient, ctx: AppContext) -> None:
    kofi, pid = _member(client, ctx, "kofi")
    ama, _ = _member(client, ctx, "ama")
    po = _officer(ctx, "po", "GHA")
    nga = _officer(ctx, "po-nga", "NGA")
    aid = client.post(
        f"{API}/diaspora/assignments",
        json={"profile_id": pid, "opportunity_id": "O-GHA-1"},
        headers=po,
    ).json()["assignment_id"]
    assert client.get(f"{API}/diaspora/assignments/{aid}", headers=ama).status_code == 404
    assert client.get(f"{API}/diaspora/assignments/{aid}", headers=nga).status_code == 404
    r = client.post(f"{API}/diaspora/assignments/{aid}/respond", json={"accept": True}, headers=ama)
    assert r.status_code == 404
    r = client.post(f"{API}/diaspora/assignments/{aid}/respond", json={"accept": True}, headers=po)
    assert r.status_code == 403
    assert client.post(f"{API}/diaspora/assignments/{aid}/cancel", headers=kofi).status_code == 403
    r = client.post(
        f"{API}/diaspora/assignments",
        json={"profile_id": pid, "opportunity_id": "O-GHA-2"},
        headers=po,
    )
    assert r.status_code == 422 and "cadre" in r.json()["error"]


def test_propose_from_match_and_returns(client: TestClient, ctx: AppContext) -> None:
    po = _officer(ctx, "po", "GHA")
    r = client.post(f"{API}/diaspora/assignments/from-match", json={}, headers=po)
    assert r.status_code == 201
    assert sorted(a["opportunity_id"] for a in r.json()["data"]) == ["O-GHA-1", "O-GHA-2"]
    body = {
        "profile_id": "P001",
        "country": "GHA",
        "returned_on": "2026-09-01",
        "incentives": [{"kind": "relocation grant", "amount": 5000, "currency": "USD"}],
        "bonding_months": 24,
        "bonding_until": "2028-09-01",
    }
    r = client.post(f"{API}/diaspora/returns", json=body, headers=po)
    assert r.status_code == 201, r.text
    assert r.json()["incentives"] == [
        {"kind": "relocation grant", "amount": 5000.0, "currency": "USD"}
    ]
    r = client.post(f"{API}/diaspora/returns", json={**body, "country": "NGA"}, headers=po)
    assert r.status_code == 403
    r = client.post(
        f"{API}/diaspora/returns", json={**body, "bonding_until": "2020-01-01"}, headers=po
    )
    assert r.status_code == 422 and "bonding_until" in r.json()["error"]
    listed = client.get(f"{API}/diaspora/returns", headers=po).json()
    assert listed["count"] == 1 and listed["data"][0]["bonding_months"] == 24
