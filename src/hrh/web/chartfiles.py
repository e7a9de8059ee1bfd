"""Charts as files: a standalone SVG (white background) or a PNG.

The line charts (the profile's densities, the projection and scenario charts) are Vega-Lite
specs (:mod:`hrh.presentation.charts`), the same the page draws in the browser:
:func:`spec_file` draws them with vl-convert (:mod:`hrh.presentation.chartimages`), as SVG or
as PNG at twice their size. The corridors' flow diagram renders an SVG template of its own
(``flow.svg``) in the reader's language; :func:`chart_file` sends it as SVG, or draws it as PNG
with cairosvg. Both name their fonts (DejaVu Sans) and fetch nothing: vl-convert is given no
allowed URL and cairosvg's URL fetcher refuses every URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request, Response

from hrh.presentation.chartimages import chart_png, chart_svg
from hrh.web.auth import WebAuth, request_language
from hrh.web.i18n import N_, Formatter

#: The formats of every chart download.
CHART_FORMATS = ("svg", "png")
CHART_MEDIA = {"svg": "image/svg+xml", "png": "image/png"}
BAD_FORMAT_TITLE = N_("Download not understood")
BAD_CHART_FORMAT = N_("This chart has no format %(code)s: use svg or png.")
NO_CHART_TITLE = N_("Chart not found")
NO_CHART = N_(
    "There is no chart for %(code)s: there is nothing to draw for this choice. Go back to the "
    "page and choose again."
)


def _refuse_fetch(url: str, *_: object) -> bytes:
    """Refuse every URL (cairosvg's fetcher): our charts are self-contained."""
    raise ValueError(f"the chart fetches nothing (asked for {url[:60]!r})")


def svg_to_png(svg: bytes, scale: float = 2.0) -> bytes:
    """Render one of our SVG charts to PNG (twice the size, for sharp slides and documents)."""
    from cairosvg.surface import PNGSurface  # type: ignore[import-untyped]  # loads cairo

    png = PNGSurface.convert(bytestring=svg, scale=scale, unsafe=False, url_fetcher=_refuse_fetch)
    return bytes(png)


def bad_format(auth: WebAuth, request: Request, fmt: str) -> Response | None:
    """The 400 page for a format other than svg or png; None for a good one."""
    if fmt in CHART_FORMATS:
        return None
    context = {"title": BAD_FORMAT_TITLE, "message": BAD_CHART_FORMAT, "code": fmt[:20]}
    return auth.render(request, "error.html", context, status_code=400)


def no_chart(auth: WebAuth, request: Request, code: str) -> Response:
    """The 404 page for a chart with nothing to draw (a cadre without data, no corridor)."""
    context = {"title": NO_CHART_TITLE, "message": NO_CHART, "code": code[:40]}
    return auth.render(request, "error.html", context, status_code=404)


def spec_file(spec: dict[str, Any], fmt: str, stem: str) -> Response:
    """Draw a line chart's spec (already in the reader's language) as ``stem.svg`` or ``.png``."""
    body = chart_svg(spec).encode("utf-8") if fmt == "svg" else chart_png(spec)
    return Response(
        body,
        media_type=CHART_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


def chart_file(
    auth: WebAuth,
    request: Request,
    template: str,
    context: Mapping[str, object],
    fmt: str,
    stem: str,
) -> Response:
    """Render ``template`` in the reader's language and send it as ``stem.svg`` or ``stem.png``."""
    lang = request_language(request)
    values = {"request": request, "lang": lang, "fmt": lambda: Formatter(lang), **context}
    svg = auth.templates.get_template(template).render(values).encode("utf-8")
    body = svg if fmt == "svg" else svg_to_png(svg)
    return Response(
        body,
        media_type=CHART_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )
