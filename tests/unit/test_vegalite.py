"""The line charts' Vega-Lite specs (hrh.presentation.vegalite, charts) and their server drawing."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from typing import Any
from xml.etree import ElementTree

from markupsafe import escape
from PIL import Image

from hrh.presentation.brief import PROJECTION_LINES
from hrh.presentation.chartimages import chart_png, chart_svg
from hrh.presentation.charts import density_spec, supply_spec
from hrh.presentation.vegalite import COLOURS, script_json

YEARS = list(range(2025, 2051))
SUPPLY = [(y, 1000.0 + 30 * (y - 2025)) for y in YEARS]
NEED = [(y, 2000.0 + 10 * (y - 2025)) for y in YEARS]
LOW = [(y, v * 0.9) for y, v in SUPPLY]
HIGH = [(y, v * 1.1) for y, v in SUPPLY]


def projection(lang: str) -> dict[str, Any]:
    spec = supply_spec(
        "medical_doctors",
        [("supply", SUPPLY), ("need", NEED)],
        PROJECTION_LINES,
        lang,
        years=(2025, 2050),
        place="Ghana",
        bands=[("supply", LOW, HIGH)],
        subtitle=["Projection de référence"],
    )
    assert spec is not None
    return spec


def layers(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {layer["mark"]["type"]: layer for layer in spec["layer"]}


def data(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The inline rows of a named dataset (``lines`` or ``bands``)."""
    return list(spec["datasets"][name])


def test_the_projection_has_the_band_the_dashed_need_and_integer_years() -> None:
    spec = projection("en")
    by_mark = layers(spec)
    band = by_mark["area"]
    assert band["data"] == {"name": "bands"}
    rows = data(spec, "bands")
    assert len(rows) == len(YEARS)
    assert rows[0] == {
        "year": 2025,
        "series": "Supply, 90% of the simulated paths",
        "low": 900.0,
        "high": 1100.0,
    }
    assert band["encoding"]["y2"]["field"] == "high"
    assert band["encoding"]["fill"]["scale"]["range"] == [COLOURS[0]]  # the supply's colour
    dash = by_mark["line"]["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == ["Supply, baseline", "Need (SDG threshold)"]
    assert dash["range"] == [[1, 0], [6, 4]]  # need dashed, supply solid
    # years: integers in the data, written without a thousands separator on the axis
    assert all(isinstance(r["year"], int) for r in data(spec, "lines"))
    x = by_mark["line"]["encoding"]["x"]
    assert x["axis"]["format"] == "d" and x["scale"]["zero"] is False
    assert by_mark["line"]["encoding"]["y"]["scale"]["zero"] is True
    tooltip = [t["title"] for t in by_mark["point"]["encoding"]["tooltip"]]
    assert tooltip == ["title", "Year", "Workers"]
    # nothing to fetch: the data is inline, no URL anywhere
    assert '"url"' not in json.dumps(spec)
    assert spec["description"].startswith("Line chart of health workers")
    assert spec["width"] == "container" and spec["autosize"]["type"] == "fit-x"


def test_the_projection_speaks_french() -> None:
    spec = projection("fr")
    assert spec["title"]["text"] == "Médecins: effectifs et besoin, 2025–2050, Ghana"
    line = layers(spec)["line"]
    assert line["encoding"]["x"]["title"] == "Année"
    assert line["encoding"]["color"]["scale"]["domain"][1] == "Besoin (seuil ODD)"
    assert spec["usermeta"]["embedOptions"]["formatLocale"]["decimal"] == ","
    svg = chart_svg(spec)
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "Année" in texts
    assert "2 000" in [t.replace("\u202f", " ").replace("\xa0", " ") for t in texts if t]
    assert {"2030", "2040"} <= set(texts)  # years as integers, no "2 030"
    assert not any(t and re.fullmatch(r"2\D0[34]0", t) for t in texts)


def test_the_specs_are_valid_vega_lite() -> None:
    import altair as alt

    for spec in (projection("fr"), density_spec([("nurses", [(2015, 1.0)])], "Ghana", "es")):
        alt.LayerChart.from_dict(spec, validate=True)  # raises on a spec the schema refuses


def test_a_chart_without_points_is_none() -> None:
    assert density_spec([("medical_doctors", [])], "Ghana", "en") is None


def test_the_density_chart_has_dots_and_one_decimal() -> None:
    spec = density_spec([("medical_doctors", [(2015, 1.25), (2018, 1.5)])], "Ghana", "es")
    assert spec is not None
    point = layers(spec)["point"]
    assert point["mark"]["opacity"] == 1
    assert point["encoding"]["tooltip"][2]["format"] == ",.1f"
    assert spec["title"]["text"].endswith(", Ghana")


def test_the_server_draws_svg_and_png() -> None:
    spec = projection("en")
    root = ElementTree.fromstring(chart_svg(spec))
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("Medical doctors:")  # type: ignore[union-attr]
    image = Image.open(io.BytesIO(chart_png(spec, scale=2)))
    assert image.format == "PNG" and image.width > 1200


def test_the_spec_cannot_break_out_of_its_script_element() -> None:
    text = "</script><script>alert(1)</script><!-- & -->"
    spec = density_spec([("medical_doctors", [(2015, 1.0)])], text, "en")
    assert spec is not None
    embedded = script_json(spec)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded) == spec  # JSON.parse reads the same spec back
    html = f'<script type="application/json">{embedded}</script>'
    assert html.lower().count("</script") == 1
    # as the pages embed it: an autoescaped attribute, read back by the browser unchanged
    attribute = str(escape(embedded))
    assert '"' not in attribute and "<" not in attribute
    assert json.loads(unescape(attribute)) == spec
