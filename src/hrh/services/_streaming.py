"""Write records while the reader is still reading: one writer thread, one transaction.

The reader hands full chunks to a queue; the writer thread inserts them inside a single
transaction that it commits only when the whole file was read without a problem (and the
caller asks it to), else rolls back. So an import stays atomic while parsing and inserting
overlap (the database driver releases the GIL while it steps through rows).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from hrh.domain.records import SourceMeta, StockObs
from hrh.store import writes

_DONE = object()
Tick = Callable[[int], None] | None


class StreamWriter(threading.Thread):
    """Inserts chunks as they come; finishes with ``commit`` or ``abort``."""

    def __init__(self, session: Session, file: str, tick: Tick) -> None:
        super().__init__(name="hrh-import-writer", daemon=True)
        self._session = session
        self._file = file
        self._tick = tick
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=4)
        self._sources: dict[str, int] = {}
        self.inserted = 0
        self.error: BaseException | None = None

    def sink(self, source: SourceMeta, records: list[Any]) -> None:
        """Queue a chunk (called from the reader); dropped once the writer has failed."""
        while self.error is None:
            try:
                self._queue.put((source, records), timeout=0.5)
                return
            except queue.Full:
                continue

    def run(self) -> None:
        """Insert queued chunks until told to stop."""
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if self.error is not None:
                continue
            source, records = item
            try:
                self.inserted += writes.insert_records(
                    self._session,
                    self.source_id(source),
                    records,
                    self._file,
                    self._tick,
                    record_type=StockObs,  # streaming readers hand on stocks
                )
            except BaseException as exc:  # re-raised by ``finish`` in the caller's thread
                self.error = exc

    def source_id(self, source: SourceMeta) -> int:
        """Return (creating once) the id of a source vintage."""
        if source.label not in self._sources:
            self._sources[source.label] = writes.ensure_source(self._session, source)
        return self._sources[source.label]

    def finish(self) -> None:
        """Wait until every queued chunk is written; re-raise the writer's error."""
        self._queue.put(_DONE)
        self.join()
        if self.error is not None:
            raise self.error
