"""Request dependencies: the application context, the calling principal and the policy check.

Every route declares the action it performs with ``dependencies=[allow("action")]``; the
policy (``hrh.domain.policy``) decides who may. A test fails for a route without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from hrh.domain.policy import ANONYMOUS, POLICY, Principal, require
from hrh.errors import Unauthorized
from hrh.services.accounts import authenticate_token
from hrh.services.context import AppContext


def get_ctx(request: Request) -> AppContext:
    """Return the application context stored on the app."""
    ctx: AppContext = request.app.state.ctx
    return ctx


CtxDep = Annotated[AppContext, Depends(get_ctx)]


def get_principal(request: Request, ctx: CtxDep) -> Principal:
    """Return who is calling: a bearer token's user or the public.

    The API honours bearer tokens only (never cookies), so it needs no CSRF protection.
    """
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized(
                "Malformed Authorization header.", hint="Send 'Authorization: Bearer <token>'."
            )
        return authenticate_token(ctx, secret.strip())
    return ANONYMOUS


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def allow(action: str) -> Any:
    """Declare the route's action; deny (401/403) principals the policy does not allow."""
    if action not in POLICY:
        raise KeyError(f"action {action!r} has no policy entry")

    def check(principal: PrincipalDep) -> Principal:
        require(principal, action)
        return principal

    check.action = action  # type: ignore[attr-defined]
    return Depends(check)


def route_action(endpoint_dependencies: list[Any]) -> str | None:
    """Return the action declared by ``allow`` among a route's dependencies."""
    for dep in endpoint_dependencies:
        call: Callable[..., Any] | None = getattr(dep, "call", None) or getattr(
            dep, "dependency", None
        )
        action = getattr(call, "action", None)
        if isinstance(action, str):
            return action
    return None
