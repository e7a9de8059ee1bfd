"""Observatory reads: the data behind the world map, country lists and sources."""

from __future__ import annotations

from dataclasses import dataclass

from hrh.domain.records import Country, StoredSource
from hrh.services.context import AppContext
from hrh.services.indicators import dnm_density_by_country
from hrh.store import reads


@dataclass(frozen=True)
class MapValue:
    """One country's value on the world map."""

    iso3: str
    m49: str
    name: str
    who_region: str
    value: float | None
    year: int | None
    source: str


@dataclass(frozen=True)
class MapLayer:
    """An indicator for every country, ready to draw."""

    indicator: str
    label: str
    unit: str
    values: list[MapValue]
    sources: list[str]


def density_map(ctx: AppContext, year: int | None = None) -> MapLayer:
    """Return the DNM density per 10,000 (doctors + nurses and midwives) for every country."""
    with ctx.unit() as s:
        countries = reads.load_countries(s)
        values = dnm_density_by_country(s, year)
    out = []
    used: set[str] = set()
    for c in countries:
        v = values.get(c.iso3)
        if v is not None:
            used.update(v.sources)
        out.append(
            MapValue(
                c.iso3,
                c.m49,
                c.name,
                c.who_region,
                v.value if v else None,
                v.year if v else None,
                "; ".join(v.sources) if v else "",
            )
        )
    return MapLayer(
        "dnm_density_per_10k",
        "Doctors, nurses and midwives per 10,000 population",
        "per 10,000",
        out,
        sorted(used),
    )


def list_sources(ctx: AppContext) -> list[StoredSource]:
    """Return every stored source vintage."""
    with ctx.unit() as s:
        return reads.list_sources(s)


def list_countries(ctx: AppContext, region: str | None = None) -> list[Country]:
    """Return the countries, optionally those of one WHO region."""
    with ctx.unit() as s:
        countries = reads.load_countries(s)
    if region:
        countries = [c for c in countries if c.who_region == region.upper()]
    return countries
