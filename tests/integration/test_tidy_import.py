from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Conflict, Invalid
from hrh.services import imports
from hrh.services.context import AppContext

HEADER = "country,cadre,year,sex,age_band,basis,measure,value,source\n"


def _write(tmp_path: Path, body: str, name: str = "national.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def _count(ctx: AppContext, table: str) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_tidy_import_converts_units_and_codes(ctx: AppContext, tmp_path: Path) -> None:
    p = tmp_path / "u.csv"
    p.write_text(
        "Country,Cadre,Year,Sex,Age_band,Basis,Measure,Value,Source,Unit\n"
        "288,2221,2020,female,20 - 24,,headcount,1.5,Ghana MoH,thousands\n"
        "GH,nurses,2020,T,total,all,per_10k,3.2,Ghana MoH,per_1000\n",
        encoding="utf-8",
    )
    summary = imports.import_file(ctx, "tidy", p, principal=LOCAL_ADMIN)
    assert summary.inserted == 2
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT country, cadre, sex, age_band, measure, value FROM workforce_stocks "
                "ORDER BY measure"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("GHA", "nursing_professionals", "F", "20-24", "headcount", 1500.0),
        ("GHA", "nurses", "T", "total", "per_10k", 32.0),
    ]


def test_reimport_is_a_no_op_and_new_vintage_is_kept(ctx: AppContext, tmp_path: Path) -> None:
    p = _write(tmp_path, "GHA,2221,2020,F,total,all,headcount,1200,Ghana MoH\n")
    first = imports.import_file(ctx, "tidy", p, principal=LOCAL_ADMIN)
    again = imports.import_file(ctx, "tidy", p, principal=LOCAL_ADMIN)
    assert (first.inserted, again.inserted, again.unchanged) == (1, 0, 1)
    assert again.status == "unchanged"
    p2 = _write(tmp_path, "GHA,2221,2020,F,total,all,headcount,1250,Ghana MoH\n", "v2.csv")
    imports.import_file(ctx, "tidy", p2, principal=LOCAL_ADMIN)
    assert _count(ctx, "workforce_stocks") == 2
    assert _count(ctx, "sources") == 2


def test_same_vintage_with_other_values_is_a_conflict(ctx: AppContext, tmp_path: Path) -> None:
    p = _write(tmp_path, "GHA,2221,2020,F,total,all,headcount,1200,Ghana MoH\n")
    imports.import_file(ctx, "tidy", p, options={"vintage": "2024"}, principal=LOCAL_ADMIN)
    p2 = _write(tmp_path, "GHA,2221,2020,F,total,all,headcount,999,Ghana MoH\n", "b.csv")
    with pytest.raises(Conflict) as err:
        imports.import_file(ctx, "tidy", p2, options={"vintage": "2024"}, principal=LOCAL_ADMIN)
    assert "999" in str(err.value.problems[0])
    assert _count(ctx, "workforce_stocks") == 1


def test_bad_rows_are_all_listed_and_nothing_is_written(ctx: AppContext, tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "GHA,2221,2020,F,total,all,headcount,1200,Ghana MoH\n"
        "XYZ,2221,2020,F,total,all,headcount,10,Ghana MoH\n"
        "GHA,surgeon,2020,F,total,all,headcount,10,Ghana MoH\n"
        "GHA,2221,20x0,F,total,all,headcount,10,Ghana MoH\n"
        "GHA,2221,2021,F,total,all,headcount,-3,Ghana MoH\n"
        "GHA,2221,2020,F,total,all,headcount,1200,Ghana MoH\n"
        "GHA,2221,2022,F,total\n",
    )
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "tidy", p, principal=LOCAL_ADMIN)
    got = [(pr.line, pr.column) for pr in err.value.problems]
    assert got == [
        (3, "country"),
        (4, "cadre"),
        (5, "year"),
        (6, "value"),
        (7, None),
        (8, None),
    ]
    assert "same cell as line 2" in err.value.problems[4].expected
    assert _count(ctx, "workforce_stocks") == 0
    assert _count(ctx, "sources") == 0
    with ctx.engine.connect() as conn:
        status = conn.execute(text("SELECT status, problems FROM import_log")).one()
    assert tuple(status) == ("failed", 6)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"nation,job\nGHA,2221\n", "lacks the column"),
        (
            HEADER.encode() + "GHA,2221,2020,F,total,all,headcount,1,Sant\xe9\n".encode("latin-1"),
            "not readable",
        ),
    ],
)
def test_malformed_files_get_clear_errors(
    ctx: AppContext, tmp_path: Path, content: bytes, expected: str
) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "tidy", p, principal=LOCAL_ADMIN)
    assert expected in err.value.message
    assert _count(ctx, "workforce_stocks") == 0


def test_dry_run_counts_but_writes_nothing(ctx: AppContext, tmp_path: Path) -> None:
    p = _write(tmp_path, "GHA,2221,2020,F,total,all,headcount,1200,Ghana MoH\n")
    summary = imports.import_file(ctx, "tidy", p, dry_run=True, principal=LOCAL_ADMIN)
    assert (summary.status, summary.inserted) == ("dry-run", 1)
    assert _count(ctx, "workforce_stocks") == 0
    assert _count(ctx, "sources") == 0


def test_excel_template(ctx: AppContext, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(HEADER.strip().split(","))
    ws.append(["KEN", 2211, 2019, "T", "total", "all", "headcount", 7000, "Kenya MoH"])
    ws.append(["KEN", "2211", 2019, "T", "total", "all", "headcount", "x", "Kenya MoH"])
    p = tmp_path / "k.xlsx"
    wb.save(p)
    with pytest.raises(Invalid) as err:
        imports.import_file(ctx, "tidy", p, principal=LOCAL_ADMIN)
    assert [(pr.line, pr.column) for pr in err.value.problems] == [(3, "value")]
    ws.delete_rows(3)
    wb.save(p)
    assert imports.import_file(ctx, "tidy", p, principal=LOCAL_ADMIN).inserted == 1


def test_columnar_and_row_readers_agree(ctx: AppContext, tmp_path: Path) -> None:
    """The fast path (clean files) gives the same records as the row-by-row reader."""
    from hrh.ingest import tidy
    from hrh.ingest._tidy_fast import read_columnar
    from hrh.ingest.base import ImportResult
    from hrh.services.imports import country_index

    body = "".join(
        f"{c},{k},{y},{s},20-24,all,headcount,{y - 1990}.5,Src {c}\n"
        for c in ("GHA", "KEN", "288")
        for k in ("2221", "medical_doctors")
        for y in (2018, 2019)
        for s in ("F", "M")
    )
    clean = _write(tmp_path, body)
    index = country_index(ctx)
    probe = ImportResult(file=clean.name, format="tidy", sha256="x")
    assert read_columnar(clean, index, "v", probe)  # the file takes the fast path
    fast = tidy.read(clean, index, {})
    slow = tidy.read(clean.rename(tmp_path / "same.txt"), index, {})  # not .csv: row reader
    assert fast.rows_read == slow.rows_read == 24
    assert [(b.source, sorted(b.stocks)) for b in fast.batches] == [
        (b.source, sorted(b.stocks)) for b in slow.batches
    ]
