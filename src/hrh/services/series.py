"""Stored values of one series by year: one row per source vintage."""

from __future__ import annotations

from dataclasses import dataclass

from hrh.domain.codes import MEASURES, resolve_cadre
from hrh.errors import Invalid, NotFound
from hrh.services.context import AppContext
from hrh.store import reads


@dataclass(frozen=True)
class SeriesValue:
    """One stored value."""

    country: str
    cadre: str
    measure: str
    year: int
    value: float
    source: str
    publisher: str
    latest_vintage: bool


def get_series(
    ctx: AppContext,
    country: str,
    cadre: str,
    measure: str = "per_10k",
    since: int | None = None,
    until: int | None = None,
) -> list[SeriesValue]:
    """Return the stored values by year, one row per source (newest vintage flagged)."""
    if measure not in MEASURES:
        raise Invalid(f"Unknown measure {measure!r}.", hint="Use per_10k or headcount.")
    cadre_id = resolve_cadre(cadre).id
    iso3 = country.strip().upper()
    with ctx.unit() as s:
        if iso3 not in {c.iso3 for c in reads.load_countries(s)}:
            raise NotFound(f"Unknown country {country!r}.", hint="Use an ISO3 code such as GHA.")
        sources = reads.list_sources(s)
        rows = reads.stock_rows(s, countries=[iso3], cadres=[cadre_id], measures=[measure])
    rank = {src.id: i for i, src in enumerate(sources)}
    by_id = {src.id: src for src in sources}
    best: dict[int, int] = {}
    for r in rows:
        if r.year not in best or rank[r.source_id] > rank[best[r.year]]:
            best[r.year] = r.source_id
    return [
        SeriesValue(
            iso3,
            cadre_id,
            measure,
            r.year,
            r.value,
            by_id[r.source_id].label,
            by_id[r.source_id].publisher,
            best[r.year] == r.source_id,
        )
        for r in sorted(rows, key=lambda r: (r.year, rank[r.source_id]))
        if (since is None or r.year >= since) and (until is None or r.year <= until)
    ]
