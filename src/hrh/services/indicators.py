"""Indicators for a country or a group of countries, evaluated from the stored data."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from hrh.domain.codes import INCOME_GROUPS, WHO_REGIONS, WORLD
from hrh.domain.records import Country
from hrh.errors import Invalid, NotFound
from hrh.indicators import workforce as wf
from hrh.indicators.series import Series
from hrh.services._inputs import (
    SourceIndex,
    bilaterals,
    coverage_series,
    population_series,
    stock_series,
)
from hrh.services.context import AppContext
from hrh.store import reads

DENSITY_CADRES = ("medical_doctors", "nursing_midwifery")
GROUP_CADRES = ("medical_doctors", "nurses", "midwives", "nursing_midwifery")
MIGRATION_CADRES = ("medical_doctors", "nurses")


@dataclass(frozen=True)
class IndicatorReport:
    """Indicators evaluated for one country or group."""

    code: str
    name: str
    kind: str  # "country" or "group"
    year: int | None
    lookback_years: int
    indicators: list[wf.IndicatorValue]
    members: int = 1
    notes: list[str] = field(default_factory=list)


def _empty() -> Series:
    return Series.empty()


def _density_points(
    stocks: dict[tuple[str, str, str], Series], pop: Series, iso3: str, cadre: str
) -> list[wf.DensityPoint]:
    return wf.density_points(
        stocks.get((iso3, cadre, "per_10k"), _empty()),
        stocks.get((iso3, cadre, "headcount"), _empty()),
        pop,
    )


def dnm_density_by_country(
    session: Session, year: int | None = None, lookback: int = 7
) -> dict[str, wf.IndicatorValue]:
    """Return ISO3 → DNM density per 10,000 for every country with data."""
    src = SourceIndex.load(session)
    stocks = stock_series(session, src, countries=None, cadres=DENSITY_CADRES)
    pops = population_series(session, src, None)
    out = {}
    for iso3 in sorted({k[0] for k in stocks}):
        pop = pops.get(iso3, _empty())
        v = wf.dnm_density(
            _density_points(stocks, pop, iso3, "medical_doctors"),
            _density_points(stocks, pop, iso3, "nursing_midwifery"),
            year,
            lookback,
        )
        if v.value is not None:
            out[iso3] = v
    return out


def _country(session: Session, code: str) -> Country:
    iso3 = code.strip().upper()
    for c in reads.load_countries(session):
        if c.iso3 == iso3:
            return c
    raise NotFound(
        f"Unknown country {code!r}.",
        hint="Use an ISO 3166-1 alpha-3 code (e.g. GHA), a WHO region (AFR, AMR, EMR, EUR, "
        "SEAR, WPR), an income group (LIC, LMC, UMC, HIC) or WLD.",
    )


def indicators_for(
    ctx: AppContext, code: str, year: int | None = None, lookback: int | None = None
) -> IndicatorReport:
    """Evaluate the indicator registry for a country (ISO3) or a group (region, income, WLD)."""
    lb = ctx.settings.lookback_years if lookback is None else lookback
    if lb < 0:
        raise Invalid(f"Look-back window must be ≥ 0 years, got {lb}.")
    key = code.strip().upper()
    if key in WHO_REGIONS or key in INCOME_GROUPS or key == WORLD:
        return group_indicators(ctx, key, year, lb)
    with ctx.unit() as s:
        return _country_report(s, _country(s, key), year, lb)


def _country_report(s: Session, c: Country, year: int | None, lb: int) -> IndicatorReport:
    src = SourceIndex.load(s)
    stocks = stock_series(s, src, countries=[c.iso3], cadres=GROUP_CADRES)
    foreign = stock_series(
        s,
        src,
        countries=[c.iso3],
        cadres=MIGRATION_CADRES,
        measures=("headcount",),
        basis="foreign_trained",
    )
    pop = population_series(s, src, [c.iso3]).get(c.iso3, _empty())
    values: list[wf.IndicatorValue] = []
    points = {k: _density_points(stocks, pop, c.iso3, k) for k in DENSITY_CADRES}
    values += [wf.density_per_10k(k, points[k], year, lb) for k in DENSITY_CADRES]
    dnm = wf.dnm_density(points["medical_doctors"], points["nursing_midwifery"], year, lb)
    values += [dnm, wf.sdg_threshold_gap(dnm, pop)]
    for cadre in MIGRATION_CADRES:
        headcount = stocks.get((c.iso3, cadre, "headcount"), _empty())
        inflows = bilaterals(s, src, destination=c.iso3, cadres=[cadre])
        by_year: dict[int, list[wf.Bilateral]] = defaultdict(list)
        for f in inflows:
            if f.origin != c.iso3:
                by_year[f.year].append(f)
        ft_total = foreign.get((c.iso3, cadre, "headcount"), _empty())
        share = wf.foreign_trained_share(cadre, by_year, ft_total, headcount, year, lb)
        outflows = [
            f for f in bilaterals(s, src, origin=c.iso3, cadres=[cadre]) if f.destination != c.iso3
        ]
        rate = wf.emigration_rate(cadre, outflows, headcount, year, lb)
        values += [share, rate]
    values.append(_completeness(s, src, c.iso3, stocks, pop))
    return IndicatorReport(c.iso3, c.name, "country", year, lb, values)


def _completeness(
    s: Session,
    src: SourceIndex,
    iso3: str,
    stocks: dict[tuple[str, str, str], Series],
    pop: Series,
) -> wf.IndicatorValue:
    uhc = coverage_series(s, src, [iso3]).get(iso3, _empty())
    core: dict[str, Series] = {
        f"{cadre}.{measure}": stocks.get((iso3, cadre, measure), _empty())
        for cadre in DENSITY_CADRES
        for measure in ("per_10k", "headcount")
    }
    core["population"] = pop
    core["uhc_service_coverage_index"] = uhc
    detail: list[dict[str, object]] = []
    latest_years: list[int] = []
    for name, series in core.items():
        last = series.latest()
        if last and name != "population":
            latest_years.append(last.year)
        detail.append(
            {
                "series": name,
                "present": bool(series),
                "first_year": series.years[0] if series else None,
                "latest_year": last.year if last else None,
                "years": len(series.years),
                "source": last.source if last else None,
            }
        )
    present = sum(1 for d in detail if d["present"])
    return wf.IndicatorValue(
        "data_completeness",
        present / len(detail),
        "share",
        max(latest_years, default=None),
        sources=sorted({str(d["source"]) for d in detail if d["source"]}),
        method="core series present / core series",
        details={"series": detail},
    )


def _members(countries: list[Country], group: str) -> list[Country]:
    if group == WORLD:
        return [c for c in countries if c.who_member or c.wb_income]
    if group in WHO_REGIONS:
        return [c for c in countries if c.who_region == group]
    return [c for c in countries if c.wb_income == group]


def _group_name(group: str) -> str:
    if group == WORLD:
        return "World"
    return WHO_REGIONS.get(group) or INCOME_GROUPS[group]


def group_indicators(ctx: AppContext, group: str, year: int | None, lb: int) -> IndicatorReport:
    """Sum each member's latest headcount within the look-back window, per cadre."""
    with ctx.unit() as s:
        members = _members(reads.load_countries(s), group)
        isos = [c.iso3 for c in members]
        src = SourceIndex.load(s)
        stocks = stock_series(s, src, countries=isos, cadres=GROUP_CADRES, measures=("headcount",))
        pops = population_series(s, src, isos)
    if year is None:
        year = max((k_s.years[-1] for k_s in stocks.values() if k_s), default=None)
    if year is None:
        return IndicatorReport(
            group,
            _group_name(group),
            "group",
            None,
            lb,
            [],
            len(members),
            ["no headcount data for the members"],
        )
    group_pop = sum(p.value for p in (pops.get(i, _empty()).at(year) for i in isos) if p)
    values = []
    latest: dict[str, dict[str, float]] = {}
    for cadre in GROUP_CADRES:
        used: dict[str, float] = {}
        years: Counter[int] = Counter()
        sources: set[str] = set()
        for iso3 in isos:
            p = stocks.get((iso3, cadre, "headcount"), _empty()).latest(year, year - lb)
            if p is not None:
                used[iso3] = p.value
                years[p.year] += 1
                sources.add(p.source)
        latest[cadre] = used
        covered = sum(p.value for p in (pops.get(i, _empty()).at(year) for i in used) if p)
        values.append(
            wf.IndicatorValue(
                "headcount",
                sum(used.values()) if used else None,
                "persons",
                year,
                cadre,
                sorted(sources),
                f"sum of members' latest values in {year - lb}–{year}",
                details={
                    "countries_contributing": len(used),
                    "countries_in_group": len(isos),
                    "years_used": {str(y): n for y, n in sorted(years.items())},
                    "population_share_covered": covered / group_pop if group_pop else None,
                },
            )
        )
    values.append(_group_dnm(latest, pops, year, lb))
    return IndicatorReport(group, _group_name(group), "group", year, lb, values, len(members))


def _group_dnm(
    latest: dict[str, dict[str, float]], pops: dict[str, Series], year: int, lb: int
) -> wf.IndicatorValue:
    both = sorted(set(latest["medical_doctors"]) & set(latest["nursing_midwifery"]))
    workers = sum(latest["medical_doctors"][i] + latest["nursing_midwifery"][i] for i in both)
    pop_points = [pops.get(i, _empty()).at(year) for i in both]
    pop = sum(p.value for p in pop_points if p)
    return wf.IndicatorValue(
        "dnm_density_per_10k",
        workers / pop * 10_000 if pop else None,
        "per 10,000",
        year,
        method="(Σ doctors + Σ nurses and midwives) / Σ population × 10,000, over members "
        "with both headcounts",
        sources=sorted({p.source for p in pop_points if p}),
        details={"countries_contributing": len(both), "lookback_years": lb},
    )
