"""``hrh serve``: the REST API and the web pages."""

from __future__ import annotations

import typer

from hrh.cli._output import err_console, handle_errors
from hrh.cli.data import app_context


def serve_cmd(
    host: str | None = typer.Option(None, "--host", help="Bind address (HRH_HOST)."),
    port: int | None = typer.Option(None, "--port", help="Port (HRH_PORT, default 8000)."),
) -> None:
    """Serve the REST API (/api/v1) and the web observatory."""
    import uvicorn

    from hrh.config import Settings

    settings = Settings()
    with app_context():
        pass  # fail early, with a clear message, when the schema is missing
    h = host or settings.host
    p = port or settings.port
    err_console.print(f"HRH Observatory at http://{h}:{p}/  (API docs: http://{h}:{p}/api/v1/docs)")
    uvicorn.run("hrh.asgi:create_app", factory=True, host=h, port=p, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add the server command to the root app."""
    app.command("serve")(handle_errors(serve_cmd))
