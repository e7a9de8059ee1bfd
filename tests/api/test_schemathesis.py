"""Property-based tests of the whole API from its OpenAPI schema: no server errors, ever.

(Schemathesis's pytest plugin does not support pytest 9 yet, so the operations are driven
from a plain test with Hypothesis.)
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts
from hrh.services.context import AppContext


def test_no_server_errors_with_and_without_a_token(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "fuzz-admin", "admin")
    token = accounts.create_token(ctx, LOCAL_ADMIN, "fuzz-admin", "schemathesis").secret
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(ctx.settings))
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 20
    for op in operations:
        for headers in ({"Authorization": f"Bearer {token}"}, {}):
            _fuzz(op, headers)


def _fuzz(op: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    @given(case=op.as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run: CI stays reproducible
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    run()
