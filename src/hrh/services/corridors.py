"""Bilateral corridors: stocks of workers abroad by origin and destination."""

from __future__ import annotations

from dataclasses import dataclass

from hrh.domain.codes import resolve_cadre
from hrh.errors import NotFound
from hrh.services._inputs import SourceIndex, stock_series
from hrh.services.context import AppContext
from hrh.store import reads


@dataclass(frozen=True)
class Corridor:
    """Workers trained in ``origin`` working in ``destination``."""

    origin: str
    origin_name: str
    destination: str
    destination_name: str
    cadre: str
    year: int
    kind: str
    basis: str
    value: float
    share_of_origin_workforce: float | None
    origin_workforce: float | None
    origin_workforce_year: int | None
    source: str


@dataclass(frozen=True)
class CorridorPage:
    """A page of corridors, largest first."""

    data: list[Corridor]
    count: int


def list_corridors(
    ctx: AppContext,
    *,
    origin: str | None = None,
    destination: str | None = None,
    cadre: str | None = None,
    year: int | None = None,
    limit: int = 50,
    offset: int = 0,
    lookback: int | None = None,
) -> CorridorPage:
    """Return stocks abroad, largest first, with the origin's share of its own workforce.

    The share is the stock abroad divided by the origin's headcount of the same cadre at the
    latest year not after the corridor's year (within the look-back window).
    """
    lb = ctx.settings.lookback_years if lookback is None else lookback
    cadres = [resolve_cadre(cadre).id] if cadre else None
    with ctx.unit() as s:
        names = {c.iso3: c.name for c in reads.load_countries(s)}
        for code in (origin, destination):
            if code and code.upper() not in names:
                raise NotFound(f"Unknown country {code!r}.", hint="Use an ISO3 code such as GHA.")
        rows = reads.flow_rows(
            s,
            origin=origin.upper() if origin else None,
            destination=destination.upper() if destination else None,
            cadres=cadres,
            year=year,
        )
        rows = [r for r in rows if r.origin != r.destination]
        rows.sort(key=lambda r: (-r.value, r.origin, r.destination, r.cadre, r.year))
        page = rows[offset : offset + limit]
        src = SourceIndex.load(s)
        home = stock_series(
            s,
            src,
            countries={r.origin for r in page},
            cadres={r.cadre for r in page},
            measures=("headcount",),
        )
    out = []
    for r in page:
        series = home.get((r.origin, r.cadre, "headcount"))
        h = series.latest(until=r.year, since=r.year - lb) if series else None
        out.append(
            Corridor(
                r.origin,
                names.get(r.origin, r.origin),
                r.destination,
                names.get(r.destination, r.destination),
                r.cadre,
                r.year,
                r.kind,
                r.basis,
                r.value,
                r.value / h.value if h and h.value else None,
                h.value if h else None,
                h.year if h else None,
                src.labels[r.source_id],
            )
        )
    return CorridorPage(out, len(rows))
