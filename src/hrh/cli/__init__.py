"""The ``hrh`` command line (Typer + Rich)."""

from __future__ import annotations

import typer

from hrh import __version__
from hrh.cli import admin as admin_cmds
from hrh.cli import compliance as compliance_cmds
from hrh.cli import data as data_cmds
from hrh.cli import diaspora as diaspora_cmds
from hrh.cli import economics as economics_cmds
from hrh.cli import library as library_cmds
from hrh.cli import observe as observe_cmds
from hrh.cli import projection as projection_cmds
from hrh.cli import report as report_cmds
from hrh.cli import server as server_cmds
from hrh.cli._output import state

app = typer.Typer(
    name="hrh",
    help="HRH Observatory: health workforce stocks, flows, indicators and projections.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hrh {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """HRH Observatory command line. Settings come from HRH_* environment variables."""
    state.debug = debug


data_cmds.register(app)
observe_cmds.register(app)
server_cmds.register(app)
admin_cmds.register(app)
diaspora_cmds.register(app)
economics_cmds.register(app)
library_cmds.register(app)
projection_cmds.register(app)
compliance_cmds.register(app)
report_cmds.register(app)


def main() -> None:
    """Entry point of the ``hrh`` console script."""
    app()
