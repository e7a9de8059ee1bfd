from __future__ import annotations

import re
from typing import Any

import pytest

from hrh.web import geo

# Two arcs, quantized (scale 0.5 × 0.25, translate 10, 20) and delta-encoded:
# arc 0 runs (10, 20) → (14, 20) → (14, 24); arc 1 runs (10, 20) → (10, 24) → (14, 24).
TINY: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[0, 0], [8, 0], [0, 16]],
        [[0, 0], [0, 16], [8, 0]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "288", "arcs": [[0, -2]], "properties": {"name": "A"}},
                {"type": "MultiPolygon", "arcs": [[[1, -1]]], "properties": {"name": "B"}},
                {"type": "Polygon", "id": "010", "arcs": [[0, -2]], "properties": {"name": "C"}},
                {"type": "Point", "id": "999", "coordinates": [0, 0]},
            ],
        }
    },
}


def _plane(lon: float, lat: float) -> tuple[float, float]:
    return (lon, lat)


def test_decode_arcs_undoes_quantization_and_deltas() -> None:
    transform = geo.Transform((0.5, 0.25), (10.0, 20.0))
    assert geo.decode_arcs(TINY["arcs"], transform) == [
        [(10.0, 20.0), (14.0, 20.0), (14.0, 24.0)],
        [(10.0, 20.0), (10.0, 24.0), (14.0, 24.0)],
    ]


def test_stitch_ring_reverses_negative_indices_and_keeps_joins_once() -> None:
    arcs = geo.decode_arcs(TINY["arcs"], geo.Transform((0.5, 0.25), (10.0, 20.0)))
    assert geo.stitch_ring([1, -1], arcs) == [
        (10.0, 20.0),
        (10.0, 24.0),
        (14.0, 24.0),
        (14.0, 20.0),
        (10.0, 20.0),
    ]


def test_tiny_topology_gives_exact_paths() -> None:
    world = geo.topology_shapes(TINY, projection=_plane, width=4.0)
    assert world == geo.WorldShapes(
        shapes=(
            geo.CountryShape("288", "A", "M0,4L4,4L4,0L0,0Z"),
            geo.CountryShape(None, "B", "M0,4L0,0L4,0L4,4Z"),
        ),
        width=4.0,
        height=4.0,
    )


def test_tiny_topology_scales_to_width_and_keeps_excluded_when_asked() -> None:
    world = geo.topology_shapes(TINY, projection=_plane, width=8.0, exclude=frozenset())
    assert [s.m49 for s in world.shapes] == ["288", None, "010"]
    assert world.shapes[0].path == "M0,8L8,8L8,0L0,0Z"
    assert world.height == 8.0


def test_absolute_arcs_without_transform() -> None:
    square = {"type": "Polygon", "id": "1", "arcs": [[0, ~1]]}
    topology = {
        "arcs": [[[0, 0], [2, 0], [2, 2]], [[0, 0], [0, 2], [2, 2]]],
        "objects": {"countries": {"geometries": [square]}},
    }
    world = geo.topology_shapes(topology, projection=_plane, width=2.0)
    assert world.shapes == (geo.CountryShape("1", "1", "M0,2L2,2L2,0L0,0Z"),)


def test_split_antimeridian_leaves_a_ring_that_does_not_cross() -> None:
    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    assert geo.split_antimeridian(ring) == [ring]


def test_split_antimeridian_interpolates_the_crossing_latitude() -> None:
    ring = [(178.0, 0.0), (-178.0, 4.0), (-178.0, 8.0), (178.0, 8.0), (178.0, 0.0)]
    east, west = geo.split_antimeridian(ring)
    assert east[0] == (180.0, 8.0)
    assert east[-1] == pytest.approx((180.0, 2.0))
    assert west[0] == pytest.approx((-180.0, 2.0))
    assert west[-1] == (-180.0, 8.0)


@pytest.fixture(scope="module")
def real() -> dict[str, Any]:
    return geo.load_world_topology()


def test_real_file_has_177_shapes_of_which_174_with_an_iso_code(real: dict[str, Any]) -> None:
    world = geo.topology_shapes(real, exclude=frozenset())
    assert len(world.shapes) == 177
    coded = [s.m49 for s in world.shapes if s.m49 is not None]
    assert len(coded) == 174
    assert len(set(coded)) == 174
    assert all(re.fullmatch(r"\d{3}", m49) for m49 in coded)
    assert sorted(s.name for s in world.shapes if s.m49 is None) == [
        "Kosovo",
        "N. Cyprus",
        "Somaliland",
    ]


def test_world_map_leaves_out_antarctica_and_draws_ghana() -> None:
    world = geo.world_shapes()
    assert world is geo.world_shapes()  # decoded once per process
    by_code = {s.m49: s for s in world.shapes}
    assert len(world.shapes) == 176
    assert "010" not in by_code
    assert by_code["288"].name == "Ghana"
    assert world.width == geo.MAP_WIDTH
    # Equal Earth is about twice as wide as tall; without Antarctica a little less tall.
    assert 0.4 < world.height / world.width < 0.49


def _points(path: str) -> list[list[tuple[float, float]]]:
    rings = []
    for ring in re.findall(r"M([^Z]*)Z", path):
        rings.append([tuple(map(float, p.split(","))) for p in ring.split("L")])
    return rings  # type: ignore[return-value]


def test_no_edge_runs_across_the_map() -> None:
    world = geo.world_shapes()
    for shape in world.shapes:
        for ring in _points(shape.path):
            assert all(0 <= x <= world.width and 0 <= y <= world.height for x, y in ring)
            for (x0, _), (x1, _) in zip(ring, ring[1:] + ring[:1], strict=True):
                assert abs(x1 - x0) < world.width / 2, shape.name


def test_fiji_is_drawn_on_both_edges() -> None:
    fiji = next(s for s in geo.world_shapes().shapes if s.m49 == "242")
    xs = [x for ring in _points(fiji.path) for x, _ in ring]
    assert min(xs) < 5
    assert max(xs) > 995
    assert fiji.path.count("M") == 3


def test_north_is_up() -> None:
    by_code = {s.m49: s for s in geo.world_shapes().shapes}

    def mean_y(m49: str) -> float:
        ys = [y for ring in _points(by_code[m49].path) for _, y in ring]
        return sum(ys) / len(ys)

    assert mean_y("578") < mean_y("288") < mean_y("036")  # Norway, Ghana, Australia
