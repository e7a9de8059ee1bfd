"""Web fixtures: a database with a little density data, the whole app, and a live server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, sync_playwright

from hrh.asgi import create_app
from hrh.config import Settings
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, imports
from hrh.services.context import AppContext

SOURCE = "National Health Workforce Accounts test extract"

#: Ghana 1.7 + 35.7 = 37.4 (25–49), Nigeria 3.8 + 15.0 = 18.8 (10–25),
#: Germany 45.3 + 120.0 = 165.3 (≥ 150), Malta 30.0 + 80.0 = 110.0 (not on the 110m map).
DENSITY_ROWS = (
    ("GHA", "medical_doctors", 2020, 1.7),
    ("GHA", "nursing_midwifery", 2020, 35.7),
    ("NGA", "medical_doctors", 2019, 3.8),
    ("NGA", "nursing_midwifery", 2019, 15.0),
    ("DEU", "medical_doctors", 2021, 45.3),
    ("DEU", "nursing_midwifery", 2021, 120.0),
    ("MLT", "medical_doctors", 2021, 30.0),
    ("MLT", "nursing_midwifery", 2021, 80.0),
)


def write_tidy_csv(path: Path) -> Path:
    """Write the test density rows as a tidy CSV."""
    lines = ["country,cadre,year,sex,age_band,basis,measure,value,source"]
    lines += [
        f"{iso3},{cadre},{year},T,total,all,per_10k,{value},{SOURCE}"
        for iso3, cadre, year, value in DENSITY_ROWS
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def density_ctx(ctx: AppContext, tmp_path: Path) -> AppContext:
    """The test database with the density rows imported."""
    imports.import_file(
        ctx, "tidy", write_tidy_csv(tmp_path / "density.csv"), principal=LOCAL_ADMIN
    )
    return ctx


@pytest.fixture
def web_app(density_ctx: AppContext, tmp_path: Path) -> FastAPI:
    """The whole application over the test database."""
    settings = Settings(var_dir=tmp_path, database_url=density_ctx.settings.database_url)
    return create_app(settings)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(web_app: FastAPI) -> Iterator[str]:
    """Serve the app with uvicorn on a free 127.0.0.1 port in a thread; yield its base URL."""
    yield from serve(web_app)


@pytest.fixture(scope="session")
def reference_app(reference_ctx: AppContext, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The whole application over all the bundled reference data (read-only)."""
    var = tmp_path_factory.mktemp("reference-app")
    return create_app(Settings(var_dir=var, database_url=reference_ctx.settings.database_url))


@pytest.fixture(scope="session")
def reference_server(reference_app: FastAPI) -> Iterator[str]:
    """Serve the reference application on 127.0.0.1; yield its base URL."""
    yield from serve(reference_app)


def serve(web_app: FastAPI) -> Iterator[str]:
    """Run ``web_app`` with uvicorn on a free 127.0.0.1 port in a thread; yield its base URL."""
    port = _free_port()
    config = uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="hrh-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            pytest.fail("the test web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless Debian Chromium driven by Playwright (one per test session)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def analyst(ctx: AppContext) -> dict[str, str]:
    """Create the analyst ``ana``; return the sign-in form's fields (username, password)."""
    fields = {"username": "ana", "password": "correct horse battery staple"}
    accounts.add_user(ctx, LOCAL_ADMIN, fields["username"], "analyst", password=fields["password"])
    return fields
