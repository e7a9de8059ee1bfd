"""``hrh library``: the practice library (load, search, show, submit drafts, publish).

The local CLI acts as the local administrator: it sees drafts, and what it submits is a draft
by ``local:cli`` until ``hrh library publish`` publishes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, err_console, handle_errors, to_plain
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN
from hrh.domain.practices import PRACTICE_TYPES

if TYPE_CHECKING:
    from hrh.services import library
else:
    library = lazy("hrh.services.library")

library_app = typer.Typer(
    help="The practice library: codes, agreements, incentives, return programmes and reforms.",
    no_args_is_help=True,
)


def _years(v: library.PracticeView) -> str:
    if v.start_year is None and v.end_year is None:
        return ""
    start = "?" if v.start_year is None else str(v.start_year)
    return f"{start}–{'' if v.end_year is None else v.end_year}"


def _row(v: library.PracticeView) -> dict[str, Any]:
    return {
        "id": v.id,
        "title": v.title,
        "type": v.type,
        "countries": " ".join(c.url for c in v.countries),
        "years": _years(v),
        "status": v.status,
    }


@library_app.command("load")
@handle_errors
def load_cmd(output: OutputFormat = FormatOption) -> None:
    """Load the bundled entries (published); running it again changes nothing."""
    with app_context() as ctx:
        report = library.load_seed(ctx, LOCAL_ADMIN)
    emit([to_plain(report)], output, document=to_plain(report))


@library_app.command("search")
@handle_errors
def search_cmd(
    query: str = typer.Argument("", help="Words to search for (all first, else any)."),
    type_: str | None = typer.Option(
        None, "--type", "-t", help="Practice type: " + ", ".join(PRACTICE_TYPES) + "."
    ),
    country: str | None = typer.Option(None, "--country", "-c", help="Country involved (ISO3)."),
    year: int | None = typer.Option(None, "--year", "-y", help="In force in this year."),
    status: str = typer.Option("published", "--status", help="published, draft or all."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000, help="Most entries shown."),
    output: OutputFormat = FormatOption,
) -> None:
    """Search the library; countries link to their profiles (/countries/ISO3)."""
    with app_context() as ctx:
        result = library.search(
            ctx,
            LOCAL_ADMIN,
            query,
            type=type_,
            country=country,
            year=year,
            status=status,
            limit=limit,
        )
    if output is OutputFormat.table:
        emit([_row(v) for v in result.data], output, title=f"{result.count} entries")
        if result.match == "any":
            err_console.print("No entry has all the words; showing entries with any of them.")
        return
    rows = [_row(v) | {"score": v.score} for v in result.data]
    emit(rows, output, document=to_plain(result))


@library_app.command("show")
@handle_errors
def show_cmd(
    entry_id: str = typer.Argument(..., help="Entry id."), output: OutputFormat = FormatOption
) -> None:
    """Show one entry in full."""
    with app_context() as ctx:
        v = library.get(ctx, LOCAL_ADMIN, entry_id)
    if output is not OutputFormat.table:
        emit([_row(v)], output, document=to_plain(v))
        return
    typer.echo(f"{v.title}\n{v.type}; {_years(v) or 'years unknown'}; {v.status}")
    if v.countries:
        typer.echo("Countries: " + ", ".join(f"{c.name} ({c.url})" for c in v.countries))
    for label, value in (("Summary", v.summary), ("What it did", v.what_it_did)):
        typer.echo(f"\n{label}: {value}")
    typer.echo(f"\nResults: {v.results or 'unknown'}\n\nSources:")
    for s in v.sources:
        typer.echo(f"  {s.title} <{s.url}>")


@library_app.command("submit")
@handle_errors
def submit_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="YAML entry or entries."),
    output: OutputFormat = FormatOption,
) -> None:
    """Submit the entries in a YAML file as drafts (see docs/library.md for the keys)."""
    with app_context() as ctx:
        views = library.submit_file(ctx, LOCAL_ADMIN, file)
    emit([_row(v) for v in views], output, document=to_plain(views))


@library_app.command("publish")
@handle_errors
def publish_cmd(
    entry_id: str = typer.Argument(..., help="Id of the draft to publish."),
    output: OutputFormat = FormatOption,
) -> None:
    """Publish a draft."""
    with app_context() as ctx:
        v = library.publish(ctx, LOCAL_ADMIN, entry_id)
    emit([_row(v)], output, document=to_plain(v))


def register(app: typer.Typer) -> None:
    """Add ``hrh library`` to the root app."""
    app.add_typer(library_app, name="library")
