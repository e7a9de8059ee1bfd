"""The practice library's pages: search with filters, and one page per entry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hrh.domain.practices import PRACTICE_TYPES
from hrh.errors import M_, HrhError, Invalid
from hrh.services import library
from hrh.services.observatory import list_countries
from hrh.web.auth import WebAuth, request_principal
from hrh.web.i18n import N_

SHOWN = 50
BAD_FILTER_TITLE = N_("Filter not understood")
NOT_FOUND_TITLE = N_("Page not found")
NO_ENTRY = N_("There is no published library entry %(code)s. Search the library instead.")

#: Names shown for the practice types (stored in English).
TYPE_NAMES: dict[str, str] = {
    "code of practice": N_("Code of practice"),
    "bilateral agreement": N_("Bilateral agreement"),
    "retention incentive": N_("Retention incentive"),
    "return programme": N_("Return programme"),
    "training partnership": N_("Training partnership"),
    "diaspora engagement": N_("Diaspora engagement"),
    "licensing reform": N_("Licensing reform"),
    "workforce planning reform": N_("Workforce planning reform"),
}
assert set(TYPE_NAMES) == set(PRACTICE_TYPES)


def make_library_router(auth: WebAuth) -> APIRouter:
    """Build ``/library`` and ``/library/{code}``."""
    router = auth.router()

    def names() -> dict[str, tuple[str, str]]:
        return {c.iso3: (c.iso2, c.name) for c in list_countries(auth.ctx)}

    @router.get("/library", name="library")
    def search(
        request: Request,
        q: Annotated[str, Query()] = "",
        type: Annotated[str, Query()] = "",
        country: Annotated[str, Query()] = "",
        year: Annotated[str, Query()] = "",
    ) -> Response:
        """Search the published entries."""
        chosen = {"q": q.strip()[:200], "type": type.strip(), "country": country.strip().upper()}
        chosen["year"] = year.strip()
        error = ""
        failure: HrhError | None = None
        result = None
        try:
            if chosen["year"] and not chosen["year"].isdigit():
                raise Invalid.of(M_("Year %(year)s is not a whole number."), year=repr(year[:20]))
            result = library.search(
                auth.ctx,
                request_principal(request),
                chosen["q"],
                type=chosen["type"] or None,
                country=chosen["country"] or None,
                year=int(chosen["year"]) if chosen["year"] else None,
                status="published",
                limit=SHOWN,
            )
        except HrhError as exc:
            error, failure = BAD_FILTER_TITLE, exc
        all_names = names()
        context = {
            "result": result,
            "chosen": chosen,
            "types": TYPE_NAMES,
            "names": all_names,
            "countries": sorted(all_names.items(), key=lambda kv: kv[1][1]),
            "error": error,
            "failure": failure,
        }
        return auth.render(request, "library.html", context, status_code=400 if error else 200)

    @router.get("/library/{code}", name="library_entry")
    def entry(request: Request, code: str) -> Response:
        """One published entry."""
        try:
            view = library.get(auth.ctx, request_principal(request), code)
        except HrhError:
            view = None
        if view is None or view.status != "published":
            missing = {"title": NOT_FOUND_TITLE, "message": NO_ENTRY, "code": code[:80]}
            return auth.render(request, "error.html", missing, status_code=404)
        context: dict[str, object] = {"e": view, "types": TYPE_NAMES, "names": names()}
        return auth.render(request, "library_entry.html", context)

    return router
