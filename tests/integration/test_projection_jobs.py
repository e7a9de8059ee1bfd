"""Projection jobs survive a restart: claimed once, recovered from dead workers, retried.

On SQLite and PostgreSQL (``HRH_TEST_POSTGRES_URL``). A crash is simulated by leaving a run
``running`` in the database under a worker whose process is gone (or that stopped beating),
then starting a fresh application on the same database.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from hrh.asgi import create_app
from hrh.cli import app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import projection_runs as runs
from hrh.services.context import AppContext, open_context
from hrh.store import projections as store
from hrh.store.tables_projection import ProjectionRun

runner = CliRunner()
REQ = runs.RunRequest(countries=("GHA",), until=2028, mode="stochastic", replicates=3, seed=5)


def _dead_worker() -> str:
    """A worker name on this host whose process has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()[:60]}:{child.pid}:dead00"


def _queue(ctx: AppContext, req: runs.RunRequest = REQ) -> str:
    return runs._store_request(ctx, LOCAL_ADMIN, req, "baseline", 1)


def _claim_as(ctx: AppContext, run_id: str, worker: str, at: datetime) -> None:
    with ctx.unit() as s:
        assert store.claim(s, run_id, worker, at=at)


def _wait(ctx: AppContext, run_id: str) -> runs.RunView:
    deadline = time.monotonic() + 120  # guards a hang only; nothing is timed
    while True:
        view = runs.get_run(ctx, LOCAL_ADMIN, run_id)
        if view.status in ("done", "failed") or time.monotonic() > deadline:
            return view
        time.sleep(0.05)


def test_a_run_left_running_by_a_crashed_server_completes_after_a_restart(
    reference_ctx: AppContext,
) -> None:
    # the first server claimed one run and died computing it; another was still queued
    crashed = _queue(reference_ctx, runs.RunRequest(**{**REQ.__dict__, "public": True}))
    _claim_as(reference_ctx, crashed, _dead_worker(), datetime.now(UTC))
    waiting = _queue(reference_ctx, runs.RunRequest(countries=("GHA",), until=2027, public=True))
    assert runs.get_run(reference_ctx, LOCAL_ADMIN, crashed).status == "running"
    # restart: a fresh application and context on the same database
    with TestClient(create_app(reference_ctx.settings)) as client:
        done = _wait(reference_ctx, crashed)
        other = _wait(reference_ctx, waiting)
        served = client.get(f"/api/v1/projections/{crashed}").json()
    assert (done.status, done.attempts, done.progress) == ("done", 2, 1.0), done.error
    assert other.status == "done" and other.attempts == 1
    direct = runs.submit_run(reference_ctx, LOCAL_ADMIN, REQ)
    assert done.result is not None and direct.result is not None
    assert served["result"]["rows"] == done.result["rows"] == direct.result["rows"]


def test_a_silent_worker_elsewhere_is_taken_over_and_its_late_result_dropped(
    reference_ctx: AppContext,
) -> None:
    run_id = _queue(reference_ctx)
    old = datetime.now(UTC) - timedelta(seconds=runs.STALE_AFTER_S + 5)
    _claim_as(reference_ctx, run_id, "other-host:1:aaaaaa", old)
    live = _queue(reference_ctx)
    _claim_as(reference_ctx, live, "other-host:2:bbbbbb", datetime.now(UTC))
    found = runs.recover_jobs(reference_ctx)
    assert run_id in found.requeued and live not in found.requeued + found.failed
    assert runs.get_run(reference_ctx, LOCAL_ADMIN, live).status == "running"  # still beating
    assert runs.get_run(reference_ctx, LOCAL_ADMIN, run_id).status == "queued"
    runs.execute_run(reference_ctx, run_id, "new-host:3:cccccc")
    view = runs.get_run(reference_ctx, LOCAL_ADMIN, run_id)
    assert view.status == "done" and view.attempts == 2
    # the silent worker wakes up and finishes: the run is no longer its own
    with reference_ctx.unit() as s:
        assert not store.beat(s, run_id, "other-host:1:aaaaaa", at=old, progress=0.5)
        assert not store.set_failed(s, run_id, at=old, error="late", worker="other-host:1:aaaaaa")
    assert runs.get_run(reference_ctx, LOCAL_ADMIN, run_id).status == "done"
    with reference_ctx.unit() as s:  # leave no live-looking run to other tests
        s.execute(update(ProjectionRun).where(ProjectionRun.id == live).values(status="failed"))


def test_a_run_that_keeps_killing_its_worker_fails_with_a_reason(ctx: AppContext) -> None:
    run_id = _queue(ctx)
    for _ in range(runs.MAX_ATTEMPTS):
        _claim_as(ctx, run_id, _dead_worker(), datetime.now(UTC))
        found = runs.recover_jobs(ctx)
    assert found.failed == (run_id,) and found.requeued == ()
    view = runs.get_run(ctx, LOCAL_ADMIN, run_id)
    assert view.status == "failed" and view.finished_at
    assert f"started {runs.MAX_ATTEMPTS} times" in view.error


def test_workers_in_two_processes_claim_each_run_once(ctx: AppContext) -> None:
    ids = {_queue(ctx) for _ in range(12)}
    second = open_context(ctx.settings)  # another server process on the same database
    claimed: dict[str, list[str]] = {}
    start = threading.Barrier(4)

    def claim_all(c: AppContext, name: str) -> None:
        start.wait()
        while (run_id := runs.claim_job(c, name)) is not None:
            claimed.setdefault(run_id, []).append(name)

    threads = [
        threading.Thread(target=claim_all, args=(c, f"w{i}"))
        for i, c in enumerate([ctx, ctx, second, second])
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        second.close()
    assert set(claimed) == ids
    assert all(len(names) == 1 for names in claimed.values())
    assert {v.status for v in runs.list_jobs(ctx, LOCAL_ADMIN, ["running"])} == {"running"}
    assert len(runs.list_jobs(ctx, LOCAL_ADMIN, ["queued"])) == 0


def test_a_stopping_worker_queues_its_run_again(reference_ctx: AppContext) -> None:
    run_id = _queue(reference_ctx)
    _claim_as(reference_ctx, run_id, "me:1:ffffff", datetime.now(UTC))
    stop = threading.Event()
    stop.set()  # the server is shutting down: stop at the first year step
    runs.run_job(reference_ctx, run_id, "me:1:ffffff", stop=stop)
    view = runs.get_run(reference_ctx, LOCAL_ADMIN, run_id)
    assert (view.status, view.attempts, view.result) == ("queued", 0, None)
    runs.execute_run(reference_ctx, run_id)
    assert runs.get_run(reference_ctx, LOCAL_ADMIN, run_id).status == "done"


def test_cli_lists_jobs_and_a_worker_computes_them(reference_ctx: AppContext) -> None:
    env = {
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(reference_ctx.settings.var_dir),
    }
    run_id = _queue(reference_ctx)
    listed = runner.invoke(app, ["project", "jobs", "--format", "json"], env=env)
    assert listed.exit_code == 0, listed.output
    row = next(r for r in json.loads(listed.stdout) if r["id"] == run_id)
    assert (row["status"], row["progress"], row["attempts"]) == ("queued", 0.0, 0)
    worked = runner.invoke(app, ["project", "worker", "--once"], env=env)
    assert worked.exit_code == 0, worked.output
    assert "runs computed" in worked.stderr
    view = runs.get_run(reference_ctx, LOCAL_ADMIN, run_id)
    assert view.status == "done" and view.result is not None
    bad = runner.invoke(app, ["project", "jobs", "--status", "lost"], env=env)
    assert bad.exit_code == 1 and "Unknown status 'lost'" in bad.output


def test_a_killed_worker_process_s_run_is_finished_by_a_restarted_server(
    reference_ctx: AppContext,
) -> None:
    env = {
        **os.environ,
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(reference_ctx.settings.var_dir),
    }
    req = runs.RunRequest(countries=("GHA",), until=2045, mode="stochastic", replicates=40, seed=8)
    run_id = _queue(reference_ctx, req)
    worker = subprocess.Popen(
        [sys.executable, "-m", "hrh", "project", "worker", "--poll", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120  # guards a hang only; nothing is timed
        while runs.get_run(reference_ctx, LOCAL_ADMIN, run_id).status == "queued":
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.02)
    finally:
        worker.send_signal(signal.SIGKILL)  # a crash: no clean-up of any kind
        worker.wait()
    crashed = runs.get_run(reference_ctx, LOCAL_ADMIN, run_id)
    assert (crashed.status, crashed.attempts, crashed.result) == ("running", 1, None)
    with TestClient(create_app(reference_ctx.settings)):  # the restarted server
        done = _wait(reference_ctx, run_id)
    assert (done.status, done.attempts) == ("done", 2), done.error
    direct = runs.submit_run(reference_ctx, LOCAL_ADMIN, req)
    assert done.result is not None and direct.result is not None
    assert done.result["rows"] == direct.result["rows"]
