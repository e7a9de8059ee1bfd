"""Reading a registry of individual workers (hrh.ingest.worker_registry): CSV and Excel."""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hrh.domain.records import Country
from hrh.errors import Invalid
from hrh.ingest.base import CountryIndex
from hrh.ingest.worker_registry import read_worker_registry

SYNTHETIC = Path(__file__).parent.parent / "data" / "projection" / "worker_registry_synthetic.csv"
INDEX = CountryIndex(
    {
        "GHA": Country("GHA", "GH", "288", "Ghana"),
        "GBR": Country("GBR", "GB", "826", "United Kingdom"),
        "USA": Country("USA", "US", "840", "United States"),
    },
    {"GH": "GHA", "GB": "GBR", "US": "USA"},
    frozenset(),
)


def test_the_synthetic_registry_reads_as_columns_without_ids() -> None:
    reg = read_worker_registry(SYNTHETIC, INDEX)
    with SYNTHETIC.open() as f:
        rows = list(csv.DictReader(f))
    assert len(reg) == len(rows) == 120
    assert reg.countries[reg.origin[0]] == "GHA" and not reg.by_age
    assert reg.born.tolist() == [int(r["birth_year"]) for r in rows]
    places = [reg.countries[i] for i in reg.workplace]
    assert places == [r["workplace"] or "GHA" for r in rows]
    assert reg.graduated.tolist() == [int(r["graduation_year"] or 0) for r in rows]
    assert reg.sex.tolist() == [0 if r["sex"] == "F" else 1 for r in rows]
    assert "SYN-" not in repr(asdict(reg))  # identifiers are not kept


def test_an_excel_registry_reads_like_the_csv(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    with SYNTHETIC.open() as f:
        for row in csv.reader(f):
            ws.append([int(c) if c.isdigit() and len(c) == 4 else c for c in row])
    path = tmp_path / "registry.xlsx"
    wb.save(path)
    a, b = read_worker_registry(SYNTHETIC, INDEX), read_worker_registry(path, INDEX)
    for field in ("origin", "workplace", "cadre", "born", "sex", "graduated"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert a.countries == b.countries and a.cadres == b.cadres


def test_ages_instead_of_birth_years_and_located_problems(tmp_path: Path) -> None:
    f = tmp_path / "ages.csv"
    f.write_text("Worker_ID,Country,Cadre,Age,Sex\nx1,GH,2221,40,F\nx2,GHA,2211,4.5,M\n")
    with pytest.raises(Invalid) as err:
        read_worker_registry(f, INDEX)
    problems = [str(p) for p in err.value.problems]
    assert problems == ["ages.csv:3, column 'age': got '4.5'; expected an age in whole years"]
    f.write_text("worker_id,country,cadre,age,sex\nx1,GH,2221,40,F\n")
    reg = read_worker_registry(f, INDEX)
    assert reg.by_age and reg.born.tolist() == [40] and reg.countries == ("GHA",)
