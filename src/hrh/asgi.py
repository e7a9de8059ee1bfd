"""The ASGI application: the REST API and the web pages over one application context."""

from __future__ import annotations

from fastapi import FastAPI

from hrh.api.app import create_api
from hrh.config import Settings
from hrh.services.context import open_context
from hrh.web.app import install_web
from hrh.web.security import install_security_headers


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the whole application (``uvicorn --factory hrh.asgi:create_app``)."""
    ctx = open_context(settings)
    app = create_api(ctx)
    install_web(app, ctx)
    install_security_headers(app)
    return app
