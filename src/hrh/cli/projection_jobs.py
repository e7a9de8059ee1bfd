"""Projection jobs on the command line: ``hrh project jobs | worker``.

Runs submitted over the API that are too large to answer directly are jobs: rows of the
database that the web server's worker threads, or ``hrh project worker`` processes, claim
and compute (see :mod:`hrh.services.projection_runs`).
"""

from __future__ import annotations

import threading

import typer

from hrh.cli._output import FormatOption, OutputFormat, emit, err_console, handle_errors
from hrh.cli.data import app_context
from hrh.domain.policy import LOCAL_ADMIN

JOB_COLUMNS = [
    "id",
    "status",
    "scenario",
    "mode",
    "size",
    "progress",
    "attempts",
    "created_at",
    "started_at",
    "heartbeat_at",
    "owner",
    "error",
]


def jobs_cmd(
    status: str = typer.Option(
        "queued,running",
        "--status",
        help="Statuses to list, comma-separated: queued, running, done, failed.",
    ),
    limit: int = typer.Option(100, "--limit", help="At most this many runs (oldest first)."),
    output: OutputFormat = FormatOption,
) -> None:
    """List the projection jobs waiting or being computed, oldest first."""
    from hrh.services import projection_runs as runs_svc

    statuses = [s.strip() for s in status.split(",") if s.strip()]
    with app_context() as ctx:
        views = runs_svc.list_jobs(ctx, LOCAL_ADMIN, statuses, limit)
    emit([v.summary() for v in views], output, title="Projection jobs", columns=JOB_COLUMNS)


def worker_cmd(
    once: bool = typer.Option(
        False, "--once", help="Compute the queued runs, then stop (default: wait for more)."
    ),
    poll: float = typer.Option(
        2.0, "--poll", min=0.1, help="Seconds between looks for queued runs when idle."
    ),
) -> None:
    """Compute queued projection runs (for servers started with HRH_PROJECTION_WORKERS=0).

    Any number of workers, on any hosts sharing the database, may run at once: each run is
    claimed by exactly one. Runs left running by a worker that died are queued again. Stop
    with Ctrl-C: the run being computed is queued again for the next worker.
    """
    from hrh.services import projection_runs as runs_svc

    with app_context() as ctx:
        name = runs_svc.worker_name()
        err_console.print(
            f"Worker {name}: "
            + ("computing the queued runs." if once else "waiting for runs (Ctrl-C to stop)."),
            highlight=False,
        )
        stop = threading.Event()
        count: list[int] = []
        failure: list[BaseException] = []
        finished = threading.Event()

        def loop() -> None:
            try:
                count.append(runs_svc.work(ctx, name, stop=stop, until_idle=once, poll_s=poll))
            except BaseException as exc:  # raised again in the main thread
                failure.append(exc)
            finally:
                finished.set()

        thread = threading.Thread(target=loop, name="hrh-worker")
        thread.start()
        try:  # Ctrl-C lands in Event.wait, never inside Thread.join (which it can break)
            while not finished.wait(0.5):
                pass
        except KeyboardInterrupt:
            err_console.print("Stopping: the running job is queued again.", highlight=False)
            stop.set()
        thread.join()
        if failure:
            raise failure[0]
    err_console.print(f"Worker {name}: {sum(count)} runs computed.", highlight=False)


def register(project_app: typer.Typer) -> None:
    """Add ``jobs`` and ``worker`` to the ``project`` group."""
    project_app.command("jobs")(handle_errors(jobs_cmd))
    project_app.command("worker")(handle_errors(worker_cmd))


__all__ = ["register"]
