"""Line charts as Vega-Lite specs, built with Altair: one chart definition for page, file and PDF.

Pure: :func:`line_spec` turns series of ``(year, value)`` points (and shaded ranges, such as the
5th–95th percentiles of a projection) into a Vega-Lite spec, a plain dict with the data inlined
(nothing is fetched). The browser draws it with the vendored vega-embed in its CSP-safe mode
(``static/js/charts.js``); the server draws the same spec as SVG or PNG with vl-convert
(:mod:`hrh.presentation.chartimages`) for the downloads and the PDF brief.
:func:`script_json` writes a spec as JSON that cannot break out of the HTML around it (the
pages put it, autoescaped, in the ``data-vega-spec`` attribute of the chart's figure).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from hrh.presentation.l10n import Formatter

#: Colour-blind-safe line colours (Okabe–Ito), one per series, in order.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")
#: Opacity of a shaded range (drawn in the colour of its line).
BAND_OPACITY = 0.22
#: Height of the plot area, in pixels; the width follows the page (or :data:`FILE_WIDTH`).
HEIGHT = 280
#: Width of the plot area in the files (SVG, PNG, the PDF brief), where there is no page.
FILE_WIDTH = 640
#: Keys of the lines drawn dashed (need is a target, not a count).
DASHED = frozenset({"need"})
FONT = "DejaVu Sans, Arial, sans-serif"

Points = Sequence[tuple[int, float]]


@dataclass(frozen=True)
class ChartText:
    """What a chart says, already translated: titles, axis titles and the name of each line.

    ``names`` maps a line's key (``supply``, ``need``, a cadre) to its name; ``band_names``
    maps the key of a shaded range to the name of the range.
    """

    title: str
    description: str
    x_title: str
    y_title: str
    names: Mapping[str, str]
    band_names: Mapping[str, str] = field(default_factory=dict)
    #: Lines under the title (the scenario's levers, the 90% range in the last year).
    subtitle: Sequence[str] = ()


def format_locale(lang: str) -> dict[str, Any]:
    """The d3-format locale of ``lang`` (decimal mark, thousands separator), from Babel.

    >>> format_locale("fr")["decimal"], format_locale("es")["thousands"]
    (',', '.')
    >>> format_locale("en")["thousands"]
    ','
    """
    symbols = Formatter(lang).locale.number_symbols["latn"]
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": ["", ""],
    }


def line_spec(
    series: Sequence[tuple[str, Points]],
    text: ChartText,
    lang: str,
    *,
    bands: Sequence[tuple[str, Points, Points]] = (),
    digits: int = 0,
    dots: bool = False,
    width: int | str = "container",
) -> dict[str, Any] | None:
    """The Vega-Lite spec of a line chart; None when there is no point at all.

    Lines are drawn in :data:`COLOURS` in order (the lines in :data:`DASHED` dashed), with a
    tooltip per point (line, year, value to ``digits`` decimals); ``bands`` are shaded ranges
    ``(key, lows, highs)`` in the colour of the line with the same key. The y axis starts at
    zero; years are written as integers. ``width="container"`` fits the page's figure; the files
    use a number of pixels. The rows are inline, in the spec's ``datasets`` (``lines`` and
    ``bands``): nothing is fetched. The marks are left out of the accessibility tree (a screen
    reader hears the title, the description, the axes and the legend; the table beside the chart
    has the numbers).

    >>> t = ChartText("T", "D", "Year", "Count", {"a": "A"})
    >>> spec = line_spec([("a", [(2000, 10.0), (2010, 20.0)])], t, "en")
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'point']
    >>> spec["layer"][0]["encoding"]["x"]["axis"]["format"], spec["datasets"]["lines"][1]
    ('d', {'year': 2010, 'series': 'A', 'value': 20.0})
    >>> line_spec([("a", [])], t, "en") is None
    True
    """
    lines = [(key, sorted(points)) for key, points in series if points]
    shaded = [(key, sorted(lows), sorted(highs)) for key, lows, highs in bands if lows and highs]
    if not lines and not shaded:
        return None
    colour_of = {key: COLOURS[i % len(COLOURS)] for i, (key, _) in enumerate(series)}
    layout = _Layout(
        text.title,
        tuple(text.subtitle),
        text.description,
        text.x_title,
        text.y_title,
        tuple((text.names[key], colour_of[key], key in DASHED) for key, _ in lines),
        tuple((text.band_names[key], colour_of.get(key, COLOURS[0])) for key, _, _ in shaded),
        digits,
        dots,
        width,
        lang,
    )
    spec = copy.deepcopy(_skeleton(layout))
    spec["datasets"] = {
        "lines": [
            {"year": year, "series": text.names[key], "value": value}
            for key, points in lines
            for year, value in points
        ],
        "bands": [
            {"year": year, "series": text.band_names[key], "low": low, "high": high}
            for key, lows, highs in shaded
            for (year, low), (_, high) in zip(lows, highs, strict=True)
        ],
    }
    return spec


@dataclass(frozen=True)
class _Layout:
    """Everything of a chart but its rows (hashable: the built spec is kept per layout)."""

    title: str
    subtitle: tuple[str, ...]
    description: str
    x_title: str
    y_title: str
    lines: tuple[tuple[str, str, bool], ...]  # name, colour, dashed
    bands: tuple[tuple[str, str], ...]  # name, colour
    digits: int
    dots: bool
    width: int | str
    lang: str


@lru_cache(maxsize=256)
def _skeleton(layout: _Layout) -> dict[str, Any]:
    """The spec of a chart without its rows, built with Altair (about 20 ms, hence kept)."""
    import altair as alt  # imported here: Altair loads jsonschema and narwhals

    domain = [name for name, _, _ in layout.lines]
    colours = [colour for _, colour, _ in layout.lines]
    dashes = [[6, 4] if dashed else [1, 0] for _, _, dashed in layout.lines]
    number = f",.{layout.digits}f"
    year = alt.X(
        "year:Q",
        title=layout.x_title,
        axis=alt.Axis(format="d", tickMinStep=1, labelFlush=True, grid=False),
        scale=alt.Scale(zero=False, nice=False),
    )
    colour = alt.Color(
        "series:N",
        title=None,
        sort=domain,
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(orient="bottom", direction="vertical", symbolType="stroke"),
    )
    dash = alt.StrokeDash(
        "series:N",
        title=None,
        sort=domain,
        scale=alt.Scale(domain=domain, range=dashes),
        legend=None,
    )
    # vega-tooltip shows the field titled "title" as the tooltip's heading: the line's name
    tips = [
        alt.Tooltip("series:N", title="title"),
        alt.Tooltip("year:Q", title=layout.x_title, format="d"),
        alt.Tooltip("value:Q", title=layout.y_title, format=number),
    ]
    layers: list[Any] = []
    if layout.bands:
        layers.append(
            alt.Chart(alt.NamedData(name="bands"))
            .mark_area(opacity=BAND_OPACITY, aria=False)
            .encode(
                x=year,
                y=alt.Y("low:Q"),
                y2=alt.Y2("high:Q"),
                fill=alt.Fill(
                    "series:N",
                    title=None,
                    scale=alt.Scale(
                        domain=[name for name, _ in layout.bands],
                        range=[colour for _, colour in layout.bands],
                    ),
                    # above the plot: two legends side by side below it would be too wide
                    legend=alt.Legend(orient="top", direction="vertical", symbolType="square"),
                ),
                tooltip=[
                    alt.Tooltip("series:N", title="title"),
                    alt.Tooltip("year:Q", title=layout.x_title, format="d"),
                    alt.Tooltip("low:Q", title="5%", format=number),
                    alt.Tooltip("high:Q", title="95%", format=number),
                ],
            )
        )
    if layout.lines:
        base = alt.Chart(alt.NamedData(name="lines"))
        value_axis = alt.Axis(format=",~f", tickCount=5, titlePadding=8)
        layers.append(
            base.mark_line(strokeWidth=2.5, aria=False).encode(
                x=year,
                y=alt.Y(
                    "value:Q", title=layout.y_title, axis=value_axis, scale=alt.Scale(zero=True)
                ),
                color=colour,
                strokeDash=dash,
            )
        )
        # the points carry the tooltips: drawn for a sparse series, else invisible targets
        size, opacity = (36, 1) if layout.dots else (80, 0)
        layers.append(
            base.mark_point(filled=True, size=size, opacity=opacity, aria=False).encode(
                x=year, y=alt.Y("value:Q"), color=colour, tooltip=tips
            )
        )
    subtitle = list(layout.subtitle) or alt.Undefined
    chart = (
        alt.layer(*layers)
        .properties(
            # a title longer than the plot is cut with "…" (a phone), not by the figure's edge
            title=alt.Title(
                layout.title, subtitle=subtitle, anchor="start", limit=alt.ExprRef(expr="width")
            ),
            description=layout.description,
            width=layout.width,
            height=HEIGHT,
            autosize=alt.AutoSizeParams(type="fit-x" if layout.width == "container" else "pad"),
            usermeta={"embedOptions": {"formatLocale": format_locale(layout.lang)}},
        )
        .configure(font=FONT, background="#ffffff")
        .configure_title(fontSize=15, subtitleFontSize=12, subtitleColor="#444444")
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#444444")
        .configure_legend(labelFontSize=12, labelLimit=0)
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)  # the tests check it against the schema
    return spec


def script_json(spec: Mapping[str, Any]) -> str:
    r"""``spec`` as JSON safe in a ``<script type="application/json">`` element or an attribute.

    In an attribute it is escaped again (``"`` as ``&#34;``), as Jinja's autoescape does.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no string in the data can close the
    element (``</script>``) or open a comment; ``JSON.parse`` reads them back unchanged.

    >>> script_json({"a": "</script><b>&"})
    '{"a": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}'
    """
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
