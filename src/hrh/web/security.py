"""Security headers on every response: pages, static files, the API and errors.

A pure ASGI middleware, installed around the whole application by
:func:`install_security_headers` so that even the last-resort 500 page gets the headers.

The Content-Security-Policy allows scripts, styles, fonts and connections from this server
only, and no inline script or style: templates put styles in ``/static/hrh.css`` and scripts
in ``/static/js/``. ``Cache-Control: no-store`` is added to responses that show a signed-in
user (``scope["state"]["principal"]``, set by the web session dependency) and to responses
that set a cookie, so that no shared or browser cache keeps a personal page.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hrh.domain.policy import Principal

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    )
)

#: Added to every response (a header the application already set is kept as it is).
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "geolocation=(), camera=(), microphone=()"),
)


def _signed_in(state: MutableMapping[str, Any]) -> bool:
    principal = state.get("principal")
    return isinstance(principal, Principal) and principal.kind == "user"


class SecurityHeadersMiddleware:
    """Add :data:`SECURITY_HEADERS` (and ``no-store`` where personal) to HTTP responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers when the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The same dict becomes ``request.state`` further in, where the session is resolved.
        state: MutableMapping[str, Any] = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers[name] = value
                if _signed_in(state) or "set-cookie" in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: Starlette) -> None:
    """Wrap ``app``'s whole middleware stack (the outermost error handler included).

    ``app.add_middleware`` would place the middleware inside Starlette's
    ``ServerErrorMiddleware``, so a 500 page would go out without the headers; wrapping the
    built stack puts it outside everything.
    """
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(build())

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
