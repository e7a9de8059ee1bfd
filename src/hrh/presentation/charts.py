"""The observatory's line charts as Vega-Lite specs in one language (no request needed).

Three charts, each one spec for the page (drawn in the browser by vega-embed), the chart files
and the PDF brief (drawn by vl-convert, :mod:`hrh.presentation.chartimages`): the profile's
densities over time (:func:`density_spec`) and supply against need for one cadre, from the
baseline projection or the scenario explorer (:func:`supply_spec`).
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from hrh.presentation.l10n import LANGUAGES, N_, read_catalog
from hrh.presentation.labels import CADRES
from hrh.presentation.vegalite import ChartText, Points, line_spec

YEAR = N_("Year")
WORKERS = N_("Workers")
DENSITY = N_("Density per 10,000")
DENSITY_TITLE = N_("Health workers per 10,000 population over time")
DENSITY_DESCRIPTION = N_("Line chart; the same values are in the table below.")
SUPPLY_TITLE = N_("supply and need, %(first)s–%(last)s")
SUPPLY_DESCRIPTION = N_("Line chart of health workers; the main values are in the table below.")


@lru_cache(maxsize=len(LANGUAGES))
def _catalog(lang: str) -> gettext.NullTranslations:
    return read_catalog(lang)


def translate(lang: str, message: str, **values: object) -> str:
    """``message`` in ``lang``, with ``values`` put in (``%%`` is a literal percent sign).

    >>> translate("fr", "Year"), translate("en", "90%% of %(n)s", n=5)
    ('Année', '90% of 5')
    """
    return _catalog(lang).gettext(message) % values


def density_spec(
    series: Sequence[tuple[str, Points]], place: str, lang: str, width: int | str = "container"
) -> dict[str, Any] | None:
    """Densities per 10,000 over time, one line per cadre (``place``: the country's name)."""
    keys = [key for key, points in series if points]
    text = ChartText(
        title=f"{translate(lang, DENSITY_TITLE)}, {place}",
        description=translate(lang, DENSITY_DESCRIPTION),
        x_title=translate(lang, YEAR),
        y_title=translate(lang, DENSITY),
        names={key: translate(lang, CADRES[key]) for key in keys},
    )
    lines = [(key, points) for key, points in series if points]
    return line_spec(lines, text, lang, digits=1, dots=True, width=width)


def supply_spec(
    cadre: str,
    lines: Sequence[tuple[str, Points]],
    names: Mapping[str, str],
    lang: str,
    *,
    years: tuple[int, int],
    place: str,
    bands: Sequence[tuple[str, Points, Points]] = (),
    subtitle: Sequence[str] = (),
    width: int | str = "container",
) -> dict[str, Any] | None:
    """Supply against need for one cadre (``names``: line key → message id, ``band`` too).

    ``years`` are the first and last years of the title; ``subtitle`` lines are already
    translated (the scenario's levers, the range in the last year).
    """
    first, last = years
    heading = translate(lang, SUPPLY_TITLE, first=first, last=last)
    text = ChartText(
        title=f"{translate(lang, CADRES[cadre])}: {heading}, {place}",
        description=translate(lang, SUPPLY_DESCRIPTION),
        x_title=translate(lang, YEAR),
        y_title=translate(lang, WORKERS),
        names={key: translate(lang, names[key]) for key, _ in lines},
        band_names={key: translate(lang, names["band"]) for key, _, _ in bands},
        subtitle=subtitle,
    )
    return line_spec(lines, text, lang, bands=bands, digits=0, width=width)
