"""The country profile's baseline projection: ``/countries/{iso3}/projection`` and its fragment.

A cold baseline run takes about a second for a large country, too slow for the profile page's
150 ms budget, so the profile shows a placeholder from which htmx (``hx-trigger="load"``) fetches
``/countries/{iso3}/projection/fragment`` after the page has loaded; without JavaScript the
profile links to the full page. Both call :func:`hrh.services.brief.baseline_projection` (the
brief's projection, which the service caches in the process per country and data version: the
stored source vintages, so a new import is never hidden by the cache) and lay it out with
``hrh.presentation.brief.projection_view``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from hrh.errors import NotFound
from hrh.presentation.brief import (
    PROJECTION_LINES,
    ProjectionView,
    projection_spec,
    projection_view,
)
from hrh.presentation.labels import country_name
from hrh.services.brief import ProjectedCadre, baseline_projection
from hrh.services.context import AppContext
from hrh.services.observatory import list_sources
from hrh.web.auth import WebAuth, request_language
from hrh.web.chartfiles import bad_format, no_chart, spec_file
from hrh.web.exports import FORMATS, Cell, Table, table_response, used_sources
from hrh.web.i18n import N_
from hrh.web.profile import find_country

BAD_TABLE_FORMAT = N_("This download has no format %(code)s: use csv or xlsx.")
TABLE_COLUMNS = ("country", "cadre", "year", "supply", "supply_p05", "supply_p95", "need", "gap")


def projection_rows(iso3: str, cadres: list[ProjectedCadre]) -> list[list[Cell]]:
    """Every year of every cadre: expected supply, its 5th–95th percentiles, need and gap."""
    rows: list[list[Cell]] = []
    for p in cadres:
        for i, year in enumerate(p.years):
            need = p.need[i]
            low = p.low[i] if p.low else None
            high = p.high[i] if p.high else None
            gap = None if need is None else p.supply[i] - need
            rows.append([iso3, p.cadre, year, p.supply[i], low, high, need, gap])
    return rows


def projection_views(ctx: AppContext, iso3: str) -> tuple[list[ProjectionView], str]:
    """One chart and table per cadre, and the reason when there is no projection."""
    cadres, note = baseline_projection(ctx, iso3)
    return [projection_view(p) for p in cadres], note


def make_projection_router(auth: WebAuth) -> APIRouter:
    """Build ``/countries/{iso3}/projection`` (a page), its ``/fragment`` and chart files."""
    from hrh.web.pages import BAD_FILTER_TITLE, not_found

    router = auth.router()

    def answer(request: Request, iso3: str, template: str) -> Response:
        try:
            country = find_country(auth.ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        views, note = projection_views(auth.ctx, country.iso3)
        names = {country.iso3: (country.iso2, country.name)}
        lang = request_language(request)
        place = country_name(lang, country.iso2, country.name)
        context = {
            "country": country,
            "names": names,
            "projections": views,
            "specs": {v.cadre: projection_spec(v, place, lang) for v in views},
            "note": note,
            "line_names": PROJECTION_LINES,
        }
        return auth.render(request, template, context)

    @router.get("/countries/{iso3}/projection", name="country_projection")
    def projection_page(request: Request, iso3: str) -> Response:
        """A country's baseline projection of supply against need, 2025–2050."""
        return answer(request, iso3, "projection.html")

    @router.get("/countries/{iso3}/projection/fragment", name="country_projection_fragment")
    def projection_fragment(request: Request, iso3: str) -> Response:
        """The projection's charts and tables only (what the profile's htmx placeholder loads)."""
        return answer(request, iso3, "_projection.html")

    @router.get("/countries/{iso3}/projection.{fmt}", name="country_projection_table")
    def projection_table(request: Request, iso3: str, fmt: str) -> Response:
        """The baseline projection, every cadre and year, as CSV or Excel (with its sources)."""
        if fmt not in FORMATS:
            context = {"title": BAD_FILTER_TITLE, "message": BAD_TABLE_FORMAT, "code": fmt[:10]}
            return auth.render(request, "error.html", context, status_code=400)
        try:
            country = find_country(auth.ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        cadres, _ = baseline_projection(auth.ctx, country.iso3)
        stored = {s.label: s for s in list_sources(auth.ctx)}
        labels = {label for p in cadres for label in p.sources}
        table = Table(
            f"{country.iso3}-baseline-projection",
            TABLE_COLUMNS,
            projection_rows(country.iso3, cadres),
            used_sources(labels, stored),
        )
        return table_response(table, fmt)

    @router.get("/countries/{iso3}/projection/{cadre}.{fmt}", name="country_projection_chart")
    def projection_chart(request: Request, iso3: str, cadre: str, fmt: str) -> Response:
        """One cadre's projection chart as an SVG or PNG file (``fmt``: svg or png)."""
        refused = bad_format(auth, request, fmt)
        if refused is not None:
            return refused
        try:
            country = find_country(auth.ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        views, _ = projection_views(auth.ctx, country.iso3)
        lang = request_language(request)
        place = country_name(lang, country.iso2, country.name)
        view = next((v for v in views if v.cadre == cadre), None)
        spec = projection_spec(view, place, lang) if view is not None else None
        if spec is None:
            return no_chart(auth, request, f"{country.iso3} {cadre}")
        return spec_file(spec, fmt, f"hrh-{country.iso3}-projection-{cadre}")

    return router
