"""Immutable records that importers produce and the store keeps, each tied to a source.

Observations are ``NamedTuple``s: immutable, cheap to build by the million, and handed to the
database driver as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class SourceMeta:
    """Where a batch of facts comes from.

    A ``key`` names a dataset (``who-gho``); a ``vintage`` names one release of it. A new
    vintage is kept beside the old one; queries take the latest unless asked otherwise.

    >>> SourceMeta("who-gho", "2022-02-08", "WHO", "GHO", "https://x", "CC BY").label
    'who-gho@2022-02-08'
    """

    key: str
    vintage: str
    publisher: str
    title: str
    url: str = ""
    licence: str = ""
    released: str = ""  # ISO date of the release where the file states one

    @property
    def label(self) -> str:
        """Return ``key@vintage``."""
        return f"{self.key}@{self.vintage}"


class StockObs(NamedTuple):
    """A workforce stock: headcount or density per 10,000 for one cell."""

    country: str
    cadre: str
    year: int
    sex: str
    age_band: str
    basis: str
    measure: str
    value: float


class PopulationObs(NamedTuple):
    """Population in persons for one country, year, sex, age band and variant."""

    country: str
    year: int
    sex: str
    age_band: str
    variant: str
    value: float


class FlowObs(NamedTuple):
    """A bilateral migration figure (stock abroad, inflow, outflow or return)."""

    origin: str
    destination: str
    cadre: str
    year: int
    kind: str
    basis: str
    value: float


class CoverageObs(NamedTuple):
    """UHC service coverage index (SDG 3.8.1), 0–100."""

    country: str
    year: int
    value: float


class EconomicObs(NamedTuple):
    """A country-level economic figure, e.g. personal remittances received (current USD)."""

    country: str
    measure: str
    year: int
    value: float


class SafeguardEntry(NamedTuple):
    """A country on a published safeguards list version."""

    version: str
    country: str
    grade: str


@dataclass(frozen=True)
class Country:
    """A country or territory with its codes and groupings."""

    iso3: str
    iso2: str
    m49: str
    name: str
    who_region: str = ""
    who_member: bool = False
    wb_income: str = ""
    wb_region: str = ""


@dataclass(frozen=True)
class StoredSource:
    """A source vintage as stored, with its id and import time."""

    id: int
    key: str
    vintage: str
    publisher: str
    title: str
    url: str
    licence: str
    released: str
    imported_at: str

    @property
    def label(self) -> str:
        """Return ``key@vintage``."""
        return f"{self.key}@{self.vintage}"
