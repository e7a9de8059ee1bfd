"""Every API route with every role, checked against the declared policy."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hrh.api.app import route_actions
from hrh.asgi import create_app
from hrh.domain.policy import ALL, ANONYMOUS_ROLE, LOCAL_ADMIN, POLICY
from hrh.services import accounts
from hrh.services.context import AppContext

PATH_VALUES = {
    "profile_id": "dp-none",
    "opportunity_id": "op-none",
    "purpose": "matching",
    "iso3": "GHA",
    "code": "GHA",
    "version": "2023",
    "fmt": "tidy",
    "username": "nobody-here",
    "token_id": "999999",
    "organisation": "acme",  # compliance
    "record_id": "R1",
    "by": "agency",
    "run_id": "pr-0",  # projections: no such run (404 for everyone)
    "assignment_id": "as-none",  # diaspora assignments: no such one (404)
    "name": "matrix-nobody",  # compliance organisations: no such one (404)
    "agreement_id": "M-NONE",  # compliance agreements: no such one (404)
}
QUERY = {"/api/v1/series": {"country": "GHA", "cadre": "221"}}
CSV = b"country,cadre,year,measure,value,source\nGHA,221,2020,per_10k,1.7,Test\n"


def _operations(client: TestClient) -> list[tuple[str, str, str | None]]:
    """Every documented API operation (method, path, declared action)."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    return [
        (method.upper(), path, op.get("x-hrh-action"))
        for path, ops in paths.items()
        for method, op in ops.items()
    ]


@pytest.fixture
def app_and_headers(ctx: AppContext) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    headers: dict[str, dict[str, str]] = {ANONYMOUS_ROLE: {}}
    scope = {"recruiter": {"organisation": "acme"}, "programme_officer": {"countries": ["GHA"]}}
    for role in ALL[1:]:
        name = f"matrix-{role}"
        accounts.add_user(ctx, LOCAL_ADMIN, name, role, **scope.get(role, {}))  # type: ignore[arg-type]
        token = accounts.create_token(ctx, LOCAL_ADMIN, name, "matrix")
        headers[role] = {"Authorization": f"Bearer {token.secret}"}
    with TestClient(create_app(ctx.settings)) as client:
        yield client, headers


def test_every_route_declares_an_action(ctx: AppContext) -> None:
    with TestClient(create_app(ctx.settings)) as client:
        ops = _operations(client)
    missing = [f"{m} {p}" for m, p, a in ops if a is None]
    assert missing == [], "add dependencies=[allow('action')] to these routes"
    assert all(a in POLICY for _, _, a in ops)
    assert len(ops) == len(route_actions()) >= 20


def _call(client: TestClient, template: str, method: str, headers: dict[str, str]) -> int:
    path = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], template)
    kwargs: dict[str, object] = {"headers": headers, "params": QUERY.get(template, {})}
    if template.endswith("/imports/{fmt}"):
        kwargs["files"] = {"file": ("m.csv", CSV, "text/csv")}
        kwargs["params"] = {"dry_run": "true"}
    elif method == "POST" and template.endswith("/diaspora/fhir"):
        kwargs["files"] = {"file": ("m.ndjson", b'{"resourceType": "Patient"}\n', "text/plain")}
        kwargs["params"] = {"dry_run": "true"}
    elif method == "POST" and template.endswith("/users"):
        kwargs["json"] = {"username": "x", "role": "not-a-role"}
    elif method == "POST" and template.endswith("/tokens"):
        kwargs["json"] = {"name": "m", "username": "nobody-here"}
    elif method == "POST" and template.endswith("/diaspora/assignments"):
        kwargs["json"] = {"profile_id": "dp-none", "opportunity_id": "op-none"}
    elif method == "POST" and template.endswith("/assignments/from-match"):
        kwargs["json"] = {"opportunity_id": "op-none"}
    elif method == "POST" and template.endswith("/{assignment_id}/respond"):
        kwargs["json"] = {"accept": True}
    elif method == "POST" and template.endswith("/{assignment_id}/outcome"):
        kwargs["json"] = {"hours": 1, "patients_seen": 0, "staff_trained": 0}
    elif method == "POST" and template.endswith("/compliance/organisations"):
        kwargs["json"] = {"name": "matrix-org", "country": "GBR", "type": "agency"}
    elif method == "POST" and template.endswith("/compliance/agreements"):
        kwargs["json"] = {"agreement_id": "M-1", "origin": "KEN", "destination": "GBR",
                          "valid_from": "2024-01-01", "kind": "mou", "source": "m"}  # fmt: skip
    elif method == "POST" and template.endswith("/organisations/import"):
        body = "name,country,type,ethical_recruiter_from,ethical_recruiter_to,source\n"
        body += "m,GBR,agency,,,\n"
        kwargs["files"] = {"file": ("o.csv", body, "text/csv")}
        kwargs["params"] = {"dry_run": "true"}
    elif method == "POST" and template.endswith("/agreements/import"):
        body = "agreement_id,origin,destination,cadres,valid_from,valid_to,kind,source\n"
        body += "M-2,KEN,GBR,,2024-01-01,,mou,matrix\n"
        kwargs["files"] = {"file": ("a.csv", body, "text/csv")}
        kwargs["params"] = {"dry_run": "true"}
    elif method == "PATCH" and template.endswith("/organisations/{name}"):
        kwargs["json"] = {"source": "m"}
    elif method == "PATCH" and template.endswith("/agreements/{agreement_id}"):
        kwargs["json"] = {"terms": "m"}
    elif method == "POST" and template.endswith("/diaspora/returns"):
        kwargs["json"] = {"profile_id": "dp-none", "country": "GHA", "returned_on": "2026-01-01"}
    return client.request(method, path, **kwargs).status_code  # type: ignore[arg-type]


def test_role_matrix(
    ctx: AppContext, app_and_headers: tuple[TestClient, dict[str, dict[str, str]]]
) -> None:
    client, headers = app_and_headers
    wrong = []
    checked = 0
    for method, template, action in _operations(client):
        assert action is not None
        for role in ALL:
            status = _call(client, template, method, headers[role])
            allowed = role in POLICY[action]
            denied_status = 401 if role == ANONYMOUS_ROLE else 403
            ok = status not in (401, 403) if allowed else status == denied_status
            checked += 1
            if not ok or status >= 500:
                wrong.append(f"{method} {template} as {role}: {status} ({action})")
    assert wrong == []
    assert checked >= 6 * 20
