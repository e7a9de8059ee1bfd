"""``hrh compliance organisations|agreements``: the registries the compliance rules read.

``list``, ``import``, ``edit`` and ``delete`` for both; every change is audited. Findings stored
earlier stay as they were; the next check reads the registry as it is now.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, handle_errors, to_plain
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN
from hrh.domain.recruitment import Organisation
from hrh.errors import Invalid, Problem

if TYPE_CHECKING:
    from hrh.services import compliance_registry as svc
else:
    svc = lazy("hrh.services.compliance_registry")

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


_REASON = typer.Option("", "--reason", help="Why (kept in the audit trail).")
_YES = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
LISTING_FORMAT = "FROM..[TO]=SOURCE, e.g. 2022-01-01..2023-06-30=NHS Employers list"


def _listing(spec: str) -> dict[str, str]:
    """Parse ``--listing FROM..[TO]=SOURCE`` (an empty TO: still listed)."""
    dates, sep, source = spec.partition("=")
    start, dots, end = dates.partition("..")
    if not sep or not dots:
        raise Invalid(
            f"--listing {spec!r} is not understood.",
            problems=[Problem("--listing", None, "listing", spec, LISTING_FORMAT)],
        )
    return {"valid_from": start.strip(), "valid_to": end.strip(), "source": source.strip()}


def _org_row(o: Organisation) -> dict[str, object]:
    return {
        "name": o.name,
        "country": o.country,
        "type": o.kind,
        "listings": [
            {
                "valid_from": p.valid_from.isoformat(),
                "valid_to": p.valid_to.isoformat() if p.valid_to else None,
                "source": p.source,
            }
            for p in o.listings
        ],
        "source": o.source,
    }


@organisations.command("edit")
@handle_errors
def organisations_edit(
    name: str = typer.Argument(..., help="The organisation's name (it cannot change)."),
    country: str | None = typer.Option(None, "--country", help="ISO3 country."),
    kind: str | None = typer.Option(None, "--type", help="agency or employer."),
    source: str | None = typer.Option(None, "--source", help="Where the entry comes from."),
    listing: list[str] = typer.Option(
        [],
        "--listing",
        help=f"A period on the ethical recruiters list, {LISTING_FORMAT}. Repeat for several; "
        "the periods given replace all stored ones.",
    ),
    no_listings: bool = typer.Option(
        False, "--no-listings", help="Remove every period (never listed)."
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """Change an organisation's country, type, source or listing periods (audited)."""
    if listing and no_listings:
        raise Invalid("Give --listing or --no-listings, not both.")
    changes = {
        k: v for k, v in (("country", country), ("type", kind), ("source", source)) if v is not None
    }
    periods = [_listing(x) for x in listing] if listing else ([] if no_listings else None)
    with app_context() as ctx:
        org = svc.update_organisation(ctx, LOCAL_ADMIN, name, changes, periods)
    row = _org_row(org)
    emit([row], output, title=f"Organisation {name}", document=row)


@organisations.command("delete")
@handle_errors
def organisations_delete(
    name: str = typer.Argument(..., help="The organisation's name."),
    reason: str = _REASON,
    yes: bool = _YES,
    output: OutputFormat = FormatOption,
) -> None:
    """Delete a wrongly entered organisation; its records and stored findings stay."""
    if not yes:
        typer.confirm(f"Delete organisation {name!r} and its listing periods?", abort=True)
    with app_context() as ctx:
        org = svc.delete_organisation(ctx, LOCAL_ADMIN, name, reason=reason)
    row = {"deleted": _org_row(org)}
    emit([{"deleted": org.name}], output, title="Organisation deleted", document=row)


@agreements.command("edit")
@handle_errors
def agreements_edit(
    agreement_id: str = typer.Argument(..., help="The agreement's id (it cannot change)."),
    origin: str | None = typer.Option(None, "--origin", help="ISO3 origin country."),
    destination: str | None = typer.Option(None, "--destination", help="ISO3 destination."),
    cadres: str | None = typer.Option(None, "--cadres", help="Cadres, ; separated ('': all)."),
    valid_from: str | None = typer.Option(None, "--valid-from", help="YYYY-MM-DD."),
    valid_to: str | None = typer.Option(
        None, "--valid-to", help="YYYY-MM-DD: the agreement ended that day ('': open-ended)."
    ),
    kind: str | None = typer.Option(None, "--kind", help="g2g or mou."),
    source: str | None = typer.Option(None, "--source", help="Where it is published."),
    routes: str | None = typer.Option(None, "--routes", help="Allowed routes, ; separated."),
    terms: str | None = typer.Option(None, "--terms", help="Its terms in words."),
    output: OutputFormat = FormatOption,
) -> None:
    """Change an agreement's fields; end it with --valid-to (audited)."""
    given = {
        "origin": origin,
        "destination": destination,
        "cadres": cadres,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "kind": kind,
        "source": source,
        "routes": routes,
        "terms": terms,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise Invalid("Nothing to change.", hint="Give at least one option, e.g. --valid-to.")
    with app_context() as ctx:
        a = svc.update_agreement(ctx, LOCAL_ADMIN, agreement_id, changes)
    row = {"agreement_id": a.agreement_id, **svc.agreement_fields(a)}
    emit([row], output, title=f"Agreement {agreement_id}", document=row)


@agreements.command("delete")
@handle_errors
def agreements_delete(
    agreement_id: str = typer.Argument(..., help="The agreement's id."),
    reason: str = _REASON,
    yes: bool = _YES,
    output: OutputFormat = FormatOption,
) -> None:
    """Delete a wrongly entered agreement (one that ended: ``edit --valid-to``).

    Findings stored earlier stay as they were. A deleted bundled agreement stays deleted
    through ``hrh load reference``; importing a file that holds its id brings it back.
    """
    if not yes:
        typer.confirm(f"Delete agreement {agreement_id!r}?", abort=True)
    with app_context() as ctx:
        a = svc.delete_agreement(ctx, LOCAL_ADMIN, agreement_id, reason=reason)
    row = {"deleted": {"agreement_id": a.agreement_id, **svc.agreement_fields(a)}}
    emit([{"deleted": a.agreement_id}], output, title="Agreement deleted", document=row)


def register(parent: typer.Typer) -> None:
    """Add the ``organisations`` and ``agreements`` groups under ``hrh compliance``."""
    parent.add_typer(organisations, name="organisations")
    parent.add_typer(agreements, name="agreements")
