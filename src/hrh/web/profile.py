"""The country profile's view model, and its indicators as CSV.

:func:`build_profile` makes the service calls the page needs (the same ones as the API) and
returns one :class:`CountryProfile`; the template formats numbers for the reader's locale.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hrh.domain.records import Country, StoredSource
from hrh.errors import NotFound
from hrh.presentation.labels import indicator_label
from hrh.services.context import AppContext
from hrh.services.corridors import Corridor, list_corridors
from hrh.services.indicators import indicators_for
from hrh.services.observatory import list_countries, list_sources
from hrh.services.safeguards import compute_safeguard_list
from hrh.services.series import get_series

SSL_EDITION = "2023"
CORRIDORS_SHOWN = 10
SERIES_CADRES = ("medical_doctors", "nursing_midwifery")


@dataclass(frozen=True)
class SourceRef:
    """A source as the page names it: the stored ``key@vintage`` label and a title."""

    label: str
    title: str
    url: str


@dataclass(frozen=True)
class Headline:
    """One headline indicator: value (formatted by the template), unit, year, sources."""

    id: str
    cadre: str
    label: str
    value: float | None
    unit: str
    year: int | None
    sources: list[SourceRef]
    note: str


@dataclass(frozen=True)
class SslStatus:
    """The country's SSL result (None fields when it is not a WHO Member State)."""

    eligible: bool
    official: bool | None
    agrees: bool | None
    density: float | None
    density_years: dict[str, int | None]
    uhc_index: float | None
    uhc_year: int | None
    reason: str
    density_threshold: float
    uhc_threshold: float
    density_data_until: int
    uhc_index_year: int


@dataclass(frozen=True)
class CountryProfile:
    """Everything the country page shows."""

    country: Country
    headlines: list[Headline]
    #: The density series drawn in the chart: (cadre, [(year, value)]), cadres with data only.
    series: list[tuple[str, list[tuple[int, float]]]]
    series_table: list[tuple[int, dict[str, float]]]
    ssl: SslStatus | None
    outbound: list[Corridor]
    outbound_count: int
    inbound: list[Corridor]
    inbound_count: int
    completeness: float | None
    completeness_rows: list[dict[str, Any]]


def find_country(ctx: AppContext, iso3: str) -> Country:
    """Return the country with this ISO3 code, or raise :class:`~hrh.errors.NotFound`."""
    code = iso3.strip().upper()
    for c in list_countries(ctx):
        if c.iso3 == code:
            return c
    raise NotFound(f"Unknown country {iso3!r}.", hint="Use an ISO3 code such as GHA.")


def _refs(labels: list[str], sources: Mapping[str, StoredSource]) -> list[SourceRef]:
    out: dict[str, SourceRef] = {}
    for label in labels:
        s = sources.get(label)
        title = s.title if s and s.title else label
        if title in out:  # two vintages of one source: named once, both labels kept
            first = out[title]
            out[title] = SourceRef(f"{first.label}; {label}", title, first.url)
        else:
            out[title] = SourceRef(label, title, s.url if s else "")
    return list(out.values())


def _ssl(ctx: AppContext, iso3: str) -> SslStatus | None:
    result = compute_safeguard_list(ctx, SSL_EDITION, only=iso3)
    row = next((r for r in result.countries if r.iso3 == iso3), None)
    if row is None:
        return None
    k = result.criteria
    return SslStatus(
        row.eligible,
        row.official,
        row.agrees,
        row.density,
        dict(row.density_years),
        row.uhc_index,
        row.uhc_year,
        row.reason,
        k.density_threshold,
        k.uhc_index_threshold,
        k.density_data_until,
        k.uhc_index_year,
    )


def _series(ctx: AppContext, iso3: str) -> dict[str, list[tuple[int, float]]]:
    out: dict[str, list[tuple[int, float]]] = {}
    for cadre in SERIES_CADRES:
        rows = get_series(ctx, iso3, cadre, "per_10k")
        out[cadre] = [(r.year, r.value) for r in rows if r.latest_vintage]
    return out


def build_profile(ctx: AppContext, iso3: str) -> CountryProfile:
    """Gather the country page's data (raises NotFound for an unknown code)."""
    country = find_country(ctx, iso3)
    sources = {s.label: s for s in list_sources(ctx)}
    report = indicators_for(ctx, country.iso3)
    headlines = [
        Headline(
            v.id,
            v.cadre or "",
            indicator_label(v.id, v.cadre),
            v.value,
            v.unit,
            v.year,
            _refs(v.sources, sources),
            v.note,
        )
        for v in report.indicators
        if v.id != "data_completeness"
    ]
    completeness = next((v for v in report.indicators if v.id == "data_completeness"), None)
    series = _series(ctx, country.iso3)
    by_year: dict[int, dict[str, float]] = {}
    for cadre, points in series.items():
        for year, value in points:
            by_year.setdefault(year, {})[cadre] = value
    outbound = list_corridors(ctx, origin=country.iso3, limit=CORRIDORS_SHOWN)
    inbound = list_corridors(ctx, destination=country.iso3, limit=CORRIDORS_SHOWN)
    return CountryProfile(
        country,
        headlines,
        [(k, v) for k, v in series.items() if v],
        sorted(by_year.items(), reverse=True),
        _ssl(ctx, country.iso3),
        outbound.data,
        outbound.count,
        inbound.data,
        inbound.count,
        completeness.value if completeness else None,
        list(completeness.details.get("series", [])) if completeness else [],
    )


CSV_COLUMNS = ("country", "indicator", "cadre", "label", "value", "unit", "year", "sources", "note")


def indicators_csv(ctx: AppContext, iso3: str) -> str:
    """Return the country's indicators as CSV (English labels; sources as ``key@vintage``)."""
    country = find_country(ctx, iso3)
    report = indicators_for(ctx, country.iso3)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for v in report.indicators:
        writer.writerow(
            [
                country.iso3,
                v.id,
                v.cadre or "",
                indicator_label(v.id, v.cadre),
                "" if v.value is None else repr(float(v.value)),
                v.unit,
                "" if v.year is None else v.year,
                "; ".join(v.sources),
                v.note,
            ]
        )
    return out.getvalue()
