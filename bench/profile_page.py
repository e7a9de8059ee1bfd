"""Server time of a country profile, ``GET /countries/{iso3}``, over every country (p95, ms).

Through the whole ASGI application in process (FastAPI's ``TestClient``: session middleware,
the services, the SVG chart, the template) over a SQLite database loaded with the bundled
reference data, after one warm-up request. Every country of the reference list is asked for
once per series (250 pages; 60 with ``--quick``), in a fixed order; the figure is the 95th
percentile of the per-request times of the best series. The network and the browser's
drawing are not included.
"""

from __future__ import annotations

import time

import numpy as np
from fastapi.testclient import TestClient

from bench._projection import reference_context
from bench._report import Figure
from hrh.asgi import create_app
from hrh.config import Settings
from hrh.services.observatory import list_countries

NAME = "country_profile_p95_ms"
UNIT = "ms"
GOAL = 150.0
LOWER_IS_BETTER = True


def run(quick: bool = False) -> Figure:
    """Measure p95 of the profile's server time over all countries (best of 3 series)."""
    ctx = reference_context()
    settings = Settings(var_dir=ctx.settings.var_dir, database_url=ctx.settings.database_url)
    codes = [c.iso3 for c in list_countries(ctx)]
    if quick:
        codes = codes[:: max(1, len(codes) // 60)]
    p95s: list[float] = []
    with TestClient(create_app(settings)) as client:
        assert client.get("/countries/GHA").status_code == 200  # warm-up
        for _ in range(1 if quick else 3):
            times = []
            for code in codes:
                start = time.perf_counter()
                response = client.get(f"/countries/{code}")
                times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"/countries/{code} answered {response.status_code}")
            p95s.append(float(np.percentile(times, 95)))
            print(
                f"    {len(codes)} pages: median {np.median(times):.1f} ms, "
                f"p95 {p95s[-1]:.1f} ms, max {max(times):.1f} ms"
            )
    return Figure.measured(NAME, min(p95s), UNIT, goal=GOAL, lower_is_better=True)
