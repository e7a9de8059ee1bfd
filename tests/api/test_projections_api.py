"""Projections over the API: synchronous runs, size limit, policy, bundled scenarios."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts
from hrh.services import projections as svc
from hrh.services.context import AppContext

URL = "/api/v1/projections"


def _token(ctx: AppContext, role: str) -> dict[str, str]:
    name = f"proj-{role}-{uuid.uuid4().hex[:8]}"
    kw = {"countries": ["GHA"]} if role == "programme_officer" else {}
    accounts.add_user(ctx, LOCAL_ADMIN, name, role, **kw)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {accounts.create_token(ctx, LOCAL_ADMIN, name, 't').secret}"}


@pytest.fixture
def client(reference_ctx: AppContext) -> Iterator[tuple[TestClient, dict[str, str]]]:
    headers = _token(reference_ctx, "analyst")
    with TestClient(create_app(reference_ctx.settings)) as c:
        yield c, headers


def test_scenarios_are_public(client: tuple[TestClient, dict[str, str]]) -> None:
    c, _ = client
    r = c.get(f"{URL}/scenarios")
    assert r.status_code == 200, r.text
    names = {s["name"] for s in r.json()["data"]}
    assert {"baseline", "ssl-recruitment-ban"} <= names


def test_deterministic_run_matches_the_service(
    client: tuple[TestClient, dict[str, str]], reference_ctx: AppContext
) -> None:
    c, headers = client
    body = {"scenario": "baseline", "countries": ["GHA"], "from": 2025, "until": 2030}
    r = c.post(URL, json=body, headers=headers)
    assert r.status_code == 200, r.text
    doc = r.json()
    direct = svc.run_projection(reference_ctx, "baseline", countries=["GHA"], until=2030)
    assert doc["rows"] == direct.document()["rows"]
    assert doc["mode"] == "deterministic" and doc["seed"] is None


def test_stochastic_run_records_seed_and_is_reproducible(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, headers = client
    body = {
        "countries": ["GHA"],
        "until": 2030,
        "mode": "stochastic",
        "replicates": 20,
        "seed": 42,
    }
    a = c.post(URL, json=body, headers=headers).json()
    b = c.post(URL, json=body, headers=headers).json()
    assert (a["seed"], a["replicates"]) == (42, 20)
    assert a["rows"] == b["rows"]
    assert all(r["p05"] <= r["p50"] <= r["p95"] for r in a["rows"])


def test_inline_scenario_on_a_bundled_base(client: tuple[TestClient, dict[str, str]]) -> None:
    c, headers = client
    inline = {
        "name": "ghana-keep",
        "description": "Ghana halves emigration.",
        "base": "baseline",
        "levers": [{"lever": "retention", "from": 2026, "where": {"iso3": ["GHA"]}, "factor": 0.5}],
    }
    common = {"countries": ["GHA"], "until": 2030}
    base = c.post(URL, json={"scenario": "baseline", **common}, headers=headers).json()
    kept = c.post(URL, json={"scenario": inline, **common}, headers=headers)
    assert kept.status_code == 200, kept.text
    assert kept.json()["scenario"] == "ghana-keep"
    assert kept.json()["rows"][-1]["supply"] > base["rows"][-1]["supply"]
    bad = c.post(URL, json={"scenario": {**inline, "base": "../x.yaml"}, **common}, headers=headers)
    assert bad.status_code == 404
    lever = {**inline, "levers": [{**inline["levers"][0], "factor": 99}]}  # type: ignore[dict-item]
    bad = c.post(URL, json={"scenario": lever, **common}, headers=headers)
    assert bad.status_code == 422 and "levers[0]" in bad.json()["error"]


def test_refusals(client: tuple[TestClient, dict[str, str]]) -> None:
    c, headers = client
    # too large to answer directly: told to use the CLI
    r = c.post(URL, json={"mode": "stochastic", "replicates": 500}, headers=headers)
    assert r.status_code == 422 and "hrh project run" in r.json()["hint"]
    r = c.post(URL, json={"mode": "agent", "countries": ["GHA"]}, headers=headers)
    assert r.status_code == 422 and "not built yet" in r.json()["error"]
    r = c.post(URL, json={"scenario": "/etc/passwd"}, headers=headers)
    assert r.status_code == 404
    assert c.post(URL, json={"replicates": 0}, headers=headers).status_code == 422
    assert c.post(URL, json={"countries": ["GHA"]}).status_code == 401
