"""``hrh serve`` and ``hrh token``: the web server and API tokens."""

from __future__ import annotations

import typer

from hrh.cli._output import err_console, handle_errors
from hrh.cli.data import app_context
from hrh.config import Settings
from hrh.services import tokens

token_app = typer.Typer(help="API tokens for writes over the API.", no_args_is_help=True)


def serve_cmd(
    host: str | None = typer.Option(None, "--host", help="Bind address (HRH_HOST)."),
    port: int | None = typer.Option(None, "--port", help="Port (HRH_PORT, default 8000)."),
) -> None:
    """Serve the REST API (/api/v1) and the web observatory."""
    import uvicorn

    settings = Settings()
    with app_context():
        pass  # fail early, with a clear message, when the schema is missing
    h = host or settings.host
    p = port or settings.port
    err_console.print(f"HRH Observatory at http://{h}:{p}/  (API docs: http://{h}:{p}/api/v1/docs)")
    uvicorn.run("hrh.asgi:create_app", factory=True, host=h, port=p, log_level="warning")


@token_app.command("create")
@handle_errors
def token_create(
    name: str = typer.Argument(..., help="Who or what the token is for."),
    role: str = typer.Option("admin", "--role", help="Role of the token (admin)."),
    days: int = typer.Option(90, "--days", help="Valid for this many days."),
) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    with app_context() as ctx:
        issued = tokens.create_token(ctx, name, role, days)
    err_console.print(
        f"Token {issued.id} for {name!r} ({role}), expires {issued.expires_at:%Y-%m-%d}."
    )
    typer.echo(issued.secret)


@token_app.command("revoke")
@handle_errors
def token_revoke(token_id: int = typer.Argument(..., help="The token's id.")) -> None:
    """Revoke an API token."""
    with app_context() as ctx:
        tokens.revoke_token(ctx, token_id)
    err_console.print(f"Token {token_id} revoked.")


def register(app: typer.Typer) -> None:
    """Add the server commands to the root app."""
    app.command("serve")(handle_errors(serve_cmd))
    app.add_typer(token_app, name="token")
