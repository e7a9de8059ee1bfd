"""The observatory's pages beyond the map: country profile, SSL, sources, corridors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hrh.domain.codes import CADRES_BY_ID
from hrh.errors import HrhError, NotFound
from hrh.presentation.charts import density_spec
from hrh.presentation.labels import CADRES, WHO_REGION_NAMES, country_name, source_use
from hrh.services.corridors import list_corridors
from hrh.services.observatory import list_countries, list_sources
from hrh.services.safeguards import compute_safeguard_list
from hrh.web.auth import WebAuth, request_language
from hrh.web.flows import flow_diagram
from hrh.web.i18n import N_
from hrh.web.profile import SSL_EDITION, build_profile, indicators_csv

NOT_FOUND_TITLE = N_("Page not found")
UNKNOWN_COUNTRY = N_(
    "There is no country or territory with the code %(code)s. Country pages use ISO 3166-1 "
    "alpha-3 codes, such as GHA for Ghana; pick a country from the map or the table."
)
NO_SUCH_PAGE = N_("There is no page at this address. Check the link, or start from the world map.")
BAD_FILTER_TITLE = N_("Filter not understood")
CORRIDORS_SHOWN = 50


@dataclass(frozen=True)
class SourceRow:
    """One stored source vintage as the sources page lists it."""

    key: str
    vintage: str
    title: str
    publisher: str
    url: str
    licence: str
    released: str
    use: str


def not_found(auth: WebAuth, request: Request, code: str) -> Response:
    """Render the 404 page for an unknown country code, in the reader's language."""
    context = {"title": NOT_FOUND_TITLE, "message": UNKNOWN_COUNTRY, "code": code[:12]}
    return auth.render(request, "error.html", context, status_code=404)


def _country_names(auth: WebAuth) -> dict[str, tuple[str, str]]:
    return {c.iso3: (c.iso2, c.name) for c in list_countries(auth.ctx)}


def make_pages_router(auth: WebAuth) -> APIRouter:
    """Build ``/countries/{iso3}``, its CSV, ``/ssl``, ``/sources`` and ``/corridors``."""
    router = auth.router()

    @router.get("/countries/{iso3}", name="country")
    def country(request: Request, iso3: str) -> Response:
        """A country's profile."""
        try:
            profile = build_profile(auth.ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        lang = request_language(request)
        c = profile.country
        spec = density_spec(profile.series, country_name(lang, c.iso2, c.name), lang)
        context = {"p": profile, "cadres": CADRES, "names": _country_names(auth), "spec": spec}
        return auth.render(request, "country.html", context)

    @router.get("/countries/{iso3}/indicators.csv", name="country_csv")
    def country_csv(request: Request, iso3: str) -> Response:
        """A country's headline indicators as CSV."""
        try:
            body = indicators_csv(auth.ctx, iso3)
        except NotFound:
            return not_found(auth, request, iso3)
        filename = f"hrh-{iso3.upper()}-indicators.csv"
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @router.get("/ssl", name="ssl")
    def ssl(request: Request, region: Annotated[str, Query()] = "") -> Response:
        """The computed Support and Safeguards List against the published one."""
        result = compute_safeguard_list(auth.ctx, SSL_EDITION)
        code = region.strip().upper()
        if code and code not in WHO_REGION_NAMES:
            code = ""
        rows = [r for r in result.countries if not code or r.who_region == code]
        context = {
            "result": result,
            "rows": rows,
            "region": code,
            "regions": WHO_REGION_NAMES,
            "names": _country_names(auth),
            "disagreements": [r for r in result.countries if r.agrees is False],
        }
        return auth.render(request, "ssl.html", context)

    @router.get("/sources", name="sources")
    def sources(request: Request) -> Response:
        """Every stored source with publisher, vintage, licence and what it feeds."""
        rows = [
            SourceRow(
                s.key,
                s.vintage,
                s.title,
                s.publisher,
                s.url,
                s.licence,
                s.released,
                source_use(s.key),
            )
            for s in sorted(list_sources(auth.ctx), key=lambda s: (s.key, s.vintage))
        ]
        return auth.render(request, "sources.html", {"rows": rows})

    @router.get("/corridors", name="corridors")
    def corridors(
        request: Request,
        origin: Annotated[str, Query()] = "",
        destination: Annotated[str, Query()] = "",
        cadre: Annotated[str, Query()] = "",
        year: Annotated[str, Query()] = "",
    ) -> Response:
        """Stocks of health workers abroad by origin and destination, largest first."""
        names = _country_names(auth)
        chosen = {"origin": origin.strip().upper(), "destination": destination.strip().upper()}
        chosen |= {"cadre": cadre.strip(), "year": year.strip()}
        error = ""
        page = None
        try:
            if chosen["cadre"] and chosen["cadre"] not in CADRES_BY_ID:
                raise NotFound(f"Unknown cadre {cadre!r}.")
            if chosen["year"] and not chosen["year"].isdigit():
                raise NotFound(f"Unknown year {year!r}.")
            page = list_corridors(
                auth.ctx,
                origin=chosen["origin"] or None,
                destination=chosen["destination"] or None,
                cadre=chosen["cadre"] or None,
                year=int(chosen["year"]) if chosen["year"] else None,
                limit=CORRIDORS_SHOWN,
            )
        except HrhError:
            error = BAD_FILTER_TITLE
        context = {
            "page": page,
            "flow": flow_diagram(page.data) if page else None,
            "chosen": chosen,
            "names": names,
            "cadres": {k: v for k, v in CADRES.items() if k in ("medical_doctors", "nurses")},
            "countries": sorted(names.items(), key=lambda kv: kv[1][1]),
            "error": error,
        }
        return auth.render(request, "corridors.html", context, status_code=400 if error else 200)

    return router
