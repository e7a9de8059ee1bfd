"""Data commands: ``db``, ``load``, ``import`` and ``formats``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, err_console, handle_errors, to_plain
from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid
from hrh.ingest.formats import FORMATS

if TYPE_CHECKING:
    from hrh.services import context, imports
    from hrh.services.context import AppContext
else:
    context = lazy("hrh.services.context")
    imports = lazy("hrh.services.imports")

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
load_app = typer.Typer(help="Load the bundled reference data.", no_args_is_help=True)


@contextmanager
def app_context(require_schema: bool = True) -> Iterator[AppContext]:
    """Open the application context for one command."""
    ctx = context.open_context()
    try:
        if require_schema:
            ctx.require_schema()
        yield ctx
    finally:
        ctx.close()


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


@db_app.command("upgrade")
@handle_errors
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest revision (SQLite or PostgreSQL)."""
    with app_context(require_schema=False) as ctx:
        change = context.upgrade_database(ctx)
        url = ctx.engine.url.render_as_string(hide_password=True)
    err_console.print(f"Database {url}: schema {change.before or 'empty'} → {change.after}.")


@load_app.command("reference")
@handle_errors
def load_reference(
    recheck: bool = typer.Option(
        False, "--recheck", help="Read every file again, even those already imported."
    ),
) -> None:
    """Load the bundled real datasets (WHO, World Bank, UN, OECD); idempotent."""
    with app_context() as ctx, _progress() as bar:

        def on_dataset(title: str, _i: int) -> imports.Progress:
            task = bar.add_task(title[:60], total=None)

            def tick(n: int, total: int) -> None:
                bar.update(task, advance=n, total=total or None)

            return tick

        result = imports.load_reference(ctx, on_dataset, recheck=recheck)
    new = sum(s.inserted for s in result.imports)
    skipped = sum(1 for s in result.imports if s.records == 0 and s.notes)
    err_console.print(
        f"{result.countries} countries; {len(result.imports)} datasets "
        f"({skipped} already imported, not read again; --recheck to read them); "
        f"{new:,} new records, {sum(s.unchanged for s in result.imports):,} already there."
    )
    if result.agreements is not None:
        a = result.agreements
        kept = f"; {a.kept} edited or deleted here, left as they are" if a.kept else ""
        err_console.print(
            f"{a.rows} bundled agreements ({a.added + a.replaced} new or changed{kept})."
        )


@load_app.command("countries")
@handle_errors
def load_countries() -> None:
    """Load only the country reference (codes, WHO regions, income groups)."""
    with app_context() as ctx:
        n = imports.load_countries(ctx)
    err_console.print(f"{n} countries loaded.")


def _options(pairs: list[str], vintage: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in pairs:
        if "=" not in p:
            raise Invalid(f"Bad --option {p!r}.", hint="Write options as KEY=VALUE.")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    if vintage:
        out["vintage"] = vintage
    return out


def import_cmd(
    fmt: str = typer.Argument(..., metavar="FORMAT", help="One of: " + ", ".join(FORMATS)),
    file: Path = typer.Argument(..., help="The file to import."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count; write nothing."),
    vintage: str | None = typer.Option(
        None, "--vintage", help="Name this release (default: from the file, else its hash)."
    ),
    option: list[str] = typer.Option(
        [], "--option", "-o", help="Format option KEY=VALUE (e.g. indicator=SP.POP.TOTL)."
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """Import a data file atomically: every row or none; bad rows are listed as file:line."""
    with app_context() as ctx, _progress() as bar:
        task = bar.add_task(file.name[:60], total=None)
        summary = imports.import_file(
            ctx,
            fmt,
            file,
            principal=LOCAL_ADMIN,
            options=_options(option, vintage),
            dry_run=dry_run,
            progress=lambda n, total: bar.update(task, advance=n, total=total or None),
        )
    row = to_plain(summary) | {"status": summary.status}
    emit(
        [row],
        output,
        document=row,
        columns=[
            "status",
            "format",
            "file",
            "rows_read",
            "records",
            "inserted",
            "unchanged",
            "sources",
        ],
    )


def formats_cmd(output: OutputFormat = FormatOption) -> None:
    """List the import formats."""
    rows = [
        {"format": f.id, "description": f.label, "options": list(f.options)}
        for f in FORMATS.values()
    ]
    emit(rows, output)


def register(app: typer.Typer) -> None:
    """Add the data commands to the root app."""
    app.add_typer(db_app, name="db")
    app.add_typer(load_app, name="load")
    app.command("import")(handle_errors(import_cmd))
    app.command("formats")(formats_cmd)


__all__ = ["Console", "register"]
