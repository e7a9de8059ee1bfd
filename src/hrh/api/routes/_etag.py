"""ETags for reference data: a hash of the JSON body; 304 when the client has it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse


def etag_response(request: Request, payload: Any) -> Response:
    """Return ``payload`` as JSON with an ETag, or 304 when If-None-Match matches."""
    body = json.dumps(jsonable_encoder(payload), sort_keys=True, separators=(",", ":"))
    tag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": "public, max-age=60"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return JSONResponse(json.loads(body), headers=headers)
