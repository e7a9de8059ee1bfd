"""The country brief's route ``/countries/{iso3}/brief.pdf``, in the reader's language.

The brief is rendered by :mod:`hrh.presentation.brief`, the same renderer as ``hrh report``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from hrh.errors import NotFound
from hrh.presentation.brief import build_brief_pdf
from hrh.web.auth import WebAuth, request_language


def make_brief_router(auth: WebAuth) -> APIRouter:
    """Build ``/countries/{iso3}/brief.pdf``."""
    from hrh.web.pages import not_found

    router = auth.router()

    @router.get("/countries/{iso3}/brief.pdf", name="country_brief")
    def brief(request: Request, iso3: str) -> Response:
        """A country's brief as a PDF, in the reader's language."""
        try:
            body = build_brief_pdf(
                auth.ctx, iso3, request_language(request), request.state.principal
            )
        except NotFound:
            return not_found(auth, request, iso3)
        filename = f"hrh-{iso3.upper()}-brief.pdf"
        return Response(
            body,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return router
