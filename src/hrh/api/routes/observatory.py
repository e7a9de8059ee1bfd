"""Public reads: countries, indicators, series, corridors, the safeguards list, sources."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hrh.api.deps import CtxDep, allow
from hrh.api.routes._etag import etag_response
from hrh.api.schemas import (
    CorridorsPublic,
    CountriesPublic,
    CountryPublic,
    IndicatorReportPublic,
    SafeguardListPublic,
    SeriesPublic,
    SourcesPublic,
)
from hrh.errors import NotFound
from hrh.services import corridors, indicators, observatory, safeguards, series

router = APIRouter(tags=["observatory"])
REF = [allow("reference.read")]
AGG = [allow("aggregates.read")]

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size.")]
Offset = Annotated[int, Query(ge=0, description="Rows to skip.")]


@router.get("/countries", response_model=CountriesPublic, dependencies=REF)
def list_countries(
    request: Request,
    ctx: CtxDep,
    region: Annotated[str | None, Query(description="WHO region code, e.g. AFR.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Countries with ISO codes, WHO region and World Bank income group (ETag)."""
    rows = observatory.list_countries(ctx, region)
    page = [CountryPublic.model_validate(c) for c in rows[offset : offset + limit]]
    return etag_response(request, CountriesPublic(data=page, count=len(rows)))


@router.get("/countries/{iso3}", response_model=CountryPublic, dependencies=REF)
def get_country(iso3: str, ctx: CtxDep) -> CountryPublic:
    """One country."""
    for c in observatory.list_countries(ctx):
        if c.iso3 == iso3.upper():
            return CountryPublic.model_validate(c)
    raise NotFound(f"Unknown country {iso3!r}.", hint="Use an ISO3 code such as GHA.")


@router.get("/countries/{code}/indicators", response_model=IndicatorReportPublic, dependencies=AGG)
def country_indicators(
    code: str,
    ctx: CtxDep,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    lookback: Annotated[int | None, Query(ge=0, le=50)] = None,
) -> IndicatorReportPublic:
    """The indicator registry evaluated for a country, WHO region, income group or WLD."""
    report = indicators.indicators_for(ctx, code, year, lookback)
    return IndicatorReportPublic.model_validate(
        {
            **{k: getattr(report, k) for k in ("code", "name", "kind", "year", "members")},
            "lookback_years": report.lookback_years,
            "indicators": [{**v.__dict__, "source": v.source} for v in report.indicators],
        }
    )


@router.get("/series", response_model=SeriesPublic, dependencies=AGG)
def get_series(
    ctx: CtxDep,
    country: Annotated[str, Query(description="ISO3 code.")],
    cadre: Annotated[str, Query(description="Cadre id or ISCO-08 code.")],
    measure: Annotated[str, Query(description="per_10k or headcount.")] = "per_10k",
) -> SeriesPublic:
    """Stored values by year, one row per source vintage."""
    values = series.get_series(ctx, country, cadre, measure)
    return SeriesPublic.model_validate({"data": values, "count": len(values)})


@router.get("/corridors", response_model=CorridorsPublic, dependencies=AGG)
def get_corridors(
    ctx: CtxDep,
    origin: str | None = None,
    destination: str | None = None,
    cadre: str | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> CorridorsPublic:
    """Bilateral stocks abroad, largest first, with the origin's share of its workforce."""
    page = corridors.list_corridors(
        ctx,
        origin=origin,
        destination=destination,
        cadre=cadre,
        year=year,
        limit=limit,
        offset=offset,
    )
    return CorridorsPublic.model_validate({"data": page.data, "count": page.count})


@router.get("/ssl/{version}", response_model=SafeguardListPublic, dependencies=AGG)
def get_ssl(version: str, ctx: CtxDep) -> SafeguardListPublic:
    """SSL eligibility computed from the stored data, compared with the published list."""
    result = safeguards.compute_safeguard_list(ctx, version)
    crit = result.criteria
    return SafeguardListPublic.model_validate(
        {
            "version": version,
            "criteria": {**crit.__dict__, "effective": crit.effective.isoformat()},
            "summary": result.summary,
            "countries": result.countries,
        }
    )


@router.get("/sources", response_model=SourcesPublic, dependencies=REF)
def get_sources(request: Request, ctx: CtxDep) -> Response:
    """Every source vintage with publisher, licence and release (ETag)."""
    rows = observatory.list_sources(ctx)
    data = [{**s.__dict__, "label": s.label} for s in rows]
    return etag_response(request, SourcesPublic.model_validate({"data": data, "count": len(data)}))
