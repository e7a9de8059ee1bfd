"""Shared helpers for reading delimited text: decoding, header search, located rows, numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from hrh.errors import M_, Invalid, Problem


def read_text(path: Path, encodings: Sequence[str] = ("utf-8-sig",)) -> str:
    """Return the file's text, trying ``encodings`` in order.

    Raises:
        Invalid: when the file is missing or empty, or no encoding decodes it; the error
            names the line of the first undecodable byte.
    """
    if not path.exists():
        raise Invalid.of(M_("File not found: %(path)s."), path=str(path))
    data = path.read_bytes()
    if not data.strip():
        raise Invalid.of(
            M_("%(file)s is empty."),
            problems=[Problem.of(path.name, 1, None, "", M_("a header row and data rows"))],
            file=path.name,
        )
    first_error: UnicodeDecodeError | None = None
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None
    line = data[: first_error.start].count(b"\n") + 1
    bad = data[first_error.start : first_error.start + 4]
    expected = Problem.of(
        path.name, line, None, repr(bad), M_("text encoded as %(encoding)s"), encoding=encodings[0]
    )
    raise Invalid.of(
        M_("%(file)s is not readable as %(encodings)s."),
        hint=M_("Save the file as UTF-8 (in Excel: 'CSV UTF-8')."),
        problems=[expected],
        file=path.name,
        encodings=" or ".join(encodings),
    )


def find_header(lines: list[str], required: Sequence[str], file: str, max_scan: int = 30) -> int:
    """Return the 0-based index of the first line whose cells include all ``required`` names.

    Raises:
        Invalid: when no line in the first ``max_scan`` lines is such a header.
    """
    want = {r.lower() for r in required}
    for i, line in enumerate(lines[:max_scan]):
        cells = {c.strip().lower() for c in next(csv.reader([line]), [])}
        if want <= cells:
            return i
    first = lines[0][:120] if lines else ""
    columns = ", ".join(required)
    raise Invalid.of(
        M_("%(file)s: no header row with the columns %(columns)s."),
        hint=M_("Check that this is the right format for the file."),
        problems=[
            Problem.of(file, 1, None, first, M_("a header with %(columns)s"), columns=columns)
        ],
        file=file,
        columns=columns,
    )


def iter_cells(
    text: str, file: str, header_index: int = 0
) -> tuple[list[str], Iterator[tuple[int, list[str] | Problem]]]:
    """Parse CSV text from the header line on, as lists of cells.

    Blank rows are skipped; a row with another number of cells than the header, or text
    that is not valid CSV, becomes a located ``Problem`` (the latter ends the file).

    >>> header, rows = iter_cells(chr(10).join(["a,b", "1,2", "", "3"]), "f.csv")
    >>> header, [(line, isinstance(r, Problem)) for line, r in rows]
    (['a', 'b'], [(2, False), (4, True)])
    """
    lines = text.splitlines(keepends=True)
    body = "".join(lines[header_index:])
    reader = csv.reader(io.StringIO(body), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise Invalid.of(
            M_("%(file)s: cannot read the header row (%(reason)s)."), file=file, reason=str(exc)
        ) from exc
    offset = header_index
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str] | Problem]]:
        start = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                at = offset + reader.line_num
                yield (
                    at,
                    Problem.of(file, at, None, None, M_("valid CSV (%(reason)s)"), reason=str(exc)),
                )
                return
            line = offset + start + 1
            start = reader.line_num
            if len(cells) == width and cells[0].strip():  # the common case, checked first
                yield line, cells
            elif not cells or all(not c.strip() for c in cells):
                continue
            elif len(cells) != width:
                expected = M_(
                    "%(width)s cells as in the header (got %(n)s; truncated or shifted row?)"
                )
                value = ",".join(cells)[:80]
                yield line, Problem.of(file, line, None, value, expected, width=width, n=len(cells))
            else:
                yield line, cells

    return header, rows()


def iter_rows(
    text: str, file: str, header_index: int = 0
) -> tuple[list[str], Iterator[tuple[int, dict[str, str] | Problem]]]:
    """Parse CSV text from the header line on, as dicts keyed by the header (see ``iter_cells``).

    Returns:
        The header cells and an iterator of ``(line number, row dict)`` or, for a row whose
        number of cells does not match the header, ``(line number, Problem)``.
    """
    header, cells = iter_cells(text, file, header_index)

    def rows() -> Iterator[tuple[int, dict[str, str] | Problem]]:
        for line, row in cells:
            yield line, row if isinstance(row, Problem) else dict(zip(header, row, strict=True))

    return header, rows()

    return header, rows()


def parse_number(text: str) -> float:
    """Parse a number written with optional spaces or commas as thousands separators.

    >>> parse_number("  7 035"), parse_number("1,234.5"), parse_number("0.35")
    (7035.0, 1234.5, 0.35)

    Raises:
        ValueError: when the text is not a finite number.
    """
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    thousands = t.count(",") >= 1 and all(len(p) == 3 for p in t.split(",")[1:])
    if ("," in t and "." in t) or thousands:
        t = t.replace(",", "")
    value = float(t)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def parse_year(text: str) -> int:
    """Parse a calendar year between 1900 and 2200.

    >>> parse_year(" 2019 "), parse_year("2019.0")
    (2019, 2019)
    """
    t = text.strip()
    year = int(float(t)) if t.endswith(".0") else int(t)
    if not 1900 <= year <= 2200:
        raise ValueError(text)
    return year


def parse_iso_date(text: str) -> str | None:
    """Return the ``YYYY-MM-DD`` date that a date or timestamp starts with, or None.

    >>> parse_iso_date("2022-01-24T08:00:00.000Z"), parse_iso_date("2025-01-28")
    ('2022-01-24', '2025-01-28')
    >>> parse_iso_date("24/01/2022") is None
    True
    """
    head = text.strip()[:10]
    try:
        return date.fromisoformat(head).isoformat() if len(head) == 10 else None
    except ValueError:
        return None


def scale(value: float, factor: float) -> float:
    """Multiply ``value`` by a unit ``factor``, rounding off binary noise.

    >>> 2.37 * 10, scale(2.37, 10), scale(1.5, 1000)
    (23.700000000000003, 23.7, 1500.0)
    """
    return value if factor == 1 else round(value * factor, 9)


def canonical_names(header: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """Map each header cell to its spelling in ``names`` when they match case-insensitively.

    >>> canonical_names(["indicatorcode", "Other"], ["IndicatorCode"])
    {'indicatorcode': 'IndicatorCode', 'Other': 'Other'}
    """
    by_lower = {n.lower(): n for n in names}
    return {h: by_lower.get(h.strip().lower(), h) for h in header}


def find_layout(
    lines: Sequence[str],
    layouts: Mapping[str, Sequence[str]],
    file: str,
    max_scan: int = 30,
) -> tuple[str, int]:
    """Return the first layout whose required columns appear in one header line, and its index.

    Lines are scanned in order; on each line the layouts are tried in the order given. Header
    cells compare case-insensitively and, for SDMX-CSV ``ID: Name`` headers, by their ID.

    >>> find_layout(["title", "a,B: Bee,c"], {"x": ("a", "z"), "y": ("b", "a")}, "f.csv")
    ('y', 1)

    Raises:
        Invalid: when no line in the first ``max_scan`` lines has the columns of any layout;
            the problem lists what each layout expects.
    """
    wanted = {name: {c.lower() for c in cols} for name, cols in layouts.items()}
    for i, line in enumerate(lines[:max_scan]):
        cells = {header_id(c).lower() for c in next(csv.reader([line]), [])}
        for name, want in wanted.items():
            if want <= cells:
                return name, i
    first = lines[0][:120] if lines else ""
    expected = "; or ".join(f"{name}: {', '.join(cols)}" for name, cols in layouts.items())
    raise Invalid(
        f"{file}: no header row of a known layout in the first {max_scan} lines.",
        hint="Check that this is the right format for the file. Expected columns — " + expected,
        problems=[Problem(file, 1, None, first, "a header with the columns of " + expected)],
    )


def header_id(cell: str) -> str:
    """Return a header cell's column id: SDMX-CSV writes ``ID: Name`` when labels are both.

    >>> header_id(" REF_AREA: Reference area"), header_id("Value")
    ('REF_AREA', 'Value')
    """
    return cell.split(": ", 1)[0].strip()
