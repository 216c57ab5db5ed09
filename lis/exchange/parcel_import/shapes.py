"""Checking and transforming a batch of parcel boundaries at once."""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pygeohash
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS

from lis.cadastre import geometry
from lis.core import crs

# Where a parcel of Vietnam can lie (WGS84), with a margin: a boundary
# outside was read in the wrong coordinate reference system.
VIETNAM_LON = (101.0, 118.0)
VIETNAM_LAT = (7.0, 24.0)


@dataclass(frozen=True)
class Shape:
    geom: shapely.MultiPolygon | None
    area_m2: Decimal | None
    uid: str | None
    problem: str | None


def _transform(geoms: np.ndarray, source: CRS, srid: int) -> np.ndarray:
    def move(xy: np.ndarray) -> np.ndarray:
        x, y = crs.transform_coords(xy[:, 0], xy[:, 1], source, srid)
        return np.column_stack([x, y])

    return shapely.transform(geoms, move)


def _read_problem(geom: shapely.Geometry | None, read_error: str | None) -> str | None:
    if geom is None and read_error:
        return _("the boundary cannot be read: %(reason)s") % {"reason": read_error}
    if geom is None:
        return _("the feature has no boundary")
    return geometry.geometry_problem(geom)


def _plainly_fine(geoms: np.ndarray) -> np.ndarray:
    """Valid polygons with an area, found at once; the rest one by one."""
    present = ~shapely.is_missing(geoms)
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
    with np.errstate(invalid="ignore"):
        return present & polygonal & shapely.is_valid(geoms) & (shapely.area(geoms) > 0)


def check_shapes(
    geoms: np.ndarray, source: CRS, srid: int, read_errors: dict[int, str]
) -> list[Shape]:
    """Validate boundaries in the file's CRS, then bring them to `srid`.

    Validity is judged in the file's own coordinates, so that the reported
    location of a self-intersection can be found in the file.
    """
    fine = _plainly_fine(geoms)
    problems = [
        None if fine[i] else _read_problem(g, read_errors.get(i))
        for i, g in enumerate(geoms)
    ]
    good = np.array([p is None for p in problems], dtype=bool)
    moved = np.full(len(geoms), None, dtype=object)
    if good.any():
        flat = shapely.force_2d(geoms[good])
        moved[good] = _transform(flat, source, srid)
    lon_lat = _representative_lon_lat(moved, good, srid)
    moved_fine = _plainly_fine(moved)
    return [
        _finish(problems[i], moved[i], lon_lat.get(i), moved_fine[i])
        for i in range(len(geoms))
    ]


def _representative_lon_lat(
    moved: np.ndarray, good: np.ndarray, srid: int
) -> dict[int, tuple[float, float]]:
    indexes = np.flatnonzero(good)
    if not len(indexes):
        return {}
    points = shapely.point_on_surface(moved[indexes])
    xy = shapely.get_coordinates(points)
    lon, lat = crs.vn2000_to_wgs84(srid).transform(xy[:, 0], xy[:, 1])
    return {int(i): (float(lon[k]), float(lat[k])) for k, i in enumerate(indexes)}


def _finish(
    problem: str | None,
    geom: shapely.Geometry | None,
    lon_lat: tuple | None,
    fine: bool,
) -> Shape:
    if problem:
        return Shape(None, None, None, problem)
    lon, lat = lon_lat
    if not (
        VIETNAM_LON[0] <= lon <= VIETNAM_LON[1]
        and VIETNAM_LAT[0] <= lat <= VIETNAM_LAT[1]
    ):
        return Shape(
            None,
            None,
            None,
            _(
                "the boundary lies outside Vietnam (%(lat).4f, %(lon).4f):"
                " check the coordinate reference system"
            )
            % {"lat": lat, "lon": lon},
        )
    problem = None if fine else geometry.geometry_problem(geom)
    if problem:
        return Shape(
            None,
            None,
            None,
            _("after transformation, %(problem)s") % {"problem": problem},
        )
    area = geometry.area_m2(geom)
    if area <= 0:
        return Shape(None, None, None, _("the boundary encloses less than 0.01 m²"))
    uid = pygeohash.encode(lat, lon, precision=crs.GEOHASH_LENGTH)
    return Shape(geometry.as_multipolygon(geom), area, uid, None)
