"""Where stochastic replicates run: this process, local processes, or a Dask cluster.

The calculation core cuts an ensemble into batches of consecutive replicates
(:mod:`hrh.projection.ensemble`) and takes the executor as an argument; this module builds
the executors (processes and network connections are I/O, kept out of the core):

- ``scheduler`` given: the Dask distributed cluster at that address (``pip install
  'hrh[dask]'``), two batches per Dask worker;
- else ``workers`` local processes (``concurrent.futures.ProcessPoolExecutor``, started
  with ``spawn`` so that no database connection or thread is inherited), one batch each;
- ``workers`` None: local processes (as many as the machine has cores, at most
  :data:`MAX_AUTO_WORKERS`) for ensembles of :data:`AUTO_PROCESS_MIN` replicate-years
  × reported countries or more; smaller ones run in this process, where starting processes
  would cost more than it saves.

The same seed gives the same numbers in every case.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from hrh.errors import ConfigError, Invalid
from hrh.projection.ensemble import BatchTask
from hrh.projection.replicates import Replicates
from hrh.projection.runner import Execution

AUTO_PROCESS_MIN = 50_000
"""Replicates × years × reported countries from which an ensemble runs on local processes
by default (a whole-world run counts :data:`WORLD_COUNTRIES` countries). A reported
country's replicate-year, its partners kept at expected values, takes well under a
millisecond; starting a process takes about a second."""
WORLD_COUNTRIES = 200
MAX_AUTO_WORKERS = 8
MAX_WORKERS = 64


@contextmanager
def execution_for(
    replicates: int,
    from_year: int,
    until: int,
    workers: int | None = None,
    scheduler: str | None = None,
    countries: int | None = None,
) -> Iterator[Execution | None]:
    """Yield where an ensemble runs (None: in this process); release it afterwards.

    ``countries``: how many countries are reported (None: every country, the most work).

    Raises:
        Invalid: a worker count out of range.
        ConfigError: Dask is not installed, or its scheduler cannot be reached.
    """
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise Invalid(f"Workers {workers}: expected 1 to {MAX_WORKERS}.")
    if scheduler:
        with dask_execution(scheduler) as execution:
            yield execution
        return
    if workers is None:
        cores = os.cpu_count() or 1
        work = replicates * (until - from_year + 1) * (countries or WORLD_COUNTRIES)
        big = work >= AUTO_PROCESS_MIN
        workers = min(cores, MAX_AUTO_WORKERS) if big else 1
    workers = min(workers, replicates)
    if workers <= 1:
        yield None
        return
    with process_execution(workers) as execution:
        yield execution


@contextmanager
def process_execution(workers: int) -> Iterator[Execution]:
    """Yield an execution over ``workers`` local processes (one batch each)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:

        def task_map(
            fn: Callable[[BatchTask], Replicates], tasks: Sequence[BatchTask]
        ) -> list[Replicates]:
            return list(pool.map(fn, tasks))

        yield Execution(task_map, workers)


@contextmanager
def dask_execution(address: str) -> Iterator[Execution]:
    """Yield an execution on the Dask distributed cluster at ``address``.

    Raises:
        ConfigError: when Dask is not installed or the scheduler cannot be reached.
    """
    try:
        distributed: Any = importlib.import_module("distributed")  # an optional dependency
    except ImportError:
        raise ConfigError(
            "--scheduler needs Dask distributed, which is not installed.",
            hint="Install it with `pip install 'hrh[dask]'`.",
        ) from None
    try:
        client: Any = distributed.Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(
            f"Cannot reach the Dask scheduler at {address!r}: {exc}",
            hint="Start one with `dask scheduler` (and `dask worker ADDRESS`), or leave out "
            "--scheduler to run on local processes.",
        ) from None
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))

        def task_map(
            fn: Callable[[BatchTask], Replicates], tasks: Sequence[BatchTask]
        ) -> list[Replicates]:
            futures = client.map(fn, list(tasks), pure=False)
            return list(client.gather(futures))

        yield Execution(task_map, 2 * n_workers)
    finally:
        client.close()
