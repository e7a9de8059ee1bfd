"""``hrh diaspora propose|respond|confirm|start|complete|cancel|outcome|assignments|return…``.

Run locally, these commands act as the local administrator (audited as ``local:cli``); an
administrator's ``respond`` records a reply the professional gave by e-mail or phone.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, err_console, handle_errors, to_plain
from hrh.cli.data import app_context
from hrh.diaspora.workflow import Incentive, Outcome, PermanentReturn
from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid

if TYPE_CHECKING:
    from hrh.services import diaspora_assignments as workflow
    from hrh.services import diaspora_returns as returns
else:
    workflow = lazy("hrh.services.diaspora_assignments")
    returns = lazy("hrh.services.diaspora_returns")


def _row(a: workflow.AssignmentView) -> dict[str, object]:
    sent = ", ".join(f"{n.event}→{n.recipient}: {n.status}" for n in a.notifications)
    return {
        "assignment_id": a.assignment_id,
        "status": a.status,
        "profile_id": a.profile_id,
        "opportunity_id": a.opportunity_id,
        "country": a.country,
        "mode": a.mode,
        "score": a.score,
        "next": " ".join(a.next_events),
        "notifications": sent,
    }


def _show(a: workflow.AssignmentView, output: OutputFormat) -> None:
    emit([_row(a)], output, document=to_plain(a))
    failed = [n for n in a.notifications if n.status == "failed"]
    for n in failed:
        err_console.print(f"The e-mail to the {n.recipient} was not sent: {n.error}")


def _incentive(text: str) -> Incentive:
    """Parse ``KIND[:AMOUNT:CURRENCY]``, e.g. ``relocation grant:5000:USD``."""
    kind, _, rest = text.partition(":")
    if not rest:
        return Incentive(kind.strip(), None, "")
    amount, _, currency = rest.partition(":")
    try:
        value = float(amount)
    except ValueError:
        raise Invalid(
            f"--incentive {text!r}: the amount {amount!r} is not a number.",
            hint="Write KIND or KIND:AMOUNT:CURRENCY, e.g. 'relocation grant:5000:USD'.",
        ) from None
    return Incentive(kind.strip(), value, currency.strip().upper())


def add_commands(app: typer.Typer) -> None:
    """Add the workflow commands to ``hrh diaspora``."""

    @app.command("propose")
    @handle_errors
    def propose(
        opportunity: str | None = typer.Option(None, "--opportunity", help="Opportunity id."),
        profile: str | None = typer.Option(
            None, "--profile", help="Propose this profile (else the current optimal match)."
        ),
        output: OutputFormat = FormatOption,
    ) -> None:
        """Propose a feasible pair, or every pair of the optimal match; e-mail the professionals."""
        with app_context() as ctx:
            if profile is not None:
                if opportunity is None:
                    raise Invalid("--profile needs --opportunity.")
                made = [workflow.propose(ctx, LOCAL_ADMIN, profile, opportunity)]
            else:
                made = workflow.propose_matches(ctx, LOCAL_ADMIN, opportunity)
        emit([_row(a) for a in made], output, document=to_plain(made))
        err_console.print(f"Proposed {len(made)} assignment(s).")

    @app.command("respond")
    @handle_errors
    def respond(
        assignment: str = typer.Argument(..., help="The assignment's id."),
        accept: bool = typer.Option(
            ..., "--accept/--decline", help="The professional's answer (received by mail/phone)."
        ),
        output: OutputFormat = FormatOption,
    ) -> None:
        """Record the professional's answer to a proposal; the proposing officer is e-mailed."""
        with app_context() as ctx:
            _show(workflow.respond(ctx, LOCAL_ADMIN, assignment, accept), output)

    for event, doc in (
        ("confirm", "Confirm an accepted assignment (never beyond the opportunity's slots)."),
        ("start", "Mark a confirmed assignment as started."),
        ("complete", "Mark a confirmed or started assignment as completed."),
        ("cancel", "Cancel an assignment that is not yet completed."),
    ):
        _step(app, event, doc)

    @app.command("outcome")
    @handle_errors
    def outcome(
        assignment: str = typer.Argument(..., help="The completed assignment's id."),
        hours: float = typer.Option(..., "--hours", help="Hours worked (or taught, virtually)."),
        patients: int = typer.Option(0, "--patients", help="Patients seen."),
        trained: int = typer.Option(0, "--trained", help="Staff trained."),
        feedback: str = typer.Option("", "--feedback", help="Free text (stored encrypted)."),
        output: OutputFormat = FormatOption,
    ) -> None:
        """Report the outcome of a completed assignment (once)."""
        report = Outcome(hours, patients, trained, feedback)
        with app_context() as ctx:
            _show(workflow.report_outcome(ctx, LOCAL_ADMIN, assignment, report), output)

    @app.command("assignments")
    @handle_errors
    def assignments(
        opportunity: str | None = typer.Option(None, "--opportunity", help="Only this one."),
        output: OutputFormat = FormatOption,
    ) -> None:
        """Every assignment, newest first, with its status and notifications."""
        with app_context() as ctx:
            rows = workflow.list_assignments(ctx, LOCAL_ADMIN, opportunity)
        emit([_row(a) for a in rows], output, document={"data": to_plain(rows)})

    @app.command("record-return")
    @handle_errors
    def record_return(
        profile: str = typer.Argument(..., help="The profile's id."),
        country: str = typer.Option(..., "--country", help="ISO3 of the country returned to."),
        on: str = typer.Option(..., "--on", help="Return date, YYYY-MM-DD."),
        incentive: list[str] = typer.Option(
            [], "--incentive", help="KIND[:AMOUNT:CURRENCY], repeatable."
        ),
        bonding_months: int | None = typer.Option(None, "--bonding-months"),
        bonding_until: str | None = typer.Option(None, "--bonding-until", help="YYYY-MM-DD."),
        output: OutputFormat = FormatOption,
    ) -> None:
        """Record a permanent return with incentives received and any bonding obligation."""
        r = PermanentReturn(
            country.strip().upper(),
            _date("--on", on),
            tuple(_incentive(i) for i in incentive),
            bonding_months,
            _date("--bonding-until", bonding_until) if bonding_until else None,
        )
        with app_context() as ctx:
            view = returns.record_return(ctx, LOCAL_ADMIN, profile, r)
        emit([to_plain(view)], output, document=to_plain(view))

    @app.command("returns")
    @handle_errors
    def list_returns(output: OutputFormat = FormatOption) -> None:
        """Permanent returns with incentives and bonding."""
        with app_context() as ctx:
            rows = returns.list_returns(ctx, LOCAL_ADMIN)
        emit([to_plain(r) for r in rows], output, document={"data": to_plain(rows)})

    @app.command("assignment-stats")
    @handle_errors
    def assignment_stats(output: OutputFormat = FormatOption) -> None:
        """Public figures: confirmed assignments and virtual hours (cells under 5 suppressed)."""
        with app_context() as ctx:
            result = returns.figures(ctx, LOCAL_ADMIN)
        emit([to_plain(c) for c in result.cells], output, document=to_plain(result))


def _date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{option} {text!r} is not a date: expected YYYY-MM-DD.") from None


def _step(app: typer.Typer, event: str, doc: str) -> None:
    @handle_errors
    def command(
        assignment: str = typer.Argument(..., help="The assignment's id."),
        output: OutputFormat = FormatOption,
    ) -> None:
        with app_context() as ctx:
            _show(workflow.advance(ctx, LOCAL_ADMIN, assignment, event), output)

    command.__doc__ = doc
    app.command(event, help=doc)(command)
