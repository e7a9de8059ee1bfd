"""Observatory commands: series, indicators, ssl, corridors, sources, countries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, handle_errors, to_plain
from hrh.cli.data import app_context

if TYPE_CHECKING:
    from hrh.services import corridors as corridor_svc
    from hrh.services import indicators as indicator_svc
    from hrh.services import observatory
    from hrh.services import safeguards as ssl_svc
    from hrh.services import series as series_svc
else:
    corridor_svc = lazy("hrh.services.corridors")
    indicator_svc = lazy("hrh.services.indicators")
    observatory = lazy("hrh.services.observatory")
    ssl_svc = lazy("hrh.services.safeguards")
    series_svc = lazy("hrh.services.series")

ssl_app = typer.Typer(
    help="The WHO Health Workforce Support and Safeguards List.", no_args_is_help=True
)


def series_cmd(
    country: str = typer.Option(..., "--country", "-c", help="ISO3 code, e.g. GHA."),
    cadre: str = typer.Option(..., "--cadre", help="Cadre id or ISCO-08 code, e.g. 2221."),
    measure: str = typer.Option("per_10k", "--measure", "-m", help="per_10k or headcount."),
    since: int | None = typer.Option(None, "--since", help="First year."),
    until: int | None = typer.Option(None, "--until", help="Last year."),
    output: OutputFormat = FormatOption,
) -> None:
    """Show the stored values of one series by year, one row per source."""
    with app_context() as ctx:
        values = series_svc.get_series(ctx, country, cadre, measure, since, until)
    emit(
        [to_plain(v) for v in values],
        output,
        title=f"{country.upper()} {cadre} {measure}",
        columns=["year", "value", "source", "publisher", "latest_vintage"]
        if output is OutputFormat.table
        else None,
    )


def indicators_cmd(
    code: str = typer.Argument(
        ..., help="ISO3 country, WHO region (AFR…), LIC/LMC/UMC/HIC or WLD."
    ),
    year: int | None = typer.Option(
        None, "--year", "-y", help="As of this year (default: latest)."
    ),
    lookback: int | None = typer.Option(
        None, "--lookback", help="Look-back window in years (default 7, HRH_LOOKBACK_YEARS)."
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """Evaluate the indicator registry for a country or a group of countries."""
    with app_context() as ctx:
        report = indicator_svc.indicators_for(ctx, code, year, lookback)
    rows = []
    for v in report.indicators:
        row = to_plain(v)
        row["source"] = v.source
        rows.append(row)
    if output is OutputFormat.json:
        emit(rows, output, document=rows)
        return
    emit(
        rows,
        output,
        title=f"{report.name} ({report.code})",
        columns=["id", "cadre", "value", "unit", "year", "method", "source", "note"],
    )


@ssl_app.command("compute")
@handle_errors
def ssl_compute(
    version: str = typer.Option("2023", "--version", "-v", help="SSL edition: 2023 or 2020."),
    only_eligible: bool = typer.Option(False, "--eligible", help="List only eligible countries."),
    disagreements: bool = typer.Option(
        False, "--disagreements", help="List only countries where computed ≠ official."
    ),
    output: OutputFormat = FormatOption,
) -> None:
    """Compute SSL eligibility from the stored data as WHO does, and compare with the list."""
    with app_context() as ctx:
        result = ssl_svc.compute_safeguard_list(ctx, version)
    rows = [to_plain(r) | {"iso3": r.iso3} for r in result.countries]
    if only_eligible:
        rows = [r for r in rows if r["eligible"]]
    if disagreements:
        rows = [r for r in rows if r["agrees"] is False]
    doc = {
        "version": version,
        "criteria": to_plain(result.criteria) | {"effective": str(result.criteria.effective)},
        "summary": to_plain(result.summary),
        "countries": rows,
    }
    emit(
        rows,
        output,
        document=doc,
        columns=[
            "iso3",
            "name",
            "eligible",
            "density",
            "uhc_index",
            "official",
            "agrees",
            "reason",
        ],
    )
    if output is OutputFormat.table:
        s = result.summary
        typer.echo(
            f"SSL {version}: {s.eligible} eligible of {s.countries} WHO Member States; "
            f"published list {s.official if s.official is not None else 'not stored'}; "
            f"agreement {s.agree}/{s.countries}."
        )


def corridors_cmd(
    origin: str | None = typer.Option(None, "--origin", help="Country of training (ISO3)."),
    destination: str | None = typer.Option(None, "--destination", help="Destination (ISO3)."),
    cadre: str | None = typer.Option(None, "--cadre", help="Cadre id or ISCO-08 code."),
    year: int | None = typer.Option(None, "--year", "-y", help="Only this year."),
    limit: int = typer.Option(20, "--limit", "-n", help="How many rows."),
    output: OutputFormat = FormatOption,
) -> None:
    """Bilateral stocks of workers abroad, largest first, with the origin's share."""
    with app_context() as ctx:
        page = corridor_svc.list_corridors(
            ctx, origin=origin, destination=destination, cadre=cadre, year=year, limit=limit
        )
    rows = [to_plain(c) for c in page.data]
    emit(
        rows,
        output,
        document={"data": rows, "count": page.count},
        columns=[
            "origin",
            "destination",
            "cadre",
            "year",
            "value",
            "share_of_origin_workforce",
            "source",
        ],
    )


def sources_cmd(output: OutputFormat = FormatOption) -> None:
    """List every stored source vintage with publisher and licence."""
    with app_context() as ctx:
        rows = [to_plain(s) | {"label": s.label} for s in observatory.list_sources(ctx)]
    emit(rows, output, columns=["label", "publisher", "title", "released", "licence"])


def countries_cmd(
    region: str | None = typer.Option(None, "--region", help="WHO region code, e.g. AFR."),
    output: OutputFormat = FormatOption,
) -> None:
    """List countries with their codes, WHO region and income group."""
    with app_context() as ctx:
        rows = [to_plain(c) for c in observatory.list_countries(ctx, region)]
    emit(rows, output, columns=["iso3", "name", "m49", "who_region", "wb_income"])


def register(app: typer.Typer) -> None:
    """Add the observatory commands to the root app."""
    app.command("series")(handle_errors(series_cmd))
    app.command("indicators")(handle_errors(indicators_cmd))
    app.add_typer(ssl_app, name="ssl")
    app.command("corridors")(handle_errors(corridors_cmd))
    app.command("sources")(handle_errors(sources_cmd))
    app.command("countries")(handle_errors(countries_cmd))
