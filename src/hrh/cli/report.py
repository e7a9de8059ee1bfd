"""``hrh report``: a country brief as PDF (the same document as ``/countries/{iso3}/brief.pdf``).

The brief is laid out by :mod:`hrh.presentation.brief` (its template, the interface's catalogs
and SVG charts), the renderer the web page uses too, so the PDF from the command line and from
the web page are the same document.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hrh.cli._lazy import lazy
from hrh.cli._output import err_console, handle_errors
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid

if TYPE_CHECKING:
    from hrh.presentation import brief, l10n
else:
    brief = lazy("hrh.presentation.brief")
    l10n = lazy("hrh.presentation.l10n")


def report_cmd(
    country: str = typer.Argument(..., help="ISO3 code of the country, e.g. GHA."),
    out: Path = typer.Option(..., "--out", "-o", help="The PDF file to write, e.g. GHA.pdf."),
    lang: str = typer.Option("en", "--lang", help="Language of the brief: en, fr or es."),
) -> None:
    """Write a country brief (two to four A4 pages) as PDF."""
    if lang not in l10n.LANGUAGES:
        raise Invalid(f"Unknown language {lang!r}.", hint="Use en, fr or es.")
    if out.is_dir():
        raise Invalid(f"{out} is a folder.", hint="Name the PDF file to write, e.g. GHA.pdf.")
    with app_context() as ctx:
        pdf = brief.build_brief_pdf(ctx, country, lang, LOCAL_ADMIN)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise Invalid(f"Cannot write {out}: {exc.strerror}.") from None
    err_console.print(f"Wrote {out} ({len(pdf) // 1024} KiB).", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the report command to the root app."""
    app.command("report")(handle_errors(report_cmd))
