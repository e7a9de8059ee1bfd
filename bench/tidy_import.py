"""Rows per second of a tidy CSV import, against a bare ``sqlite3`` insert of the same rows.

The file has realistic, valid and distinct cells: real ISO3 codes from the country reference,
every cadre, years 1990-2024, F/M, five-year age bands 20-24 … 70-74. The import is timed end
to end through the public service (read, validate, write, commit); the baseline is
``sqlite3.executemany`` of the already-parsed tuples into a table of the same schema (copied from
the migrated database, same unique constraint and PRAGMAs), committed.
"""

from __future__ import annotations

import csv
import itertools
import random
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench._db import fresh_context
from bench._report import Figure, best_of, timed
from hrh.domain.codes import CADRES
from hrh.domain.policy import LOCAL_ADMIN
from hrh.ingest.reference import read_country_reference
from hrh.services import imports

NAME = "tidy_import_rows_per_s"
UNIT = "rows/s"
GOAL = 0.5  # the import keeps at least half the speed of a bare insert
LOWER_IS_BETTER = False
ROWS, QUICK_ROWS = 1_000_000, 200_000
HEADER = ("country", "cadre", "year", "sex", "age_band", "basis", "measure", "value", "source")
SOURCE = "Ministry of Health (benchmark)"
YEARS = range(1990, 2025)
SEXES = ("F", "M")
AGE_BANDS = tuple(f"{lo}-{lo + 4}" for lo in range(20, 75, 5))

Row = tuple[str, str, int, str, str, str, str, float]


def cells(n: int, seed: int = 20240601) -> Iterator[Row]:
    """Yield ``n`` distinct, valid stock cells with seeded random headcounts."""
    countries = sorted(c.iso3 for c in read_country_reference().countries)
    per_country = len(CADRES) * len(YEARS) * len(SEXES) * len(AGE_BANDS)
    if n > per_country * len(countries):
        raise ValueError(f"at most {per_country * len(countries)} distinct cells")
    rng = random.Random(seed)
    grid = itertools.product(countries, [c.id for c in CADRES], YEARS, SEXES, AGE_BANDS)
    for country, cadre, year, sex, age in itertools.islice(grid, n):
        yield country, cadre, year, sex, age, "all", "headcount", float(rng.randint(1, 50_000))


def write_csv(path: Path, rows: list[Row]) -> None:
    """Write the rows as a tidy CSV."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows((*r[:7], int(r[7]), SOURCE) for r in rows)


def import_seconds(folder: Path, path: Path, n: int) -> float:
    """Import ``path`` into a fresh database; return the seconds the import took."""
    ctx = fresh_context(folder)
    try:
        imports.load_countries(ctx)
        summary = None

        def run() -> None:
            nonlocal summary
            summary = imports.import_file(ctx, "tidy", path, principal=LOCAL_ADMIN)

        seconds = timed(run)
        if summary is None or summary.inserted != n:
            raise RuntimeError(f"expected {n} rows inserted, got {summary}")
        return seconds
    finally:
        ctx.close()


def baseline_seconds(folder: Path, rows: list[Row]) -> float:
    """Insert the parsed rows with bare ``sqlite3``; return the seconds it took."""
    ctx = fresh_context(folder)  # only to copy the schema of the real tables
    with ctx.engine.connect() as conn:
        ddl = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE tbl_name IN ('sources', 'workforce_stocks')"
                " AND sql IS NOT NULL ORDER BY tbl_name = 'workforce_stocks', type = 'index'"
            )
        ]
    ctx.close()
    db = folder / "bare.sqlite"
    con = sqlite3.connect(db)
    for stmt in ddl:
        con.execute(stmt)
    con.execute(
        "INSERT INTO sources (id, key, vintage, publisher, title, url, licence, released, "
        "imported_at) VALUES (1, 'tidy:bench', 'v', ?, ?, '', '', '', '2024-01-01')",
        (SOURCE, SOURCE),
    )
    con.commit()
    con.close()
    params = [(*r, 1) for r in rows]
    sql = (
        "INSERT INTO workforce_stocks (country, cadre, year, sex, age_band, basis, measure, "
        "value, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )

    def run() -> None:
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA synchronous=NORMAL")
        con.executemany(sql, params)
        con.commit()
        con.close()

    return timed(run)


def _prepare(root: Path, path: Path, n: int, repeat: int) -> float:
    """Write the CSV and return the best baseline seconds (the parsed rows are then freed)."""
    rows = list(cells(n))
    write_csv(path, rows)
    counter = itertools.count()
    return best_of(repeat, lambda: baseline_seconds(root / f"base{next(counter)}", rows))


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    n = QUICK_ROWS if quick else ROWS
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="hrh-bench-") as tmp:
        root = Path(tmp)
        path = root / "tidy.csv"
        base = _prepare(root, path, n, repeat)
        counter = itertools.count()
        took = best_of(repeat, lambda: import_seconds(root / f"imp{next(counter)}", path, n))
    return Figure.measured(NAME, n / took, UNIT, baseline=n / base, goal=GOAL)
