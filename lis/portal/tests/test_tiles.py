"""Vector tiles: the same features and properties on PostGIS and SpatiaLite.

The expected geometry is computed here from the pinned transformation
(`lis.core.crs.to_web_mercator`), so a tile drawn with another datum shift
(≈ 225 m off near Đồng Xoài) or with swapped axes fails.
"""

import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from django.db import connection

from lis.core import crs
from lis.portal.tests.fixtures.cadastre import (
    make_parcel,
    make_sheet,
    small_town,
    square,
)
from lis.portal.tiles.grid import TileBox

pytestmark = pytest.mark.django_db

TILE_Z17 = (17, 104451, 61307)
TILE_Z13 = (13, 6528, 3831)


@pytest.fixture
def town(reference_data):
    return small_town()


def _get_tile(client, z, x, y):
    return client.get(f"/tiles/{z}/{x}/{y}.pbf")


def _decode(response) -> dict:
    return mapbox_vector_tile.decode(response.content)


def _by_id(layer: dict) -> dict[int, dict]:
    return {feature["id"]: feature for feature in layer["features"]}


def _expected_pixels(
    shape: shapely.Geometry, z: int, x: int, y: int
) -> shapely.Geometry:
    """The shape in tile pixels, y up (as `mapbox_vector_tile.decode` gives)."""
    xmin, ymin, _xmax, _ymax = TileBox(z, x, y).bounds
    scale = 4096 / TileBox(z, x, y).size
    mercator = crs.to_web_mercator(shape, 9212)
    return shapely.transform(mercator, lambda xy: (xy - np.array([xmin, ymin])) * scale)


def test_tile_z17_holds_parcels_with_their_properties(client, reader, town):
    client.force_login(reader)

    response = _get_tile(client, *TILE_Z17)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert response["Cache-Control"] == "private, max-age=60"
    layers = _decode(response)
    assert sorted(layers) == ["parcels", "sheets"]
    parcels = _by_id(layers["parcels"])
    first, second, third = town["first"].pk, town["second"].pk, town["third"].pk
    assert {pk: f["properties"] for pk, f in parcels.items()} == {
        first: {
            "id": first,
            "key": "25198/1/1",
            "sheet": 1,
            "number": 1,
            "land_use": "ONT+CLN",
            "area": 500.0,
        },
        second: {
            "id": second,
            "key": "25198/1/2",
            "sheet": 1,
            "number": 2,
            "land_use": "CLN",
            "area": 500.0,
        },
        third: {
            "id": third,
            "key": "25198/1/3",
            "sheet": 1,
            "number": 3,
            "land_use": "DGT",
            "area": 499.6,
        },
    }


def test_tile_z17_parcel_geometry_within_a_pixel_of_pinned_transform(
    client, reader, town
):
    client.force_login(reader)

    layers = _decode(_get_tile(client, *TILE_Z17))

    parcels = _by_id(layers["parcels"])
    for column, name in enumerate(["first", "second", "third"]):
        actual = shapely.geometry.shape(parcels[town[name].pk]["geometry"])
        expected = _expected_pixels(square(column), *TILE_Z17)
        assert actual.geom_type == "Polygon"
        assert shapely.hausdorff_distance(actual, expected) <= 1.0
        assert actual.area == pytest.approx(expected.area, rel=0.01)


def test_tile_z17_holds_the_sheet_outline(client, reader, town):
    client.force_login(reader)

    layers = _decode(_get_tile(client, *TILE_Z17))

    sheets = layers["sheets"]["features"]
    assert [f["properties"] for f in sheets] == [
        {"id": town["first"].map_sheet_id, "number": 1, "commune": "25198"}
    ]
    outline = shapely.geometry.shape(sheets[0]["geometry"])
    expected = _expected_pixels(
        shapely.box(568900, 1275700, 568960, 1275725), *TILE_Z17
    )
    assert shapely.hausdorff_distance(outline, expected) <= 1.0


def test_parcel_across_two_tiles_is_sent_whole_to_both(client, reader, town):
    client.force_login(reader)
    west, east = (19, 417804, 245230), (19, 417805, 245230)

    in_west = _by_id(_decode(_get_tile(client, *west))["parcels"])
    in_east = _by_id(_decode(_get_tile(client, *east))["parcels"])

    third = town["third"].pk
    for tile, features in [(west, in_west), (east, in_east)]:
        actual = shapely.geometry.shape(features[third]["geometry"])
        expected = _expected_pixels(square(2), *tile)
        assert shapely.hausdorff_distance(actual, expected) <= 1.0
    assert sorted(in_west) == [town["first"].pk, town["second"].pk, third]
    assert sorted(in_east) == [third]


def test_tile_leaves_out_parcels_of_other_tiles(client, reader, town):
    far = make_sheet(7)
    make_parcel(far, 1, square(0, row=200))
    client.force_login(reader)

    layers = _decode(_get_tile(client, *TILE_Z17))

    assert len(layers["parcels"]["features"]) == 3
    assert [f["properties"]["number"] for f in layers["sheets"]["features"]] == [1]


def test_tile_z13_has_sheets_but_no_parcels(client, reader, town):
    client.force_login(reader)

    layers = _decode(_get_tile(client, *TILE_Z13))

    assert sorted(layers) == ["sheets"]
    assert [f["properties"]["number"] for f in layers["sheets"]["features"]] == [1]


def test_tile_z10_shows_where_the_sheets_are(client, reader, town):
    client.force_login(reader)

    layers = _decode(_get_tile(client, 10, 816, 478))

    assert sorted(layers) == ["sheets"]
    assert [f["properties"]["number"] for f in layers["sheets"]["features"]] == [1]


def test_tile_z8_is_empty(client, reader, town):
    client.force_login(reader)

    response = _get_tile(client, 8, 204, 119)

    assert response.status_code == 200
    assert response.content == b""


def test_tile_outside_the_grid_is_not_found(client, reader, town):
    client.force_login(reader)

    response = _get_tile(client, 3, 8, 0)

    assert response.status_code == 404


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SpatialIndex table is SpatiaLite's"
)
def test_spatialite_tile_same_with_and_without_the_spatial_index(
    client, reader, town, caplog
):
    client.force_login(reader)
    indexed = _decode(_get_tile(client, *TILE_Z17))
    assert "disabled" not in caplog.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT DisableSpatialIndex('cadastre_parcel', 'geom')")

    scanned = _decode(_get_tile(client, *TILE_Z17))

    assert scanned == indexed
    assert "Spatial index of cadastre_parcel.geom is disabled" in caplog.text
