"""Hostile files are refused before they are parsed, and nothing is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid
from hrh.services import imports
from hrh.services.context import AppContext


def _bomb(path: Path, size: int) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * size)


def test_zip_bomb_workbook_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    p = tmp_path / "bomb.xlsx"
    _bomb(p, 64 * 1024 * 1024)
    assert p.stat().st_size < 1024 * 1024
    with pytest.raises(Invalid, match="zip bomb"):
        imports.import_file(ctx, "tidy", p, principal=LOCAL_ADMIN)


def test_non_workbooks_are_refused(ctx: AppContext, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("country,cadre\n")
    with pytest.raises(Invalid, match="not an Excel workbook"):
        imports.import_file(ctx, "tidy", fake, principal=LOCAL_ADMIN)
    other_zip = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(Invalid, match="not an Excel workbook"):
        imports.import_file(ctx, "tidy", other_zip, principal=LOCAL_ADMIN)


def test_xml_entity_expansion_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    """openpyxl parses through defusedxml when it is installed: no billion laughs."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["country"])
    p = tmp_path / "laughs.xlsx"
    wb.save(p)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;'
        "</workbook>"
    )
    src = zipfile.ZipFile(p)
    out = tmp_path / "laughs2.xlsx"
    with zipfile.ZipFile(out, "w") as zf:
        for item in src.infolist():
            data = laughs.encode() if item.filename == "xl/workbook.xml" else src.read(item)
            zf.writestr(item, data)
    src.close()
    with pytest.raises(Invalid):
        imports.import_file(ctx, "tidy", out, principal=LOCAL_ADMIN)
