"""The diaspora registry: ``hrh diaspora`` and ``hrh privacy``.

Run locally, these commands act as the local administrator (audited as ``local:cli``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hrh.cli import diaspora_workflow
from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, err_console, handle_errors, to_plain
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN

if TYPE_CHECKING:
    from hrh.services import diaspora, diaspora_fhir, diaspora_matching, privacy
else:
    diaspora = lazy("hrh.services.diaspora")
    diaspora_fhir = lazy("hrh.services.diaspora_fhir")
    diaspora_matching = lazy("hrh.services.diaspora_matching")
    privacy = lazy("hrh.services.privacy")

diaspora_app = typer.Typer(
    help="Diaspora professionals, opportunities and explained matching.", no_args_is_help=True
)
privacy_app = typer.Typer(help="A person's data: export or erase it.", no_args_is_help=True)


@diaspora_app.command("import-profiles")
@handle_errors
def import_profiles(
    file: Path = typer.Argument(..., help="Profiles CSV (docs/diaspora.md)."),
) -> None:
    """Import professionals' profiles; nothing is imported when a row is bad."""
    with app_context() as ctx:
        summary = diaspora.import_profiles(ctx, LOCAL_ADMIN, file)
    err_console.print(f"Imported {summary.imported} profile(s) from {summary.file}.")


@diaspora_app.command("import-fhir")
@handle_errors
def import_fhir(
    file: Path = typer.Argument(..., help="FHIR R4 JSON Bundle or NDJSON (docs/diaspora.md)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count; store nothing."),
) -> None:
    """Import Practitioner + PractitionerRole resources; nothing is imported on any problem."""
    with app_context() as ctx:
        summary = diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, file, dry_run=dry_run)
    verb = "Would import" if summary.dry_run else "Imported"
    err_console.print(f"{verb} {summary.imported} profile(s) from {summary.file}.")


@diaspora_app.command("export-fhir")
@handle_errors
def export_fhir(
    out: Path = typer.Option(..., "--out", help="NDJSON file to write (one resource a line)."),
) -> None:
    """Export profiles consenting to contact as FHIR R4 Practitioner + PractitionerRole."""
    with app_context() as ctx:
        items = diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)
    out.write_text(diaspora_fhir.to_ndjson(items), encoding="utf-8")
    err_console.print(f"Wrote {len(items)} resource(s) to {out}.")


@diaspora_app.command("import-opportunities")
@handle_errors
def import_opportunities(
    file: Path = typer.Argument(..., help="Opportunities CSV (docs/diaspora.md)."),
) -> None:
    """Import opportunities; nothing is imported when a row is bad."""
    with app_context() as ctx:
        n = diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, file)
    err_console.print(f"Imported {n} opportunit{'y' if n == 1 else 'ies'} from {file.name}.")


def _components(parts: object) -> str:
    plain = to_plain(parts)
    return "; ".join(f"{c['name']}={c['value']:.3f}" for c in plain)


@diaspora_app.command("scores")
@handle_errors
def scores(
    opportunity: str | None = typer.Option(None, "--opportunity", help="Only this opportunity."),
    output: OutputFormat = FormatOption,
) -> None:
    """Every feasible pair with its score (full precision in JSON) and components."""
    with app_context() as ctx:
        pairs = diaspora_matching.scores(ctx, LOCAL_ADMIN, opportunity)
    rows = [
        {
            "profile_id": e.profile_id,
            "opportunity_id": e.opportunity_id,
            "score": e.score,
            "components": _components(e.components),
        }
        for e in pairs
    ]
    doc = [
        {
            "profile_id": e.profile_id,
            "opportunity_id": e.opportunity_id,
            "score": e.score,
            "components": to_plain(e.components),
        }
        for e in pairs
    ]
    emit(rows, output, document={"pairs": doc, "count": len(doc)})


@diaspora_app.command("match")
@handle_errors
def match(
    opportunity: str | None = typer.Option(None, "--opportunity", help="Only this opportunity."),
    output: OutputFormat = FormatOption,
) -> None:
    """The assignment that maximises the total score under slot capacities."""
    with app_context() as ctx:
        result = diaspora_matching.match(ctx, LOCAL_ADMIN, opportunity)
    rows = [
        {
            "opportunity_id": a.opportunity_id,
            "profile_id": a.profile_id,
            "score": a.score,
            "components": _components(a.components),
        }
        for a in result.assignments
    ]
    emit(rows, output, title=f"Total score {result.total_score:.4f}", document=to_plain(result))


@diaspora_app.command("stats")
@handle_errors
def stats(output: OutputFormat = FormatOption) -> None:
    """Public counts by origin × cadre × residence (cells under 5 suppressed)."""
    with app_context() as ctx:
        result = diaspora_matching.statistics(ctx, LOCAL_ADMIN)
    emit([to_plain(c) for c in result.cells], output, document=to_plain(result))


@privacy_app.command("export")
@handle_errors
def export(profile_id: str = typer.Argument(..., help="The profile's id.")) -> None:
    """Print, as JSON, everything held about the person behind a profile."""
    with app_context() as ctx:
        data = privacy.export(ctx, LOCAL_ADMIN, profile_id)
    sys.stdout.write(json.dumps(to_plain(data), indent=2, ensure_ascii=False) + "\n")


@privacy_app.command("erase")
@handle_errors
def erase(
    profile_id: str = typer.Argument(..., help="The profile's id."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Erase a person's profile, consents and member account (aggregates stay the same)."""
    if not yes:
        typer.confirm(f"Erase profile {profile_id} for good?", abort=True)
    with app_context() as ctx:
        done = privacy.erase(ctx, LOCAL_ADMIN, profile_id)
    kept = " (kept in anonymous statistics)" if done.kept_in_statistics else ""
    err_console.print(f"Erased profile {done.profile_id}{kept}.")


def register(app: typer.Typer) -> None:
    """Add the diaspora and privacy commands to the root app."""
    diaspora_workflow.add_commands(diaspora_app)
    app.add_typer(diaspora_app, name="diaspora")
    app.add_typer(privacy_app, name="privacy")
