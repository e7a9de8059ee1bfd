"""The country brief as HTML and PDF (WeasyPrint), for ``hrh report`` and the web's brief.pdf.

:func:`hrh.services.brief.country_brief` gathers the content; :func:`brief_html` lays it out
with this package's ``brief.html`` template in one language (the same gettext catalogs and
locale formatting as the pages, no request needed); :func:`brief_pdf` turns that HTML into A4
pages. The charts are the pages' own SVG charts (:mod:`hrh.presentation.linechart`), inline,
so WeasyPrint draws them as vectors; nothing is fetched while rendering.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from hrh.errors import Invalid
from hrh.presentation.l10n import LANGUAGES, N_, Formatter, load_catalogs
from hrh.presentation.labels import CADRES, WHO_REGION_NAMES, country_name, indicator_label
from hrh.presentation.linechart import LineChart, line_chart
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
#: WHO's SDG index threshold: 44.5 doctors, nurses and midwives per 10,000.
SDG_THRESHOLD = 44.5


@dataclass(frozen=True)
class ProjectionView:
    """One cadre's projection chart and table rows (year, supply, need, gap)."""

    cadre: str
    chart: LineChart | None
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
    lines: list[tuple[str, list[tuple[int, float]]]] = [("supply", supply)]
    if need:
        lines.append(("need", need))
    bands = []
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
    chart = line_chart(lines, bands)
    last_year = p.years[-1] if p.years else None
    return ProjectionView(p.cadre, chart, rows, cover, last_year, ranges, p.replicates)


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
        "series_chart": line_chart([(k, v) for k, v in brief.series.items() if v]),
        "projections": [projection_view(p) for p in brief.projection],
        "line_names": PROJECTION_LINES,
        "sdg_threshold": SDG_THRESHOLD,
        "css": (files("hrh.presentation") / "static" / "brief.css").read_text(encoding="utf-8"),
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
