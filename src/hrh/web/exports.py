"""Downloads of the pages' tables: CSV, and Excel with a "Sources" sheet.

A page builds one :class:`Table` (English column names, full-precision values, sources as
stored) from the same service call as its HTML, and answers ``/<page>.csv`` or
``/<page>.xlsx`` with :func:`table_response`; its template shows the links with the
``downloads()`` macro of ``_downloads.html``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fastapi import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from hrh.domain.records import StoredSource
from hrh.errors import NotFound

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE_COLUMNS = ("key", "title", "publisher", "vintage", "licence", "released", "url")

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A table to download: a file name (without extension), columns, rows and its sources."""

    name: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    sources: Sequence[StoredSource] = field(default_factory=list)
    #: The figures the table was computed with (name, value, unit, source): an "Inputs" sheet.
    inputs: Sequence[tuple[str, str, str, str]] = field(default_factory=list)


def used_sources(labels: Iterable[str], sources: Mapping[str, StoredSource]) -> list[StoredSource]:
    """The stored sources behind ``key@vintage`` labels (``"; "``-joined lists allowed)."""
    wanted = {part for label in labels if label for part in label.split("; ")}
    return sorted(
        (s for label, s in sources.items() if label in wanted), key=lambda s: (s.key, s.vintage)
    )


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def table_csv(table: Table) -> str:
    """The table as CSV (a header row, then one row per record; empty cell for no value).

    >>> print(table_csv(Table("t", ["a", "b"], [["x", 1.5], ["y", None]])), end="")
    a,b
    x,1.5
    y,
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return out.getvalue()


def table_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook: the data sheet, then "Sources" (one row per source).

    A table computed from figures (``inputs``) also gets an "Inputs" sheet: each figure with
    its value, unit and where it came from.
    """
    wb = Workbook()
    data = wb.active
    data.title = "Data"
    data.append(list(table.columns))
    for row in table.rows:
        data.append(list(row))
    sources = wb.create_sheet("Sources")
    sources.append(list(SOURCE_COLUMNS))
    for s in table.sources:
        sources.append([s.key, s.title, s.publisher, s.vintage, s.licence, s.released, s.url])
    sheets = [data, sources]
    if table.inputs:
        inputs = wb.create_sheet("Inputs")
        inputs.append(["name", "value", "unit", "source"])
        for row in table.inputs:
            inputs.append(list(row))
        sheets.append(inputs)
    for sheet in sheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def table_response(table: Table, fmt: str) -> Response:
    """Answer a download of ``table`` as ``fmt`` (csv or xlsx; anything else: NotFound)."""
    if fmt == "csv":
        body: str | bytes = table_csv(table)
        media = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, media = table_xlsx(table), XLSX_TYPE
    else:
        raise NotFound(f"Unknown download format {fmt[:10]!r}.", hint="Use csv or xlsx.")
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="hrh-{table.name}.{fmt}"'},
    )
