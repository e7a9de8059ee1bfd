"""Request dependencies: the application context and the calling principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from hrh.errors import Forbidden, Unauthorized
from hrh.services.context import AppContext
from hrh.services.tokens import Principal, authenticate


def get_ctx(request: Request) -> AppContext:
    """Return the application context stored on the app."""
    ctx: AppContext = request.app.state.ctx
    return ctx


CtxDep = Annotated[AppContext, Depends(get_ctx)]


def require_admin(request: Request, ctx: CtxDep) -> Principal:
    """Authenticate a bearer token and require the admin role."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized(
            "This write needs an API token.",
            hint="Send 'Authorization: Bearer <token>'; create one with `hrh token create NAME`.",
        )
    principal = authenticate(ctx, secret.strip())
    if principal.role != "admin":
        raise Forbidden(f"Role {principal.role!r} may not do this; it needs 'admin'.")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
