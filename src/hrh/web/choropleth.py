"""The world map page's view model: classed colour bins, shapes joined to values, table rows.

Pure: it takes a :class:`~hrh.services.observatory.MapLayer` and the decoded world shapes and
returns what the template draws, so it is tested without a database or a browser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from hrh.domain.codes import WHO_REGIONS
from hrh.domain.records import StoredSource
from hrh.services.observatory import MapLayer, MapValue
from hrh.web.geo import WorldShapes
from hrh.web.i18n import N_

#: The density of doctors, nurses and midwives per 10,000 below which a country may enter the
#: WHO Health Workforce Support and Safeguards List 2023 (with a UHC index below 55).
SSL_DENSITY_THRESHOLD = 49.0
NO_DATA_COLOUR = "#d4d4d4"
#: Natural Earth shapes without an ISO numeric code that stand for a country in our list.
UNCODED_SHAPES = {"Kosovo": "XKX"}


@dataclass(frozen=True)
class Bin:
    """One class of the colour scale: ``lower <= value < upper`` (open at either end).

    Example:
        >>> Bin(25.0, 49.0, "#41b6c4").contains(37.4)
        True
        >>> Bin(25.0, 49.0, "#41b6c4").label
        '25–49'
        >>> Bin(None, 10.0, "#ffffcc").label, Bin(150.0, None, "#253494").label
        ('< 10', '≥ 150')
    """

    lower: float | None
    upper: float | None
    colour: str
    #: A name for the class instead of its bounds (categories, percentages).
    name: str = ""

    def contains(self, value: float) -> bool:
        """Whether ``value`` falls in this class."""
        return (self.lower is None or value >= self.lower) and (
            self.upper is None or value < self.upper
        )

    @property
    def label(self) -> str:
        """The class as the legend shows it."""
        if self.name:
            return self.name
        if self.lower is None:
            return f"< {self.upper:g}"
        if self.upper is None:
            return f"≥ {self.lower:g}"
        return f"{self.lower:g}–{self.upper:g}"


#: A six-class sequential scale (ColorBrewer YlGnBu): light where health workers are few.
BINS: tuple[Bin, ...] = (
    Bin(None, 10.0, "#ffffcc"),
    Bin(10.0, 25.0, "#c7e9b4"),
    Bin(25.0, SSL_DENSITY_THRESHOLD, "#7fcdbb"),
    Bin(SSL_DENSITY_THRESHOLD, 100.0, "#41b6c4"),
    Bin(100.0, 150.0, "#2c7fb8"),
    Bin(150.0, None, "#253494"),
)


def _share_bins(bounds: tuple[float, ...], colours: tuple[str, ...]) -> tuple[Bin, ...]:
    """Classes of a share (0–1) named in per cent: ``< 2%``, ``2–5%`` … ``≥ 40%``."""
    edges: list[float | None] = [None, *bounds, None]
    out = []
    for i, colour in enumerate(colours):
        lo, hi = edges[i], edges[i + 1]
        if lo is None:
            name = f"< {hi * 100:g}%"  # type: ignore[operator]
        elif hi is None:
            name = f"≥ {lo * 100:g}%"
        else:
            name = f"{lo * 100:g}–{hi * 100:g}%"
        out.append(Bin(lo, hi, colour, name))
    return tuple(out)


#: ColorBrewer YlGnBu (six classes) for densities, and YlOrRd for migration shares.
YLGNBU = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
YLORRD = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")


@dataclass(frozen=True)
class Scale:
    """How a map indicator is coloured: its classes and how values are written.

    ``kind`` is ``number`` (one decimal), ``share`` (a percentage) or ``status`` (the class's
    name); ``threshold`` is marked in the legend (classes below it are flagged).
    """

    bins: tuple[Bin, ...]
    kind: str = "number"
    threshold: float | None = None


STATUS_NOT_MET = N_("Does not meet both criteria")
STATUS_MET = N_("Meets both criteria (eligible for the list)")

#: The colour scale of each map indicator (``hrh.services.map_layers.MAP_INDICATORS``).
SCALES: dict[str, Scale] = {
    "dnm_density": Scale(BINS, "number", SSL_DENSITY_THRESHOLD),
    "doctors_density": Scale(
        tuple(
            Bin(lo, hi, c)
            for (lo, hi), c in zip(
                [(None, 1.0), (1.0, 5.0), (5.0, 10.0), (10.0, 20.0), (20.0, 40.0), (40.0, None)],
                YLGNBU,
                strict=True,
            )
        )
    ),
    "nurses_midwives_density": Scale(
        tuple(
            Bin(lo, hi, c)
            for (lo, hi), c in zip(
                [
                    (None, 5.0),
                    (5.0, 20.0),
                    (20.0, 40.0),
                    (40.0, 80.0),
                    (80.0, 120.0),
                    (120.0, None),
                ],
                YLGNBU,
                strict=True,
            )
        )
    ),
    "ssl_status": Scale(
        (Bin(None, 0.5, "#9ecae1", STATUS_NOT_MET), Bin(0.5, None, "#e6550d", STATUS_MET)),
        "status",
    ),
    "emigration_rate_doctors": Scale(_share_bins((0.02, 0.05, 0.1, 0.2, 0.4), YLORRD), "share"),
    "foreign_trained_doctors": Scale(_share_bins((0.02, 0.05, 0.1, 0.2, 0.4), YLORRD), "share"),
}
SCALES["dnm_density_per_10k"] = SCALES["dnm_density"]


def classify(value: float | None, bins: tuple[Bin, ...] = BINS) -> Bin | None:
    """Return the colour class of a value (``None`` when there is no value).

    Example:
        >>> classify(37.4).label, classify(49.0).label, classify(0.0).label
        ('25–49', '49–100', '< 10')
        >>> classify(0.197, SCALES["emigration_rate_doctors"].bins).label
        '10–20%'
        >>> classify(None) is None
        True
    """
    if value is None:
        return None
    return next(b for b in bins if b.contains(value))


def format_value(value: float | None, scale: Scale | None = None) -> str:
    """Write a value the scale's way (a density with one decimal by default).

    Example:
        >>> format_value(1.7 + 35.7), format_value(None)
        ('37.4', 'no data')
        >>> format_value(0.197, SCALES["emigration_rate_doctors"])
        '19.7%'
        >>> format_value(1.0, SCALES["ssl_status"])
        'Meets both criteria (eligible for the list)'
    """
    if value is None:
        return "no data"
    if scale is not None and scale.kind == "share":
        return f"{value * 100:.1f}%"
    if scale is not None and scale.kind == "status":
        found = classify(value, scale.bins)
        return found.label if found else "no data"
    return f"{value:.1f}"


@dataclass(frozen=True)
class LegendItem:
    """One swatch of the legend."""

    colour: str
    label: str
    below_threshold: bool


@dataclass(frozen=True)
class MapShape:
    """One country drawn on the map."""

    iso3: str | None
    name: str
    path: str
    fill: str
    title: str
    href: str | None
    #: The value behind the tooltip, for the template to write it in the reader's language.
    value: MapValue | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TableRow:
    """One country in the table under the map."""

    iso3: str
    name: str
    who_region: str
    value: str
    year: str
    source: str
    has_value: bool
    #: The raw region code and value, for the template to name and format them per locale.
    region_code: str = field(default="", compare=False)
    number: float | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SourceNote:
    """A source the map uses, named for people (``label`` is the stored ``key@vintage``)."""

    label: str
    title: str
    publisher: str
    vintage: str
    url: str
    licence: str


@dataclass(frozen=True)
class MapPage:
    """Everything the world map template draws."""

    label: str
    unit: str
    sources: list[SourceNote]
    width: float
    height: float
    shapes: list[MapShape]
    legend: list[LegendItem]
    rows: list[TableRow]
    countries_with_data: int
    not_drawn: list[str]
    threshold: float | None = SSL_DENSITY_THRESHOLD
    #: The indicator's id and how its values are written (``number``, ``share``, ``status``).
    indicator: str = "dnm_density"
    kind: str = "number"


def tooltip(value: MapValue, unit: str, scale: Scale | None = None) -> str:
    """The hover text of a country: name, value, year and source.

    Example:
        >>> v = MapValue("GHA", "288", "Ghana", "AFR", 37.4, 2020, "Ghana MoH")
        >>> tooltip(v, "per 10,000")
        'Ghana: 37.4 per 10,000 (2020). Source: Ghana MoH'
        >>> tooltip(MapValue("ATF", "260", "French S. T.", "", None, None, ""), "per 10,000")
        'French S. T.: no data'
    """
    if value.value is None:
        return f"{value.name}: no data"
    year = f" ({value.year})" if value.year is not None else ""
    source = f". Source: {value.source}" if value.source else ""
    shown = format_value(value.value, scale)
    if scale is None or scale.kind == "number":
        shown = f"{shown} {unit}"
    return f"{value.name}: {shown}{year}{source}"


def source_titles(labels: str, sources: Mapping[str, StoredSource]) -> str:
    """Replace the ``key@vintage`` labels in a ``"; "``-joined list by the sources' titles.

    A title shared by several labels (two vintages, two files of one publication) is kept once.

    Example:
        >>> s = StoredSource(1, "who:gho", "2024-03", "WHO", "WHO GHO", "", "", "", "")
        >>> source_titles("who:gho@2024-03; tidy:x@1", {"who:gho@2024-03": s})
        'WHO GHO; tidy:x@1'
        >>> source_titles("who:gho@2024-03; who:gho@2024-03", {"who:gho@2024-03": s})
        'WHO GHO'
    """
    if not labels:
        return ""
    titles = (
        sources[label].title if label in sources and sources[label].title else label
        for label in labels.split("; ")
    )
    return "; ".join(dict.fromkeys(titles))


def source_notes(labels: Iterable[str], sources: Mapping[str, StoredSource]) -> list[SourceNote]:
    """Name the sources for people; vintages of one source are listed once, labels joined.

    Example:
        >>> a = StoredSource(1, "who:nhwa", "2023", "WHO", "NHWA", "", "", "", "")
        >>> b = StoredSource(2, "who:nhwa", "2024", "WHO", "NHWA", "", "", "", "")
        >>> [(n.label, n.title) for n in source_notes(["x@1", "a@1", "b@1"], {"a@1": a, "b@1": b})]
        [('x@1', 'x@1'), ('a@1; b@1', 'NHWA')]
    """
    notes: dict[tuple[str, ...], SourceNote] = {}
    for label in labels:
        s = sources.get(label)
        if s is None:
            note = SourceNote(label, label, "", "", "", "")
        else:
            note = SourceNote(label, s.title or label, s.publisher, s.vintage, s.url, s.licence)
        key = (note.title, note.publisher, note.url, note.licence)
        if key in notes:
            first = notes[key]
            note = replace(
                first, label=f"{first.label}; {label}", vintage=f"{first.vintage}; {note.vintage}"
            )
        notes[key] = note
    return list(notes.values())


def _shape(name: str, path: str, value: MapValue | None, unit: str, scale: Scale) -> MapShape:
    if value is None:
        return MapShape(None, name, path, NO_DATA_COLOUR, f"{name}: no data", None)
    bin_ = classify(value.value, scale.bins)
    fill = bin_.colour if bin_ else NO_DATA_COLOUR
    href = f"/countries/{value.iso3}"
    return MapShape(value.iso3, value.name, path, fill, tooltip(value, unit, scale), href, value)


def _row(value: MapValue, scale: Scale) -> TableRow:
    return TableRow(
        iso3=value.iso3,
        name=value.name,
        who_region=WHO_REGIONS.get(value.who_region, value.who_region or "—"),
        value=format_value(value.value, scale),
        year="" if value.year is None else str(value.year),
        source=value.source,
        has_value=value.value is not None,
        region_code=value.who_region,
        number=value.value,
    )


def build_map_page(
    layer: MapLayer, world: WorldShapes, sources: Mapping[str, StoredSource] | None = None
) -> MapPage:
    """Join the layer's values to the world shapes and lay out the legend and table.

    Args:
        layer: the indicator for every country.
        world: the decoded country shapes.
        sources: stored sources by ``key@vintage`` label, to name them by their titles.
    """
    known = sources or {}
    scale = SCALES.get(layer.indicator, SCALES["dnm_density"])
    values = [replace(v, source=source_titles(v.source, known)) for v in layer.values]
    by_m49 = {v.m49: v for v in values if v.m49}
    by_iso3 = {v.iso3: v for v in values}
    matched = [
        by_m49.get(s.m49) if s.m49 else by_iso3.get(UNCODED_SHAPES.get(s.name, ""))
        for s in world.shapes
    ]
    shapes = [
        _shape(s.name, s.path, v, layer.unit, scale)
        for s, v in zip(world.shapes, matched, strict=True)
    ]
    drawn = {v.iso3 for v in matched if v is not None}
    with_data = [v for v in values if v.value is not None]
    t = scale.threshold
    legend = [
        LegendItem(b.colour, b.label, t is not None and b.upper is not None and b.upper <= t)
        for b in scale.bins
    ]
    return MapPage(
        label=layer.label,
        unit=layer.unit,
        sources=source_notes(layer.sources, known),
        width=world.width,
        height=world.height,
        shapes=shapes,
        legend=legend,
        rows=[_row(v, scale) for v in sorted(values, key=lambda v: (v.name, v.iso3))],
        countries_with_data=len(with_data),
        not_drawn=sorted(v.name for v in with_data if v.iso3 not in drawn),
        threshold=scale.threshold,
        indicator=layer.indicator,
        kind=scale.kind,
    )
