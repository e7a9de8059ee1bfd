"""Download routes: every table of the observatory's pages as CSV and Excel, charts as SVG/PNG.

Each route makes the same service call as its page and hands a :class:`~hrh.web.exports.Table`
to :func:`~hrh.web.exports.table_response`; the filters are the page's own query, so a
download always matches what the page shows.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hrh.domain.codes import CADRES_BY_ID
from hrh.domain.records import StoredSource
from hrh.errors import HrhError, Invalid, NotFound
from hrh.presentation.charts import density_spec
from hrh.presentation.labels import country_name, indicator_label, source_use
from hrh.services.corridors import Corridor, CorridorPage, list_corridors
from hrh.services.indicators import indicators_for
from hrh.services.map_layers import map_layer
from hrh.services.observatory import list_countries, list_sources
from hrh.services.safeguards import compute_safeguard_list
from hrh.services.series import get_series
from hrh.web.auth import WebAuth, request_language
from hrh.web.chartfiles import bad_format, chart_file, no_chart, spec_file
from hrh.web.exports import FORMATS, Cell, Table, table_response, used_sources
from hrh.web.flows import flow_diagram
from hrh.web.i18n import N_
from hrh.web.pages import BAD_FILTER_TITLE, CORRIDORS_SHOWN, not_found
from hrh.web.profile import CSV_COLUMNS, SERIES_CADRES, SSL_EDITION, find_country
from hrh.web.views import BAD_MAP, BAD_MAP_TITLE, parse_year

#: No page lists more corridors than this; the downloads give them all.
ALL_ROWS = 1_000_000
BAD_DOWNLOAD = N_("This download has no format %(code)s: use csv or xlsx.")
BAD_CORRIDOR_FILTER = N_(
    "The corridors cannot be filtered by %(code)s: choose a country, a cadre and a year from "
    "the lists."
)
CORRIDOR_COLUMNS = (
    "origin", "origin_name", "destination", "destination_name", "cadre", "year", "kind",
    "basis", "value", "share_of_origin_workforce", "origin_workforce", "origin_workforce_year",
    "source",
)  # fmt: skip


def _corridor_row(c: Corridor) -> list[str | int | float | None]:
    return [
        c.origin, c.origin_name, c.destination, c.destination_name, c.cadre, c.year, c.kind,
        c.basis, c.value, c.share_of_origin_workforce, c.origin_workforce,
        c.origin_workforce_year, c.source,
    ]  # fmt: skip


def corridor_filters(origin: str, destination: str, cadre: str, year: str) -> dict[str, str]:
    """The corridors page's filters, tidied as the page tidies them."""
    return {
        "origin": origin.strip().upper(),
        "destination": destination.strip().upper(),
        "cadre": cadre.strip(),
        "year": year.strip(),
    }


def make_downloads_router(auth: WebAuth) -> APIRouter:
    """Build the download routes of the map, profile, SSL, corridors and sources tables."""
    router = auth.router()
    ctx = auth.ctx

    def stored() -> dict[str, StoredSource]:
        return {s.label: s for s in list_sources(ctx)}

    def bad(request: Request, message: str, code: str, title: str = BAD_FILTER_TITLE) -> Response:
        context = {"title": title, "message": message, "code": code[:40]}
        return auth.render(request, "error.html", context, status_code=400)

    def answer(request: Request, table: Table, fmt: str) -> Response:
        if fmt not in FORMATS:
            return bad(request, BAD_DOWNLOAD, fmt)
        return table_response(table, fmt)

    @router.get("/map.{fmt}", name="map_download")
    def map_download(
        request: Request,
        fmt: str,
        indicator: Annotated[str, Query()] = "dnm_density",
        year: Annotated[str, Query()] = "",
    ) -> Response:
        """The world map's table for the chosen indicator and year."""
        try:
            layer = map_layer(ctx, request.state.principal, indicator.strip(), parse_year(year))
        except Invalid:
            return bad(request, BAD_MAP, f"{indicator} {year}", BAD_MAP_TITLE)
        rows = [
            [v.iso3, v.name, v.who_region, layer.indicator, v.value, layer.unit, v.year, v.source]
            for v in sorted(layer.values, key=lambda v: v.iso3)
        ]
        columns = ["country", "name", "who_region", "indicator", "value", "unit", "year"]
        table = Table(
            f"map-{layer.indicator}",
            [*columns, "sources"],
            rows,
            used_sources(layer.sources, stored()),
        )
        return answer(request, table, fmt)

    @router.get("/ssl.{fmt}", name="ssl_download")
    def ssl_download(request: Request, fmt: str, region: Annotated[str, Query()] = "") -> Response:
        """The computed Support and Safeguards List against the published one."""
        result = compute_safeguard_list(ctx, SSL_EDITION)
        code = region.strip().upper()
        rows = [
            [
                r.iso3,
                r.name,
                r.who_region,
                r.density,
                r.density_years.get("medical_doctors"),
                r.density_years.get("nursing_midwifery"),
                r.uhc_index,
                r.uhc_year,
                r.eligible,
                r.official,
                r.agrees,
                r.reason,
                "; ".join(r.sources),
            ]
            for r in result.countries
            if not code or r.who_region == code
        ]
        columns = [
            "country", "name", "who_region", "dnm_density_per_10k", "doctors_year",
            "nursing_midwifery_year", "uhc_index", "uhc_year", "computed_eligible",
            "published", "agrees", "reason", "sources",
        ]  # fmt: skip
        labels = [s for r in result.countries for s in r.sources]
        table = Table(f"ssl-{SSL_EDITION}", columns, rows, used_sources(labels, stored()))
        return answer(request, table, fmt)

    def filtered_corridors(chosen: dict[str, str], limit: int) -> CorridorPage:
        """The corridors of the page's filters, largest first (Invalid for a bad cadre or year)."""
        if chosen["cadre"] and chosen["cadre"] not in CADRES_BY_ID:
            raise Invalid(chosen["cadre"])
        if chosen["year"] and not chosen["year"].isdigit():
            raise Invalid(chosen["year"])
        return list_corridors(
            ctx,
            origin=chosen["origin"] or None,
            destination=chosen["destination"] or None,
            cadre=chosen["cadre"] or None,
            year=int(chosen["year"]) if chosen["year"] else None,
            limit=limit,
        )

    @router.get("/corridors.{fmt}", name="corridors_download")
    def corridors_download(
        request: Request,
        fmt: str,
        origin: Annotated[str, Query()] = "",
        destination: Annotated[str, Query()] = "",
        cadre: Annotated[str, Query()] = "",
        year: Annotated[str, Query()] = "",
    ) -> Response:
        """Every corridor that the page's filters select (the page shows the top 50)."""
        chosen = corridor_filters(origin, destination, cadre, year)
        try:
            page = filtered_corridors(chosen, ALL_ROWS)
        except HrhError:
            return bad(request, BAD_CORRIDOR_FILTER, " ".join(v for v in (origin, cadre, year)))
        rows = [_corridor_row(c) for c in page.data]
        labels = [c.source for c in page.data]
        table = Table("corridors", CORRIDOR_COLUMNS, rows, used_sources(labels, stored()))
        return answer(request, table, fmt)

    @router.get("/corridors/flow.{fmt}", name="corridors_flow")
    def corridors_flow(
        request: Request,
        fmt: str,
        origin: Annotated[str, Query()] = "",
        destination: Annotated[str, Query()] = "",
        cadre: Annotated[str, Query()] = "",
        year: Annotated[str, Query()] = "",
    ) -> Response:
        """The corridors page's flow diagram, same filters, as an SVG or PNG file."""
        refused = bad_format(auth, request, fmt)
        if refused is not None:
            return refused
        chosen = corridor_filters(origin, destination, cadre, year)
        try:
            page = filtered_corridors(chosen, CORRIDORS_SHOWN)
        except HrhError:
            return bad(request, BAD_CORRIDOR_FILTER, " ".join(v for v in (origin, cadre, year)))
        flow = flow_diagram(page.data)
        if flow is None:
            return no_chart(auth, request, " ".join(v for v in chosen.values() if v))
        names = {c.iso3: (c.iso2, c.name) for c in list_countries(ctx)}
        context = {"flow": flow, "chosen": chosen, "names": names}
        return chart_file(auth, request, "flow.svg", context, fmt, "hrh-corridors-flow")

    @router.get("/sources.{fmt}", name="sources_download")
    def sources_download(request: Request, fmt: str) -> Response:
        """Every stored source vintage."""
        everything = sorted(stored().values(), key=lambda s: (s.key, s.vintage))
        rows = [
            [
                s.key,
                s.vintage,
                s.title,
                s.publisher,
                s.url,
                s.licence,
                s.released,
                source_use(s.key),
            ]
            for s in everything
        ]
        columns = ["key", "vintage", "title", "publisher", "url", "licence", "released", "use"]
        return answer(request, Table("sources", columns, rows, everything), fmt)

    @router.get("/countries/{iso3}/indicators.xlsx", name="country_xlsx")
    def country_indicators(request: Request, iso3: str) -> Response:
        """A country's headline indicators (the CSV's columns) as Excel."""
        try:
            country = find_country(ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        report = indicators_for(ctx, country.iso3)
        rows = [
            [
                country.iso3,
                v.id,
                v.cadre or "",
                indicator_label(v.id, v.cadre),
                v.value,
                v.unit,
                v.year,
                "; ".join(v.sources),
                v.note,
            ]
            for v in report.indicators
        ]
        labels = [s for v in report.indicators for s in v.sources]
        table = Table(
            f"{country.iso3}-indicators", CSV_COLUMNS, rows, used_sources(labels, stored())
        )
        return table_response(table, "xlsx")

    @router.get("/countries/{iso3}/corridors.{fmt}", name="country_corridors")
    def country_corridors(request: Request, iso3: str, fmt: str) -> Response:
        """Every corridor out of and into a country."""
        try:
            country = find_country(ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        out = list_corridors(ctx, origin=country.iso3, limit=ALL_ROWS).data
        into = list_corridors(ctx, destination=country.iso3, limit=ALL_ROWS).data
        rows = [["out", *_corridor_row(c)] for c in out] + [["in", *_corridor_row(c)] for c in into]
        labels = [c.source for c in [*out, *into]]
        table = Table(
            f"{country.iso3}-corridors",
            ["direction", *CORRIDOR_COLUMNS],
            rows,
            used_sources(labels, stored()),
        )
        return answer(request, table, fmt)

    def density_file(request: Request, iso3: str, fmt: str) -> Response:
        """The profile's chart (the page's spec) drawn on the server as SVG or PNG."""
        try:
            country = find_country(ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        series = []
        for cadre in SERIES_CADRES:
            rows = get_series(ctx, country.iso3, cadre, "per_10k")
            series.append((cadre, [(r.year, r.value) for r in rows if r.latest_vintage]))
        lang = request_language(request)
        place = country_name(lang, country.iso2, country.name)
        spec = density_spec(series, place, lang)
        if spec is None:
            return not_found(auth, request, iso3)
        return spec_file(spec, fmt, f"hrh-{country.iso3}-density")

    @router.get("/countries/{iso3}/series.{fmt}", name="country_series")
    def country_series(request: Request, iso3: str, fmt: str) -> Response:
        """The profile's time series (per 10,000 population, newest vintage of each year)."""
        try:
            country = find_country(ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        values = [
            v
            for cadre in SERIES_CADRES
            for v in get_series(ctx, country.iso3, cadre, "per_10k")
            if v.latest_vintage
        ]
        rows: list[list[Cell]] = [
            [v.country, v.cadre, v.year, v.value, "per 10,000 population", v.source] for v in values
        ]
        columns = ["country", "cadre", "year", "value", "unit", "source"]
        table = Table(
            f"{country.iso3}-series",
            columns,
            rows,
            used_sources([v.source for v in values], stored()),
        )
        return answer(request, table, fmt)

    @router.get("/countries/{iso3}/chart.svg", name="country_chart")
    def country_chart(request: Request, iso3: str) -> Response:
        """The profile's time-series chart as a standalone SVG file (vl-convert)."""
        return density_file(request, iso3, "svg")

    @router.get("/countries/{iso3}/chart.png", name="country_chart_png")
    def country_chart_png(request: Request, iso3: str) -> Response:
        """The same chart as a PNG image, drawn on the server (vl-convert; nothing fetched)."""
        return density_file(request, iso3, "png")

    return router
