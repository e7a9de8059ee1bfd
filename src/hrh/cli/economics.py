"""``hrh cost``: lost public investment, corridor losses and cost sharing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, handle_errors, to_plain
from hrh.cli.data import app_context

if TYPE_CHECKING:
    from hrh.services import economics
else:
    economics = lazy("hrh.services.economics")

cost_app = typer.Typer(
    help="Economics of migration: the public investment lost with emigrating health workers "
    "(FV = C × (1 + r)^n), by corridor, and what cost sharing would amount to.",
    no_args_is_help=True,
)

RATE_HELP = (
    "Annual interest rate: a fraction (0.0665) or a percentage with its sign (6.65%). "
    "Repeat three times for a low/central/high range. Default: the origin's bundled rates."
)
YEARS_HELP = "Years compounded (n). Default: the origin's bundled horizon (KEN: 32)."


@cost_app.command("lost-investment")
@handle_errors
def lost_investment_cmd(
    cost: float | None = typer.Option(
        None, "--cost", "-C", help="Cost of educating one worker (C). Default: bundled cost."
    ),
    rate: list[str] = typer.Option([], "--rate", "-r", help=RATE_HELP),
    years: float | None = typer.Option(None, "--years", "-n", help=YEARS_HELP),
    country: str | None = typer.Option(
        None, "--country", "-c", help="Country of training (ISO3) whose bundled figures to use."
    ),
    cadre: str | None = typer.Option(None, "--cadre", help="Cadre id or ISCO-08 code."),
    output: OutputFormat = FormatOption,
) -> None:
    """The public investment lost with one emigrant: FV = C × (1 + r)^n at each rate."""
    report = economics.lost_investment_per_emigrant(
        cost=cost, rates=rate, years=years, country=country, cadre=cadre
    )
    rows = [to_plain(x) | {"returns_forgone": x.returns_forgone} for x in report.results]
    doc = to_plain(report) | {"results": rows}
    if output is not OutputFormat.table:
        emit(rows, output, document=doc, columns=list(_fields(rows)))
        return
    view = [
        {
            "scenario": x.scenario,
            "rate": _pct(x.rate),
            "years": f"{x.years:g}",
            "cost": f"{x.cost:,.0f}",
            "future value": f"{x.future_value:,.0f}",
            "returns forgone": f"{x.returns_forgone:,.0f}",
        }
        for x in report.results
    ]
    emit(view, output, title=f"Investment lost per emigrant ({report.cost.currency})")
    _echo_inputs(report.inputs)


@cost_app.command("corridor")
@handle_errors
def corridor_cmd(
    origin: str = typer.Option(..., "--origin", "-o", help="Country of training (ISO3)."),
    destination: str | None = typer.Option(None, "--destination", "-d", help="Destination."),
    cadre: str | None = typer.Option(None, "--cadre", help="Cadre id or ISCO-08 code."),
    year: int | None = typer.Option(None, "--year", "-y", help="Stocks of this year only."),
    rate: list[str] = typer.Option([], "--rate", "-r", help=RATE_HELP),
    years: float | None = typer.Option(None, "--years", "-n", help=YEARS_HELP),
    cost: float | None = typer.Option(
        None, "--cost", "-C", help="Cost of educating one worker of --cadre in the origin."
    ),
    destination_cost: float | None = typer.Option(
        None,
        "--destination-cost",
        help="The destination's cost of training one worker of --cadre (for its savings).",
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """Investment lost by an origin with its workers abroad, by corridor (latest year each)."""
    with app_context() as ctx:
        report = economics.corridor_loss(
            ctx,
            origin=origin,
            destination=destination,
            cadre=cadre,
            year=year,
            rates=rate,
            years=years,
            cost=cost,
            destination_cost=destination_cost,
        )
    if output is not OutputFormat.table:
        rows = [to_plain(r) for r in report.data]
        emit(rows, output, document=to_plain(report), columns=list(_fields(rows)))
        return
    r = report.rates
    emit(
        [_corridor_view(c) for c in report.data],
        output,
        title=f"Investment lost by {report.origin_name}, million {report.currency}; "
        f"n = {report.years:g}, rates {_pct(r.low)} / {_pct(r.central)} / {_pct(r.high)}",
    )
    typer.echo(
        f"Total for {report.total_stock:,.0f} workers: {report.total_loss_central:,.0f} "
        f"{report.currency} at {_pct(r.central)} (range {report.total_loss_low:,.0f} at "
        f"{_pct(r.low)} to {report.total_loss_high:,.0f} at {_pct(r.high)})."
    )
    if report.total_destination_savings is not None:
        typer.echo(f"Destination savings: {report.total_destination_savings:,.0f}.")
    if (m := report.remittances) is not None:
        scale = (
            f"; the central loss equals {m.loss_in_years_of_remittances:.2f} years of them"
            if m.loss_in_years_of_remittances is not None
            else ""
        )
        typer.echo(
            f"Remittances received by {report.origin_name} in {m.year} (all emigrants, all "
            f"occupations): {m.remittances_usd:,.0f} USD ({m.source}){scale}."
        )
    for note in report.notes:
        typer.echo(note)
    _echo_inputs(report.inputs)


@cost_app.command("share")
@handle_errors
def share_cmd(
    origin: str = typer.Option(..., "--origin", "-o", help="Country of training (ISO3)."),
    destination: str = typer.Option(..., "--destination", "-d", help="Destination (ISO3)."),
    refund_share: str = typer.Option(
        ..., "--refund-share", "-x", help="Share of the loss per recruit refunded: 0.1 or 10%."
    ),
    cadre: str = typer.Option("medical_doctors", "--cadre", help="Cadre id or ISCO-08 code."),
    rate: list[str] = typer.Option([], "--rate", "-r", help=RATE_HELP),
    years: float | None = typer.Option(None, "--years", "-n", help=YEARS_HELP),
    cost: float | None = typer.Option(
        None, "--cost", "-C", help="Cost of educating one worker in the origin."
    ),
    place_cost: float | None = typer.Option(
        None,
        "--place-cost",
        help="Cost of one training place in the origin (default: the professional component).",
    ),
    recruits: float | None = typer.Option(
        None, "--recruits", help="Number of recruits (default: the stored stock abroad)."
    ),
    year: int | None = typer.Option(None, "--year", "-y", help="Stock of this year."),
    output: OutputFormat = FormatOption,
) -> None:
    """What refunding a share of the loss per recruit amounts to, and the places it pays for."""
    with app_context() as ctx:
        report = economics.cost_sharing(
            ctx,
            origin=origin,
            destination=destination,
            refund_share=refund_share,
            cadre=cadre,
            rates=rate,
            years=years,
            cost=cost,
            place_cost=place_cost,
            recruits=recruits,
            year=year,
        )
    if output is not OutputFormat.table:
        rows = [to_plain(o) for o in report.options]
        emit(rows, output, document=to_plain(report), columns=list(_fields(rows)))
        return
    emit(
        [_share_view(o) for o in report.options],
        output,
        title=f"{report.origin} → {report.destination} {report.cadre}: refund "
        f"{report.refund_share:.0%} of the loss per recruit ({report.currency})",
    )
    if report.recruits is not None:
        when = f" ({report.recruits_year})" if report.recruits_year else ""
        typer.echo(f"Recruits: {report.recruits:,.0f}{when}, {report.recruits_source}.")
    typer.echo(f"One training place: {report.training_place_cost:,.0f} {report.currency}.")
    for note in report.notes:
        typer.echo(note)
    _echo_inputs(report.inputs)


@cost_app.command("parameters")
@handle_errors
def parameters_cmd(output: OutputFormat = FormatOption) -> None:
    """The bundled education costs, interest rates and horizons, with their sources."""
    params = economics.list_parameters()
    rows = [to_plain(p) for p in params]
    if output is not OutputFormat.table:
        emit(rows, output, columns=[*rows[0]] if rows else None)
        return
    for r in rows:
        r["values"] = ", ".join(f"{k} {v:,.10g}" for k, v in r["values"].items())
    emit(rows, output, columns=["kind", "country", "cadre", "effective", "values", "unit"])
    typer.echo("Sources:")
    for ref in dict.fromkeys(ref for p in params for ref in p.references):
        typer.echo(f"  {ref}")


def _fields(rows: list[dict[str, Any]]) -> dict[str, None]:
    return dict.fromkeys(k for r in rows for k in r)


def _pct(rate: float) -> str:
    return f"{rate * 100:.4g}%"


def _millions(value: float | None) -> str | None:
    return None if value is None else f"{value / 1e6:,.1f}"


def _corridor_view(c: economics.CorridorLossRow) -> dict[str, Any]:
    return {
        "destination": c.destination,
        "cadre": c.cadre,
        "year": c.year,
        "stock": f"{c.stock:,.0f}",
        "low": _millions(c.loss_low),
        "central": _millions(c.loss_central),
        "high": _millions(c.loss_high),
        "savings": _millions(c.destination_savings),
    }


def _share_view(o: economics.CostShareOption) -> dict[str, Any]:
    return {
        "scenario": o.scenario,
        "rate": _pct(o.rate),
        "loss/recruit": f"{o.loss_per_recruit:,.0f}",
        "refund/recruit": f"{o.refund_per_recruit:,.0f}",
        "refund total": None if o.refund_total is None else f"{o.refund_total:,.0f}",
        "places/recruit": f"{o.training_places_per_recruit:.2f}",
        "places": o.whole_training_places,
    }


def _echo_inputs(inputs: list[economics.InputUsed]) -> None:
    for i in inputs:
        if isinstance(i.value, dict):
            value = ", ".join(f"{k} {v:,.10g}" for k, v in i.value.items())
        else:
            value = f"{i.value:,.10g}"
        typer.echo(f"  {i.name}: {value} ({i.unit}); {i.source}")


def register(app: typer.Typer) -> None:
    """Add ``hrh cost`` to the root app."""
    app.add_typer(cost_app, name="cost")
