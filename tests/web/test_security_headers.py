"""Security headers on every kind of response; no inline script or style in any page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.config import Settings
from hrh.services.context import AppContext
from hrh.web.security import CONTENT_SECURITY_POLICY

EXPECTED = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
        "form-action 'self'; object-src 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "geolocation=(), camera=(), microphone=()",
}


@pytest.fixture
def app(ctx: AppContext, tmp_path: Path) -> FastAPI:
    return create_app(Settings(var_dir=tmp_path, database_url=ctx.settings.database_url))


def test_the_policy_is_the_one_documented() -> None:
    assert EXPECTED["content-security-policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/login", 200),
        ("/api/v1/docs", 200),
        ("/static/hrh.css", 200),
        ("/static/vendor/swagger-ui/swagger-ui-bundle.js", 200),
        ("/api/v1/countries", 200),
        ("/api/v1/openapi.json", 200),
        ("/no-such-page", 404),
        ("/api/v1/countries/XXX", 404),
        ("/static/no-such-file.css", 404),
    ],
)
def test_every_response_has_the_security_headers(app: FastAPI, path: str, status: int) -> None:
    with TestClient(app) as client:
        response = client.get(path)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name


def test_an_unhandled_error_has_the_security_headers(app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name


def test_a_public_page_for_the_public_may_be_cached(app: FastAPI) -> None:
    with TestClient(app) as client:
        response = client.get("/")
    assert "set-cookie" not in response.headers
    assert response.headers.get("cache-control") != "no-store"


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/docs"])
def test_pages_have_no_inline_script_or_style(app: FastAPI, path: str) -> None:
    with TestClient(app) as client:
        html = client.get(path).text
    scripts = re.findall(r"<script\b[^>]*>", html)
    same_origin = r'\ssrc="(http://testserver)?/static/[^"]+"'
    assert all(re.search(same_origin, tag) for tag in scripts), scripts
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), "inline script"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
