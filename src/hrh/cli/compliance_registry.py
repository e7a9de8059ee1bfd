"""``hrh compliance organisations|agreements``: the registries the compliance rules read."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import typer

from hrh.cli._output import FormatOption, OutputFormat, emit, handle_errors, to_plain
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import compliance_registry as svc

organisations = typer.Typer(
    help="Recruitment agencies and employers, with their ethical-recruiter status periods.",
    no_args_is_help=False,
    invoke_without_command=True,
)
agreements = typer.Typer(
    help="Government-to-government agreements and MoUs (the stored registry).",
    no_args_is_help=False,
    invoke_without_command=True,
)


def _import_row(res: svc.RegistryImport) -> dict[str, object]:
    return dict(asdict(res))


@organisations.callback()
@handle_errors
def organisations_list_default(ctx: typer.Context, output: OutputFormat = FormatOption) -> None:
    """List the organisations registry (same as ``organisations list``)."""
    if ctx.invoked_subcommand is None:
        _list_organisations(output)


def _list_organisations(output: OutputFormat) -> None:
    with app_context() as ctx:
        orgs = svc.list_organisations(ctx, LOCAL_ADMIN)
    today_status = {o.name: svc.status_on(o, datetime.now(UTC).date()) for o in orgs}
    rows = [
        {
            "name": o.name,
            "country": o.country,
            "type": o.kind,
            "status_today": today_status[o.name].status,
            "listings": "; ".join(
                f"{p.valid_from.isoformat()}..{p.valid_to.isoformat() if p.valid_to else ''}"
                f" ({p.source})"
                for p in o.listings
            ),
            "source": o.source,
        }
        for o in orgs
    ]
    emit(rows, output, title=f"{len(rows)} organisation(s)")


@organisations.command("list")
@handle_errors
def organisations_list(output: OutputFormat = FormatOption) -> None:
    """List organisations, their ethical-recruiter periods and their status today."""
    _list_organisations(output)


@organisations.command("import")
@handle_errors
def organisations_import(
    file: Path = typer.Argument(..., help="Organisations CSV (the documented template)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count; store nothing."),
    output: OutputFormat = FormatOption,
) -> None:
    """Import organisations (all rows or none; a name that exists is replaced)."""
    with app_context() as ctx:
        res = svc.import_organisations(ctx, LOCAL_ADMIN, file, dry_run=dry_run)
    row = _import_row(res)
    emit([row], output, title="Organisations import", document=row)


def _agreement_rows() -> list[dict[str, object]]:
    with app_context() as ctx:
        return [
            {
                **to_plain(asdict(a)),
                "cadres": sorted(a.cadres),
                "routes": sorted(a.routes),
                "valid_from": a.valid_from.isoformat(),
                "valid_to": a.valid_to.isoformat() if a.valid_to else None,
            }
            for a in svc.list_agreements(ctx)
        ]


@agreements.callback()
@handle_errors
def agreements_list_default(ctx: typer.Context, output: OutputFormat = FormatOption) -> None:
    """List the stored agreements (same as ``agreements list``)."""
    if ctx.invoked_subcommand is None:
        emit(_agreement_rows(), output, title="Agreements")


@agreements.command("list")
@handle_errors
def agreements_list(output: OutputFormat = FormatOption) -> None:
    """List the stored agreements (``hrh load reference`` loads the bundled UK ones)."""
    emit(_agreement_rows(), output, title="Agreements")


@agreements.command("import")
@handle_errors
def agreements_import(
    file: Path = typer.Argument(..., help="Agreements CSV (the documented template)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count; store nothing."),
    output: OutputFormat = FormatOption,
) -> None:
    """Import agreements (all rows or none; an id that exists is replaced)."""
    with app_context() as ctx:
        res = svc.import_agreements(ctx, LOCAL_ADMIN, file, dry_run=dry_run)
    row = _import_row(res)
    emit([row], output, title="Agreements import", document=row)


def register(parent: typer.Typer) -> None:
    """Add the ``organisations`` and ``agreements`` groups under ``hrh compliance``."""
    parent.add_typer(organisations, name="organisations")
    parent.add_typer(agreements, name="agreements")
