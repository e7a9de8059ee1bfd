"""Imports over the API: an authenticated admin uploads a file."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, UploadFile

from hrh.api.deps import AdminDep, CtxDep
from hrh.api.schemas import ImportSummaryPublic
from hrh.services import imports

router = APIRouter(tags=["imports"])


@router.post("/imports/{fmt}", response_model=ImportSummaryPublic)
def post_import(
    fmt: str,
    file: UploadFile,
    ctx: CtxDep,
    principal: AdminDep,
    dry_run: Annotated[bool, Query(description="Check and count; write nothing.")] = False,
    vintage: Annotated[str | None, Query(description="Name this release.")] = None,
) -> ImportSummaryPublic:
    """Import a file atomically (all rows or none); bad rows come back as located errors."""
    name = Path(file.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(file.file.read())
        summary = imports.import_file(
            ctx,
            fmt,
            path,
            options={"vintage": vintage} if vintage else None,
            dry_run=dry_run,
            actor=f"token:{principal.token_id}:{principal.name}",
        )
    return ImportSummaryPublic.model_validate({**summary.__dict__, "status": summary.status})
