"""Milliseconds per lever move in the web scenario explorer (server side, in process).

``GET /scenarios/fragment?country=GHA&training=…`` through the whole ASGI application (session
and CSRF middleware, services, the projection, the SVG chart) over a database loaded with the
bundled reference data, after one warm-up request. Each move changes the training lever, so no
two consecutive requests share a cached result. The network and the browser's drawing are not
included: this is the server's part of "the chart updates within a fraction of a second".
"""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from bench._projection import ONE_COUNTRY, reference_context
from bench._report import Figure
from hrh.asgi import create_app
from hrh.config import Settings

NAME = "scenario_explorer_ms_per_lever_move"
UNIT = "ms"
GOAL = 300.0
LOWER_IS_BETTER = True


def run(quick: bool = False) -> Figure:
    """Measure the mean time of a series of lever moves (best of 3 series, 1 with ``quick``)."""
    ctx = reference_context()
    settings = Settings(var_dir=ctx.settings.var_dir, database_url=ctx.settings.database_url)
    moves = list(range(5, 100, 5 if quick else 1))
    series: list[float] = []
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/scenarios/fragment?country={ONE_COUNTRY}").status_code == 200
        for repeat in range(1 if quick else 3):
            start = time.perf_counter()
            for training in moves:
                url = f"/scenarios/fragment?country={ONE_COUNTRY}&training={training + repeat}"
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
            series.append((time.perf_counter() - start) / len(moves) * 1000)
    print(f"    {len(moves)} lever moves per series, {ONE_COUNTRY}")
    return Figure.measured(NAME, min(series), UNIT, goal=GOAL, lower_is_better=True)
