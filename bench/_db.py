"""Fresh, migrated SQLite databases for the benchmarks (set-up is never timed)."""

from __future__ import annotations

from pathlib import Path

from hrh.config import Settings
from hrh.services.context import AppContext, open_context, upgrade_database


def fresh_context(folder: Path, name: str = "b") -> AppContext:
    """Return the context of a new, migrated SQLite database in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(var_dir=folder, database_url=f"sqlite:///{folder.as_posix()}/{name}.sqlite")
    ctx = open_context(settings)
    upgrade_database(ctx)
    return ctx
