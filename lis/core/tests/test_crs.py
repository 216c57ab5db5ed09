"""The pinned VN-2000 ↔ WGS84 operation (DOMAIN.md §1.5, §1.6)."""

import pytest
import shapely
from django.db import connection
from pyproj import CRS

from lis.core import crs

DONG_XOAI_LONLAT = (106.8832, 11.5349)
DONG_XOAI_EN = (568871.961, 1275695.932)


def test_wgs84_to_storage_crs_matches_published_point_within_a_millimetre():
    transformer = crs.vn2000_to_wgs84(9212)

    easting, northing = transformer.transform(*DONG_XOAI_LONLAT, direction="INVERSE")

    assert easting == pytest.approx(DONG_XOAI_EN[0], abs=0.001)
    assert northing == pytest.approx(DONG_XOAI_EN[1], abs=0.001)


def test_storage_crs_to_wgs84_returns_the_published_point():
    transformer = crs.vn2000_to_wgs84(9212)

    lon, lat = transformer.transform(*DONG_XOAI_EN)

    # 1e-8 degree is about 1 mm on the ground.
    assert lon == pytest.approx(DONG_XOAI_LONLAT[0], abs=1e-8)
    assert lat == pytest.approx(DONG_XOAI_LONLAT[1], abs=1e-8)


@pytest.mark.parametrize(
    ("lonlat", "expected_en"),
    [
        ((106.6060, 11.6540), (538618.914, 1288817.373)),
        ((106.5880, 11.8390), (536631.787, 1309277.988)),
    ],
)
def test_other_published_points_within_a_millimetre(lonlat, expected_en):
    transformer = crs.vn2000_to_wgs84(9212)

    easting, northing = transformer.transform(*lonlat, direction="INVERSE")

    assert (easting, northing) == pytest.approx(expected_en, abs=0.001)


def test_pinned_operation_is_epsg_6960():
    assert crs.transformer_description(9212) == (
        "Inverse of Vietnam TM-3 106-15 + VN-2000 to WGS 84 (2) + axis order change (2D)"
    )
    assert "helmert" in crs.vn2000_to_wgs84(9212).definition
    assert "rx=-0.00928836" in crs.vn2000_to_wgs84(9212).definition


def test_pinned_proj_string_carries_position_vector_rotations():
    text = crs.pinned_proj_string(9212)

    assert "+lon_0=106.25" in text
    assert (
        "+towgs84=-191.90441429,-39.30318279,-111.45032835,"
        "0.00928836,-0.01975479,0.00427372,0.252906278"
    ) in text


def test_non_vn2000_storage_crs_is_refused():
    with pytest.raises(crs.CRSError):
        crs.vn2000_to_wgs84(32648)


def test_is_vn2000_recognises_the_datum():
    assert crs.is_vn2000(CRS.from_epsg(9212))
    assert crs.is_vn2000(CRS.from_epsg(3405))
    assert not crs.is_vn2000(CRS.from_epsg(32648))
    assert not crs.is_vn2000(CRS.from_epsg(4326))


def test_wgs84_utm_source_reaches_storage_through_the_pinned_shift():
    import numpy as np

    utm = CRS.from_epsg(32648)
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, utm, always_xy=True).transform(*DONG_XOAI_LONLAT)

    easting, northing = crs.transform_coords(np.array([x]), np.array([y]), utm, 9212)

    assert easting[0] == pytest.approx(DONG_XOAI_EN[0], abs=0.001)
    assert northing[0] == pytest.approx(DONG_XOAI_EN[1], abs=0.001)


def test_geohash_is_twelve_characters_of_a_point_inside():
    square = shapely.box(568861.961, 1275685.932, 568881.961, 1275705.932)

    uid = crs.geohash_of(square, 9212)

    # Independently encoded from lat 11.5349, lon 106.8832 (the point on
    # surface of this square is its centre, the Đồng Xoài test point).
    assert uid == "w6h185vgxj4q"
    assert len(uid) == 12


@pytest.mark.django_db
def test_database_transform_with_pinned_string_agrees_with_pyproj():
    text = crs.pinned_proj_string(9212)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform("
                "ST_MakePoint(%s, %s), %s, 4326) AS g) AS t",
                [*DONG_XOAI_EN, text],
            )
        else:
            cursor.execute(
                "SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform("
                "MakePoint(%s, %s, 9212), 4326, NULL, %s, 'EPSG:4326') AS g)",
                [*DONG_XOAI_EN, text],
            )
        lon, lat = cursor.fetchone()

    assert lon == pytest.approx(DONG_XOAI_LONLAT[0], abs=1e-8)
    assert lat == pytest.approx(DONG_XOAI_LONLAT[1], abs=1e-8)
