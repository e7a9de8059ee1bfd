"""The application context: settings, engine and session factory, built once per process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hrh.config import Settings
from hrh.errors import ConfigError
from hrh.store import migrate
from hrh.store.session import make_engine, session_factory, unit_of_work


@dataclass
class AppContext:
    """What every service needs: settings and the database."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """Open one transaction (committed at the end, rolled back on error)."""
        with unit_of_work(self.sessions) as session:
            yield session

    def require_schema(self) -> None:
        """Raise a clear error when the database has not been migrated to this code's schema."""
        current = migrate.current_revision(self.engine)
        head = migrate.head_revision(self.engine)
        if current != head:
            raise ConfigError(
                f"The database schema is at {current or 'nothing'}, this code needs {head}.",
                hint="Run `hrh db upgrade` first.",
            )

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def open_context(settings: Settings | None = None) -> AppContext:
    """Build the context from settings (read from the environment when not given)."""
    settings = settings or Settings()
    engine = make_engine(settings.resolved_database_url())
    return AppContext(settings, engine, session_factory(engine))


@dataclass(frozen=True)
class SchemaChange:
    """The schema revision before and after an upgrade."""

    before: str | None
    after: str | None


def upgrade_database(ctx: AppContext) -> SchemaChange:
    """Migrate the schema to the latest revision."""
    before = migrate.current_revision(ctx.engine)
    migrate.upgrade(ctx.engine)
    return SchemaChange(before, migrate.current_revision(ctx.engine))
