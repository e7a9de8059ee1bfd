"""Tables of the library part (declared on the shared `Base`; imported by `hrh.store.schema`)."""

from __future__ import annotations

from hrh.store.tables import Base

__all__ = ["Base"]
