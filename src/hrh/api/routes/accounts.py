"""Accounts, tokens and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.schemas import (
    AuditEventsPublic,
    MePublic,
    PasswordResetBody,
    TokenCreate,
    TokenIssuedPublic,
    TokensPublic,
    UserCreate,
    UserPublic,
    UsersPublic,
    VerificationPublic,
)
from hrh.services import accounts, audit

router = APIRouter(tags=["accounts"])


@router.get("/me", response_model=MePublic, dependencies=[allow("account.read")])
def me(principal: PrincipalDep) -> MePublic:
    """Who the caller is: role, organisation, countries and token scopes."""
    return MePublic(
        kind=principal.kind,
        name=principal.name,
        role=principal.role,
        organisation=principal.organisation,
        countries=sorted(principal.countries),
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
    )


@router.post("/auth/password-reset", status_code=204, dependencies=[allow("auth.password_reset")])
def password_reset(body: PasswordResetBody, ctx: CtxDep) -> None:
    """Set a new password with a one-time reset secret issued by an administrator."""
    accounts.reset_password(ctx, body.token, body.password)


@router.get("/users", response_model=UsersPublic, dependencies=[allow("users.manage")])
def list_users(ctx: CtxDep, principal: PrincipalDep) -> UsersPublic:
    """Every user (administrators)."""
    users = accounts.list_users(ctx, principal)
    return UsersPublic.model_validate({"data": users, "count": len(users)})


@router.post(
    "/users", response_model=UserPublic, status_code=201, dependencies=[allow("users.manage")]
)
def add_user(body: UserCreate, ctx: CtxDep, principal: PrincipalDep) -> UserPublic:
    """Create a user (administrators)."""
    view = accounts.add_user(
        ctx,
        principal,
        body.username,
        body.role,
        organisation=body.organisation,
        countries=body.countries,
        password=body.password,
    )
    return UserPublic.model_validate(view)


@router.post("/users/{username}/disable", status_code=204, dependencies=[allow("users.manage")])
def disable_user(username: str, ctx: CtxDep, principal: PrincipalDep) -> None:
    """Disable a user; their tokens stop working at once."""
    accounts.set_disabled(ctx, principal, username, True)


@router.get("/tokens", response_model=TokensPublic, dependencies=[allow("tokens.own")])
def list_tokens(ctx: CtxDep, principal: PrincipalDep) -> TokensPublic:
    """One's own tokens (administrators: every token)."""
    rows = accounts.list_tokens(ctx, principal)
    return TokensPublic.model_validate({"data": rows, "count": len(rows)})


@router.post(
    "/tokens",
    response_model=TokenIssuedPublic,
    status_code=201,
    dependencies=[allow("tokens.own")],
)
def create_token(body: TokenCreate, ctx: CtxDep, principal: PrincipalDep) -> TokenIssuedPublic:
    """Create a personal access token; the secret is returned once."""
    issued = accounts.create_token(
        ctx,
        principal,
        body.username or principal.name,
        body.name,
        days=body.days,
        scopes=body.scopes,
    )
    return TokenIssuedPublic(
        id=issued.id,
        name=issued.name,
        username=issued.username,
        role=issued.role,
        scopes=issued.scopes,
        expires_at=issued.expires_at.isoformat(),
        secret=issued.secret,
    )


@router.delete("/tokens/{token_id}", status_code=204, dependencies=[allow("tokens.own")])
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], ctx: CtxDep, principal: PrincipalDep
) -> None:
    """Revoke a token at once."""
    accounts.revoke_token(ctx, principal, token_id)


@router.get("/audit", response_model=AuditEventsPublic, dependencies=[allow("audit.read")])
def list_audit(
    ctx: CtxDep,
    principal: PrincipalDep,
    since_id: Annotated[int, Query(ge=0, le=2**31 - 1, description="Events after this id.")] = 0,
    action: Annotated[str | None, Query(description="Only this action.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditEventsPublic:
    """The audit trail, oldest first (administrators)."""
    events = audit.list_events(ctx, principal, since_id=since_id, action=action, limit=limit)
    return AuditEventsPublic.model_validate({"data": events, "count": len(events)})


@router.get("/audit/verify", response_model=VerificationPublic, dependencies=[allow("audit.read")])
def verify_audit(ctx: CtxDep) -> VerificationPublic:
    """Walk the hash chain and report the first event that does not match."""
    return VerificationPublic.model_validate(audit.verify(ctx))
