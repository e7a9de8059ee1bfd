"""Shared fixtures: application contexts on SQLite (always) and PostgreSQL (when configured).

Set ``HRH_TEST_POSTGRES_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``)
to run every storage test on PostgreSQL too; each test session creates its own throwaway
databases there and drops them at the end.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import os
import socket
import uuid
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url

from hrh.config import Settings
from hrh.services import imports
from hrh.services.context import AppContext, open_context, upgrade_database

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("HRH_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

_DATA_TABLES = (
    "projection_run_sources",
    "projection_runs",
    "library_entry_countries",
    "library_entries",
    "compliance_findings",
    "recruitment_records",
    "compliance_organisation_listings",
    "compliance_organisations",
    "compliance_agreements",
    "compliance_agreement_overrides",
    "diaspora_incentives",
    "diaspora_returns",
    "diaspora_outcomes",
    "diaspora_notifications",
    "diaspora_assignments",
    "diaspora_consents",
    "diaspora_profiles",
    "diaspora_opportunities",
    "diaspora_erased_tallies",
    "workforce_stocks",
    "populations",
    "migration_flows",
    "coverage_indices",
    "economic_values",
    "safeguard_list_entries",
    "import_log",
    "api_tokens",
    "password_resets",
    "auth_throttle",
    "users",
    "audit_events",
    "sources",
)


#: Every engine that has opened a connection (applications built by tests make their own).
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _seen(connection: Connection) -> None:
    _ENGINES.add(connection.engine)


@pytest.fixture(autouse=True)
def _close_connections_of_new_engines() -> Iterator[None]:
    """Close the pooled connections of engines first used by a test when it ends.

    Each application a test builds opens its own engine; without this, their idle pooled
    connections outlive the test and a long run exhausts PostgreSQL's connection limit.
    """
    before = set(_ENGINES)
    yield
    for engine in list(_ENGINES):
        if engine not in before:
            engine.dispose()


def _create_pg_database(prefix: str) -> str:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _make_context(backend: str, tmp: Path, prefix: str) -> AppContext:
    if backend == "sqlite":
        url = f"sqlite:///{(tmp / f'{prefix}.sqlite').as_posix()}"
    else:
        url = _create_pg_database(prefix)
    ctx = open_context(Settings(var_dir=tmp, database_url=url))
    upgrade_database(ctx)
    return ctx


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The storage backend under test."""
    return str(request.param)


@pytest.fixture(scope="session")
def _session_ctx(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    ctx = _make_context(backend, tmp_path_factory.mktemp(backend), "hrh_test")
    imports.load_countries(ctx)
    yield ctx
    ctx.close()
    if backend == "postgresql":
        _drop_pg_database(ctx.settings.database_url)


@pytest.fixture
def ctx(_session_ctx: AppContext) -> AppContext:
    """A migrated database with the country reference and no data (emptied before each test)."""
    with _session_ctx.engine.begin() as conn:
        for table in _DATA_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
    return _session_ctx


@pytest.fixture(scope="session")
def reference_ctx(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    """A database with all bundled reference data loaded (read-only for tests)."""
    ctx = _make_context(backend, tmp_path_factory.mktemp(f"ref-{backend}"), "hrh_ref")
    imports.load_reference(ctx)
    yield ctx
    ctx.close()
    if backend == "postgresql":
        _drop_pg_database(ctx.settings.database_url)


class MailCollector(Message):
    """An aiosmtpd handler keeping every message it receives, parsed (``policy.default``)."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[email.message.EmailMessage] = []

    def handle_message(self, message: email.message.Message) -> None:
        parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        self.messages.append(parsed)


@pytest.fixture
def smtp() -> Iterator[tuple[MailCollector, int]]:
    """A real SMTP server (aiosmtpd) on a free 127.0.0.1 port: (its collector, its port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    handler = MailCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
