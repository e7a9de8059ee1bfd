from __future__ import annotations

import pytest

from hrh.domain.records import StoredSource
from hrh.services.observatory import MapLayer, MapValue
from hrh.web import choropleth as ch
from hrh.web.geo import CountryShape, WorldShapes


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (0.0, "< 10"),
        (9.99, "< 10"),
        (10.0, "10–25"),
        (37.4, "25–49"),
        (48.99, "25–49"),
        (49.0, "49–100"),
        (100.0, "100–150"),
        (150.0, "≥ 150"),
        (1000.0, "≥ 150"),
    ],
)
def test_classify_puts_values_in_half_open_bins(value: float, label: str) -> None:
    b = ch.classify(value)
    assert b is not None
    assert b.label == label


def test_bins_are_contiguous_and_the_ssl_threshold_is_a_bound() -> None:
    assert ch.BINS[0].lower is None
    assert ch.BINS[-1].upper is None
    for left, right in zip(ch.BINS, ch.BINS[1:], strict=False):
        assert left.upper == right.lower
    assert ch.SSL_DENSITY_THRESHOLD in {b.upper for b in ch.BINS}
    assert len({b.colour for b in ch.BINS} | {ch.NO_DATA_COLOUR}) == len(ch.BINS) + 1


def _layer() -> MapLayer:
    return MapLayer(
        indicator="dnm_density_per_10k",
        label="Doctors, nurses and midwives per 10,000 population",
        unit="per 10,000",
        values=[
            MapValue("GHA", "288", "Ghana", "AFR", 37.4, 2020, "Src A"),
            MapValue("MLT", "470", "Malta", "EUR", 110.0, 2021, "Src B"),
            MapValue("ATF", "260", "French Southern Territories", "", None, None, ""),
            MapValue("XKX", "", "Kosovo", "EUR", 25.0, 2019, "Src B"),
        ],
        sources=["Src A", "Src B"],
    )


def _world() -> WorldShapes:
    return WorldShapes(
        (
            CountryShape("288", "Ghana", "M0,0L1,0L1,1Z"),
            CountryShape("260", "Fr. S. Antarctic Lands", "M2,0L3,0L3,1Z"),
            CountryShape(None, "Somaliland", "M4,0L5,0L5,1Z"),
            CountryShape(None, "Kosovo", "M6,0L7,0L7,1Z"),
        ),
        10.0,
        5.0,
    )


def test_build_map_page_joins_values_to_shapes() -> None:
    page = ch.build_map_page(_layer(), _world())
    ghana, atf, somaliland, kosovo = page.shapes
    assert ghana == ch.MapShape(
        "GHA",
        "Ghana",
        "M0,0L1,0L1,1Z",
        "#7fcdbb",
        "Ghana: 37.4 per 10,000 (2020). Source: Src A",
        "/countries/GHA",
    )
    assert kosovo.iso3 == "XKX"  # no ISO numeric code: joined by name
    assert kosovo.fill == "#7fcdbb"
    assert kosovo.href == "/countries/XKX"
    assert atf.fill == ch.NO_DATA_COLOUR
    assert atf.href == "/countries/ATF"
    assert atf.title == "French Southern Territories: no data"
    assert somaliland == ch.MapShape(
        None, "Somaliland", "M4,0L5,0L5,1Z", ch.NO_DATA_COLOUR, "Somaliland: no data", None
    )


def test_build_map_page_table_legend_and_notes() -> None:
    page = ch.build_map_page(_layer(), _world())
    assert [r.name for r in page.rows] == [
        "French Southern Territories",
        "Ghana",
        "Kosovo",
        "Malta",
    ]
    ghana = page.rows[1]
    assert ghana == ch.TableRow(
        "GHA", "Ghana", "African Region", "37.4", "2020", "Src A", has_value=True
    )
    assert page.rows[0].value == "no data"
    assert page.rows[0].who_region == "—"
    assert page.countries_with_data == 3
    assert page.not_drawn == ["Malta"]
    assert [i.label for i in page.legend] == [
        "< 10",
        "10–25",
        "25–49",
        "49–100",
        "100–150",
        "≥ 150",
    ]
    assert [i.below_threshold for i in page.legend] == [True, True, True, False, False, False]
    assert (page.width, page.height) == (10.0, 5.0)
    assert [n.title for n in page.sources] == ["Src A", "Src B"]


def test_build_map_page_names_stored_sources_by_title() -> None:
    stored = StoredSource(
        7,
        "who:gho",
        "2024-03",
        "World Health Organization",
        "WHO Global Health Observatory",
        "https://www.who.int/data/gho",
        "CC BY-NC-SA 3.0 IGO",
        "2024-03-01",
        "2024-04-01T00:00:00",
    )
    page = ch.build_map_page(_layer(), _world(), {"Src A": stored})
    assert page.shapes[0].title == (
        "Ghana: 37.4 per 10,000 (2020). Source: WHO Global Health Observatory"
    )
    assert page.rows[1].source == "WHO Global Health Observatory"
    assert page.sources == [
        ch.SourceNote(
            "Src A",
            "WHO Global Health Observatory",
            "World Health Organization",
            "2024-03",
            "https://www.who.int/data/gho",
            "CC BY-NC-SA 3.0 IGO",
        ),
        ch.SourceNote("Src B", "Src B", "", "", "", ""),
    ]
