"""The corridors page's flow diagram: origins on the left, destinations on the right.

Pure: :func:`flow_diagram` lays out the largest corridors as a two-column (bipartite)
Sankey-like diagram in a fixed ``viewBox``; each band's width is proportional to the stock of
workers, each node's height to its total over the bands drawn. The template writes the SVG,
with a title, a text alternative listing every band, and the table of the same corridors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hrh.services.corridors import Corridor

WIDTH = 1000.0
NODE_WIDTH = 14.0
LABEL_SPACE = 250.0
GAP = 8.0
ROW = 26.0
SLOT = 18.0
TOP = 10.0
#: Colour-blind-safe colours (Okabe–Ito) for the origins, in order of size.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f")
SHOWN = 15


@dataclass(frozen=True)
class FlowNode:
    """A country on one side of the diagram."""

    iso3: str
    name: str
    side: str  # "origin" or "destination"
    x: float
    y: float
    height: float
    total: float
    colour: str


@dataclass(frozen=True)
class FlowBand:
    """One corridor: a ribbon from its origin to its destination."""

    origin: str
    origin_name: str
    destination: str
    destination_name: str
    cadre: str
    value: float
    year: int
    path: str
    colour: str
    width: float = 0.0


@dataclass(frozen=True)
class FlowDiagram:
    """Everything the template draws."""

    width: float
    height: float
    nodes: list[FlowNode]
    bands: list[FlowBand]
    shown: int
    total: int


def _ribbon(x0: float, y0: float, x1: float, y1: float, w0: float, w1: float) -> str:
    xm = round((x0 + x1) / 2, 1)
    return (
        f"M{x0},{y0}C{xm},{y0} {xm},{y1} {x1},{y1}"
        f"L{x1},{round(y1 + w1, 1)}C{xm},{round(y1 + w1, 1)} {xm},{round(y0 + w0, 1)} "
        f"{x0},{round(y0 + w0, 1)}Z"
    )


def _stack(
    keys: list[str], totals: dict[str, float], scale: float
) -> tuple[dict[str, float], float]:
    """Top of each node's bar, and the side's extent.

    Each node gets a slot at least ``SLOT`` high (so that labels never overlap), its bar
    (height proportional to its total) centred in the slot, GAP between slots.
    """
    tops, y = {}, TOP
    for k in keys:
        bar = max(totals[k] * scale, 1.0)
        slot = max(bar, SLOT)
        tops[k] = round(y + (slot - bar) / 2, 1)
        y += slot + GAP
    return tops, y - GAP + TOP


def flow_diagram(corridors: Sequence[Corridor], shown: int = SHOWN) -> FlowDiagram | None:
    """Lay out the ``shown`` largest corridors (None when there is none with a stock).

    >>> from hrh.services.corridors import Corridor
    >>> c = [Corridor("GHA", "Ghana", "GBR", "UK", "nurses", 2018, "stock_abroad", "training",
    ...               300.0, None, None, None, "s"),
    ...      Corridor("GHA", "Ghana", "USA", "US", "nurses", 2018, "stock_abroad", "training",
    ...               100.0, None, None, None, "s")]
    >>> d = flow_diagram(c)
    >>> [(n.iso3, n.side, n.total) for n in d.nodes]
    [('GHA', 'origin', 400.0), ('GBR', 'destination', 300.0), ('USA', 'destination', 100.0)]
    >>> round(d.nodes[1].height / d.nodes[2].height, 6)
    3.0
    """
    top = [c for c in corridors if c.value > 0][:shown]
    if not top:
        return None
    out_total: dict[str, float] = {}
    in_total: dict[str, float] = {}
    for c in top:
        out_total[c.origin] = out_total.get(c.origin, 0.0) + c.value
        in_total[c.destination] = in_total.get(c.destination, 0.0) + c.value
    origins = sorted(out_total, key=lambda k: (-out_total[k], k))
    destinations = sorted(in_total, key=lambda k: (-in_total[k], k))
    rows = max(len(origins), len(destinations))
    scale = max(rows * ROW, 160.0) / max(sum(out_total.values()), 1e-9)
    left_top, left_extent = _stack(origins, out_total, scale)
    right_top, right_extent = _stack(destinations, in_total, scale)
    height = max(left_extent, right_extent)
    x0, x1 = LABEL_SPACE + NODE_WIDTH, WIDTH - LABEL_SPACE - NODE_WIDTH
    colour = {k: COLOURS[min(i, len(COLOURS) - 1)] for i, k in enumerate(origins)}
    names = {c.origin: c.origin_name for c in top} | {
        c.destination: c.destination_name for c in top
    }
    left_cursor, right_cursor = dict(left_top), dict(right_top)
    bands = []
    for c in sorted(
        top, key=lambda c: (origins.index(c.origin), destinations.index(c.destination))
    ):
        w = max(c.value * scale, 0.6)
        y0, y1 = left_cursor[c.origin], right_cursor[c.destination]
        left_cursor[c.origin] = y0 + w
        right_cursor[c.destination] = y1 + w
        bands.append(
            FlowBand(
                c.origin, c.origin_name, c.destination, c.destination_name, c.cadre, c.value,
                c.year, _ribbon(x0, round(y0, 1), x1, round(y1, 1), round(w, 1), round(w, 1)),
                colour[c.origin], round(w, 1),
            )
        )  # fmt: skip
    nodes = [
        FlowNode(k, names[k], "origin", LABEL_SPACE, left_top[k],
                 round(max(out_total[k] * scale, 1.0), 1), out_total[k], colour[k])
        for k in origins
    ] + [
        FlowNode(k, names[k], "destination", x1, right_top[k],
                 round(max(in_total[k] * scale, 1.0), 1), in_total[k], "#4a5259")
        for k in destinations
    ]  # fmt: skip
    return FlowDiagram(WIDTH, round(height, 1), nodes, bands, len(top), len(corridors))
