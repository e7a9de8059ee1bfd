"""Code lists and health: cadres, import formats, liveness."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from hrh import __version__
from hrh.api.deps import allow
from hrh.api.routes._etag import etag_response
from hrh.api.schemas import CadrePublic, FormatPublic
from hrh.domain.codes import CADRES
from hrh.ingest.formats import FORMATS

router = APIRouter(tags=["reference"], dependencies=[allow("reference.read")])


@router.get("/healthz")
def healthz() -> dict[str, object]:
    """Liveness probe."""
    return {"ok": True, "version": __version__}


@router.get("/cadres", response_model=list[CadrePublic])
def list_cadres(request: Request) -> Response:
    """Cadres with their stable ids and ISCO-08 codes (ETag)."""
    rows = [
        CadrePublic(id=c.id, label=c.label, isco=list(c.isco), aggregate=c.aggregate)
        for c in CADRES
    ]
    return etag_response(request, rows)


@router.get("/formats", response_model=list[FormatPublic])
def list_formats() -> list[FormatPublic]:
    """Import formats accepted by POST /imports/{format}."""
    return [FormatPublic(id=f.id, label=f.label, options=list(f.options)) for f in FORMATS.values()]
