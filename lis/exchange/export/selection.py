"""Which parcels an export holds: by commune, map sheet, drawn area, query.

Criteria are AND-ed. A commune code is read with its catalogue: a commune
of the catalogue until 30/06/2025 selects the parcels surveyed there (their
legacy key), a commune of the 2025 catalogue the parcels lying there now.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from lis.admin_units.models import AdministrativeUnit, UnitCatalogue
from lis.admin_units.selectors import resolve_commune_code
from lis.cadastre.models import LandUsePurpose, Parcel
from lis.core import crs
from lis.exchange.export.errors import ExportRefusedError
from lis.reference.models import LandUseType

MAX_AREA_TEXT = 1_000_000


@dataclass(frozen=True)
class ParcelSelection:
    """What to export; an empty selection means every parcel."""

    commune_code: str | None = None
    unit_catalogue: str | None = None
    sheet: int | None = None
    # A polygon as WKT or GeoJSON text, and the EPSG code of its
    # coordinates (None: GeoJSON's "crs" member or WGS84; WKT in degrees
    # is WGS84, in metres the storage CRS).
    area: str | None = None
    area_srid: int | None = None
    land_uses: tuple[str, ...] = field(default_factory=tuple)
    min_legal_area: Decimal | None = None
    max_legal_area: Decimal | None = None

    @property
    def criteria(self) -> list[str]:
        """The kinds of criteria used, for the audit record."""
        used = {
            "commune": self.commune_code is not None,
            "sheet": self.sheet is not None,
            "area": self.area is not None,
            "land_use": bool(self.land_uses),
            "legal_area": self.min_legal_area is not None
            or self.max_legal_area is not None,
        }
        return [name for name, present in used.items() if present]


def select_parcels(selection: ParcelSelection) -> QuerySet:
    """Return the parcels the selection names; refuse criteria that mean nothing."""
    condition = Q()
    unit = None
    if selection.commune_code is not None:
        unit = resolve_commune_code(selection.commune_code, selection.unit_catalogue)
        condition &= _in_commune(unit)
    if selection.sheet is not None:
        if unit is None:
            raise ExportRefusedError(
                _("A map sheet number needs its commune: name the commune code.")
            )
        condition &= Q(map_sheet__commune=unit, map_sheet__number=selection.sheet)
    if selection.area is not None:
        area = parse_area(selection.area, selection.area_srid)
        # Interiors meet: a parcel that only shares an edge is not inside.
        condition &= Q(geom__intersects=area) & ~Q(geom__touches=area)
    if selection.land_uses:
        condition &= _with_land_uses(selection.land_uses)
    condition &= _legal_area(selection.min_legal_area, selection.max_legal_area)
    return Parcel.objects.filter(condition)


def _in_commune(unit: AdministrativeUnit) -> Q:
    if unit.catalogue == UnitCatalogue.BEFORE_2025:
        return Q(map_sheet__commune=unit)
    return Q(commune=unit)


def _with_land_uses(codes: tuple[str, ...]) -> Q:
    wanted = sorted({code.strip().upper() for code in codes if code.strip()})
    known = set(
        LandUseType.objects.filter(code__in=wanted).values_list("code", flat=True)
    )
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ExportRefusedError(
            _("Unknown land-use codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    purposes = LandUsePurpose.objects.filter(land_use_type__code__in=wanted)
    return Q(pk__in=purposes.values("parcel_id"))


def _legal_area(low: Decimal | None, high: Decimal | None) -> Q:
    if low is not None and high is not None and low > high:
        raise ExportRefusedError(
            _("The smallest legal area (%(low)s m²) exceeds the largest (%(high)s m²).")
            % {"low": low, "high": high}
        )
    condition = Q()
    if low is not None:
        condition &= Q(legal_area_m2__gte=low)
    if high is not None:
        condition &= Q(legal_area_m2__lte=high)
    return condition


def _declared_crs_name(data: object) -> str | None:
    """The name in a GeoJSON 2008 "crs" member ("urn:ogc:def:crs:EPSG::9212")."""
    member = data.get("crs") if isinstance(data, dict) else None
    properties = member.get("properties") if isinstance(member, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    return name if isinstance(name, str) else None


def _read_geojson(text: str) -> tuple[shapely.Geometry, int | None]:
    try:
        data = json.loads(text)
        geom = shapely.from_geojson(text)
    except (ValueError, GEOSException) as err:
        raise ExportRefusedError(
            _("The area is not a GeoJSON polygon: %(reason)s") % {"reason": err}
        ) from err
    name = _declared_crs_name(data)
    if name is None:
        return geom, None
    try:
        return geom, CRS.from_user_input(name).to_epsg()
    except CRSError as err:
        raise ExportRefusedError(
            _("The area's CRS %(name)s is not known.") % {"name": name}
        ) from err


def _read_wkt(text: str) -> tuple[shapely.Geometry, int | None]:
    srid = None
    if text.upper().startswith("SRID="):
        prefix, _sep, text = text.partition(";")
        try:
            srid = int(prefix[5:])
        except ValueError as err:
            raise ExportRefusedError(
                _("%(prefix)s is not an EPSG code.") % {"prefix": prefix}
            ) from err
    try:
        return shapely.from_wkt(text), srid
    except GEOSException as err:
        raise ExportRefusedError(
            _("The area is not a WKT polygon: %(reason)s") % {"reason": err}
        ) from err


def _default_srid(geom: shapely.Geometry, is_geojson: bool) -> int:
    if is_geojson:
        return crs.WGS84_SRID
    xmin, ymin, xmax, ymax = geom.bounds
    if -180 <= xmin and xmax <= 180 and -90 <= ymin and ymax <= 90:
        return crs.WGS84_SRID
    return settings.LIS_STORAGE_SRID


def _to_storage(geom: shapely.Geometry, srid: int) -> shapely.Geometry:
    storage = settings.LIS_STORAGE_SRID
    if srid == storage:
        return geom
    try:
        source = CRS.from_epsg(srid)
    except CRSError as err:
        raise ExportRefusedError(
            _("EPSG:%(srid)s is not a known coordinate reference system.")
            % {"srid": srid}
        ) from err

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = crs.transform_coords(xy[:, 0], xy[:, 1], source, storage)
        return np.column_stack([x, y])

    return shapely.transform(geom, move)


def parse_area(text: str, srid: int | None = None) -> GEOSGeometry:
    """Read a drawn polygon (WKT or GeoJSON) into the storage CRS.

    Vertices move to VN-2000 through the pinned EPSG:6960 operation
    (`lis.core.crs`); edges stay straight lines between them.
    """
    text = text.strip()
    if not text:
        raise ExportRefusedError(_("The area is empty."))
    if len(text) > MAX_AREA_TEXT:
        raise ExportRefusedError(_("The area has too many vertices."))
    is_geojson = text.startswith("{")
    geom, declared = _read_geojson(text) if is_geojson else _read_wkt(text)
    if geom.geom_type == "GeometryCollection" and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ExportRefusedError(
            _("The area must be a polygon, not %(kind)s.") % {"kind": geom.geom_type}
        )
    if not shapely.is_valid(geom):
        raise ExportRefusedError(
            _("The area is not a valid polygon: %(reason)s")
            % {"reason": shapely.is_valid_reason(geom)}
        )
    srid = srid or declared or _default_srid(geom, is_geojson)
    moved = _to_storage(shapely.force_2d(geom), srid)
    return GEOSGeometry(
        memoryview(shapely.to_wkb(moved)), srid=settings.LIS_STORAGE_SRID
    )
