"""Mount the web pages and their static files on the application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from hrh.services.context import AppContext
from hrh.web.views import make_router


def make_templates() -> Jinja2Templates:
    """Build the Jinja2 environment over the package's templates (HTML autoescaped)."""
    env = Environment(
        loader=PackageLoader("hrh.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def install_web(app: FastAPI, ctx: AppContext) -> None:
    """Add the web routes and the static files (at ``/static``) to ``app``."""
    app.mount("/static", StaticFiles(packages=[("hrh.web", "static")]), name="static")
    app.include_router(make_router(ctx, make_templates()))
