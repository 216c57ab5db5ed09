"""Checks and measures of parcel boundaries, in the storage CRS (metres)."""

from decimal import ROUND_HALF_UP, Decimal

import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext as _

from lis.core import crs

# Larger than any parcel can be (1,000 km²); a bigger area is a mistake,
# such as a unit read as m² that was ha.
MAX_PARCEL_AREA_M2 = Decimal("1000000000")


def geometry_problem(geom: shapely.Geometry | None) -> str | None:
    """Return why `geom` cannot be a parcel boundary, or None if it can."""
    if geom is None or geom.is_empty:
        return _("the boundary is empty")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return _("a parcel must be a polygon, not a %(kind)s") % {
            "kind": geom.geom_type
        }
    if not shapely.is_valid(geom):
        return _("the boundary is not valid: %(reason)s") % {
            "reason": shapely.is_valid_reason(geom)
        }
    if geom.area <= 0:
        return _("the boundary encloses no area")
    return None


def as_multipolygon(geom: shapely.Geometry) -> shapely.MultiPolygon:
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    return geom


def to_geos(geom: shapely.Geometry, srid: int) -> GEOSGeometry:
    """Turn a shapely polygon into a GEOS MultiPolygon carrying `srid`."""
    result = GEOSGeometry(memoryview(shapely.to_wkb(as_multipolygon(geom))), srid=srid)
    if isinstance(result, Polygon):
        result = MultiPolygon(result, srid=srid)
    return result


def to_shapely(geom: GEOSGeometry) -> shapely.Geometry:
    return shapely.from_wkb(bytes(geom.wkb))


def area_m2(geom: shapely.Geometry) -> Decimal:
    """Area in m² to the centimetre², measured in the projected storage CRS."""
    return Decimal(repr(geom.area)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parcel_uid(geom: shapely.Geometry, srid: int) -> str:
    """The parcel identifier: GeoHash-12 of a point inside (TT 19/2026)."""
    return crs.geohash_of(geom, srid)
