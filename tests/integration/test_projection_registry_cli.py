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


CHW = (
    "  - {lever: new_cadre, from: 2026, where: {iso3: [GHA]}, "
    "cadre: community_health_workers, intake: 3000, duration_years: 1}\n"
)
BOND = "  - {lever: bonding, from: 2026, where: {iso3: [GHA]}, years: 5, buyout_share: 0}\n"


def _scenario(folder: Path, name: str, levers: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\ndescription: A test.\nbase: baseline\nlevers:\n{levers}")
    return path


def _agent_rows(env: dict[str, str], scenario: Path) -> dict[tuple[str, int], dict[str, float]]:
    args = ["project", "run", str(scenario), "--countries", "GHA", "--until", "2033"]
    args += ["--mode", "agent", "--replicates", "2", "--seed", "5", "--format", "json"]
    args += ["--no-store", "--registry", str(REGISTRY)]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    return {(r["cadre"], r["year"]): r for r in rows if r["country"] == "GHA"}


def test_a_registry_runs_with_the_bonding_and_new_cadre_levers(
    env: dict[str, str], tmp_path: Path
) -> None:
    bonded = _agent_rows(env, _scenario(tmp_path, "bond-and-chw", BOND + CHW))
    free = _agent_rows(env, _scenario(tmp_path, "chw-only", CHW))
    expected = _expected_counts(2025)
    for rows in (bonded, free):
        # the registry's workers are the stock of 2025; the new cadre starts empty and grows
        row = rows["nursing_midwifery", 2025]
        assert row["supply"] - row["foreign_trained"] == pytest.approx(
            expected["nursing_midwifery", "home"]
        )
        assert rows["community_health_workers", 2025]["supply"] == 0
        assert rows["community_health_workers", 2030]["supply"] > 5_000
        # the accounting identity holds in every replicate, so in their mean
        for (cadre, year), r in rows.items():
            if (cadre, year + 1) in rows:
                change = r["graduates"] + r["immigration"] + r["returns"] - r["attrition"]
                change -= r["retirement"] + r["emigration"]
                after = rows[cadre, year + 1]["supply"]
                assert after == pytest.approx(r["supply"] + change, abs=1e-6), (cadre, year)
    # bonded graduates may not leave for five years: far fewer nurses emigrate
    years = range(2026, 2033)
    left_bonded = sum(bonded["nursing_midwifery", y]["emigration"] for y in years)
    left_free = sum(free["nursing_midwifery", y]["emigration"] for y in years)
    assert left_bonded < 0.6 * left_free, (left_bonded, left_free)
    assert bonded["nursing_midwifery", 2033]["supply"] > free["nursing_midwifery", 2033]["supply"]
