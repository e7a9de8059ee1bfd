"""A registry of individual workers: `hrh project run SCENARIO --mode agent --registry FILE`.

tests/data/projection/worker_registry_synthetic.csv is synthetic (made-up ids ``SYN-…``):
120 workers trained in Ghana, at home and in the United Kingdom and the United States.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hrh.cli import app
from hrh.domain.codes import CADRES_BY_ID
from hrh.services.context import AppContext

runner = CliRunner()
REGISTRY = Path(__file__).parent.parent / "data" / "projection" / "worker_registry_synthetic.csv"
HEADER = "worker_id,country,cadre,birth_year,sex,workplace,graduation_year\n"


@pytest.fixture
def env(reference_ctx: AppContext) -> dict[str, str]:
    return {
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(reference_ctx.settings.var_dir),
    }


def _expected_counts(year: int) -> dict[tuple[str, str], int]:
    """Count the registry by (cadre of the model, at home or abroad), ages 20-74 in ``year``."""
    counts: dict[tuple[str, str], int] = {}
    with REGISTRY.open() as f:
        for row in csv.DictReader(f):
            if not 20 <= year - int(row["birth_year"]) <= 74:
                continue
            isco = row["cadre"] if row["cadre"].isdigit() else CADRES_BY_ID[row["cadre"]].isco[0]
            cadre = "medical_doctors" if isco.startswith("221") else "nursing_midwifery"
            where = "home" if row["workplace"] in ("", "GHA") else "abroad"
            counts[cadre, where] = counts.get((cadre, where), 0) + 1
    return counts


def _run(
    env: dict[str, str], *extra: str, registry: Path = REGISTRY, mode: str = "agent"
) -> tuple[int, str, str]:
    args = ["project", "run", "baseline", "--until", "2026", "--mode", mode]
    args += ["--replicates", "2", "--seed", "5", "--format", "json", "--no-store"]
    args += ["--registry", str(registry), *extra]
    result = runner.invoke(app, args, env=env)
    return result.exit_code, result.stdout, result.output


@pytest.mark.parametrize("mode", ["agent", "deterministic"])
def test_registry_workers_replace_the_stored_stocks(env: dict[str, str], mode: str) -> None:
    code, stdout, output = _run(env, mode=mode)
    assert code == 0, output
    doc = json.loads(stdout)
    first = {(r["cadre"], r["year"]): r for r in doc["rows"] if r["country"] == "GHA"}
    expected = _expected_counts(2025)
    for cadre in ("medical_doctors", "nursing_midwifery"):
        row = first[cadre, 2025]
        # every replicate starts from the same registry workers: exact in the base year
        assert row["supply"] - row["foreign_trained"] == pytest.approx(expected[cadre, "home"])
        assert row["abroad"] == pytest.approx(expected[cadre, "abroad"])
    notes = json.dumps([a for a in doc["assumptions"] if "registry" in json.dumps(a)])
    kept = sum(expected.values())
    assert f"{kept:,} workers from worker_registry_synthetic.csv" in notes
    assert f"{120 - kept:,} outside ages 20-74" in notes
    assert "SYN-" not in stdout  # identifiers are personal data: never in results


def test_registry_run_is_the_same_on_two_local_processes(env: dict[str, str]) -> None:
    code, here, output = _run(env)
    assert code == 0, output
    code, there, output = _run(env, "--workers", "2")
    assert code == 0, output
    assert json.loads(there)["rows"] == json.loads(here)["rows"]
    assert np.isfinite([r["p50"] for r in json.loads(here)["rows"]]).all()


def test_registry_rows_with_problems_are_located(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "registry.csv"
    bad.write_text(
        HEADER
        + "A1,GHA,nursing_professionals,1980,F,,2004\n"
        + "A2,GHX,nursing_professionals,1980,F,,\n"
        + "A3,GHA,plumbers,1980,X,,\n"
        + "A1,GHA,2221,19x0,M,GBR,\n"
    )
    code, _, output = _run(env, registry=bad)
    assert code != 0
    for where in (
        "registry.csv:3, column 'country': got 'GHX'",
        "registry.csv:4, column 'cadre': got 'plumbers'",
        "registry.csv:4, column 'sex': got 'X'; expected F or M",
        "registry.csv:5, column 'worker_id'",
        "registry.csv:5, column 'birth_year': got '19x0'",
    ):
        assert where in output, where
    assert "A1" not in output.replace("registry.csv", "")  # the duplicate id is not echoed


def test_registry_workers_abroad_without_a_corridor_are_an_error(
    env: dict[str, str], tmp_path: Path
) -> None:
    odd = tmp_path / "registry.csv"
    odd.write_text(HEADER + "B1,GHA,2221,1980,F,GHA,\nB2,GHA,2221,1985,M,MNG,\n")
    code, _, output = _run(env, registry=odd)
    assert code != 0
    assert "no corridor is stored" in output and "GHA→MNG (1)" in output


def test_registry_without_the_required_columns_is_refused(
    env: dict[str, str], tmp_path: Path
) -> None:
    odd = tmp_path / "registry.csv"
    odd.write_text("worker_id,country,cadre\nC1,GHA,2221\n")
    code, _, output = _run(env, registry=odd)
    assert code != 0
    assert "lacks the column(s) sex, birth_year (or age)" in output
