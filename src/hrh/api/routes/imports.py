"""Imports over the API: an analyst or admin uploads a file."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, UploadFile

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.schemas import ImportSummaryPublic
from hrh.errors import Invalid
from hrh.services import imports

router = APIRouter(tags=["imports"])

ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx")
_CHUNK = 1 << 20


@router.post(
    "/imports/{fmt}",
    response_model=ImportSummaryPublic,
    dependencies=[allow("data.import")],
)
def post_import(
    fmt: str,
    file: UploadFile,
    ctx: CtxDep,
    principal: PrincipalDep,
    dry_run: Annotated[bool, Query(description="Check and count; write nothing.")] = False,
    vintage: Annotated[str | None, Query(description="Name this release.")] = None,
) -> ImportSummaryPublic:
    """Import a file atomically (all rows or none); bad rows come back as located errors."""
    name = Path(file.filename or "upload.csv").name
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise Invalid(
            f"Files of type {Path(name).suffix or '(none)'} are not accepted.",
            hint="Upload " + ", ".join(ALLOWED_SUFFIXES) + " files.",
        )
    limit = ctx.settings.max_upload_mb * 1024 * 1024
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        size = 0
        with path.open("wb") as out:
            while chunk := file.file.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise Invalid(
                        f"The upload is larger than {ctx.settings.max_upload_mb} MB.",
                        hint="Split the file or import it with the CLI (`hrh import`).",
                    )
                out.write(chunk)
        summary = imports.import_file(
            ctx,
            fmt,
            path,
            principal=principal,
            options={"vintage": vintage} if vintage else None,
            dry_run=dry_run,
        )
    return ImportSummaryPublic.model_validate({**summary.__dict__, "status": summary.status})
