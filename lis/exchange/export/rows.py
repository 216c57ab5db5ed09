"""One row per parcel: its boundary and its values under the export names.

Parcels stream from the database in legacy-key order (`QuerySet.iterator`)
and are completed batch by batch with their purposes and, for readers of
personal data, their land users, documents and certificates: a few queries
per batch, plain values rather than model instances, memory flat whatever
the selection's size.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import QuerySet

from lis.cadastre.models import (
    IdentityDocument,
    LandUsePurpose,
    Parcel,
    Right,
    RightKind,
)

CHUNK_SIZE = 2000
# Ids per "IN (...)" list: within every database's limit on parameters.
BATCH_SIZE = 500
# The term of use as land registers write it; the importer reads it back.
LONG_TERM = "Lâu dài"
MULTI_PURPOSE_SEPARATOR = "+"
_PARCEL_COLUMNS = (
    "pk",
    "map_sheet__commune__code",
    "map_sheet__commune__catalogue",
    "map_sheet__number",
    "map_sheet__scale",
    "parcel_number",
    "legal_area_m2",
    "computed_area_m2",
    "address",
    "uid",
    "commune__code",
    "wkb",
)


@dataclass(frozen=True)
class ExportRow:
    """A parcel to write: boundary in the storage CRS, values by field name."""

    pk: int
    geom: shapely.Geometry
    values: dict[str, object]

    @property
    def geos(self) -> GEOSGeometry:
        wkb = shapely.to_wkb(self.geom)
        return GEOSGeometry(memoryview(wkb), srid=settings.LIS_STORAGE_SRID)


def export_rows(
    parcels: QuerySet, *, personal: bool, chunk_size: int = CHUNK_SIZE
) -> Iterator[ExportRow]:
    """Yield the parcels as rows, in legacy-key order."""
    queryset = (
        parcels.order_by(*Parcel._meta.ordering)
        .annotate(wkb=AsWKB("geom"))
        .values_list(*_PARCEL_COLUMNS)
    )
    batch: list[tuple] = []
    for record in queryset.iterator(chunk_size=chunk_size):
        batch.append(record)
        if len(batch) == BATCH_SIZE:
            yield from _rows(batch, personal)
            batch = []
    if batch:
        yield from _rows(batch, personal)


def _rows(batch: list[tuple], personal: bool) -> Iterator[ExportRow]:
    pks = [record[0] for record in batch]
    geoms = shapely.from_wkb([bytes(record[-1]) for record in batch])
    purposes = _purposes(pks)
    owners = _owners(pks) if personal else {}
    for record, geom in zip(batch, geoms, strict=True):
        values = _register_values(record, purposes.get(record[0], []))
        if personal:
            values.update(owners.get(record[0], _NO_OWNERS))
        yield ExportRow(pk=record[0], geom=geom, values=values)


def _purposes(pks: list[int]) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        LandUsePurpose.objects.filter(parcel_id__in=pks)
        .order_by("parcel_id", "id")
        .values_list("parcel_id", "land_use_type__code", "long_term", "term_end")
    )
    for parcel_id, *purpose in rows:
        found[parcel_id].append(tuple(purpose))
    return found


def _term(purposes: list[tuple]) -> object:
    terms = {(long_term, term_end) for _code, long_term, term_end in purposes}
    if len(terms) != 1:
        # TODO(#3): a multi-purpose parcel whose purposes have different
        # terms needs one column per purpose; the map-file format has one.
        return None
    long_term, term_end = terms.pop()
    return LONG_TERM if long_term else term_end


def _register_values(record: tuple, purposes: list[tuple]) -> dict[str, object]:
    (
        _pk, code, catalogue, sheet, scale, number,
        legal_area, computed_area, address, uid, current_code, _wkb,
    ) = record  # fmt: skip
    return {
        "maDVHCXa": code,
        "soHieuToBanDo": sheet,
        "soThuTuThua": number,
        "loaiDat": MULTI_PURPOSE_SEPARATOR.join(p[0] for p in purposes),
        "dienTich": legal_area,
        "diaChi": address,
        "tyLe": scale,
        "thoiHan": _term(purposes),
        "maDinhDanh": uid,
        "dienTichTinhToan": computed_area,
        "danhMucDVHC": catalogue,
        "maDVHCXaMoi": current_code,
    }


_NO_OWNERS: dict[str, object] = dict.fromkeys(
    (
        "tenChu", "namSinh", "soGiayTo", "doiTuong", "tenChu2", "namSinh2",
        "soGiayTo2", "soPhatHanh", "soVaoSo", "ngayCap",
    )
)  # fmt: skip


def _first_documents(holder_ids: set[int]) -> dict[int, str]:
    numbers: dict[int, str] = {}
    rows = (
        IdentityDocument.objects.filter(holder_id__in=sorted(holder_ids))
        .order_by("holder_id", "id")
        .values_list("holder_id", "number")
    )
    for holder_id, number in rows:
        numbers.setdefault(holder_id, number)
    return numbers


def _owners(pks: list[int]) -> dict[int, dict[str, object]]:
    """The first two land users and the certificate of each parcel."""
    rights: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        Right.objects.filter(parcel_id__in=pks, kind=RightKind.LAND_USE)
        .order_by("parcel_id", "id")
        .values_list(
            "parcel_id",
            "holder_id",
            "holder__full_name",
            "holder__birth_year",
            "holder__object_type__code",
            "certificate__serial_number",
            "certificate__register_number",
            "certificate__issue_date",
        )
    )
    for parcel_id, *right in rows:
        rights[parcel_id].append(tuple(right))
    documents = _first_documents({r[0] for rs in rights.values() for r in rs})
    return {pk: _owner_values(rs, documents) for pk, rs in rights.items()}


def _owner_values(rights: list[tuple], documents: dict[int, str]) -> dict:
    holders: dict[int, tuple] = {}
    for right in rights:
        holders.setdefault(right[0], right)
    # TODO(#3): the map-file format names two land users; a third and
    # further co-users are left out until the land-register export (XLSX
    # register, national XML) carries every right.
    first, second = (list(holders.values()) + [None, None])[:2]
    certificate = next((r[4:] for r in rights if r[4] is not None), None)
    serial, register, issued = certificate or (None, None, None)
    return {
        "tenChu": first[1],
        "namSinh": first[2],
        "soGiayTo": documents.get(first[0]),
        "doiTuong": first[3],
        "tenChu2": second[1] if second else None,
        "namSinh2": second[2] if second else None,
        "soGiayTo2": documents.get(second[0]) if second else None,
        "soPhatHanh": serial,
        "soVaoSo": register or None,
        "ngayCap": issued,
    }


def as_text(value: object) -> object:
    """Dates as ISO text (YYYY-MM-DD), as the sample map writes them."""
    if isinstance(value, date):
        return value.isoformat()
    return value
