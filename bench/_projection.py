"""A database with the reference data loaded, made once per benchmark run (never timed)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench._db import fresh_context
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import imports
from hrh.services.context import AppContext

ONE_COUNTRY = "GHA"
FROM, UNTIL = 2025, 2050
_CTX: list[AppContext] = []


def reference_context() -> AppContext:
    """Return a context on a fresh SQLite database loaded with the bundled reference data."""
    if not _CTX:
        folder = Path(tempfile.mkdtemp(prefix="hrh-bench-proj-"))
        ctx = fresh_context(folder)
        imports.load_reference(ctx, principal=LOCAL_ADMIN)
        _CTX.append(ctx)

        def _drop() -> None:
            ctx.close()
            shutil.rmtree(folder, ignore_errors=True)

        atexit.register(_drop)
    return _CTX[0]


def best(work: Callable[[], object], repeat: int, *, warm_up: bool = True) -> float:
    """Return the fewest seconds ``work`` took over ``repeat`` runs (after one warm-up)."""
    if warm_up:
        work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)
