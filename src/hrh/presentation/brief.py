"""The country brief as HTML and PDF (WeasyPrint), for ``hrh report`` and the web's brief.pdf.

:func:`hrh.services.brief.country_brief` gathers the content; :func:`brief_html` lays it out
with this package's ``brief.html`` template in one language (the same gettext catalogs and
locale formatting as the pages, no request needed); :func:`brief_pdf` turns that HTML into A4
pages. The charts are the pages' own Vega-Lite specs (:mod:`hrh.presentation.charts`), drawn
as SVG by vl-convert (:mod:`hrh.presentation.chartimages`) and put inline, so WeasyPrint draws
them as vectors; nothing is fetched while rendering.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from hrh.errors import Invalid
from hrh.presentation.chartimages import chart_svg
from hrh.presentation.charts import density_spec, supply_spec, translate
from hrh.presentation.l10n import LANGUAGES, N_, Formatter, load_catalogs
from hrh.presentation.labels import CADRES, WHO_REGION_NAMES, country_name, indicator_label
from hrh.presentation.messages import say
from hrh.presentation.vegalite import Points
from hrh.services.brief import CountryBrief, ProjectedCadre, country_brief
from hrh.services.context import AppContext

#: Years of the projection table.
TABLE_YEARS = (2025, 2030, 2035, 2040, 2045, 2050)
#: Name of each projection line.
PROJECTION_LINES = {
    "supply": N_("Supply, baseline"),
    "need": N_("Need (SDG threshold)"),
    "band": N_("Supply, 90%% of the simulated paths"),
}
BASELINE = N_("Baseline projection")
RANGE_NOTE = N_("90%% of the simulated paths in %(year)s: %(low)s to %(high)s")
#: Size in pixels of the brief's charts, (width, height): the time series across the page, the
#: projections two to a row (narrower, so that their text stays readable at half its width).
SERIES_SIZE, PROJECTION_SIZE = (640, 170), (300, 220)
#: WHO's SDG index threshold: 44.5 doctors, nurses and midwives per 10,000.
SDG_THRESHOLD = 44.5


@dataclass(frozen=True)
class ProjectionView:
    """One cadre's projection chart and table rows (year, supply, need, gap)."""

    cadre: str
    #: The chart's lines, (key, [(year, value)]): supply, and need where there is one.
    lines: list[tuple[str, Points]]
    #: The chart's shaded range, (key, lows, highs): the 5th–95th percentiles of supply.
    bands: list[tuple[str, Points, Points]]
    rows: list[tuple[int, float, float | None, float | None]]
    #: The last year's supply over need (None without a need).
    cover: float | None = None
    last_year: int | None = None
    #: Per table row, the 5th and 95th percentiles of supply (None without a fan).
    ranges: list[tuple[float, float] | None] = field(default_factory=list)
    #: How many simulated paths the fan summarises (0: no fan).
    replicates: int = 0


def projection_view(p: ProjectedCadre) -> ProjectionView:
    """Lay out one cadre's projection: the chart (supply, need) and the table rows."""
    supply = list(zip(p.years, p.supply, strict=True))
    need = [(y, n) for y, n in zip(p.years, p.need, strict=True) if n is not None]
    lines: list[tuple[str, Points]] = [("supply", supply)]
    if need:
        lines.append(("need", need))
    bands: list[tuple[str, Points, Points]] = []
    if p.low and p.high:
        low = list(zip(p.years, p.low, strict=True))
        bands.append(("supply", low, list(zip(p.years, p.high, strict=True))))
    rows = []
    ranges: list[tuple[float, float] | None] = []
    for year in TABLE_YEARS:
        if year in p.years:
            i = p.years.index(year)
            n = p.need[i]
            rows.append((year, p.supply[i], n, None if n is None else p.supply[i] - n))
            ranges.append((p.low[i], p.high[i]) if p.low and p.high else None)
    last = p.need[-1] if p.need else None
    cover = p.supply[-1] / last if last else None
    last_year = p.years[-1] if p.years else None
    return ProjectionView(p.cadre, lines, bands, rows, cover, last_year, ranges, p.replicates)


def projection_spec(view: ProjectionView, place: str, lang: str) -> dict[str, Any] | None:
    """One cadre's baseline projection as a Vega-Lite spec in ``lang`` (``place``: the country).

    The subtitle names the baseline and the range of the simulated paths in the last year.
    """
    years = [year for _, points in view.lines for year, _ in points]
    if not years:
        return None
    subtitle = [translate(lang, BASELINE)]
    spread = view.ranges[-1] if view.ranges else None
    if view.rows and spread:
        number = Formatter(lang).number
        low, high = number(spread[0], 0), number(spread[1], 0)
        subtitle.append(translate(lang, RANGE_NOTE, year=view.rows[-1][0], low=low, high=high))
    return supply_spec(
        view.cadre,
        view.lines,
        PROJECTION_LINES,
        lang,
        years=(min(years), max(years)),
        place=place,
        bands=view.bands,
        subtitle=subtitle,
    )


def printed(spec: dict[str, Any], size: tuple[int, int]) -> Markup:
    """The page's chart as inline SVG for the brief (vl-convert), at ``size`` (width, height).

    The brief's heading and note name the chart, so its title and subtitle are left out.
    """
    width, height = size
    name = spec["title"]["text"]
    spec = {k: v for k, v in spec.items() if k != "title"} | {"width": width, "height": height}
    return Markup(chart_svg(spec, name))  # noqa: S704 - vl-convert's SVG, its text escaped


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("hrh.presentation", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )


@lru_cache(maxsize=1)
def _catalogs() -> dict[str, Any]:
    return dict(load_catalogs())


def brief_html(brief: CountryBrief, lang: str) -> str:
    """Lay the brief out as one HTML document in ``lang`` (en, fr or es)."""
    if lang not in LANGUAGES:
        raise Invalid(f"Unknown language {lang!r}.", hint="Use en, fr or es.")
    catalog = _catalogs()[lang]
    template = _environment().get_template("brief.html")
    c = brief.country
    names = {r.destination: r.destination_name for r in brief.outbound}
    names |= {r.origin: r.origin_name for r in brief.inbound}

    def cname(iso3: str, stored: str = "") -> str:
        return country_name(lang, brief.iso2.get(iso3, ""), stored or names.get(iso3, iso3))

    by_label = {s.label: s.title or s.label for s in brief.sources}

    def titles(labels: list[str]) -> str:
        return "; ".join(dict.fromkeys(by_label.get(label, label) for label in labels))

    headline = {h.id: h for h in brief.headlines if not h.cadre}
    place = country_name(lang, c.iso2, c.name)
    series = [(k, v) for k, v in brief.series.items() if v]
    series_spec = density_spec(series, place, lang)
    projections = [projection_view(p) for p in brief.projection]
    charts = {}
    for view in projections:
        spec = projection_spec(view, place, lang)
        if spec is not None:
            charts[view.cadre] = printed(spec, PROJECTION_SIZE)
    context = {
        "b": brief,
        "dnm": headline.get("dnm_density_per_10k"),
        "gap": headline.get("sdg_threshold_gap"),
        "titles": titles,
        "lang": lang,
        "name": country_name(lang, c.iso2, c.name),
        "region": WHO_REGION_NAMES.get(c.who_region, ""),
        "fmt": lambda: Formatter(lang),
        "cname": cname,
        "label": indicator_label,
        "cadre_names": CADRES,
        "series_chart": printed(series_spec, SERIES_SIZE) if series_spec else None,
        "projections": projections,
        "charts": charts,
        "line_names": PROJECTION_LINES,
        "sdg_threshold": SDG_THRESHOLD,
        "css": (files("hrh.presentation") / "static" / "brief.css").read_text(encoding="utf-8"),
        "said": lambda thing: say(catalog, lang, thing),
    }
    template.environment.install_gettext_translations(  # type: ignore[attr-defined]
        catalog, newstyle=True
    )
    return template.render(context)


def _refuse_fetch(url: str) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: the brief is self-contained, so nothing is ever fetched."""
    raise ValueError(f"the brief fetches nothing (asked for {url[:60]!r})")


def brief_pdf(brief: CountryBrief, lang: str) -> bytes:
    """Render the brief to PDF (A4) in ``lang``."""
    from weasyprint import HTML  # imported here: WeasyPrint loads Pango at import

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = HTML(string=brief_html(brief, lang), url_fetcher=_refuse_fetch)
    return bytes(html.write_pdf())


def today() -> datetime:
    """The current UTC time (the brief's date; read here, at the edge)."""
    return datetime.now(UTC)


def build_brief_pdf(ctx: AppContext, iso3: str, lang: str, principal: Any) -> bytes:
    """Gather and render one country's brief (raises NotFound for an unknown code)."""
    brief = country_brief(ctx, iso3, principal, today().date())
    return brief_pdf(brief, lang)
