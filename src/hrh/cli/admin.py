"""Administration: ``hrh user``, ``hrh token`` and ``hrh audit``.

The local CLI, run by whoever holds the database, acts as the local administrator; its
actions are audited as ``local:cli``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, err_console, handle_errors, to_plain
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN, ROLES
from hrh.errors import Invalid

if TYPE_CHECKING:
    from hrh.services import accounts, audit
else:
    accounts = lazy("hrh.services.accounts")
    audit = lazy("hrh.services.audit")

user_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
token_app = typer.Typer(help="Personal access tokens for the API.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return None


@user_app.command("add")
@handle_errors
def user_add(
    name: str = typer.Argument(..., help="Username."),
    role: str = typer.Option(..., "--role", help="One of: " + ", ".join(ROLES)),
    org: str = typer.Option("", "--org", help="Organisation (recruiters)."),
    country: list[str] = typer.Option([], "--country", help="ISO3 scope (programme officers)."),
    email: str | None = typer.Option(
        None, "--email", help="E-mail address (stored encrypted; for password-reset mail)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read a password (≥ 12 characters) from standard input."
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """Create a user with a role and its scope."""
    with app_context() as ctx:
        view = accounts.add_user(
            ctx,
            LOCAL_ADMIN,
            name,
            role,
            organisation=org,
            countries=country,
            password=_read_password(password_stdin),
            email=email,
        )
    emit([to_plain(view)], output, document=to_plain(view))


@user_app.command("set-email")
@handle_errors
def user_set_email(
    name: str = typer.Argument(..., help="Username."),
    address: str = typer.Argument(..., help='E-mail address ("" removes it).'),
) -> None:
    """Set or remove a user's e-mail address (reset links sent to an old one stop working)."""
    with app_context() as ctx:
        view = accounts.set_email(ctx, LOCAL_ADMIN, name, address)
    err_console.print(f"E-mail address of {name} {'set' if view.email else 'removed'}.")


@user_app.command("set-role")
@handle_errors
def user_set_role(
    name: str = typer.Argument(..., help="Username."),
    role: str = typer.Option(..., "--role", help="One of: " + ", ".join(ROLES)),
    org: str | None = typer.Option(None, "--org", help="Organisation (recruiters)."),
    country: list[str] = typer.Option([], "--country", help="ISO3 scope (programme officers)."),
) -> None:
    """Change a user's role or scope; their web sessions end."""
    with app_context() as ctx:
        view = accounts.update_user(
            ctx, LOCAL_ADMIN, name, role=role, organisation=org, countries=country or None
        )
    scope = view.organisation or " ".join(view.countries) or "no scope"
    err_console.print(f"User {name} is now {view.role} ({scope}).")


@user_app.command("sign-out")
@handle_errors
def user_sign_out(name: str = typer.Argument(..., help="Username.")) -> None:
    """End every web session of a user at once (API tokens stay valid)."""
    with app_context() as ctx:
        accounts.revoke_sessions(ctx, LOCAL_ADMIN, name)
    err_console.print(f"Every web session of {name} ended.")


@user_app.command("list")
@handle_errors
def user_list(output: OutputFormat = FormatOption) -> None:
    """List users (no secrets)."""
    with app_context() as ctx:
        rows = [to_plain(u) for u in accounts.list_users(ctx, LOCAL_ADMIN)]
    emit(
        rows,
        output,
        columns=[
            "id",
            "username",
            "role",
            "organisation",
            "countries",
            "email",
            "disabled",
            "has_password",
        ],
    )


@user_app.command("disable")
@handle_errors
def user_disable(name: str = typer.Argument(..., help="Username.")) -> None:
    """Disable a user; their tokens and sessions stop working at once."""
    with app_context() as ctx:
        accounts.set_disabled(ctx, LOCAL_ADMIN, name, True)
    err_console.print(f"User {name} disabled.")


@user_app.command("enable")
@handle_errors
def user_enable(name: str = typer.Argument(..., help="Username.")) -> None:
    """Enable a disabled user again."""
    with app_context() as ctx:
        accounts.set_disabled(ctx, LOCAL_ADMIN, name, False)
    err_console.print(f"User {name} enabled.")


@user_app.command("password")
@handle_errors
def user_password(
    name: str = typer.Argument(..., help="Username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read it from stdin."),
) -> None:
    """Set a user's password (prompted, or read from standard input); their sessions end."""
    password = _read_password(password_stdin)
    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with app_context() as ctx:
        accounts.set_password(ctx, LOCAL_ADMIN, name, password)
    err_console.print(f"Password of {name} set.")


@user_app.command("reset-link")
@handle_errors
def user_reset_link(
    name: str = typer.Argument(..., help="Username."),
    hours: int = typer.Option(24, "--hours", help="Valid for this many hours (1-168)."),
) -> None:
    """Issue a one-time password-reset secret (stdout) to hand to the user out of band.

    The user sets a new password with it on the web page /reset-password?token=SECRET or
    with POST /api/v1/auth/password-reset.
    """
    with app_context() as ctx:
        issued = accounts.create_password_reset(ctx, LOCAL_ADMIN, name, hours)
        link = accounts.reset_link(ctx.settings.public_url, issued.secret)
    err_console.print(
        f"One-time reset for {name}, valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC: {link}"
    )
    typer.echo(issued.secret)


@token_app.command("create")
@handle_errors
def token_create(
    user: str = typer.Argument(..., help="The user the token acts as."),
    name: str = typer.Option("cli", "--name", help="What the token is for."),
    days: int = typer.Option(90, "--days", help="Valid for this many days (1-366)."),
    scope: list[str] = typer.Option([], "--scope", help="Limit to these actions."),
) -> None:
    """Create a token; it is printed once (stdout) and stored only as a hash."""
    with app_context() as ctx:
        issued = accounts.create_token(ctx, LOCAL_ADMIN, user, name, days=days, scopes=scope)
    scopes = ", ".join(issued.scopes) or f"everything role {issued.role} may do"
    err_console.print(
        f"Token {issued.id} for {user} ({scopes}), expires {issued.expires_at:%Y-%m-%d}."
    )
    typer.echo(issued.secret)


@token_app.command("revoke")
@handle_errors
def token_revoke(token_id: int = typer.Argument(..., help="The token's id.")) -> None:
    """Revoke a token at once."""
    with app_context() as ctx:
        accounts.revoke_token(ctx, LOCAL_ADMIN, token_id)
    err_console.print(f"Token {token_id} revoked.")


@token_app.command("list")
@handle_errors
def token_list(output: OutputFormat = FormatOption) -> None:
    """List tokens (no secrets)."""
    with app_context() as ctx:
        rows = [to_plain(t) for t in accounts.list_tokens(ctx, LOCAL_ADMIN)]
    emit(rows, output)


@audit_app.command("verify")
@handle_errors
def audit_verify() -> None:
    """Walk the hash chain; exit 1 and name the first bad event if it was tampered with."""
    with app_context() as ctx:
        result = audit.verify(ctx)
    if not result.ok:
        raise Invalid(
            f"Audit trail broken at event {result.first_bad_id}: {result.problem}.",
            hint=f"{result.events} events checked.",
        )
    typer.echo(f"Audit trail intact: {result.events} events.")


@audit_app.command("list")
@handle_errors
def audit_list(
    since_id: int = typer.Option(0, "--since-id", help="Events after this id."),
    action: str | None = typer.Option(None, "--action", help="Only this action."),
    limit: int | None = typer.Option(None, "--limit", "-n", help="At most this many."),
    output: OutputFormat = FormatOption,
) -> None:
    """Browse or export the audit trail (use -f csv or -f json to export)."""
    with app_context() as ctx:
        events = audit.list_events(ctx, LOCAL_ADMIN, since_id=since_id, action=action, limit=limit)
    rows = [to_plain(e) for e in events]
    emit(rows, output, columns=["id", "at", "actor", "action", "target", "detail", "hash"])


def register(app: typer.Typer) -> None:
    """Add the administration commands to the root app."""
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(audit_app, name="audit")
