"""Create and update map sheets and parcels.

Each service runs in one transaction and leaves an audit record. Changes
with legal effect (transfer, split, merge...) are registrations, which the
registrations issue adds; these services keep the register's base data.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db import transaction

from lis.admin_units.models import AdministrativeUnit
from lis.admin_units.selectors import current_unit
from lis.cadastre import geometry
from lis.cadastre.errors import (
    DuplicateParcelKeyError,
    InvalidAreaError,
    InvalidParcelGeometryError,
)
from lis.cadastre.models import LandUsePurpose, MapSheet, Parcel
from lis.core import audit
from lis.reference.models import LandUseType

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurposeInput:
    land_use_type: LandUseType
    area_m2: Decimal
    long_term: bool = False
    term_end: date | None = None


def create_map_sheet(
    *,
    commune: AdministrativeUnit,
    number: int,
    scale: int | None = None,
    srid: int | None = None,
    acting_user,
) -> MapSheet:
    """Record a cadastral map sheet of the commune it was surveyed in."""
    with transaction.atomic():
        sheet = MapSheet.objects.create(
            commune=commune,
            number=number,
            scale=scale,
            srid=srid or settings.LIS_STORAGE_SRID,
        )
        audit.record("map_sheet.create", actor=acting_user, target=sheet)
    return sheet


def refresh_sheet_outlines(sheet_ids: list[int]) -> None:
    """Set each sheet's outline to the extent of its parcels."""
    srid = settings.LIS_STORAGE_SRID
    extents = (
        Parcel.objects.filter(map_sheet_id__in=sheet_ids)
        .values("map_sheet_id")
        .annotate(extent=Extent("geom"))
    )
    for row in extents:
        xmin, ymin, xmax, ymax = row["extent"]
        outline = Polygon.from_bbox((xmin, ymin, xmax, ymax))
        outline.srid = srid
        MapSheet.objects.filter(pk=row["map_sheet_id"]).update(outline=outline)


def _checked_geometry(geom: GEOSGeometry) -> GEOSGeometry:
    srid = settings.LIS_STORAGE_SRID
    if geom.srid is None:
        raise InvalidParcelGeometryError(
            "the boundary has no coordinate reference system"
        )
    if geom.srid != srid:
        geom = geom.transform(srid, clone=True)
    shape = geometry.to_shapely(geom)
    problem = geometry.geometry_problem(shape)
    if problem:
        raise InvalidParcelGeometryError(problem)
    return geometry.to_geos(shape, srid)


def _checked_area(value: Decimal) -> Decimal:
    area = Decimal(value)
    if not area.is_finite() or area <= 0 or area > geometry.MAX_PARCEL_AREA_M2:
        raise InvalidAreaError()
    return area


def create_parcel(
    *,
    map_sheet: MapSheet,
    parcel_number: int,
    geom: GEOSGeometry,
    legal_area_m2: Decimal,
    purposes: list[PurposeInput],
    address: str = "",
    commune: AdministrativeUnit | None = None,
    acting_user,
) -> Parcel:
    """Record a parcel under its legacy key (surveyed commune, sheet, number).

    The boundary must be a valid polygon; it is stored in the storage CRS
    with its computed area and its GeoHash identifier (TT 19/2026).
    """
    geom = _checked_geometry(geom)
    shape = geometry.to_shapely(geom)

    with transaction.atomic():
        if Parcel.objects.filter(
            map_sheet=map_sheet, parcel_number=parcel_number
        ).exists():
            raise DuplicateParcelKeyError()
        parcel = Parcel.objects.create(
            map_sheet=map_sheet,
            parcel_number=parcel_number,
            commune=commune or current_unit(map_sheet.commune),
            geom=geom,
            legal_area_m2=_checked_area(legal_area_m2),
            computed_area_m2=geometry.area_m2(shape),
            address=address,
            uid=geometry.parcel_uid(shape, geom.srid),
        )
        _set_purposes(parcel, purposes)
        audit.record("parcel.create", actor=acting_user, target=parcel)
    logger.info("Parcel %s created", parcel.pk, extra={"parcel_id": parcel.pk})
    return parcel


def _set_purposes(parcel: Parcel, purposes: list[PurposeInput]) -> None:
    parcel.purposes.all().delete()
    LandUsePurpose.objects.bulk_create(
        LandUsePurpose(
            parcel=parcel,
            land_use_type=p.land_use_type,
            area_m2=_checked_area(p.area_m2),
            long_term=p.long_term,
            term_end=p.term_end,
        )
        for p in purposes
    )


def update_parcel(
    parcel: Parcel,
    *,
    acting_user,
    geom: GEOSGeometry | None = None,
    legal_area_m2: Decimal | None = None,
    address: str | None = None,
    purposes: list[PurposeInput] | None = None,
) -> Parcel:
    """Update a parcel's base data; the computed area and identifier follow."""
    # TODO(#4): legal changes (boundary, purpose) become registrations with
    # history; until then this overwrites, and only the audit trail records
    # which fields changed.
    changed: list[str] = []
    with transaction.atomic():
        parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
        if geom is not None:
            geom = _checked_geometry(geom)
            shape = geometry.to_shapely(geom)
            parcel.geom = geom
            parcel.computed_area_m2 = geometry.area_m2(shape)
            parcel.uid = geometry.parcel_uid(shape, geom.srid)
            changed += ["geom", "computed_area_m2", "uid"]
        if legal_area_m2 is not None:
            parcel.legal_area_m2 = _checked_area(legal_area_m2)
            changed.append("legal_area_m2")
        if address is not None:
            parcel.address = address
            changed.append("address")
        if changed:
            parcel.save(update_fields=[*changed, "updated_at"])
        if purposes is not None:
            _set_purposes(parcel, purposes)
            changed.append("purposes")
        audit.record("parcel.update", actor=acting_user, target=parcel, fields=changed)
    return parcel
