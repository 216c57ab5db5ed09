"""The vertex coordinate table of a parcel (bảng tọa độ góc ranh).

Vietnamese extracts print X = northing and Y = easting in VN-2000, number
each ring's vertices from 1, clockwise from the north-west corner, without
repeating the closing vertex, and give the length of each edge to the next
vertex. WGS84 latitude and longitude
come through the pinned EPSG:6960 transformation.
"""

from dataclasses import dataclass

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from pyproj import CRS

from lis.core import crs


@dataclass(frozen=True)
class Vertex:
    number: int
    north_m: float
    east_m: float
    edge_m: float
    lat: float
    lon: float


@dataclass(frozen=True)
class Ring:
    polygon: int
    is_hole: bool
    vertices: list[Vertex]


def _clockwise_from_north_west(points: np.ndarray) -> np.ndarray:
    """Order vertices clockwise, starting at the north-west corner.

    This is how boundary points are numbered on cadastral extracts (số hiệu
    điểm góc thửa) [U: the convention of practice, not checked against the
    circular's text]; the stored ring may start anywhere, either way round.
    """
    if shapely.LinearRing(points).is_ccw:
        points = points[::-1]
    start = int(np.argmax(points[:, 1] - points[:, 0]))
    return np.roll(points, -start, axis=0)


def _ring(coords: np.ndarray, srid: int, polygon: int, is_hole: bool) -> Ring:
    points = _clockwise_from_north_west(coords[:-1, :2])
    following = np.roll(points, -1, axis=0)
    edges = np.hypot(*(following - points).T)
    lon, lat = crs.vn2000_to_wgs84(srid).transform(points[:, 0], points[:, 1])
    vertices = [
        Vertex(i + 1, float(n), float(e), float(d), float(la), float(lo))
        for i, (e, n, d, la, lo) in enumerate(
            zip(points[:, 0], points[:, 1], edges, lat, lon, strict=True)
        )
    ]
    return Ring(polygon=polygon, is_hole=is_hole, vertices=vertices)


def crs_name(srid: int) -> str:
    """The EPSG name of a CRS, e.g. "VN-2000 / TM-3 106-15"."""
    return CRS.from_epsg(srid).name


def vertex_rings(geom: GEOSGeometry) -> list[Ring]:
    """Return every ring of a parcel boundary, outer ring of each part first."""
    shape = shapely.from_wkb(bytes(geom.wkb))
    polygons = shape.geoms if shape.geom_type == "MultiPolygon" else [shape]
    rings = []
    for index, polygon in enumerate(polygons, start=1):
        rings.append(
            _ring(np.asarray(polygon.exterior.coords), geom.srid, index, False)
        )
        for hole in polygon.interiors:
            rings.append(_ring(np.asarray(hole.coords), geom.srid, index, True))
    return rings


def web_mercator_bounds(geom: GEOSGeometry) -> list[float]:
    """Return the boundary's bounds in EPSG:3857, for fitting a map view."""
    shape = shapely.from_wkb(bytes(geom.wkb))
    return list(crs.to_web_mercator(shape, geom.srid).bounds)


def web_mercator_extent(extent: tuple[float, float, float, float]) -> list[float]:
    """Return a storage-CRS box's bounds in EPSG:3857, edges densified."""
    box = shapely.box(*extent)
    step = max(extent[2] - extent[0], extent[3] - extent[1], 1.0) / 8
    return list(crs.to_web_mercator(shapely.segmentize(box, step)).bounds)
