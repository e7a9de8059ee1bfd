"""The diaspora API: registration, own profile and consents, scoping, matches, statistics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, diaspora_matching
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "diaspora"
API = "/api/v1"


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings)) as c:
        yield c


def _register(client: TestClient, ctx: AppContext, username: str, **kw: object) -> dict[str, str]:
    body = {
        "username": username,
        "password": "a-long-password-1",
        "cadre": "medical_doctors",
        "specialty": "paediatric surgery",
        "origin": "GHA",
        "residence": "GBR",
        "languages": "en:C2",
        "licences": "GHA:2030-01-01",
        "experience_years": 9,
        "modes": ["short"],
        "consent_matching": True,
        "name": f"Dr {username}",
        "email": f"{username}@example.org",
        **kw,
    }
    r = client.post(f"{API}/diaspora/register", json=body)
    assert r.status_code == 201, r.text
    token = accounts.create_token(ctx, LOCAL_ADMIN, username, "t").secret
    return {"Authorization": f"Bearer {token}"}


def _officer(ctx: AppContext, name: str, country: str) -> dict[str, str]:
    accounts.add_user(ctx, LOCAL_ADMIN, name, "programme_officer", countries=[country])
    return {"Authorization": f"Bearer {accounts.create_token(ctx, LOCAL_ADMIN, name, 't').secret}"}


def test_register_then_read_update_and_consent(client: TestClient, ctx: AppContext) -> None:
    ama = _register(client, ctx, "ama")
    me = client.get(f"{API}/diaspora/me", headers=ama).json()
    assert me["personal"] == {"name": "Dr ama", "email": "ama@example.org"}
    assert me["languages"] == ["en:C2"]
    assert [(c["purpose"], c["granted"]) for c in me["consents"]] == [
        ("matching", True),
        ("contact", False),
        ("statistics", False),
    ]
    r = client.patch(
        f"{API}/diaspora/me", json={"notes": "tele-teaching", "modes": ["virtual"]}, headers=ama
    )
    assert r.status_code == 200, r.text
    assert r.json()["modes"] == ["virtual"] and r.json()["personal"]["notes"] == "tele-teaching"
    r = client.put(f"{API}/diaspora/me/consents/statistics", json={"granted": True}, headers=ama)
    assert r.status_code == 200
    assert {c["purpose"]: c["granted"] for c in r.json()["data"]}["statistics"] is True
    assert (
        client.put(f"{API}/diaspora/me/consents/x", json={"granted": True}, headers=ama).status_code
        == 422
    )


def test_bad_registration_is_422_without_echoing_personal_data(client: TestClient) -> None:
    body = {
        "username": "zed",
        "password": "a-long-password-1",
        "cadre": "astronaut",
        "origin": "GHA",
        "residence": "GBR",
        "modes": ["short"],
        "name": "Zed Secretname",
    }
    r = client.post(f"{API}/diaspora/register", json=body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["column"] == "cadre"
    assert "Secretname" not in r.text


def test_member_a_cannot_read_member_b(client: TestClient, ctx: AppContext) -> None:
    a = _register(client, ctx, "ama")
    b = _register(client, ctx, "kofi")
    b_id = client.get(f"{API}/diaspora/me", headers=b).json()["profile_id"]
    a_id = client.get(f"{API}/diaspora/me", headers=a).json()["profile_id"]
    assert client.get(f"{API}/diaspora/profiles/{a_id}", headers=a).status_code == 200
    r = client.get(f"{API}/diaspora/profiles/{b_id}", headers=a)
    assert r.status_code == 404
    assert "kofi" not in r.text
    assert (
        client.get(f"{API}/diaspora/profiles/nobody", headers=a).json()["error"]
        == r.json()["error"]
    )
    assert client.get(f"{API}/privacy/profiles/{b_id}/export", headers=a).status_code == 403
    po = _officer(ctx, "po", "GHA")
    assert client.get(f"{API}/diaspora/profiles/{b_id}", headers=po).status_code == 403


def test_officer_matches_with_explanations_in_own_countries(
    client: TestClient, ctx: AppContext
) -> None:
    diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, DATA / "opportunities.csv")
    _register(client, ctx, "ama")
    gha, nga = _officer(ctx, "po-gha", "GHA"), _officer(ctx, "po-nga", "NGA")
    listed = client.get(f"{API}/diaspora/opportunities", headers=gha).json()
    assert [o["opportunity_id"] for o in listed["data"]] == ["O-GHA-1", "O-GHA-2"]
    r = client.get(f"{API}/diaspora/opportunities/O-GHA-1/matches", headers=gha)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert len(doc["assignments"]) == 1 and doc["candidates"][0]["profile_id"].startswith("dp-")
    assert {c["name"] for c in doc["assignments"][0]["components"]} >= {"specialty", "origin"}
    assert "Dr ama" not in r.text and "ama@example.org" not in r.text
    assert (
        client.get(f"{API}/diaspora/opportunities/O-GHA-1/matches", headers=nga).status_code == 404
    )
    body = {
        "opportunity_id": "O-NGA-7",
        "country": "NGA",
        "facility": "Abuja National Hospital",
        "cadre": "medical_doctors",
        "mode": "virtual",
        "start": "2026-01-01",
        "end": "2026-06-30",
    }
    assert client.post(f"{API}/diaspora/opportunities", json=body, headers=gha).status_code == 403
    assert client.post(f"{API}/diaspora/opportunities", json=body, headers=nga).status_code == 201
    assert client.get(f"{API}/diaspora/matches", headers=nga).json()["assignments"] == []


def test_public_statistics_and_erasure(client: TestClient, ctx: AppContext) -> None:
    members = [_register(client, ctx, f"m{i}", consent_statistics=True) for i in range(5)]
    stats = client.get(f"{API}/diaspora/statistics").json()
    assert stats == {
        "min_cell": 5,
        "cells": [
            {
                "origin": "GHA",
                "cadre": "medical_doctors",
                "residence": "GBR",
                "count": 5,
                "suppressed": False,
            }
        ],
    }
    export = client.get(f"{API}/diaspora/me/export", headers=members[0]).json()
    assert export["account"]["username"] == "m0"
    assert [e["action"] for e in export["audit_events"]] == ["diaspora.register"]
    r = client.delete(f"{API}/diaspora/me", headers=members[0])
    assert r.json()["kept_in_statistics"] is True
    assert client.get(f"{API}/diaspora/statistics").json() == stats
    assert client.get(f"{API}/diaspora/me", headers=members[0]).status_code == 401
