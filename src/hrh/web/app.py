"""Mount the web pages and their static files on the application."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from hrh.services.context import AppContext
from hrh.services.keys import session_key
from hrh.web.auth import CSRF_MESSAGE, CsrfRejected, WebAuth
from hrh.web.login import make_login_router
from hrh.web.session import Signer
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


def make_auth(ctx: AppContext) -> WebAuth:
    """Build the web pages' session and CSRF gate, with its template helpers registered."""
    templates = make_templates()
    auth = WebAuth(ctx, Signer(session_key(ctx.settings)), templates, ctx.settings.secure_cookies)
    templates.env.globals.update(auth.template_globals())
    return auth


def install_web(app: FastAPI, ctx: AppContext) -> None:
    """Add the web routes, sign-in, the API docs page and ``/static`` to ``app``."""
    auth = make_auth(ctx)

    async def csrf_rejected(request: Request, _: Exception) -> Response:
        context = {"title": "Form not accepted", "message": CSRF_MESSAGE}
        return auth.render(request, "error.html", context, status_code=403)

    app.add_exception_handler(CsrfRejected, csrf_rejected)
    app.mount("/static", StaticFiles(packages=[("hrh.web", "static")]), name="static")
    app.include_router(make_login_router(auth))
    app.include_router(make_router(auth))
