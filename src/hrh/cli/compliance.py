"""``hrh compliance``: check, import, findings and scorecards of international recruitment."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hrh.cli import compliance_registry as registry
from hrh.cli._lazy import lazy
from hrh.cli._output import (
    FormatOption,
    OutputFormat,
    emit,
    err_console,
    handle_errors,
    to_plain,
)
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN
from hrh.domain.recruitment import Finding
from hrh.errors import Invalid

if TYPE_CHECKING:
    from hrh.services import compliance as svc
    from hrh.services import compliance_scorecards as scorecards
else:
    svc = lazy("hrh.services.compliance")
    scorecards = lazy("hrh.services.compliance_scorecards")

app = typer.Typer(
    help="Ethical international recruitment: codes of practice checked on records.",
    no_args_is_help=True,
)
_COLUMNS = ["organisation", "record_id", "rule_id", "severity", "explanation"]


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{option} must be a date YYYY-MM-DD, not {text!r}.") from None


def _rows(findings: list[Finding]) -> list[dict[str, object]]:
    return [to_plain(asdict(f)) for f in findings]


@app.command("check")
@handle_errors
def check(
    file: Path = typer.Argument(
        ..., help="Recruitment records, CSV or Excel .xlsx (the documented template)."
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Read the lists and codes in force on this date (YYYY-MM-DD) "
        "instead of each record's recruitment date.",
    ),
    agreements: Path | None = typer.Option(
        None,
        "--agreements",
        help="More agreements (CSV template), added to the stored registry for this check only.",
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """Check a file against the codes of practice; store nothing."""
    with app_context() as ctx:
        report = svc.check_file(ctx, file, as_of=_day(as_of, "--as-of"), agreements=agreements)
    for w in report.warnings:
        err_console.print(f"[yellow]Warning:[/yellow] {w}", highlight=False)
    rows = _rows(report.findings)
    emit(
        rows,
        output,
        title=f"{file.name}: {report.summary.findings} finding(s) in "
        f"{report.summary.records} record(s)",
        document={
            "findings": rows,
            "summary": to_plain(asdict(report.summary)),
            "warnings": report.warnings,
        },
        columns=_COLUMNS,
    )


@app.command("import")
@handle_errors
def import_cmd(
    file: Path = typer.Argument(
        ..., help="Recruitment records, CSV or Excel .xlsx (the documented template)."
    ),
    org: str | None = typer.Option(
        None, "--org", help="Require every row to belong to this organisation."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count; store nothing."),
    output: OutputFormat = FormatOption,
) -> None:
    """Store records and their findings (all rows or none; same ids replace earlier ones)."""
    with app_context() as ctx:
        res = svc.import_file(ctx, LOCAL_ADMIN, file, organisation=org, dry_run=dry_run)
    for w in res.warnings:
        err_console.print(f"[yellow]Warning:[/yellow] {w}", highlight=False)
    row = {
        "file": res.file,
        "records": res.records,
        "replaced": res.replaced,
        "findings": res.findings,
        "dry_run": res.dry_run,
    }
    emit([row], output, title="Recruitment import", document=row)


@app.command("findings")
@handle_errors
def findings_cmd(
    org: str | None = typer.Option(None, "--org", help="Only this organisation."),
    rule: str | None = typer.Option(None, "--rule", help="Only this rule id."),
    severity: str | None = typer.Option(None, "--severity", help="high, medium, low or info."),
    limit: int = typer.Option(1000, "--limit", min=1, max=100_000, help="At most this many."),
    output: OutputFormat = FormatOption,
) -> None:
    """List stored findings (never the candidates' personal fields)."""
    flt = svc.FindingFilter(organisation=org, rule_id=rule, severity=severity)
    with app_context() as ctx:
        page = svc.list_findings(ctx, LOCAL_ADMIN, flt, limit=limit)
    rows = _rows(page.data)
    emit(
        rows,
        output,
        title=f"{page.count} finding(s)",
        document={"data": rows, "count": page.count},
        columns=_COLUMNS,
    )


@app.command("scorecard")
@handle_errors
def scorecard_cmd(
    by: str = typer.Option(..., "--by", help="agency, employer, source or destination."),
    by_year: bool = typer.Option(
        False, "--by-year", help="One row per group and recruitment year (with the status then)."
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """Records, records with findings, findings, rate and yearly trend per group.

    Agencies and employers also show their ethical-recruiter status today and, with
    ``--by-year``, in each year (listed, partly_listed, not_listed, not_in_registry).
    """
    with app_context() as ctx:
        cards = scorecards.scorecard(ctx, LOCAL_ADMIN, by)
    if by_year:
        rows = [
            {
                "group": r.group,
                **{k: v for k, v in to_plain(y).items() if k != "status"},
                "status": y.status.status if y.status else None,
            }
            for r in cards
            for y in r.years
        ]
        columns = ["group", "year", "records", "flagged_records", "findings", "rate", "status"]
        emit(rows, output, title=f"Scorecard by {by} and year", columns=columns)
        return
    plain = [to_plain(r) for r in cards]
    rows = [
        {**p, "status_today": r.status.status if r.status else None}
        for p, r in zip(plain, cards, strict=True)
    ]
    emit(
        rows,
        output,
        title=f"Scorecard by {by}",
        document=plain,
        columns=[
            "group",
            "records",
            "flagged_records",
            "findings",
            "rate",
            "trend",
            "status_today",
        ],
    )


@app.command("report")
@handle_errors
def report_cmd(
    as_of: str = typer.Option(..., "--as-of", help="Report on this date (YYYY-MM-DD)."),
    destination: str | None = typer.Option(
        None, "--destination", help="Only this destination country (ISO3)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Also write an Excel workbook (.xlsx) with a Sources sheet."
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """The figures of the WHO Global Code national reporting instrument (aggregates only)."""
    day = _day(as_of, "--as-of")
    assert day is not None
    if out is not None and out.suffix.lower() != ".xlsx":
        raise Invalid(f"--out must name an .xlsx file, not {out.name!r}.")
    with app_context() as ctx:
        rep = svc.national_report(
            ctx, LOCAL_ADMIN, day, destination=destination.upper() if destination else None
        )
    for w in rep.warnings:
        err_console.print(f"[yellow]Warning:[/yellow] {w}", highlight=False)
    if out is not None:
        svc.write_report_xlsx(rep, out)
        err_console.print(f"Wrote {out}", highlight=False)
    rows = [{"section": name, **row} for name, table in rep.sections().items() for row in table]
    columns = list(dict.fromkeys(k for row in rows for k in row)) or ["section"]
    emit(
        rows,
        output,
        title=f"WHO Code national reporting, as of {rep.as_of.isoformat()}",
        document={
            "as_of": rep.as_of.isoformat(),
            "destination": rep.destination,
            "organisation": rep.organisation,
            **{name: to_plain(table) for name, table in rep.sections().items()},
            "sources": rep.sources,
            "warnings": rep.warnings,
        },
        columns=columns,
    )


def register(root: typer.Typer) -> None:
    """Add the ``compliance`` commands to the root app."""
    registry.register(app)
    root.add_typer(app, name="compliance")
