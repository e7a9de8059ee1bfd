"""The API application factory and its one error envelope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from hrh import __version__
from hrh.api.deps import route_action
from hrh.api.routes import accounts, data, economics, imports, observatory
from hrh.api.routes import compliance as compliance_routes
from hrh.api.routes import compliance_registry as compliance_registry_routes
from hrh.api.routes import diaspora as diaspora_routes
from hrh.api.routes import diaspora_assignments as assignment_routes
from hrh.api.routes import library as library_routes
from hrh.api.routes import projections as projections_routes
from hrh.api.schemas import ErrorPublic, ProblemPublic
from hrh.domain.policy import ACTIONS, POLICY
from hrh.errors import HrhError, Invalid
from hrh.services.context import AppContext


def _envelope(
    status: int,
    code: str,
    message: str,
    hint: str = "",
    problems: list[ProblemPublic] | None = None,
) -> JSONResponse:
    body = ErrorPublic(error=message, errors=problems or [], status=status, code=code, hint=hint)
    return JSONResponse(body.model_dump(), status_code=status)


def _reject_control_characters(request: Request) -> None:
    """Refuse NUL and other control characters in the path and the query string."""
    texts = [request.url.path, *(k + v for k, v in request.query_params.multi_items())]
    if any(ord(ch) < 32 for text in texts for ch in text):
        raise Invalid(
            "The request's path or query holds control characters.",
            hint="Remove them (e.g. %00) and try again.",
        )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the projection workers (they take up runs a stopped server left); stop them."""
    projections_routes.start_jobs(app)
    try:
        yield
    finally:
        projections_routes.stop_jobs(app)


def create_api(ctx: AppContext) -> FastAPI:
    """Build the FastAPI app with the /api/v1 routes over ``ctx``."""
    app = FastAPI(
        lifespan=_lifespan,
        title="HRH Observatory API",
        version=__version__,
        description="Health workforce stocks, flows, indicators and the WHO safeguards list, "
        "with provenance on every figure. Public reads; writes need an API token.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served offline by hrh.web (vendored Swagger UI, no inline script)
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.router.dependencies.append(Depends(_reject_control_characters))

    @app.exception_handler(HrhError)
    async def _hrh_error(_: Request, exc: HrhError) -> JSONResponse:
        problems = [ProblemPublic(**p.as_dict()) for p in exc.problems]
        return _envelope(exc.status, exc.code, exc.message, exc.hint, problems)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            ProblemPublic(
                file="request",
                line=None,
                column=".".join(str(p) for p in e["loc"]),
                value=str(e.get("input"))[:100] if e.get("input") is not None else None,
                expected=e["msg"],
            )
            for e in exc.errors()
        ]
        return _envelope(422, "invalid", "The request is not valid.", problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _envelope(exc.status_code, code, str(exc.detail))

    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


PREFIX = "/api/v1"
ROUTERS = (
    observatory.router,
    data.router,
    imports.router,
    accounts.router,
    economics.router,
    compliance_routes.router,
    compliance_registry_routes.router,
    diaspora_routes.router,
    assignment_routes.router,
    library_routes.router,
    projections_routes.router,
)


def route_actions() -> dict[tuple[str, str], str | None]:
    """Return (METHOD, path) → the action each API route declares (None when it declares none)."""
    out: dict[tuple[str, str], str | None] = {}
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute):
                for method in route.methods or ():
                    out[(method, PREFIX + route.path)] = route_action(route.dependencies)
    return out


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI schema, each operation stamped with its action and who may perform it."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    actions = route_actions()
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            action = actions.get((method.upper(), path))
            op["x-hrh-action"] = action
            if action:
                roles = ", ".join(POLICY[action])
                op["description"] = (
                    f"{op.get('description', '')}\n\nAction `{action}` ({ACTIONS[action]}); "
                    f"allowed to: {roles}."
                ).strip()
    app.openapi_schema = schema
    return schema
