"""Projections over the API: stored runs, jobs, size limit, policy, bundled scenarios."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hrh import __version__
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
    assert r.status_code == 422 and "hrh project run" in r.json()["hint"]
    r = c.post(URL, json={"scenario": "/etc/passwd"}, headers=headers)
    assert r.status_code == 404
    assert c.post(URL, json={"replicates": 0}, headers=headers).status_code == 422
    assert c.post(URL, json={"countries": ["GHA"]}).status_code == 401


def _wait(c: TestClient, href: str, headers: dict[str, str]) -> dict[str, object]:
    """Poll a queued run until it is done or failed (the deadline only guards a hang)."""
    deadline = time.monotonic() + 120
    while True:
        doc: dict[str, object] = c.get(href, headers=headers).json()
        if doc["status"] in ("done", "failed") or time.monotonic() > deadline:
            return doc
        time.sleep(0.1)


def test_a_run_is_stored_and_read_back_by_its_owner_only(
    client: tuple[TestClient, dict[str, str]], reference_ctx: AppContext
) -> None:
    c, owner = client
    body = {"countries": ["GHA"], "until": 2027, "mode": "stochastic", "replicates": 5, "seed": 7}
    posted = c.post(URL, json=body, headers=owner)
    assert posted.status_code == 200, posted.text
    doc = posted.json()
    assert doc["status"] == "done" and doc["id"].startswith("pr-")
    assert doc["href"] == f"{URL}/{doc['id']}"
    got = c.get(doc["href"], headers=owner)
    assert got.status_code == 200, got.text
    run = got.json()
    assert run["status"] == "done" and run["error"] == ""
    assert (run["scenario"], run["mode"], run["seed"], run["replicates"]) == (
        "baseline",
        "stochastic",
        7,
        5,
    )
    assert run["scenario_hash"] == doc["hash"] and len(run["parameters_hash"]) == 64
    assert run["code_version"].startswith(__version__)
    assert run["result"]["rows"] == doc["rows"]
    assert run["row_count"] == len(doc["rows"]) == 2 * 3
    assert run["countries"] == ["GHA"] and run["public"] is False
    assert run["request"]["seed"] == 7 and run["request"]["mode"] == "stochastic"
    assert run["sources"] and all("@" in s for s in run["sources"])
    assert set(run["sources"]) == set(doc["sources"])
    # another analyst and the public do not see it (404, not 403); an admin does
    assert c.get(doc["href"], headers=_token(reference_ctx, "analyst")).status_code == 404
    assert c.get(doc["href"]).status_code == 404
    assert c.get(doc["href"], headers=_token(reference_ctx, "admin")).status_code == 200
    listed = c.get(URL, headers=owner).json()
    assert doc["id"] in {r["id"] for r in listed["data"]}
    assert all("result" not in r for r in listed["data"])
    assert doc["id"] not in {r["id"] for r in c.get(URL).json()["data"]}


def test_a_public_run_is_readable_by_everyone(client: tuple[TestClient, dict[str, str]]) -> None:
    c, owner = client
    body = {"countries": ["GHA"], "until": 2026, "public": True}
    doc = c.post(URL, json=body, headers=owner).json()
    anonymous = c.get(doc["href"])
    assert anonymous.status_code == 200
    assert anonymous.json()["result"]["rows"] == doc["rows"]
    assert doc["id"] in {r["id"] for r in c.get(URL).json()["data"]}


def test_a_large_run_is_a_job_to_poll(
    client: tuple[TestClient, dict[str, str]], reference_ctx: AppContext
) -> None:
    c, headers = client
    # GHA's axis holds 8 countries (with its partners): 8 × 6 years × 250 replicates > 10,000
    body = {"countries": ["GHA"], "until": 2030, "mode": "stochastic", "replicates": 250}
    posted = c.post(URL, json=body, headers=headers)
    assert posted.status_code == 202, posted.text
    head = posted.json()
    assert set(head) == {"id", "status", "href"} and head["status"] == "queued"
    run = _wait(c, head["href"], headers)
    assert run["status"] == "done", run
    assert isinstance(run["seed"], int) and run["size"] > 10_000
    result = run["result"]
    assert isinstance(result, dict)
    direct = svc.run_projection(
        reference_ctx,
        "baseline",
        countries=["GHA"],
        until=2030,
        mode="stochastic",
        replicates=250,
        seed=run["seed"],
    )
    assert result["rows"] == direct.document()["rows"]


def test_unknown_and_malformed_run_ids(client: tuple[TestClient, dict[str, str]]) -> None:
    c, headers = client
    r = c.get(f"{URL}/pr-0123456789abcdef01234567", headers=headers)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert "hrh project runs" in r.json()["hint"]
    assert c.get(f"{URL}/not-a-run", headers=headers).status_code == 422
