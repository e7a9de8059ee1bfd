"""Vega-Lite specs drawn on the server with vl-convert: SVG for the files and the PDF, PNG.

vl-convert embeds its own JavaScript runtime (Deno) and the Vega libraries, so nothing is
fetched (``allowed_base_urls=[]`` refuses any data URL too). The runtime starts on the first
chart (about half a second), so the module is imported lazily; each drawing is kept in the
process per spec (the spec holds the data, the language's texts and its number format).
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from typing import Any

from hrh.presentation.vegalite import FILE_WIDTH

#: How many drawings of each kind the process keeps.
CACHED = 128


def file_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with a width in pixels (a file has no page to fit): the page's fits a container.

    >>> file_spec({"width": "container", "autosize": {"type": "fit-x"}})["width"]
    640
    >>> file_spec({"width": 320})["width"]
    320
    """
    if spec.get("width") != "container":
        return spec
    return {**spec, "width": FILE_WIDTH, "autosize": {"type": "pad"}}


def _locale(spec: dict[str, Any]) -> dict[str, Any] | None:
    meta = spec.get("usermeta") or {}
    locale: dict[str, Any] | None = (meta.get("embedOptions") or {}).get("formatLocale")
    return locale


@lru_cache(maxsize=CACHED)
def _svg(text: str) -> str:
    import vl_convert  # the JavaScript runtime starts on first use

    spec = json.loads(text)
    svg: str = vl_convert.vegalite_to_svg(spec, format_locale=_locale(spec), allowed_base_urls=[])
    return svg


@lru_cache(maxsize=CACHED)
def _png(text: str, scale: float) -> bytes:
    import vl_convert

    spec = json.loads(text)
    png: bytes = vl_convert.vegalite_to_png(
        spec, scale=scale, format_locale=_locale(spec), allowed_base_urls=[]
    )
    return png


def chart_svg(spec: dict[str, Any], name: str = "") -> str:
    """Draw ``spec`` as a standalone SVG document (:func:`file_spec`'s width).

    The document's ``<title>`` and ``<desc>`` are the chart's title (or ``name``, for a spec
    drawn without its title) and description, so a file opened on its own is named for screen
    readers and file viewers.
    """
    svg = _svg(json.dumps(file_spec(spec), sort_keys=True))
    title = spec.get("title") or {}
    heading = name or (title.get("text", "") if isinstance(title, dict) else str(title))
    named = (
        f"<title>{escape(str(heading))}</title><desc>{escape(spec.get('description', ''))}</desc>"
    )
    start = svg.index(">", svg.index("<svg")) + 1
    return svg[:start] + named + svg[start:]


def chart_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """Draw ``spec`` as PNG, ``scale`` times its size (sharp on slides and in documents)."""
    return _png(json.dumps(file_spec(spec), sort_keys=True), scale)
