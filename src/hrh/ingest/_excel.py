"""Open Excel workbooks safely: refuse zip bombs and non-workbooks before parsing.

An .xlsx file is a zip archive of XML parts. A crafted archive can expand a few kilobytes
into gigabytes; the sizes the archive declares are checked before anything is decompressed,
and openpyxl reads the XML through defusedxml when it is installed (it is a dependency).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from hrh.errors import M_, Invalid, Problem

#: Largest total of the decompressed parts accepted.
MAX_UNCOMPRESSED = 512 * 1024 * 1024
#: Largest compression ratio of any part (real worksheets compress about 5-20 times).
MAX_RATIO = 200
_MIN_RATIO_SIZE = 1024 * 1024  # small parts may compress extremely well; they are harmless


def check_workbook(path: Path) -> None:
    """Raise ``Invalid`` unless ``path`` looks like a sane .xlsx archive."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Invalid.of(
            M_("%(file)s is not an Excel workbook (.xlsx) (%(reason)s)."),
            hint=M_("Save it as .xlsx or as CSV UTF-8."),
            problems=[Problem.of(path.name, None, None, None, M_("an .xlsx (zip) workbook"))],
            file=path.name,
            reason=str(exc),
        ) from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise Invalid.of(M_("%(file)s is a zip archive but not an Excel workbook."), file=path.name)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise Invalid.of(
            M_("%(file)s expands to %(size)s MB; the limit is %(limit)s MB."),
            hint=M_("Split the workbook or import it as CSV."),
            file=path.name,
            size=f"{total / 2**20:,.0f}",
            limit=f"{MAX_UNCOMPRESSED / 2**20:,.0f}",
        )
    for i in infos:
        ratio = i.file_size // max(i.compress_size, 1)
        if i.file_size > _MIN_RATIO_SIZE and ratio > MAX_RATIO:
            raise Invalid.of(
                M_(
                    "%(file)s: part %(part)s is compressed %(ratio)s times; "
                    "refused as a possible zip bomb."
                ),
                file=path.name,
                part=i.filename,
                ratio=ratio,
            )


def open_workbook(path: Path) -> Any:
    """Check the archive, then open it read-only with openpyxl (values, not formulas)."""
    check_workbook(path)
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise Invalid.of(
            M_("%(file)s is not a readable Excel workbook (%(reason)s)."),
            file=path.name,
            reason=str(exc),
        ) from exc
