"""Mount the web pages and their static files on the application."""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from hrh.domain.policy import may
from hrh.presentation.labels import CADRES, SERIES_NAMES, WHO_REGION_NAMES, country_name
from hrh.presentation.messages import Sayable, say
from hrh.presentation.vegalite import script_json
from hrh.services.context import AppContext
from hrh.services.keys import session_key
from hrh.web.auth import CSRF_MESSAGE, CSRF_TITLE, CsrfRejected, WebAuth, request_language
from hrh.web.brief import make_brief_router
from hrh.web.compliance import make_compliance_router
from hrh.web.compliance_registry import make_compliance_registry_router
from hrh.web.diaspora import make_diaspora_router
from hrh.web.downloads import make_downloads_router
from hrh.web.economics import make_economics_router
from hrh.web.i18n import load_catalogs
from hrh.web.library import make_library_router
from hrh.web.login import make_login_router
from hrh.web.pages import NO_SUCH_PAGE, NOT_FOUND_TITLE, make_pages_router
from hrh.web.projection import make_projection_router
from hrh.web.scenarios import make_scenarios_router
from hrh.web.session import Signer
from hrh.web.views import make_router


def make_templates() -> Jinja2Templates:
    """Build the Jinja2 environment over the package's templates (HTML autoescaped).

    ``_()``, ``gettext()`` and ``ngettext()`` translate into the request's language (new-style
    gettext: ``_("%(n)s countries", n=3)``; a literal percent sign is written ``%%``).
    """
    env = Environment(
        # the web's templates, then the brief's and its chart macros (hrh.presentation)
        loader=ChoiceLoader(
            [PackageLoader("hrh.web", "templates"), PackageLoader("hrh.presentation", "templates")]
        ),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    catalogs = load_catalogs()

    @pass_context
    def translate(context: Context, message: str) -> str:
        return catalogs[request_language(context["request"])].gettext(message)

    @pass_context
    def translate_plural(context: Context, singular: str, plural: str, n: int) -> str:
        return catalogs[request_language(context["request"])].ngettext(singular, plural, n)

    env.install_gettext_callables(  # type: ignore[attr-defined]
        translate, translate_plural, newstyle=True
    )

    @pass_context
    def said(context: Context, thing: Sayable) -> Markup:
        """A service's error, problem or text in the page's language.

        See :mod:`hrh.presentation.messages`.
        """
        lang = request_language(context["request"])
        return say(catalogs[lang], lang, thing)

    @pass_context
    def cname(context: Context, iso3: str, stored: str = "") -> str:
        """A country's name in the page's language (``names`` in the context: ISO3 → ISO2, name)."""
        names = context.get("names") or {}
        iso2, name = names.get(iso3, ("", stored or iso3))
        return country_name(request_language(context["request"]), iso2, stored or name)

    env.globals.update(
        {
            "cname": cname,
            "said": said,
            "region_names": WHO_REGION_NAMES,
            "cadre_names": CADRES,
            "series_names": SERIES_NAMES,
            "may": may,
            # _vega_chart.html: a chart's spec as JSON, escaped again as an attribute's value
            "spec_json": script_json,
        }
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
        context = {"title": CSRF_TITLE, "message": CSRF_MESSAGE}
        return auth.render(request, "error.html", context, status_code=403)

    app.add_exception_handler(CsrfRejected, csrf_rejected)
    api_http_error = app.exception_handlers.get(StarletteHTTPException)

    async def http_error(request: Request, exc: Exception) -> Response:
        """A 404 page in the reader's language for the pages; the API keeps its JSON envelope."""
        path = request.url.path
        is_page = not path.startswith(("/api/", "/static/"))
        if is_page and isinstance(exc, StarletteHTTPException) and exc.status_code == 404:
            auth.load(request)
            context = {"title": NOT_FOUND_TITLE, "message": NO_SUCH_PAGE}
            return auth.render(request, "error.html", context, status_code=404)
        if api_http_error is None:  # pragma: no cover - the API always installs one
            raise exc
        response = api_http_error(request, exc)
        return await response if inspect.isawaitable(response) else response

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.mount("/static", StaticFiles(packages=[("hrh.web", "static")]), name="static")
    app.include_router(make_login_router(auth))
    app.include_router(make_router(auth))
    app.include_router(make_pages_router(auth))
    app.include_router(make_brief_router(auth))
    app.include_router(make_projection_router(auth))
    app.include_router(make_downloads_router(auth))
    app.include_router(make_scenarios_router(auth))
    app.include_router(make_library_router(auth))
    app.include_router(make_diaspora_router(auth))
    app.include_router(make_economics_router(auth))
    app.include_router(make_compliance_router(auth))
    app.include_router(make_compliance_registry_router(auth))
