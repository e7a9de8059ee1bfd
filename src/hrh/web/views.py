"""Server-rendered pages; they call the same services as the API."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from hrh.services.observatory import density_map, list_countries, list_sources
from hrh.web.auth import WebAuth
from hrh.web.choropleth import NO_DATA_COLOUR, build_map_page
from hrh.web.geo import world_shapes

#: Where the API serves its OpenAPI schema (``openapi_url`` in ``hrh.api.app``).
OPENAPI_PATH = "/api/v1/openapi.json"


def make_router(auth: WebAuth) -> APIRouter:
    """Build the router of the web pages."""
    router = auth.router()

    @router.get("/", name="world_map")
    def world_map(request: Request) -> Response:
        """The world map of doctors, nurses and midwives per 10,000 population."""
        sources = {s.label: s for s in list_sources(auth.ctx)}
        page = build_map_page(density_map(auth.ctx), world_shapes(), sources)
        names = {c.iso3: (c.iso2, c.name) for c in list_countries(auth.ctx)}
        context = {"page": page, "no_data_colour": NO_DATA_COLOUR, "names": names}
        return auth.render(request, "map.html", context)

    @router.get("/api/v1/docs", name="api_docs")
    def api_docs(request: Request) -> Response:
        """The API reference: Swagger UI from the vendored files, over the OpenAPI schema."""
        root = request.scope.get("root_path", "")
        return auth.render(request, "api_docs.html", {"openapi_url": root + OPENAPI_PATH})

    return router
