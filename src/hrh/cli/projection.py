"""Projection commands: ``hrh project run | compare | scenarios | runs | show``."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hrh.cli._lazy import lazy
from hrh.cli._output import FormatOption, OutputFormat, emit, err_console, handle_errors
from hrh.cli._parquet import write_parquet
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid
from hrh.projection.defaults import DEFAULT_FROM, DEFAULT_REPLICATES, DEFAULT_UNTIL

if TYPE_CHECKING:
    from hrh.services import projection_runs as runs_svc
    from hrh.services import projections as svc
else:
    runs_svc = lazy("hrh.services.projection_runs")
    svc = lazy("hrh.services.projections")

project_app = typer.Typer(
    help="Projections of supply and need, with scenarios and policy levers.",
    no_args_is_help=True,
)

ROW_COLUMNS = [
    "country",
    "cadre",
    "year",
    "supply",
    "need",
    "gap",
    "graduates",
    "immigration",
    "returns",
    "attrition",
    "retirement",
    "emigration",
    "foreign_trained",
    "abroad",
]
QUANTILE_COLUMNS = ["p05", "p50", "p95"]
COMPARE_COLUMNS = [
    "country",
    "cadre",
    "year",
    "supply_a",
    "supply_b",
    "supply_diff",
    "gap_a",
    "gap_b",
    "gap_diff",
    "immigration_diff",
    "emigration_diff",
    "returns_diff",
]
TABLE_COLUMNS = [
    "country",
    "cadre",
    "year",
    "supply",
    "need",
    "gap",
    "graduates",
    "immigration",
    "emigration",
]
_TABLE_ROWS = 60
_TABLE_COUNTRIES = 20

CountriesOption = typer.Option(
    None,
    "--countries",
    "-c",
    help="ISO3 codes, comma-separated (default: every country with data).",
)
FromOption = typer.Option(DEFAULT_FROM, "--from", help="Base year (stocks at 1 January).")
UntilOption = typer.Option(DEFAULT_UNTIL, "--until", help="Last projected year.")
OutOption = typer.Option(
    None,
    "--out",
    "-o",
    help="Write all rows to FILE.csv, FILE.json or FILE.parquet instead of printing.",
)
RUN_COLUMNS = [
    "id",
    "status",
    "scenario",
    "mode",
    "from_year",
    "until_year",
    "countries",
    "row_count",
    "created_at",
    "owner",
]


@contextlib.contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    with bar:
        task = bar.add_task(label, total=total)
        yield lambda _n: bar.advance(task)


def _codes(countries: str | None) -> list[str] | None:
    return [c for c in countries.split(",") if c.strip()] if countries else None


@project_app.command("run")
@handle_errors
def run_cmd(
    scenario: str = typer.Argument(
        ..., help="A bundled scenario (see `hrh project scenarios`) or a scenario YAML file."
    ),
    countries: str | None = CountriesOption,
    from_year: int = FromOption,
    until: int = UntilOption,
    mode: str = typer.Option(
        "deterministic",
        "--mode",
        help="deterministic (expected values), stochastic (per-cell draws, replicates, "
        "quantiles of supply) or agent (one row per worker, replicates, quantiles).",
    ),
    replicates: int = typer.Option(
        DEFAULT_REPLICATES, "--replicates", "-n", help="Stochastic and agent modes: replicates."
    ),
    seed: int | None = typer.Option(
        None,
        "--seed",
        help="Stochastic and agent modes: the seed (default: a fresh one, recorded).",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        help="Stochastic and agent modes: local processes for the replicates (default: the "
        "machine's cores for large ensembles, this process for small ones). Results do not "
        "depend on it.",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Stochastic and agent modes: run the replicates on the Dask cluster at this "
        "address (e.g. tcp://10.0.0.5:8786; needs `pip install 'hrh[dask]'`).",
    ),
    registry: Path | None = typer.Option(
        None,
        "--registry",
        help="A registry of individual workers (CSV or .xlsx, one row per worker: worker_id, "
        "country, cadre, birth_year or age, sex, workplace, graduation_year) that replaces "
        "the stored stocks of its countries of training; in agent mode its workers are the "
        "agents. Worker ids are checked, never kept. See docs/formats.md.",
    ),
    output: OutputFormat = FormatOption,
    out: Path | None = OutOption,
    store: bool = typer.Option(
        True, "--store/--no-store", help="Store the run (see `hrh project runs`)."
    ),
) -> None:
    """Project supply, need and gap per country, cadre and year under a scenario."""
    steps = (until - from_year + 1) * (replicates if mode in ("stochastic", "agent") else 1)
    _check_out(out)
    with app_context() as ctx, _progress(f"Projecting {scenario}", max(steps, 1)) as tick:
        result = svc.run_projection(
            ctx,
            scenario,
            countries=_codes(countries),
            from_year=from_year,
            until=until,
            mode=mode,
            replicates=replicates,
            seed=seed,
            on_step=tick,
            workers=workers,
            scheduler=scheduler,
            registry=registry,
        )
        if store:
            request = runs_svc.RunRequest(
                scenario,
                tuple(_codes(countries) or ()),
                from_year,
                until,
                mode,
                replicates,
                result.seed,
            )
            run_id = runs_svc.record_run(ctx, LOCAL_ADMIN, request, result)
            err_console.print(f"Stored as run {run_id}.", highlight=False)
    doc = result.document()
    columns = TABLE_COLUMNS if output is OutputFormat.table else ROW_COLUMNS
    if result.mode in ("stochastic", "agent"):
        columns = [*columns, *QUANTILE_COLUMNS]
    _render(doc["rows"], doc, columns, output, out, f"{result.scenario} ({result.mode})")
    if out is None and output is OutputFormat.table:
        err_console.print(
            f"Scenario {result.scenario}, hash {result.scenario_hash[:12]}; "
            + (
                f"{result.replicates} replicates, seed {result.seed}; "
                if result.mode in ("stochastic", "agent")
                else ""
            )
            + f"{len(result.assumptions)} assumptions (listed with --format json).",
            highlight=False,
        )


@project_app.command("compare")
@handle_errors
def compare_cmd(
    a: str = typer.Argument(..., help="Scenario A (bundled name or YAML file)."),
    b: str = typer.Argument(..., help="Scenario B; differences are B − A."),
    countries: str | None = CountriesOption,
    from_year: int = FromOption,
    until: int = UntilOption,
    output: OutputFormat = FormatOption,
    out: Path | None = OutOption,
) -> None:
    """Run two scenarios on the same data and show B − A per country, cadre and year."""
    _check_out(out)
    with app_context() as ctx, _progress(f"{a} vs {b}", 2 * (until - from_year + 1)) as tick:
        result = svc.compare_projections(
            ctx, a, b, countries=_codes(countries), from_year=from_year, until=until, on_step=tick
        )
    doc = result.document()
    _render(doc["rows"], doc, COMPARE_COLUMNS, output, out, f"{b} − {a}")


@project_app.command("runs")
@handle_errors
def runs_cmd(
    limit: int = typer.Option(50, "--limit", help="At most this many runs (newest first)."),
    output: OutputFormat = FormatOption,
) -> None:
    """List the stored projection runs, newest first."""
    with app_context() as ctx:
        views = runs_svc.list_runs(ctx, LOCAL_ADMIN, limit)
    rows = [{**v.summary(), "countries": " ".join(v.countries)} for v in views]
    emit(rows, output, title="Stored projection runs", columns=RUN_COLUMNS)


@project_app.command("show")
@handle_errors
def show_cmd(
    run_id: str = typer.Argument(..., help="A run id (see `hrh project runs`)."),
    output: OutputFormat = FormatOption,
    out: Path | None = OutOption,
) -> None:
    """Show a stored run: its provenance and status, and its rows once done."""
    _check_out(out)
    with app_context() as ctx:
        view = runs_svc.get_run(ctx, LOCAL_ADMIN, run_id)
    if output is OutputFormat.json and out is None:
        sys.stdout.write(json.dumps(view.document(), indent=2, ensure_ascii=False) + "\n")
        return
    if view.result is None:
        err_console.print(
            f"Run {view.id}: {view.status}." + (f" {view.error}" if view.error else ""),
            highlight=False,
        )
        if view.status == "failed":
            raise typer.Exit(1)
        return
    doc = view.result
    columns = TABLE_COLUMNS if output is OutputFormat.table else ROW_COLUMNS
    if doc["mode"] in ("stochastic", "agent"):
        columns = [*columns, *QUANTILE_COLUMNS]
    _render(doc["rows"], doc, columns, output, out, f"{view.id}: {doc['scenario']}")
    if out is None and output is OutputFormat.table:
        err_console.print(
            f"Scenario {doc['scenario']}, hash {doc['hash'][:12]}, code {doc['code_version']}, "
            f"{len(view.sources)} sources; stored {view.created_at} by {view.owner}.",
            highlight=False,
        )


@project_app.command("scenarios")
@handle_errors
def scenarios_cmd(output: OutputFormat = FormatOption) -> None:
    """List the bundled scenarios with their one-line descriptions."""
    rows = [dataclasses.asdict(s) for s in svc.list_scenarios()]
    emit(rows, output, columns=["name", "base", "levers", "description"])


def _render(
    rows: list[dict[str, Any]],
    doc: dict[str, Any],
    columns: Sequence[str],
    output: OutputFormat,
    out: Path | None,
    title: str,
) -> None:
    if out is not None:
        if out.suffix.lower() == ".parquet":
            write_parquet(rows, columns, doc, out)
            err_console.print(f"Wrote {len(rows)} rows to {out}.", highlight=False)
            return
        fmt = _OUT_FORMATS[out.suffix.lower()]
        with out.open("w", encoding="utf-8", newline="") as fh, contextlib.redirect_stdout(fh):
            _emit(rows, doc, columns, fmt)
        err_console.print(f"Wrote {len(rows)} rows to {out}.", highlight=False)
        return
    if output is not OutputFormat.table:
        _emit(rows, doc, columns, output)
        return
    shown, note = rows, ""
    n_countries = len({r["country"] for r in rows})
    if n_countries > _TABLE_COUNTRIES:
        last = max(r["year"] for r in rows)
        shown, note = [r for r in rows if r["year"] == last], f"Year {last} shown"
    elif len(rows) > _TABLE_ROWS:
        first, last = rows[0]["year"], max(r["year"] for r in rows)
        shown = [r for r in rows if (r["year"] - first) % 5 == 0 or r["year"] == last]
        note = "Every 5th year shown"
    emit([_rounded(r) for r in shown], output, title=title, columns=columns)
    if note:
        err_console.print(
            f"{note}; --format csv|json or --out FILE for every year.", highlight=False
        )


_OUT_FORMATS = {".csv": OutputFormat.csv, ".json": OutputFormat.json}


def _check_out(out: Path | None) -> None:
    """Refuse an --out file of an unknown kind before any work is done."""
    if out is not None and out.suffix.lower() not in (*_OUT_FORMATS, ".parquet"):
        raise Invalid(
            f"--out {out}: expected a file name ending in .csv, .json or .parquet.",
        )


def _emit(
    rows: list[dict[str, Any]], doc: dict[str, Any], columns: Sequence[str], fmt: OutputFormat
) -> None:
    """Print CSV, or JSON with the metadata indented and one row per line (fast for big runs)."""
    if fmt is not OutputFormat.json:
        emit(rows, fmt, columns=columns)
        return
    head = json.dumps({k: v for k, v in doc.items() if k != "rows"}, indent=2, ensure_ascii=False)
    body = ",\n    ".join(json.dumps(r, ensure_ascii=False) for r in rows)
    sys.stdout.write(f'{head[:-2]},\n  "rows": [\n    {body}\n  ]\n}}\n')


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    return {k: f"{v:,.0f}" if isinstance(v, float) else v for k, v in row.items()}


def register(app: typer.Typer) -> None:
    """Add the ``project`` commands to the root app."""
    from hrh.cli import projection_jobs

    projection_jobs.register(project_app)
    app.add_typer(project_app, name="project")
