"""Server-rendered pages; they call the same services as the API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hrh.services.context import AppContext
from hrh.services.observatory import density_map, list_sources
from hrh.web.choropleth import build_map_page
from hrh.web.geo import world_shapes


def make_router(ctx: AppContext, templates: Jinja2Templates) -> APIRouter:
    """Build the router of the web pages over one application context."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse, name="world_map")
    def world_map(request: Request) -> HTMLResponse:
        """The world map of doctors, nurses and midwives per 10,000 population."""
        sources = {s.label: s for s in list_sources(ctx)}
        page = build_map_page(density_map(ctx), world_shapes(), sources)
        return templates.TemplateResponse(request, "map.html", {"page": page})

    return router
