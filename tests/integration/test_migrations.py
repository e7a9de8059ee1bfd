from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hrh.services.context import AppContext
from hrh.store.schema import Base


def test_migrations_match_the_tables(ctx: AppContext) -> None:
    with ctx.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # server defaults and FK names are not compared; every table and column must match
    assert [d for d in diff if d[0] not in ("remove_fk", "add_fk")] == []
