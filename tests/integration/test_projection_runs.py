"""Stored projection runs through the services and `hrh project runs | show`; Parquet output.

On SQLite and PostgreSQL (``HRH_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from hrh.cli import app
from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.errors import Forbidden, Invalid, NotFound
from hrh.services import projection_runs as runs
from hrh.services import projections as svc
from hrh.services.context import AppContext

runner = CliRunner()
ANALYST = Principal("user", "ana", "analyst", user_id=None)


@pytest.fixture
def env(reference_ctx: AppContext) -> dict[str, str]:
    return {
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(reference_ctx.settings.var_dir),
    }


def _wait(ctx: AppContext, run_id: str) -> runs.RunView:
    deadline = time.monotonic() + 120  # guards a hang only; nothing is timed
    while True:
        view = runs.get_run(ctx, LOCAL_ADMIN, run_id)
        if view.status in ("done", "failed") or time.monotonic() > deadline:
            return view
        time.sleep(0.05)


def test_a_queued_run_computes_the_same_numbers_as_a_direct_one(
    reference_ctx: AppContext,
) -> None:
    req = runs.RunRequest(countries=("GHA",), until=2028, mode="stochastic", replicates=4)
    jobs = runs.RunJobs(reference_ctx)
    try:
        queued = runs.submit_run(reference_ctx, LOCAL_ADMIN, req, jobs=jobs, sync_limit=0)
        done = _wait(reference_ctx, queued.id)
    finally:
        jobs.shutdown(wait=True)
    assert queued.result is None and queued.status == "queued"
    assert queued.seed is not None  # a fresh seed is drawn and stored at submission
    assert done.status == "done" and done.started_at and done.finished_at
    assert (done.progress, done.attempts) == (1.0, 1)
    direct = runs.submit_run(reference_ctx, LOCAL_ADMIN, replace(req, seed=queued.seed))
    assert direct.status == "done" and direct.id != done.id
    assert done.result is not None and direct.result is not None
    assert done.result["rows"] == direct.result["rows"]
    assert (done.scenario_hash, done.parameters_hash) == (
        direct.scenario_hash,
        direct.parameters_hash,
    )


def test_a_failing_job_stores_its_error(reference_ctx: AppContext) -> None:
    # a request that passed its checks but whose data went away: an unknown country
    run_id = runs._store_request(
        reference_ctx, LOCAL_ADMIN, runs.RunRequest(countries=("XXX",), until=2026), "baseline", 1
    )
    runs.execute_run(reference_ctx, run_id)
    view = runs.get_run(reference_ctx, LOCAL_ADMIN, run_id)
    assert view.status == "failed" and view.result is None
    assert "Unknown country 'XXX'" in view.error
    runs.execute_run(reference_ctx, run_id)  # not queued any more: left as it is
    assert runs.get_run(reference_ctx, LOCAL_ADMIN, run_id).status == "failed"


def test_submission_checks_and_policy(reference_ctx: AppContext) -> None:
    with pytest.raises(Invalid, match="too large for the server"):
        runs.submit_run(
            reference_ctx, LOCAL_ADMIN, runs.RunRequest(countries=("GHA",)), max_size=10
        )
    with pytest.raises(NotFound):  # a request never names a file
        runs.submit_run(reference_ctx, LOCAL_ADMIN, runs.RunRequest(scenario="/etc/passwd"))
    with pytest.raises(Forbidden):
        runs.submit_run(
            reference_ctx, Principal("user", "r", "recruiter", user_id=1), runs.RunRequest()
        )
    with pytest.raises(Invalid, match="Limit 0"):
        runs.list_runs(reference_ctx, LOCAL_ADMIN, 0)
    mine = runs.submit_run(reference_ctx, ANALYST, runs.RunRequest(countries=("GHA",), until=2026))
    assert runs.get_run(reference_ctx, ANALYST, mine.id).owner == ANALYST.label
    other = Principal("user", "bo", "analyst", user_id=None)
    with pytest.raises(NotFound):
        runs.get_run(reference_ctx, other, mine.id)
    assert mine.id not in {v.id for v in runs.list_runs(reference_ctx, other)}


def test_cli_stores_lists_and_shows_a_run(env: dict[str, str], tmp_path: Path) -> None:
    args = ["project", "run", "baseline", "-c", "GHA", "--until", "2027", "--format", "json"]
    r = runner.invoke(app, args, env=env)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    run_id = r.stderr.split("Stored as run ")[1].split(".")[0]
    listed = runner.invoke(app, ["project", "runs", "--format", "json"], env=env)
    assert listed.exit_code == 0, listed.output
    row = next(x for x in json.loads(listed.stdout) if x["id"] == run_id)
    assert (row["status"], row["scenario"], row["countries"]) == ("done", "baseline", "GHA")
    shown = runner.invoke(app, ["project", "show", run_id, "--format", "json"], env=env)
    assert shown.exit_code == 0, shown.output
    stored = json.loads(shown.stdout)
    assert stored["result"]["rows"] == doc["rows"]
    assert stored["owner"] == "local:cli" and stored["sources"]
    out = tmp_path / "shown.csv"
    r = runner.invoke(app, ["project", "show", run_id, "--out", str(out)], env=env)
    assert r.exit_code == 0, r.output
    assert len(list(csv.DictReader(io.StringIO(out.read_text())))) == len(doc["rows"])
    r = runner.invoke(app, ["project", "show", "pr-00"], env=env)
    assert r.exit_code == 1 and "No projection run 'pr-00'" in r.output
    r = runner.invoke(app, [*args, "--no-store"], env=env)
    assert r.exit_code == 0 and "Stored as run" not in r.stderr


def test_parquet_has_the_csv_columns_and_values(env: dict[str, str], tmp_path: Path) -> None:
    common = ["project", "run", "baseline", "-c", "GHA", "--until", "2028", "--mode"]
    common += ["stochastic", "--replicates", "3", "--seed", "11", "--no-store", "--out"]
    r = runner.invoke(app, [*common, str(tmp_path / "run.csv")], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, [*common, str(tmp_path / "run.parquet")], env=env)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "run.csv").read_text())))
    table = pq.read_table(tmp_path / "run.parquet")
    assert table.column_names == list(rows[0])
    assert table.schema.field("year").type == "int64"
    assert table.schema.field("country").type == "string"
    assert table.schema.field("supply").type == "double"
    assert table.num_rows == len(rows) == 2 * 4
    got = table.to_pylist()
    for a, b in zip(rows, got, strict=True):
        assert (a["country"], a["cadre"], int(a["year"])) == (b["country"], b["cadre"], b["year"])
        for name in ("supply", "need", "gap", "emigration", "p05", "p95"):
            assert float(a[name]) == pytest.approx(b[name], rel=1e-12)
    meta = json.loads(table.schema.metadata[b"hrh"])
    assert (meta["seed"], meta["mode"], meta["replicates"]) == (11, "stochastic", 3)
    assert "rows" not in meta and meta["sources"]


def test_need_by_utilisation_on_the_stored_wpp_ages(
    reference_ctx: AppContext, tmp_path: Path
) -> None:
    f = tmp_path / "ageing.yaml"
    f.write_text("name: ageing\ndescription: Need by utilisation.\nneed: {method: utilisation}\n")
    base = svc.run_projection(reference_ctx, "baseline", countries=["GHA", "JPN"], until=2040)
    aged = svc.run_projection(reference_ctx, str(f), countries=["GHA", "JPN"], until=2040)
    assert aged.need_method == "utilisation"
    assert any("wpp" in s.lower() and "2022" in s for s in aged.sources)
    for country in ("GHA", "JPN"):
        for cadre in aged.cadres:
            a, b = aged.value("need", country, cadre), base.value("need", country, cadre)
            assert a[0] == pytest.approx(b[0], rel=1e-12)  # the same level in the base year
    # Japan's population shrinks and ages: need by utilisation falls less than by head count
    jpn_a = aged.value("need", "JPN", "nursing_midwifery")
    jpn_b = base.value("need", "JPN", "nursing_midwifery")
    assert jpn_a[-1] / jpn_a[0] > jpn_b[-1] / jpn_b[0]
    assert any(a.parameter == "need.utilisation_weights" for a in aged.assumptions)


def test_cli_ensembles_on_processes_and_dask_give_the_same_numbers(env: dict[str, str]) -> None:
    from distributed import LocalCluster

    args = ["project", "run", "baseline", "-c", "GHA", "--until", "2028", "--mode", "stochastic"]
    args += ["--replicates", "6", "--seed", "21", "--format", "json", "--no-store"]
    here = runner.invoke(app, [*args, "--workers", "1"], env=env)
    assert here.exit_code == 0, here.output
    procs = runner.invoke(app, [*args, "--workers", "2"], env=env)
    assert procs.exit_code == 0, procs.output
    with LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        dask = runner.invoke(app, [*args, "--scheduler", cluster.scheduler_address], env=env)
    assert dask.exit_code == 0, dask.output
    rows = json.loads(here.stdout)["rows"]
    assert json.loads(procs.stdout)["rows"] == rows == json.loads(dask.stdout)["rows"]
    bad = runner.invoke(app, [*args, "--scheduler", "tcp://127.0.0.1:9"], env=env)
    assert bad.exit_code == 1 and "Cannot reach the Dask scheduler" in bad.output
