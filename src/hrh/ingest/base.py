"""What every importer produces: batches of records per source, plus located problems."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hrh.domain.records import (
    Country,
    CoverageObs,
    EconomicObs,
    FlowObs,
    PopulationObs,
    SafeguardEntry,
    SourceMeta,
)
from hrh.errors import Problem

#: Stop collecting after this many problems; the report says how many more there were.
MAX_PROBLEMS = 1000
#: A stock observation as a plain tuple in ``StockObs`` field order.
StockRow = tuple[str, str, int, str, str, str, str, float]
#: Records per chunk that a streaming reader hands to its sink.
STREAM_CHUNK = 50_000

#: ``sink(source, records)``: receives chunks of records of one source while reading goes on.
Sink = Callable[[SourceMeta, list[Any]], None]


@dataclass
class Batch:
    """Records from one source vintage."""

    source: SourceMeta
    #: ``StockObs`` rows, or plain tuples in the same field order (columnar fast paths).
    stocks: list[StockRow] = field(default_factory=list)
    population: list[PopulationObs] = field(default_factory=list)
    flows: list[FlowObs] = field(default_factory=list)
    coverage: list[CoverageObs] = field(default_factory=list)
    safeguards: list[SafeguardEntry] = field(default_factory=list)
    economic: list[EconomicObs] = field(default_factory=list)
    streamed: int = 0  # records already handed to the sink (no longer held here)

    @property
    def size(self) -> int:
        """Return the number of records read into the batch (held or streamed)."""
        return (
            self.streamed
            + len(self.stocks)
            + len(self.population)
            + len(self.flows)
            + len(self.coverage)
            + len(self.safeguards)
            + len(self.economic)
        )


@dataclass
class ImportResult:
    """Everything an importer read from one file."""

    file: str
    format: str
    sha256: str
    batches: list[Batch] = field(default_factory=list)
    rows_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    problems_dropped: int = 0
    notes: list[str] = field(default_factory=list)
    _seen: dict[Hashable, int] = field(default_factory=dict, repr=False)
    #: Where a streaming reader hands full chunks of records while it goes on reading.
    sink: Sink | None = field(default=None, repr=False)

    def stream_stocks(self, batch: Batch, chunk: int = STREAM_CHUNK) -> None:
        """Hand the batch's stocks to the sink once ``chunk`` have gathered.

        Nothing is handed on once a problem was found: the import will fail anyway.
        """
        if self.sink is None or self.problems or len(batch.stocks) < chunk:
            return
        self.sink(batch.source, batch.stocks)
        batch.streamed += len(batch.stocks)
        batch.stocks = []

    def problem(
        self, line: int | None, column: str | None, value: str | None, expected: str
    ) -> None:
        """Record a located problem with the input."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems_dropped += 1
            return
        self.problems.append(Problem(self.file, line, column, value, expected))

    def first_seen(self, key: Hashable, line: int) -> int | None:
        """Remember ``key`` at ``line``; return the earlier line if it was seen before."""
        earlier = self._seen.get(key)
        if earlier is None:
            self._seen[key] = line
        return earlier

    @property
    def records(self) -> int:
        """Return the number of records read across all batches."""
        return sum(b.size for b in self.batches)


@dataclass(frozen=True)
class CountryIndex:
    """Maps the codes found in source files to ISO 3166-1 alpha-3.

    Attributes:
        countries: the known countries by ISO3.
        aliases: other codes (ISO2, UN M49, World Bank, names) → ISO3.
        aggregates: codes of regions and groups that files mix with countries; skipped.
    """

    countries: dict[str, Country]
    aliases: dict[str, str]
    aggregates: frozenset[str]

    def resolve(self, code: str) -> str | None:
        """Return the ISO3 code for ``code`` or None when it is unknown.

        >>> from hrh.domain.records import Country
        >>> idx = CountryIndex({"GHA": Country("GHA", "GH", "288", "Ghana")}, {"288": "GHA"},
        ...                    frozenset())
        >>> idx.resolve("288"), idx.resolve("GHA"), idx.resolve("XYZ")
        ('GHA', 'GHA', None)
        """
        c = code.strip()
        if c in self.countries:
            return c
        return self.aliases.get(c) or self.aliases.get(c.upper())

    def is_aggregate(self, code: str) -> bool:
        """Tell whether ``code`` names a region or group rather than a country."""
        return code.strip() in self.aggregates


#: ``read(path, countries, options)``: every importer module exposes one.
Reader = Callable[[Path, CountryIndex, Mapping[str, str]], ImportResult]


class StreamingReader(Protocol):
    """``read(path, countries, options, sink=...)`` of a format that streams."""

    def __call__(
        self,
        path: Path,
        countries: CountryIndex,
        options: Mapping[str, str],
        sink: Sink | None = None,
    ) -> ImportResult:
        """Read the file, handing full chunks of records to ``sink`` as it goes."""
        ...


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
