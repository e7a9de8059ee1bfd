"""Accounts, tokens and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.schemas import (
    AcceptedPublic,
    AuditEventsPublic,
    ForgotPasswordBody,
    MePublic,
    PasswordChangeBody,
    PasswordResetBody,
    TokenCreate,
    TokenIssuedPublic,
    TokensPublic,
    UserCreate,
    UserPublic,
    UsersPublic,
    UserUpdate,
    VerificationPublic,
)
from hrh.services import accounts, audit

router = APIRouter(tags=["accounts"])


#: The one answer to every forgot-password request (no account enumeration).
FORGOT_ANSWER = (
    "If an active account matches and has an e-mail address, a link to choose a new password "
    f"was sent to it; it works once, for {accounts.SELF_RESET_MINUTES} minutes."
)


@router.get("/me", response_model=MePublic, dependencies=[allow("account.read")])
def me(ctx: CtxDep, principal: PrincipalDep) -> MePublic:
    """Who the caller is: role, organisation, countries, token scopes and e-mail address."""
    account = accounts.my_account(ctx, principal)
    return MePublic(
        kind=principal.kind,
        name=principal.name,
        role=principal.role,
        organisation=principal.organisation,
        countries=sorted(principal.countries),
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
        email=account.email,
    )


@router.post("/auth/password-reset", status_code=204, dependencies=[allow("auth.password_reset")])
def password_reset(body: PasswordResetBody, ctx: CtxDep) -> None:
    """Set a new password with a one-time reset secret (mailed, or issued by an administrator).

    The secret is used up and every web session of the user ends.
    """
    accounts.reset_password(ctx, body.token, body.password)


@router.post(
    "/auth/forgot-password",
    status_code=202,
    response_model=AcceptedPublic,
    dependencies=[allow("auth.password_reset")],
    responses={429: {"description": "Too many requests from this client address."}},
)
def forgot_password(
    body: ForgotPasswordBody, request: Request, ctx: CtxDep, background: BackgroundTasks
) -> AcceptedPublic:
    """Ask for a password-reset link by mail, by username or e-mail address.

    The answer is the same whether or not the account exists. The mail (English) links to
    the web page ``/reset-password``; its one-time secret also works with
    ``POST /api/v1/auth/password-reset``. Limited per account and per client address.
    """
    client = request.client.host if request.client else "unknown"
    outcome = accounts.request_password_reset(ctx, body.login, client=client)
    background.add_task(accounts.send_reset_mail, ctx, outcome)
    return AcceptedPublic(message=FORGOT_ANSWER)


@router.post("/auth/password", status_code=204, dependencies=[allow("account.write")])
def change_password(body: PasswordChangeBody, ctx: CtxDep, principal: PrincipalDep) -> None:
    """Change one's own password (the current one is needed); ends every web session."""
    accounts.change_password(ctx, principal, body.current_password, body.new_password)


@router.post("/auth/sessions/revoke", status_code=204, dependencies=[allow("account.write")])
def revoke_sessions(ctx: CtxDep, principal: PrincipalDep) -> None:
    """Sign out of every web session of one's own account (API tokens stay valid)."""
    accounts.revoke_sessions(ctx, principal)


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
        email=body.email,
    )
    return UserPublic.model_validate(view)


@router.patch("/users/{username}", response_model=UserPublic, dependencies=[allow("users.manage")])
def update_user(
    username: str, body: UserUpdate, ctx: CtxDep, principal: PrincipalDep
) -> UserPublic:
    """Change a user's role, scope or e-mail address (administrators)."""
    view = accounts.update_user(
        ctx,
        principal,
        username,
        role=body.role,
        organisation=body.organisation,
        countries=body.countries,
        email=body.email,
    )
    return UserPublic.model_validate(view)


@router.post("/users/{username}/disable", status_code=204, dependencies=[allow("users.manage")])
def disable_user(username: str, ctx: CtxDep, principal: PrincipalDep) -> None:
    """Disable a user; their tokens stop working at once."""
    accounts.set_disabled(ctx, principal, username, True)


@router.post(
    "/users/{username}/sessions/revoke", status_code=204, dependencies=[allow("users.manage")]
)
def revoke_user_sessions(username: str, ctx: CtxDep, principal: PrincipalDep) -> None:
    """Sign a user out of every web session (administrators)."""
    accounts.revoke_sessions(ctx, principal, username)


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
