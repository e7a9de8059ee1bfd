"""The world map's indicators: one value per country for each indicator the map can show.

Each layer is evaluated for every country in one pass over the stored data (a few queries,
not one per country), with the same formulas as the country profile
(:mod:`hrh.indicators.workforce`, :mod:`hrh.indicators.safeguards`), as of a year (the latest
value not after it, within the look-back window) or the latest available.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hrh.domain.policy import Principal, require
from hrh.domain.records import Country
from hrh.errors import Invalid
from hrh.indicators import workforce as wf
from hrh.indicators.series import Series
from hrh.services._inputs import SourceIndex, bilaterals, population_series, stock_series
from hrh.services.context import AppContext
from hrh.services.indicators import dnm_density_by_country
from hrh.services.observatory import MapLayer, MapValue
from hrh.services.safeguards import compute_safeguard_list
from hrh.store import reads

#: The years a map can be asked for.
YEARS = (1990, 2100)


@dataclass(frozen=True)
class MapIndicator:
    """An indicator the map can show: id, English label and unit (``share``: 0–1)."""

    id: str
    label: str
    unit: str


#: The map's indicators, in the order the chooser lists them. (Migration shares are for
#: doctors: the reference data hold no headcount of nurses alone, so nurses' shares are empty.)
MAP_INDICATORS: dict[str, MapIndicator] = {
    m.id: m
    for m in (
        MapIndicator(
            "dnm_density", "Doctors, nurses and midwives per 10,000 population", "per 10,000"
        ),
        MapIndicator("doctors_density", "Medical doctors per 10,000 population", "per 10,000"),
        MapIndicator(
            "nurses_midwives_density", "Nurses and midwives per 10,000 population", "per 10,000"
        ),
        MapIndicator("ssl_status", "WHO Support and Safeguards List 2023", "status"),
        MapIndicator("emigration_rate_doctors", "Medical doctors working abroad (share)", "share"),
        MapIndicator(
            "foreign_trained_doctors", "Foreign-trained share of medical doctors", "share"
        ),
    )
}
DEFAULT_INDICATOR = "dnm_density"

Values = dict[str, wf.IndicatorValue]


def _densities(s: Session, cadre: str, year: int | None, lb: int) -> Values:
    src = SourceIndex.load(s)
    stocks = stock_series(s, src, countries=None, cadres=[cadre])
    pops = population_series(s, src, None)
    out = {}
    for iso3 in sorted({k[0] for k in stocks}):
        points = wf.density_points(
            stocks.get((iso3, cadre, "per_10k"), Series.empty()),
            stocks.get((iso3, cadre, "headcount"), Series.empty()),
            pops.get(iso3, Series.empty()),
        )
        out[iso3] = wf.density_per_10k(cadre, points, year, lb)
    return out


def _emigration(s: Session, cadre: str, year: int | None, lb: int) -> Values:
    src = SourceIndex.load(s)
    home = stock_series(s, src, countries=None, cadres=[cadre], measures=("headcount",))
    by_origin: dict[str, list[wf.Bilateral]] = defaultdict(list)
    for f in bilaterals(s, src, cadres=[cadre]):
        if f.origin != f.destination:
            by_origin[f.origin].append(f)
    return {
        iso3: wf.emigration_rate(
            cadre, flows, home.get((iso3, cadre, "headcount"), Series.empty()), year, lb
        )
        for iso3, flows in by_origin.items()
    }


def _foreign_trained(s: Session, cadre: str, year: int | None, lb: int) -> Values:
    src = SourceIndex.load(s)
    total = stock_series(s, src, countries=None, cadres=[cadre], measures=("headcount",))
    foreign = stock_series(
        s, src, countries=None, cadres=[cadre], measures=("headcount",), basis="foreign_trained"
    )
    inflows: dict[str, dict[int, list[wf.Bilateral]]] = defaultdict(lambda: defaultdict(list))
    for f in bilaterals(s, src, cadres=[cadre]):
        if f.origin != f.destination:
            inflows[f.destination][f.year].append(f)
    destinations = set(inflows) | {k[0] for k in foreign}
    return {
        iso3: wf.foreign_trained_share(
            cadre,
            inflows.get(iso3, {}),
            foreign.get((iso3, cadre, "headcount"), Series.empty()),
            total.get((iso3, cadre, "headcount"), Series.empty()),
            year,
            lb,
        )
        for iso3 in sorted(destinations)
    }


_EVALUATORS: dict[str, Callable[[Session, int | None, int], Values]] = {
    "dnm_density": lambda s, y, lb: dnm_density_by_country(s, y, lb),
    "doctors_density": lambda s, y, lb: _densities(s, "medical_doctors", y, lb),
    "nurses_midwives_density": lambda s, y, lb: _densities(s, "nursing_midwifery", y, lb),
    "emigration_rate_doctors": lambda s, y, lb: _emigration(s, "medical_doctors", y, lb),
    "foreign_trained_doctors": lambda s, y, lb: _foreign_trained(s, "medical_doctors", y, lb),
}


def check_map_request(indicator: str, year: int | None) -> MapIndicator:
    """Return the indicator asked for; raise :class:`Invalid` for an unknown one or year."""
    spec = MAP_INDICATORS.get(indicator)
    if spec is None:
        raise Invalid(
            f"Unknown map indicator {indicator[:40]!r}.",
            hint="Use one of: " + ", ".join(MAP_INDICATORS) + ".",
        )
    if year is not None and not YEARS[0] <= year <= YEARS[1]:
        raise Invalid(f"Year {year}: expected {YEARS[0]} to {YEARS[1]}.")
    return spec


def _ssl_values(ctx: AppContext, year: int | None) -> Values:
    # The 2023 edition fixes its own data years; the year asked for does not change it.
    del year
    result = compute_safeguard_list(ctx, "2023")
    return {
        r.iso3: wf.IndicatorValue(
            "ssl_status",
            1.0 if r.eligible else 0.0,
            "status",
            max((y for y in r.density_years.values() if y is not None), default=None),
            sources=list(r.sources),
        )
        for r in result.countries
        if r.density is not None and r.uhc_index is not None
    }


def map_layer(
    ctx: AppContext, principal: Principal, indicator: str, year: int | None = None
) -> MapLayer:
    """Evaluate one map indicator for every country (raises Invalid for a bad request)."""
    require(principal, "aggregates.read")
    spec = check_map_request(indicator, year)
    lb = ctx.settings.lookback_years
    if spec.id == "ssl_status":
        values = _ssl_values(ctx, year)
        with ctx.unit() as s:
            countries = reads.load_countries(s)
    else:
        with ctx.unit() as s:
            countries = reads.load_countries(s)
            values = _EVALUATORS[spec.id](s, year, lb)
    return _layer(spec, countries, values)


def _layer(spec: MapIndicator, countries: list[Country], values: Values) -> MapLayer:
    out = []
    used: set[str] = set()
    for c in countries:
        v = values.get(c.iso3)
        has = v is not None and v.value is not None
        if v is not None and has:
            used.update(v.sources)
        out.append(
            MapValue(
                c.iso3,
                c.m49,
                c.name,
                c.who_region,
                v.value if v is not None and has else None,
                v.year if v is not None and has else None,
                "; ".join(v.sources) if v is not None and has else "",
            )
        )
    return MapLayer(spec.id, spec.label, spec.unit, out, sorted(used))
