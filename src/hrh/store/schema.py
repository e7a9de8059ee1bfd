"""Every table module, imported so that ``Base.metadata`` knows all tables (migrations, tests)."""

from __future__ import annotations

from hrh.store import (
    tables,
    tables_compliance,
    tables_diaspora,
    tables_diaspora_workflow,
    tables_library,
    tables_projection,
)
from hrh.store.tables import Base

__all__ = [
    "Base",
    "tables",
    "tables_compliance",
    "tables_diaspora",
    "tables_diaspora_workflow",
    "tables_library",
    "tables_projection",
]
