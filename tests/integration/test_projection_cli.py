"""Projections end to end: stored data → service → `hrh project`, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hrh.cli import app
from hrh.projection.results import FLOWS, MEASURES
from hrh.services import projections as svc
from hrh.services.context import AppContext

runner = CliRunner()


@pytest.fixture
def env(reference_ctx: AppContext) -> dict[str, str]:
    return {
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(reference_ctx.settings.var_dir),
    }


def test_run_baseline_json_gives_every_field_non_negative(env: dict[str, str]) -> None:
    r = runner.invoke(
        app,
        [
            "project",
            "run",
            "baseline",
            "--countries",
            "GHA,GBR",
            "--until",
            "2030",
            "--format",
            "json",
        ],
        env=env,
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["scenario"] == "baseline" and doc["mode"] == "deterministic"
    assert len(doc["hash"]) == 64 and doc["seed"] is None
    assert (doc["from"], doc["until"]) == (2025, 2030)
    assert doc["assumptions"] and all("parameter" in a for a in doc["assumptions"])
    rows = doc["rows"]
    keys = {(x["country"], x["cadre"]) for x in rows}
    assert keys == {
        (c, k) for c in ("GHA", "GBR") for k in ("medical_doctors", "nursing_midwifery")
    }
    assert sorted({x["year"] for x in rows}) == list(range(2025, 2031))
    for row in rows:
        assert set(row) == {"country", "cadre", "year", *MEASURES}
        for m in MEASURES:
            assert row[m] is not None, (row, m)
            if m != "gap":  # supply − need is signed
                assert row[m] >= 0, (row, m)
    gha = [x for x in rows if x["country"] == "GHA" and x["cadre"] == "medical_doctors"]
    assert gha[0]["gap"] < 0 < gha[0]["supply"]  # Ghana is below the SDG threshold
    gbr = [x for x in rows if x["country"] == "GBR" and x["cadre"] == "medical_doctors"]
    assert gbr[0]["foreign_trained"] > 0 and gbr[0]["immigration"] > 0


def test_rows_obey_the_accounting_identity(reference_ctx: AppContext) -> None:
    result = svc.run_projection(reference_ctx, "baseline", countries=["GHA", "GBR"], until=2035)
    for c in result.countries:
        for k in result.cadres:
            supply = result.value("supply", c, k)
            net = sum(
                (1 if f in ("graduates", "immigration", "returns") else -1) * result.value(f, c, k)
                for f in FLOWS
            )
            np.testing.assert_allclose(supply[1:], supply[:-1] + net[:-1], rtol=1e-10)


def test_a_country_does_not_depend_on_the_others_requested(reference_ctx: AppContext) -> None:
    alone = svc.run_projection(reference_ctx, "baseline", countries=["GHA"], until=2032)
    pair = svc.run_projection(reference_ctx, "baseline", countries=["GHA", "GBR"], until=2032)
    for m in MEASURES:
        for k in alone.cadres:
            np.testing.assert_allclose(
                alone.value(m, "GHA", k), pair.value(m, "GHA", k), rtol=1e-12
            )


def test_ssl_ban_on_the_stored_data(reference_ctx: AppContext) -> None:
    comparison = svc.compare_projections(
        reference_ctx, "baseline", "ssl-recruitment-ban", countries=["GHA", "GBR"], until=2035
    )
    doctors = [r for r in comparison.rows if r.cadre == "medical_doctors"]
    gha = {r.year: r for r in doctors if r.country == "GHA"}
    gbr = {r.year: r for r in doctors if r.country == "GBR"}
    assert gha[2026].supply_diff == 0 and gha[2027].supply_diff > 0 and gha[2035].supply_diff > 0
    assert all(gbr[y].immigration_diff < 0 for y in range(2026, 2036))
    assert gbr[2025].immigration_diff == 0


def test_compare_and_scenarios_commands(env: dict[str, str], tmp_path: Path) -> None:
    r = runner.invoke(app, ["project", "scenarios", "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    assert {s["name"] for s in json.loads(r.stdout)} >= {"baseline", "ssl-recruitment-ban"}
    out = tmp_path / "diff.csv"
    r = runner.invoke(
        app,
        [
            "project",
            "compare",
            "baseline",
            "ghana-retention-and-return",
            "-c",
            "GHA",
            "--until",
            "2030",
            "--out",
            str(out),
        ],
        env=env,
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 2 * 6 and "supply_diff" in rows[0]
    assert float(rows[-1]["supply_diff"]) > 0  # 2030: retention and return add workers


def test_run_writes_csv_and_rejects_unknown_modes(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "run.csv"
    r = runner.invoke(
        app,
        ["project", "run", "baseline", "-c", "GHA", "--until", "2027", "--out", str(out)],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[0].startswith("country,cadre,year,supply,need,gap")
    r = runner.invoke(app, ["project", "run", "baseline", "--mode", "simulated"], env=env)
    assert r.exit_code == 1 and "Mode 'simulated'" in r.output
    r = runner.invoke(app, ["project", "run", "baseline", "-c", "XXX"], env=env)
    assert r.exit_code == 1 and "Unknown country 'XXX'" in r.output
    r = runner.invoke(
        app,
        ["project", "run", "baseline", "-c", "GHA", "--out", str(tmp_path / "x.txt")],
        env=env,
    )
    assert r.exit_code == 1 and ".csv, .json or .parquet" in r.output


def test_stochastic_run_json_records_seed_and_quantiles(env: dict[str, str]) -> None:
    args = ["project", "run", "baseline", "-c", "GHA", "--until", "2030", "--mode", "stochastic"]
    args += ["--replicates", "30", "--seed", "7", "--format", "json"]
    first = runner.invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    doc = json.loads(first.stdout)
    assert (doc["mode"], doc["seed"], doc["replicates"]) == ("stochastic", 7, 30)
    assert len(doc["rows"]) == 2 * 6
    for row in doc["rows"]:
        assert row["p05"] <= row["p50"] <= row["p95"]
        assert row["p05"] <= row["supply"] <= row["p95"]
    again = runner.invoke(app, args, env=env)
    assert json.loads(again.stdout)["rows"] == doc["rows"]


def test_stochastic_mean_near_deterministic_on_stored_data(reference_ctx: AppContext) -> None:
    det = svc.run_projection(reference_ctx, "baseline", countries=["GHA"], until=2035)
    sto = svc.run_projection(
        reference_ctx,
        "baseline",
        countries=["GHA"],
        until=2035,
        mode="stochastic",
        replicates=40,
        seed=2025,
    )
    for k in range(len(det.cadres)):
        if not det.covered[0, k]:
            continue
        expected, mean = det.values["supply"][0, k], sto.values["supply"][0, k]
        # replicate mean of near-binomial counts: 5 standard errors, 1 worker of rounding
        tolerance = 5 * np.sqrt(np.maximum(expected, 1.0) / 40) + 1.0
        assert (np.abs(mean - expected) <= tolerance).all()
