"""World country shapes for server-side SVG maps, decoded from the bundled TopoJSON.

The bundled file is Natural Earth 1:110m "admin 0 – countries" packaged as TopoJSON by
``world-atlas`` 2.0.2 (``hrh/reference/world_atlas_110m``). TopoJSON stores each shared
border once as an *arc*; a polygon ring is a list of arc indices, where a negative index
``~i`` means arc ``i`` walked backwards. Arcs are quantized: integer positions, each one a
delta from the previous, mapped back to longitude/latitude by the ``transform``.

We draw with the Equal Earth projection (Šavrič, Patterson & Jenny 2018), which keeps areas
true, as a choropleth should. The file keeps rings that cross the antimeridian (Fiji,
Russia's Chukotka) whole, jumping from -180° to +180°; we cut such rings where they cross
and close each piece along the map's edge, so each half is drawn at its own side.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

Point = tuple[float, float]
Projection = Callable[[float, float], Point]

#: The geometry ids left off the world map (Antarctica: no workforce, a third of the height).
DEFAULT_EXCLUDE = frozenset({"010"})
#: Width of the map's viewBox in SVG user units; the height follows from the projection.
MAP_WIDTH = 1000.0

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3.0) / 2.0


@dataclass(frozen=True)
class Transform:
    """The TopoJSON quantization transform: position = quantized × scale + translate.

    Example:
        >>> Transform((0.5, 0.25), (-180.0, -90.0)).apply(4, 8)
        (-178.0, -88.0)
    """

    scale: tuple[float, float]
    translate: tuple[float, float]

    def apply(self, qx: float, qy: float) -> Point:
        """Map a quantized position to longitude and latitude."""
        return (qx * self.scale[0] + self.translate[0], qy * self.scale[1] + self.translate[1])


@dataclass(frozen=True)
class CountryShape:
    """One country's outline as an SVG path.

    Attributes:
        m49: the ISO 3166-1 numeric code, zero-padded (``"288"`` is Ghana); ``None`` for the
            places Natural Earth draws without one (N. Cyprus, Somaliland, Kosovo).
        name: the Natural Earth name.
        path: the SVG path data (``M…L…Z`` per ring), in the map's user units.
    """

    m49: str | None
    name: str
    path: str


@dataclass(frozen=True)
class WorldShapes:
    """Every drawn country and the size of the drawing (for the SVG ``viewBox``)."""

    shapes: tuple[CountryShape, ...]
    width: float
    height: float


def decode_arcs(
    arcs: Sequence[Sequence[Sequence[float]]], transform: Transform | None
) -> list[list[Point]]:
    """Turn TopoJSON arcs into absolute positions.

    With a transform the arcs are quantized and delta-encoded: each position after the first
    is an offset from the one before. Without one they are absolute already.

    Example:
        >>> decode_arcs([[[0, 0], [2, 1], [1, -1]]], Transform((0.5, 0.5), (10.0, 20.0)))
        [[(10.0, 20.0), (11.0, 20.5), (11.5, 20.0)]]
        >>> decode_arcs([[[1, 2], [3, 4]]], None)
        [[(1.0, 2.0), (3.0, 4.0)]]
    """
    if transform is None:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in arcs]
    out: list[list[Point]] = []
    for arc in arcs:
        x = y = 0.0
        points: list[Point] = []
        for p in arc:
            x += p[0]
            y += p[1]
            points.append(transform.apply(x, y))
        out.append(points)
    return out


def stitch_ring(indices: Sequence[int], arcs: Sequence[Sequence[Point]]) -> list[Point]:
    """Join a ring's arcs into one closed list of positions.

    A negative index ``~i`` (that is ``-i - 1``) walks arc ``i`` backwards. Consecutive arcs
    share their joining position, which is kept once.

    Example:
        >>> arcs = [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)], [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)]]
        >>> stitch_ring([0, ~1], arcs)
        [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    """
    ring: list[Point] = []
    for index in indices:
        arc = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(arc[1:] if ring else arc)
    return ring


def split_antimeridian(ring: Sequence[Point]) -> list[list[Point]]:
    """Cut a closed longitude/latitude ring where it jumps across the ±180° meridian.

    Each piece gets the crossing point at its end (on the side it leaves) and at its start
    (on the side it enters), so that closing it runs along the edge of the map. A ring that
    crosses an odd number of times goes round a pole (Antarctica) and is left whole, as is
    one that does not cross.

    Example:
        >>> ring = [(170.0, 0.0), (-170.0, 0.0), (-170.0, 10.0), (170.0, 10.0), (170.0, 0.0)]
        >>> for piece in split_antimeridian(ring):
        ...     print(piece)
        [(180.0, 10.0), (170.0, 10.0), (170.0, 0.0), (180.0, 0.0)]
        [(-180.0, 0.0), (-170.0, 0.0), (-170.0, 10.0), (-180.0, 10.0)]
    """
    pieces: list[list[Point]] = [[ring[0]]] if ring else [[]]
    for (x0, y0), (x1, y1) in pairwise(ring):
        if abs(x1 - x0) > 180.0:
            edge = 180.0 if x0 > 0 else -180.0
            x1_unwrapped = x1 + 360.0 if x0 > 0 else x1 - 360.0
            span = x1_unwrapped - x0
            lat = y0 + (edge - x0) / span * (y1 - y0) if span else y0
            pieces[-1].append((edge, lat))
            pieces.append([(-edge, lat)])
        pieces[-1].append((x1, y1))
    crossings = len(pieces) - 1
    if crossings == 0 or crossings % 2:
        return [list(ring)]
    last = pieces.pop()
    pieces[0] = last + pieces[0][1:]
    return pieces


def equal_earth(lon: float, lat: float) -> Point:
    """Project longitude and latitude (degrees) with Equal Earth on the unit sphere, y up.

    Example:
        >>> equal_earth(0.0, 0.0)
        (0.0, 0.0)
        >>> x, y = equal_earth(180.0, 90.0)
        >>> round(x, 4), round(y, 4)
        (1.6036, 1.3174)
        >>> round(equal_earth(180.0, 0.0)[0], 4)
        2.7066
    """
    lam = math.radians(lon)
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    denom = 3.0 * (9.0 * _A4 * t6 * t2 + 7.0 * _A3 * t6 + 3.0 * _A2 * t2 + _A1)
    x = 2.0 * math.sqrt(3.0) * lam * math.cos(theta) / denom
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return (x, y)


def format_number(value: float) -> str:
    """Write a coordinate with at most one decimal, without a trailing ``.0`` or ``-0``.

    Example:
        >>> [format_number(v) for v in (12.0, -3.14, 0.04, -0.04, 99.96)]
        ['12', '-3.1', '0', '0', '100']
    """
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def ring_path(points: Iterable[Point]) -> str:
    """Write one closed ring as SVG path data, skipping positions that round to the same spot.

    Returns an empty string when fewer than three distinct positions are left.

    Example:
        >>> ring_path([(0.0, 0.0), (10.0, 0.0), (10.01, 0.02), (10.0, 5.0), (0.0, 0.0)])
        'M0,0L10,0L10,5Z'
        >>> ring_path([(0.0, 0.0), (0.01, 0.0), (0.0, 0.0)])
        ''
    """
    written: list[str] = []
    for x, y in points:
        pair = f"{format_number(x)},{format_number(y)}"
        if not written or pair != written[-1]:
            written.append(pair)
    if len(written) > 1 and written[0] == written[-1]:
        written.pop()
    if len(written) < 3:
        return ""
    return "M" + "L".join(written) + "Z"


def _polygons(geometry: Mapping[str, Any]) -> list[list[list[int]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def topology_shapes(
    topology: Mapping[str, Any],
    *,
    object_name: str = "countries",
    projection: Projection = equal_earth,
    width: float = MAP_WIDTH,
    exclude: frozenset[str] = DEFAULT_EXCLUDE,
) -> WorldShapes:
    """Draw every polygon geometry of one TopoJSON object as an SVG path.

    The projected drawing is flipped (SVG's y grows downwards), moved to the origin and
    scaled to ``width`` user units.

    Args:
        topology: the parsed TopoJSON document.
        object_name: the geometry collection to draw.
        projection: maps (longitude, latitude) to plane coordinates with y up.
        width: the width of the drawing.
        exclude: geometry ids to leave out.

    Returns:
        The shapes in the file's order, without those whose rings all round away.
    """
    raw = topology.get("transform")
    transform = Transform(tuple(raw["scale"]), tuple(raw["translate"])) if raw else None
    arcs = decode_arcs(topology["arcs"], transform)
    projected: list[tuple[str | None, str, list[list[Point]]]] = []
    for geometry in topology["objects"][object_name]["geometries"]:
        gid = geometry.get("id")
        m49 = None if gid is None else str(gid)
        if m49 in exclude:
            continue
        rings = [
            [projection(lon, lat) for lon, lat in piece]
            for polygon in _polygons(geometry)
            for ring in polygon
            for piece in split_antimeridian(stitch_ring(ring, arcs))
        ]
        name = str(geometry.get("properties", {}).get("name", m49 or ""))
        projected.append((m49, name, rings))
    xs = [x for *_, rings in projected for ring in rings for x, _ in ring]
    ys = [y for *_, rings in projected for ring in rings for _, y in ring]
    if not xs:
        return WorldShapes((), width, 0.0)
    left, top = min(xs), max(ys)
    factor = width / ((max(xs) - left) or 1.0)
    shapes = []
    for m49, name, rings in projected:
        path = "".join(
            ring_path(((x - left) * factor, (top - y) * factor) for x, y in ring) for ring in rings
        )
        if path:
            shapes.append(CountryShape(m49, name, path))
    height = float(format_number((top - min(ys)) * factor))
    return WorldShapes(tuple(shapes), width, height)


def load_world_topology() -> dict[str, Any]:
    """Read the bundled Natural Earth 1:110m countries TopoJSON."""
    ref = resources.files("hrh") / "reference" / "world_atlas_110m" / "countries-110m.json"
    data: dict[str, Any] = json.loads(ref.read_text(encoding="utf-8"))
    return data


@cache
def world_shapes() -> WorldShapes:
    """Return the world map's country shapes (decoded once per process)."""
    return topology_shapes(load_world_topology())
