"""Agent mode end to end: `hrh project run SCENARIO --mode agent` on the stored data."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from hrh.cli import app
from hrh.services import projections as svc
from hrh.services.context import AppContext

runner = CliRunner()


@pytest.fixture
def env(reference_ctx: AppContext) -> dict[str, str]:
    return {
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(reference_ctx.settings.var_dir),
    }


def test_agent_run_json_records_seed_and_quantiles(env: dict[str, str]) -> None:
    args = ["project", "run", "baseline", "-c", "GHA", "--until", "2026", "--mode", "agent"]
    args += ["--replicates", "2", "--seed", "7", "--format", "json", "--no-store"]
    first = runner.invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    doc = json.loads(first.stdout)
    assert (doc["mode"], doc["seed"], doc["replicates"]) == ("agent", 7, 2)
    assert len(doc["rows"]) == 2 * 2
    for row in doc["rows"]:
        assert row["p05"] <= row["p50"] <= row["p95"]
        assert row["supply"] > 0 and row["graduates"] >= 0 and row["emigration"] >= 0
    again = runner.invoke(app, args, env=env)
    assert json.loads(again.stdout)["rows"] == doc["rows"]


def test_agent_mean_near_deterministic_on_stored_data(reference_ctx: AppContext) -> None:
    det = svc.run_projection(reference_ctx, "baseline", countries=["GHA"], until=2027)
    agent = svc.run_projection(
        reference_ctx,
        "baseline",
        countries=["GHA"],
        until=2027,
        mode="agent",
        replicates=3,
        seed=11,
    )
    for measure in ("supply", "graduates", "emigration", "attrition", "retirement"):
        expected, got = det.values[measure], agent.values[measure]
        # near-binomial counts, mean of 3 replicates: 5 standard errors plus one worker
        assert (np.abs(got - expected) <= 5 * np.sqrt(np.maximum(expected, 1) / 3) + 1).all()
