"""Parcel boundaries as GML 3.2 MultiSurface, read and written.

Coordinates follow the axis order of the CRS an srsName names, as GML 3.2
requires of `urn:ogc:def:crs:EPSG::` and `http://www.opengis.net/def/crs/`
names: EPSG:9212 is easting, northing; a geographic CRS is latitude,
longitude. The short form `EPSG:nnnn` keeps GIS order (x = easting or
longitude), as GDAL writes it.
"""

import functools
import re

import shapely
from django.utils.translation import gettext as _
from lxml import etree
from pyproj import CRS
from pyproj.exceptions import CRSError

from lis.exchange.national_xml.schema import GML, GML_NS

_URN = re.compile(r"^urn:ogc:def:crs:EPSG:[^:]*:(\d+)$", re.IGNORECASE)
_URI = re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/[^/]+/(\d+)$", re.I)
_SHORT = re.compile(r"^EPSG:(\d+)$", re.IGNORECASE)


class GeometryReadError(ValueError):
    """A boundary that cannot be turned into polygons; the reason is shown."""


def srs_name(epsg: int) -> str:
    return f"urn:ogc:def:crs:EPSG::{epsg}"


def _northing_first(crs: CRS) -> bool:
    axes = crs.axis_info
    return bool(axes) and axes[0].direction.lower() in ("north", "south")


@functools.cache
def parse_srs_name(name: str) -> tuple[CRS, bool]:
    """Return the CRS an srsName names and whether its first axis is north."""
    forms = ((_URN, True), (_URI, True), (_SHORT, False))
    found = [(p.match(name.strip()), order) for p, order in forms]
    found = [(match, order) for match, order in found if match]
    if not found:
        raise GeometryReadError(
            _("srsName %(name)s does not name an EPSG coordinate reference system")
            % {"name": name}
        )
    match, authority_order = found[0]
    try:
        crs = CRS.from_epsg(int(match.group(1)))
    except CRSError as err:
        raise GeometryReadError(
            _("srsName %(name)s names no known coordinate reference system")
            % {"name": name}
        ) from err
    return crs, authority_order and _northing_first(crs)


def _ring_wkt(ring, swap: bool, label) -> str:
    """The WKT of one gml:exterior or gml:interior; `label()` names it."""
    positions = ring.find(f"{GML}LinearRing/{GML}posList")
    dimension = positions.get("srsDimension", "2")
    if dimension != "2":
        raise GeometryReadError(
            _("%(ring)s has %(dimension)s ordinates per position; the import reads 2")
            % {"ring": label(), "dimension": dimension}
        )
    ordinates = (positions.text or "").split()
    if len(ordinates) % 2:
        raise GeometryReadError(
            _("%(ring)s holds an odd number of ordinates") % {"ring": label()}
        )
    xs, ys = ordinates[0::2], ordinates[1::2]
    if swap:
        xs, ys = ys, xs
    try:
        closed = len(xs) >= 4 and (float(xs[0]), float(ys[0])) == (
            float(xs[-1]),
            float(ys[-1]),
        )
    except ValueError as err:
        raise GeometryReadError(
            _("%(ring)s holds a value that is not a number") % {"ring": label()}
        ) from err
    if not closed:
        raise GeometryReadError(
            _("%(ring)s is not closed: its last position must repeat its first")
            % {"ring": label()}
        )
    return "(" + ", ".join(map(" ".join, zip(xs, ys, strict=True))) + ")"


def multisurface_wkt(surface, swap: bool) -> str:
    """The WKT MULTIPOLYGON of a gml:MultiSurface element.

    Text, not shapely objects: a batch of boundaries is then built at once
    (`shapely.from_wkt`), as the map import builds its own.
    """
    polygons = []
    for number, polygon in enumerate(surface.iter(f"{GML}Polygon"), start=1):

        def outer(number=number) -> str:
            return _("the outer ring of polygon %(number)d") % {"number": number}

        rings = [_ring_wkt(polygon.find(f"{GML}exterior"), swap, outer)]
        for index, interior in enumerate(polygon.iterfind(f"{GML}interior"), 1):

            def inner(index=index, number=number) -> str:
                return _("inner ring %(ring)d of polygon %(number)d") % {
                    "ring": index,
                    "number": number,
                }

            rings.append(_ring_wkt(interior, swap, inner))
        polygons.append("(" + ", ".join(rings) + ")")
    return "MULTIPOLYGON (" + ", ".join(polygons) + ")"


def _pos_list(parent, ring: shapely.LinearRing, swap: bool) -> None:
    xy = shapely.get_coordinates(ring)
    if swap:
        xy = xy[:, ::-1]
    linear = etree.SubElement(
        etree.SubElement(parent, f"{GML}LinearRing"), f"{GML}posList"
    )
    # repr() is the shortest text that reads back as the same double: the
    # boundary and its area survive the round trip exactly.
    linear.text = " ".join(map(repr, xy.ravel().tolist()))


def multisurface_element(
    geom: shapely.MultiPolygon, srid: int, gml_id: str
) -> etree._Element:
    """Return a gml:MultiSurface of `geom`, in the CRS EPSG:`srid`."""
    name = srs_name(srid)
    _crs, swap = parse_srs_name(name)
    surface = etree.Element(
        f"{GML}MultiSurface",
        {f"{GML}id": gml_id, "srsName": name, "srsDimension": "2"},
        nsmap={"gml": GML_NS},
    )
    for number, polygon in enumerate(geom.geoms, start=1):
        member = etree.SubElement(surface, f"{GML}surfaceMember")
        element = etree.SubElement(
            member, f"{GML}Polygon", {f"{GML}id": f"{gml_id}.{number}"}
        )
        _pos_list(etree.SubElement(element, f"{GML}exterior"), polygon.exterior, swap)
        for interior in polygon.interiors:
            _pos_list(etree.SubElement(element, f"{GML}interior"), interior, swap)
    return surface
