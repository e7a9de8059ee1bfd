"""Render command results as a Rich table, JSON or CSV; print errors consistently."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from hrh.errors import HrhError

P = ParamSpec("P")
R = TypeVar("R")

err_console = Console(stderr=True)


class OutputFormat(StrEnum):
    """How a command prints data."""

    table = "table"
    json = "json"
    csv = "csv"


FormatOption = typer.Option(
    OutputFormat.table, "--format", "-f", help="Output as a table, JSON or CSV."
)


class _State:
    debug = False


state = _State()


def to_plain(obj: Any) -> Any:
    """Turn dataclasses, lists and dicts into JSON-ready values."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_plain(v) for v in obj]
    return obj


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1e15 else str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: OutputFormat,
    *,
    title: str = "",
    document: Any = None,
    columns: Sequence[str] | None = None,
) -> None:
    """Print ``rows``; JSON prints ``document`` when given (else the rows)."""
    if fmt is OutputFormat.json:
        payload = to_plain(document if document is not None else list(rows))
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt is OutputFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else _csv_cell(r.get(c)) for c in cols])
        sys.stdout.write(buf.getvalue())
        return
    table = Table(title=title or None, show_lines=False)
    for c in cols:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in cols))
    Console().print(table)
    if not rows:
        err_console.print("[yellow]No rows.[/yellow]")


def _csv_cell(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Print an HrhError as a short message (and its located problems) and exit 1."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except HrhError as exc:
            if state.debug:
                raise
            err_console.print(
                f"[bold red]Error:[/bold red] {exc.message}", highlight=False, soft_wrap=True
            )
            for p in exc.problems[:200]:
                err_console.print(f"  {p}", highlight=False, markup=False, soft_wrap=True)
            if len(exc.problems) > 200:
                err_console.print(f"  … and {len(exc.problems) - 200} more", highlight=False)
            if exc.hint:
                err_console.print(exc.hint, highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper
