"""Coordinate reference systems and the pinned VN-2000 ↔ WGS84 operation.

Cadastral geometries are stored in VN-2000 / TM-3 of the province's central
meridian (setting `LIS_STORAGE_SRID`, EPSG:9212 for former Bình Phước). Every
change of datum between VN-2000 and WGS84 goes through EPSG:6960 "VN-2000 to
WGS 84 (2)", the parameters of QĐ 05/2007/QĐ-BTNMT, chosen here by its EPSG
id and never left to PROJ, which picks other operations elsewhere in the
country (DOMAIN.md §1.6).
"""

import threading
import warnings
from collections.abc import Callable

import numpy as np
import pygeohash
import shapely
from django.conf import settings
from pyproj import CRS, Transformer
from pyproj.crs import CoordinateOperation
from pyproj.transformer import TransformerGroup

WGS84_SRID = 4326
WEB_MERCATOR_SRID = 3857
VN2000_GEOGRAPHIC_SRID = 4756
VN2000_DATUM_EPSG = 6756
VN2000_TO_WGS84_OPERATION_EPSG = 6960
GEOHASH_LENGTH = 12

_local = threading.local()


class CRSError(ValueError):
    """A coordinate reference system cannot be used for cadastral data."""


def storage_srid() -> int:
    return settings.LIS_STORAGE_SRID


def is_vn2000(crs: CRS) -> bool:
    """Tell whether `crs` is based on the VN-2000 datum."""
    base = crs.source_crs if crs.is_bound else crs
    datum = base.datum
    if datum is None:
        return False
    if datum.to_json_dict().get("id", {}).get("code") == VN2000_DATUM_EPSG:
        return True
    name = datum.name.lower().replace("_", " ").replace("-", " ")
    return "vietnam 2000" in name or "vn 2000" in name


def _cached(key: tuple, build: Callable[[], Transformer]) -> Transformer:
    # pyproj transformers must not be shared between threads.
    cache = getattr(_local, "transformers", None)
    if cache is None:
        cache = _local.transformers = {}
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _uses_operation(transformer: Transformer, epsg: int) -> bool:
    def walk(node: object) -> bool:
        if isinstance(node, dict):
            ident = node.get("id")
            if ident == {"authority": "EPSG", "code": epsg}:
                return True
            return any(walk(value) for value in node.values())
        if isinstance(node, list):
            return any(walk(item) for item in node)
        return False

    return walk(transformer.to_json_dict())


def _pinned_to_wgs84(srid: int) -> Transformer:
    crs = CRS.from_epsg(srid)
    if not is_vn2000(crs):
        raise CRSError(f"EPSG:{srid} is not a VN-2000 coordinate reference system.")
    group = TransformerGroup(crs, CRS.from_epsg(WGS84_SRID), always_xy=True)
    chosen = [
        t
        for t in group.transformers
        if _uses_operation(t, VN2000_TO_WGS84_OPERATION_EPSG)
    ]
    if len(chosen) != 1:
        raise CRSError(
            f"PROJ offers {len(chosen)} operations through EPSG:6960 from EPSG:{srid}."
        )
    return Transformer.from_pipeline(chosen[0].to_proj4())


def vn2000_to_wgs84(srid: int | None = None) -> Transformer:
    """Return the pinned transformer from a VN-2000 CRS to WGS84 (lon, lat)."""
    srid = srid or storage_srid()
    return _cached(("to_wgs84", srid), lambda: _pinned_to_wgs84(srid))


def transformer_description(srid: int | None = None) -> str:
    """Describe the pinned operation, for tests and the health page."""
    srid = srid or storage_srid()
    crs = CRS.from_epsg(srid)
    group = TransformerGroup(crs, CRS.from_epsg(WGS84_SRID), always_xy=True)
    for t in group.transformers:
        if _uses_operation(t, VN2000_TO_WGS84_OPERATION_EPSG):
            return t.description
    raise CRSError(f"No operation through EPSG:6960 from EPSG:{srid}.")


def _position_vector_towgs84() -> list[float]:
    """Return EPSG:6960 as the seven `towgs84` values (position vector).

    EPSG publishes it with the coordinate-frame convention (method 9607);
    PROJ's `towgs84` takes position-vector rotations, of opposite sign.
    """
    operation = CoordinateOperation.from_epsg(VN2000_TO_WGS84_OPERATION_EPSG)
    values = {p.code: p.value for p in operation.params}
    if operation.method_code != "9607":
        raise CRSError(f"EPSG:6960 uses method {operation.method_code}, not 9607.")
    # EPSG parameter codes: 8605-8607 translations (m), 8608-8610 rotations
    # (arc-seconds), 8611 scale difference (ppm).
    return [
        values["8605"],
        values["8606"],
        values["8607"],
        -values["8608"],
        -values["8609"],
        -values["8610"],
        values["8611"],
    ]


def pinned_proj_string(srid: int | None = None) -> str:
    """Return a PROJ CRS string of `srid` whose datum shift is EPSG:6960.

    Databases given this string instead of the bare EPSG code apply exactly
    the QĐ 05/2007 parameters (position-vector `towgs84` form).
    """
    srid = srid or storage_srid()
    crs = CRS.from_epsg(srid)
    if not is_vn2000(crs):
        raise CRSError(f"EPSG:{srid} is not a VN-2000 coordinate reference system.")
    shift = ",".join(repr(v) for v in _position_vector_towgs84())
    with warnings.catch_warnings():
        # The PROJ string is exact for a Transverse Mercator on VN-2000.
        warnings.simplefilter("ignore", UserWarning)
        proj4 = crs.to_proj4()
    parts = [p for p in proj4.split() if not p.startswith("+towgs84")]
    parts = [p for p in parts if p not in ("+type=crs", "+no_defs")]
    return " ".join([*parts, f"+towgs84={shift}", "+no_defs", "+type=crs"])


def _generic(src: int | str, dst: int | str) -> Transformer:
    return _cached(
        ("generic", src, dst),
        lambda: Transformer.from_crs(src, dst, always_xy=True),
    )


def transform_coords(
    x: np.ndarray, y: np.ndarray, src: CRS, dst_srid: int
) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinate arrays from `src` into the VN-2000 CRS `dst_srid`.

    A source on the VN-2000 datum needs only a change of projection. Any
    other source goes to WGS84 first, then through the pinned operation.
    """
    dst = CRS.from_epsg(dst_srid)
    if src == dst:
        return x, y
    if is_vn2000(src):
        key = src.to_wkt()
        return _generic(key, dst_srid).transform(x, y)
    if not src.equals(CRS.from_epsg(WGS84_SRID), ignore_axis_order=True):
        x, y = _generic(src.to_wkt(), WGS84_SRID).transform(x, y)
    return vn2000_to_wgs84(dst_srid).transform(x, y, direction="INVERSE")


def to_wgs84(geom: shapely.Geometry, srid: int | None = None) -> shapely.Geometry:
    """Transform a shapely geometry from VN-2000 `srid` to WGS84 (lon, lat)."""
    transformer = vn2000_to_wgs84(srid)
    return shapely.transform(
        geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def to_web_mercator(
    geom: shapely.Geometry, srid: int | None = None
) -> shapely.Geometry:
    """Transform a shapely geometry from VN-2000 `srid` to EPSG:3857."""
    mercator = _generic(WGS84_SRID, WEB_MERCATOR_SRID)
    return shapely.transform(
        to_wgs84(geom, srid),
        lambda xy: np.column_stack(mercator.transform(xy[:, 0], xy[:, 1])),
    )


def from_web_mercator(
    geom: shapely.Geometry, srid: int | None = None
) -> shapely.Geometry:
    """Transform a shapely geometry from EPSG:3857 to VN-2000 `srid`."""
    mercator = _generic(WGS84_SRID, WEB_MERCATOR_SRID)
    transformer = vn2000_to_wgs84(srid)

    def back(xy: np.ndarray) -> np.ndarray:
        lon, lat = mercator.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
        return np.column_stack(transformer.transform(lon, lat, direction="INVERSE"))

    return shapely.transform(geom, back)


def geohash_of(geom: shapely.Geometry, srid: int | None = None) -> str:
    """Return the 12-character GeoHash (WGS84) of a point inside `geom`.

    TT 19/2026/TT-BNNMT defines the parcel identifier this way; the point
    on surface is always inside the parcel, unlike a centroid.
    """
    point = to_wgs84(shapely.point_on_surface(geom), srid)
    return pygeohash.encode(point.y, point.x, precision=GEOHASH_LENGTH)
