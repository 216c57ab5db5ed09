"""One row per parcel: its boundary and its values under the export names.

Parcels are read in chunks (`QuerySet.iterator`), with their purposes and,
for readers of personal data, their rights, holders, documents and
certificates prefetched chunk by chunk: memory stays flat whatever the
selection's size.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Prefetch, QuerySet

from lis.cadastre.models import (
    IdentityDocument,
    LandUsePurpose,
    Parcel,
    Right,
    RightKind,
)

CHUNK_SIZE = 2000
# The term of use as land registers write it; the importer reads it back.
LONG_TERM = "Lâu dài"
MULTI_PURPOSE_SEPARATOR = "+"


@dataclass(frozen=True)
class ExportRow:
    """A parcel to write: boundary in the storage CRS, values by field name."""

    pk: int
    geos: GEOSGeometry
    values: dict[str, object]

    @property
    def geom(self) -> shapely.Geometry:
        return shapely.from_wkb(bytes(self.geos.wkb))


def _with_register_data(parcels: QuerySet, personal: bool) -> QuerySet:
    purposes = LandUsePurpose.objects.select_related("land_use_type").order_by("id")
    parcels = parcels.select_related("map_sheet__commune", "commune").prefetch_related(
        Prefetch("purposes", queryset=purposes)
    )
    if not personal:
        return parcels
    documents = IdentityDocument.objects.order_by("id")
    rights = (
        Right.objects.filter(kind=RightKind.LAND_USE)
        .select_related("holder__object_type", "certificate")
        .prefetch_related(Prefetch("holder__documents", queryset=documents))
        .order_by("id")
    )
    return parcels.prefetch_related(Prefetch("rights", queryset=rights))


def export_rows(
    parcels: QuerySet, *, personal: bool, chunk_size: int = CHUNK_SIZE
) -> Iterator[ExportRow]:
    """Yield the parcels as rows, in legacy-key order."""
    queryset = _with_register_data(parcels.order_by(*Parcel._meta.ordering), personal)
    for parcel in queryset.iterator(chunk_size=chunk_size):
        values = _register_values(parcel)
        if personal:
            values.update(_personal_values(parcel))
        yield ExportRow(pk=parcel.pk, geos=parcel.geom, values=values)


def _term(purposes: list[LandUsePurpose]) -> object:
    terms = {(p.long_term, p.term_end) for p in purposes}
    if len(terms) != 1:
        # TODO(#3): a multi-purpose parcel whose purposes have different
        # terms needs one column per purpose; the map-file format has one.
        return None
    long_term, term_end = terms.pop()
    return LONG_TERM if long_term else term_end


def _register_values(parcel: Parcel) -> dict[str, object]:
    sheet = parcel.map_sheet
    purposes = list(parcel.purposes.all())
    return {
        "maDVHCXa": sheet.commune.code,
        "soHieuToBanDo": sheet.number,
        "soThuTuThua": parcel.parcel_number,
        "loaiDat": MULTI_PURPOSE_SEPARATOR.join(p.land_use_type.code for p in purposes),
        "dienTich": parcel.legal_area_m2,
        "diaChi": parcel.address,
        "tyLe": sheet.scale,
        "thoiHan": _term(purposes),
        "maDinhDanh": parcel.uid,
        "dienTichTinhToan": parcel.computed_area_m2,
        "danhMucDVHC": sheet.commune.catalogue,
        "maDVHCXaMoi": parcel.commune.code,
    }


def _document_number(holder) -> str | None:
    documents = list(holder.documents.all())
    return documents[0].number if documents else None


def _personal_values(parcel: Parcel) -> dict[str, object]:
    rights = list(parcel.rights.all())
    holders = []
    for right in rights:
        if right.holder not in holders:
            holders.append(right.holder)
    # TODO(#3): the map-file format names two land users; a third and
    # further co-users are left out until the land-register export (XLSX
    # register, national XML) carries every right.
    first, second = (holders + [None, None])[:2]
    certificate = next((r.certificate for r in rights if r.certificate), None)
    values: dict[str, object] = {
        "tenChu": first.full_name if first else None,
        "namSinh": first.birth_year if first else None,
        "soGiayTo": _document_number(first) if first else None,
        "doiTuong": first.object_type.code if first and first.object_type else None,
        "tenChu2": second.full_name if second else None,
        "namSinh2": second.birth_year if second else None,
        "soGiayTo2": _document_number(second) if second else None,
        "soPhatHanh": certificate.serial_number if certificate else None,
        "soVaoSo": (certificate.register_number or None) if certificate else None,
        "ngayCap": certificate.issue_date if certificate else None,
    }
    return values


def as_text(value: object) -> object:
    """Dates as ISO text (YYYY-MM-DD), as the sample map writes them."""
    if isinstance(value, date):
        return value.isoformat()
    return value
