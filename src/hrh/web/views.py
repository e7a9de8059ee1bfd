"""Server-rendered pages; they call the same services as the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hrh.errors import Invalid
from hrh.services.map_layers import DEFAULT_INDICATOR, MAP_INDICATORS, YEARS, map_layer
from hrh.services.observatory import list_countries, list_sources
from hrh.web.auth import WebAuth
from hrh.web.choropleth import NO_DATA_COLOUR, SCALES, build_map_page, format_value
from hrh.web.geo import world_shapes
from hrh.web.i18n import N_

BAD_MAP_TITLE = N_("Map request not understood")
BAD_MAP = N_(
    "The map cannot show %(code)s. Choose an indicator from the list, and a year from 1990 to "
    "2100 or none for the latest data."
)


def parse_year(raw: str) -> int | None:
    """Read the map's ``year`` (empty: the latest); raise :class:`Invalid` when not a year.

    >>> parse_year(""), parse_year(" 2019 ")
    (None, 2019)
    """
    text = raw.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise Invalid(f"Year {raw[:20]!r}: expected four digits such as 2020.")
    return int(text)


#: Where the API serves its OpenAPI schema (``openapi_url`` in ``hrh.api.app``).
OPENAPI_PATH = "/api/v1/openapi.json"


def make_router(auth: WebAuth) -> APIRouter:
    """Build the router of the web pages."""
    router = auth.router()

    @router.get("/", name="world_map")
    def world_map(
        request: Request,
        indicator: Annotated[str, Query()] = DEFAULT_INDICATOR,
        year: Annotated[str, Query()] = "",
    ) -> Response:
        """The world map of one indicator (default: doctors, nurses and midwives per 10,000)."""
        chosen = indicator.strip() or DEFAULT_INDICATOR
        try:
            as_of = parse_year(year)
            layer = map_layer(auth.ctx, request.state.principal, chosen, as_of)
        except Invalid:
            error = {"title": BAD_MAP_TITLE, "message": BAD_MAP, "code": f"{indicator} {year}"}
            return auth.render(request, "error.html", error, status_code=400)
        sources = {s.label: s for s in list_sources(auth.ctx)}
        page = build_map_page(layer, world_shapes(), sources)
        names = {c.iso3: (c.iso2, c.name) for c in list_countries(auth.ctx)}
        context = {
            "page": page,
            "no_data_colour": NO_DATA_COLOUR,
            "names": names,
            "indicators": MAP_INDICATORS,
            "year": as_of,
            "years": YEARS,
            "status_label": lambda v: format_value(v, SCALES["ssl_status"]),
        }
        return auth.render(request, "map.html", context)

    @router.get("/api/v1/docs", name="api_docs")
    def api_docs(request: Request) -> Response:
        """The API reference: Swagger UI from the vendored files, over the OpenAPI schema."""
        root = request.scope.get("root_path", "")
        return auth.render(request, "api_docs.html", {"openapi_url": root + OPENAPI_PATH})

    return router
