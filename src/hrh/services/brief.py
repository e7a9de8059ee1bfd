"""A country brief: the content of the two-to-four-page PDF for a minister's desk (pure data).

:func:`country_brief` gathers, from the same services as the country profile and the scenario
explorer, the headline indicators with their years and sources, the density time series, the
baseline projection of supply against need, the Support and Safeguards List status with its
reasons, the largest corridors and every source used. Renderers (``hrh.presentation.brief``)
turn it into HTML and PDF; nothing here formats text.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from hrh import __version__
from hrh.domain.policy import Principal, require
from hrh.domain.records import Country, StoredSource
from hrh.errors import NotFound
from hrh.indicators.safeguards import SafeguardResult
from hrh.indicators.workforce import IndicatorValue
from hrh.params.projection import load_projection_parameters
from hrh.params.safeguards import SafeguardCriteria
from hrh.projection.model import Corridors
from hrh.projection.runner import run
from hrh.projection.scenarios import bundled_scenario, load_scenario
from hrh.services.context import AppContext
from hrh.services.corridors import Corridor, list_corridors
from hrh.services.indicators import indicators_for
from hrh.services.observatory import list_countries, list_sources
from hrh.services.projections import load_inputs
from hrh.services.safeguards import compute_safeguard_list
from hrh.services.series import get_series

SSL_EDITION = "2023"
SERIES_CADRES = ("medical_doctors", "nursing_midwifery")
PROJECTION_FROM, PROJECTION_UNTIL = 2025, 2050
CORRIDORS_SHOWN = 5
FAN_REPLICATES, FAN_SEED = 100, 2025
"""The baseline's fan: replicates and seed of the stochastic run (fixed: the same fan every
time for the same data)."""
FAN_MIN_REPLICATES, FAN_CORRIDORS = 20, 40
"""A country on more than :data:`FAN_CORRIDORS` corridors (a large destination: the United
States has about 150) gets proportionally fewer replicates, at least
:data:`FAN_MIN_REPLICATES`: each corridor's cells are drawn, and the band of a large
workforce is a fraction of a percent wide."""


@dataclass(frozen=True)
class ProjectedCadre:
    """One cadre's baseline projection: supply and need (SDG threshold) by year."""

    cadre: str
    years: list[int]
    supply: list[float]
    need: list[float | None]
    #: The 5th and 95th percentiles of supply over :data:`FAN_REPLICATES` stochastic
    #: replicates (the fan around ``supply``, the expected values); empty without a fan.
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    #: How many replicates the fan summarises (0 without a fan).
    replicates: int = 0
    #: The stored sources the run read (``key@vintage``: stocks, population, corridors).
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class CountryBrief:
    """Everything a country brief shows, as data."""

    country: Country
    generated: date
    version: str
    headlines: list[IndicatorValue]
    series: dict[str, list[tuple[int, float]]]
    projection: list[ProjectedCadre]
    projection_note: str
    ssl: SafeguardResult | None
    ssl_criteria: SafeguardCriteria
    outbound: list[Corridor]
    outbound_count: int
    inbound: list[Corridor]
    inbound_count: int
    sources: list[StoredSource]
    #: ISO3 → ISO2 of the corridor partners (to name them in the reader's language).
    iso2: dict[str, str]


def _countries(ctx: AppContext, iso3: str) -> tuple[Country, dict[str, str]]:
    code = iso3.strip().upper()
    countries = list_countries(ctx)
    for c in countries:
        if c.iso3 == code:
            return c, {k.iso3: k.iso2 for k in countries}
    raise NotFound(f"Unknown country {iso3!r}.", hint="Use an ISO3 code such as GHA.")


#: Baseline projections kept in the process, per database, country, fan and data version.
CACHE_SIZE = 256
_cache: dict[tuple[str, str, bool, str], tuple[list[ProjectedCadre], str]] = {}
_cache_lock = threading.Lock()


def data_version(ctx: AppContext) -> str:
    """Return the stored source vintages: any import of new data changes it."""
    return "|".join(sorted(s.label for s in list_sources(ctx)))


def baseline_projection(
    ctx: AppContext, iso3: str, *, fan: bool = True
) -> tuple[list[ProjectedCadre], str]:
    """Return :func:`run_baseline_projection`, computed once per data version in a process.

    The profile's projection and the PDF brief share it, so a country's fan (up to a few
    seconds for a large destination) is drawn once until new data is imported.
    """
    key = (ctx.settings.database_url, iso3, fan, data_version(ctx))
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    result = run_baseline_projection(ctx, iso3, fan=fan)
    with _cache_lock:
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[key] = result
    return result


def run_baseline_projection(
    ctx: AppContext, iso3: str, *, fan: bool = True
) -> tuple[list[ProjectedCadre], str]:
    """Run the bundled baseline for one country; the note says why there is none, if so.

    ``supply`` is the deterministic run (expected values). With ``fan``, a stochastic run
    (seed :data:`FAN_SEED`; the partners kept at expected values,
    :mod:`hrh.projection.boundary`) adds the 5th–95th percentile band of supply: of
    :data:`FAN_REPLICATES` replicates, fewer for a country on many corridors
    (:func:`fan_replicates`).
    """
    params = load_projection_parameters()
    scenario = load_scenario(str(bundled_scenario("baseline")), params)
    try:
        inputs = load_inputs(ctx, [iso3], PROJECTION_FROM, set())
    except NotFound as exc:  # the note: English, keeping its text for the pages
        return [], exc.text.sentence() if exc.text else exc.message
    result = run(inputs, params, scenario, PROJECTION_FROM, PROJECTION_UNTIL)
    spread = None
    count = 0
    if fan and iso3 in inputs.iso3:
        count = fan_replicates(inputs.corridors, inputs.iso3.index(iso3))
        spread = run(
            inputs,
            params,
            scenario,
            PROJECTION_FROM,
            PROJECTION_UNTIL,
            mode="stochastic",
            replicates=count,
            seed=FAN_SEED,
        )
    out = []
    for cadre in SERIES_CADRES:
        if cadre not in result.cadres or iso3 not in result.countries:
            continue
        if not bool(result.covered[result.countries.index(iso3), result.cadres.index(cadre)]):
            continue
        supply = [float(v) for v in result.value("supply", iso3, cadre)]
        need = [None if math.isnan(v) else float(v) for v in result.value("need", iso3, cadre)]
        low: list[float] = []
        high: list[float] = []
        if spread is not None:
            low = [float(v) for v in spread.value("p05", iso3, cadre)]
            high = [float(v) for v in spread.value("p95", iso3, cadre)]
        shown = count if spread is not None else 0
        out.append(
            ProjectedCadre(
                cadre, list(result.years), supply, need, low, high, shown, result.sources
            )
        )
    return out, ""


def fan_replicates(corridors: Corridors, country: int) -> int:
    """Return the replicates of a country's fan: :data:`FAN_REPLICATES`, fewer on many corridors.

    >>> import numpy as np
    >>> few = Corridors(np.array([0, 0]), np.array([1, 2]), 3)
    >>> many = Corridors(np.zeros(160, dtype=int), np.arange(1, 161), 161)
    >>> fan_replicates(few, 0), fan_replicates(many, 0)  # the United States is on ~150
    (100, 25)
    """
    touching = int(np.sum((corridors.origin == country) | (corridors.destination == country)))
    scaled = FAN_REPLICATES * FAN_CORRIDORS // max(touching, 1)
    return max(FAN_MIN_REPLICATES, min(FAN_REPLICATES, scaled))


def _series(ctx: AppContext, iso3: str) -> tuple[dict[str, list[tuple[int, float]]], set[str]]:
    series: dict[str, list[tuple[int, float]]] = {}
    used: set[str] = set()
    for cadre in SERIES_CADRES:
        rows = [r for r in get_series(ctx, iso3, cadre, "per_10k") if r.latest_vintage]
        series[cadre] = [(r.year, r.value) for r in rows]
        used.update(r.source for r in rows)
    return series, used


def country_brief(
    ctx: AppContext, iso3: str, principal: Principal, generated: date
) -> CountryBrief:
    """Gather a country's brief (raises :class:`~hrh.errors.NotFound` for an unknown code).

    Args:
        ctx: the application context.
        iso3: the country's ISO 3166-1 alpha-3 code.
        principal: who asks (the brief holds published aggregates only: ``aggregates.read``).
        generated: the date printed on the brief (passed in: the core never reads the clock).
    """
    require(principal, "aggregates.read")
    country, iso2 = _countries(ctx, iso3)
    report = indicators_for(ctx, country.iso3)
    headlines = [v for v in report.indicators if v.id != "data_completeness"]
    series, used = _series(ctx, country.iso3)
    projection, note = baseline_projection(ctx, country.iso3)
    ssl_list = compute_safeguard_list(ctx, SSL_EDITION, only=country.iso3)
    ssl = next((r for r in ssl_list.countries if r.iso3 == country.iso3), None)
    outbound = list_corridors(ctx, origin=country.iso3, limit=CORRIDORS_SHOWN)
    inbound = list_corridors(ctx, destination=country.iso3, limit=CORRIDORS_SHOWN)
    for v in headlines:
        used.update(v.sources)
    if ssl is not None:
        used.update(ssl.sources)
    for c in [*outbound.data, *inbound.data]:
        used.update(c.source.split("; "))
    sources = [s for s in list_sources(ctx) if s.label in used]
    return CountryBrief(
        country=country,
        generated=generated,
        version=__version__,
        headlines=headlines,
        series=series,
        projection=projection,
        projection_note=note,
        ssl=ssl,
        ssl_criteria=ssl_list.criteria,
        outbound=outbound.data,
        outbound_count=outbound.count,
        inbound=inbound.data,
        inbound_count=inbound.count,
        sources=sorted(sources, key=lambda s: (s.publisher, s.title, s.vintage)),
        iso2={
            k: iso2.get(k, "")
            for r in [*outbound.data, *inbound.data]
            for k in (r.origin, r.destination)
        },
    )
