"""Reading an exchange file as the parcel importer reads a map file.

`open_source` checks the file (safety, well-formedness, each record
against the schema, identifiers and references: `validation`) and returns
the `SourceInfo` the import machinery expects; `read_batches` streams the
parcels as `Batch`es of rows under the importer's field names, with their
boundaries, so that an XML file meets the same checks and the same writer
as a map file. The second pass also validates what only the whole
document shows (the order and number of the collections); its errors
refuse the file after the last batch, before anything is written.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.utils.translation import gettext as _
from lxml import etree
from shapely.errors import GEOSException

from lis.exchange.errors import ImportRefusedError
from lis.exchange.national_xml import gml, parsing
from lis.exchange.national_xml.records import Register
from lis.exchange.national_xml.rows import ParcelRow, Problem, RowBuilder
from lis.exchange.national_xml.schema import COLLECTIONS, PARCEL, exchange_schema
from lis.exchange.national_xml.validation import inspect_file, whole_document_error
from lis.exchange.parcel_import.reader import Batch, SourceInfo
from lis.reference.models import LandUseCatalogue

BATCH_SIZE = 20_000
DRIVER = "LIS XML 1.0"
LAYER = "ThuaDatCollection"
# A row's columns, under names the importer recognises (parcel_import.fields).
COLUMNS = [
    "maDVHCXa",
    "soHieuToBanDo",
    "soThuTuThua",
    "loaiDat",
    "dienTichPhapLy",
    "diaChi",
    "thoiHan",
    "tyLe",
    "tenChu",
    "namSinh",
    "soGiayTo",
    "doiTuong",
    "tenChu2",
    "namSinh2",
    "soGiayTo2",
    "soPhatHanh",
    "soVaoSo",
    "ngayCap",
]
# The element of the file each column comes from, as rejections name it.
ELEMENT_OF_COLUMN = {
    "loaiDat": "MucDichSuDungDat/loaiDat",
    "thoiHan": "MucDichSuDungDat/thoiHanSuDung",
    "tyLe": "tyLeBanDo",
    "tenChu": "hoTen",
    "doiTuong": "maDoiTuongSuDung",
    "tenChu2": "hoTen (2)",
    "namSinh2": "namSinh (2)",
    "soGiayTo2": "soGiayTo (2)",
    "soPhatHanh": "GiayChungNhan/soPhatHanh",
    "soVaoSo": "GiayChungNhan/soVaoSo",
    "ngayCap": "GiayChungNhan/ngayCap",
}


@dataclass(frozen=True)
class XmlBatch(Batch):
    """A `Batch` of parcels sharing the catalogues of their codes."""

    unit_catalogue: str | None = None
    land_use_catalogue: str = LandUseCatalogue.TT08_2024
    # 0-based index in the batch → what the parcel importer cannot carry.
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    # "Element/child" → number of values the import leaves out.
    unread: dict[str, int] = field(default_factory=dict)


def open_source(path: Path, progress: parsing.Progress) -> SourceInfo:
    """Check the file and describe it as the import machinery expects."""
    facts = inspect_file(path, progress)
    if facts.parcels == 0 or facts.srs_name is None:
        raise ImportRefusedError(_("The file holds no parcels (DC_ThuaDat)."))
    try:
        crs, _swap = gml.parse_srs_name(facts.srs_name)
    except gml.GeometryReadError as err:
        raise ImportRefusedError(str(err)) from err
    return SourceInfo(
        path=path,
        layer=LAYER,
        driver=DRIVER,
        fields=list(COLUMNS),
        field_kinds=dict.fromkeys(COLUMNS, "text"),
        declared_count=facts.parcels,
        crs=crs,
        crs_note=None,
        encoding=facts.encoding,
    )


class _Batcher:
    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.rows: list[ParcelRow] = []
        self.start = 0
        self.unread: Counter = Counter()

    def key(self, row: ParcelRow) -> tuple:
        return (row.unit_catalogue, row.land_use_catalogue)

    def fits(self, row: ParcelRow) -> bool:
        return not self.rows or (
            len(self.rows) < BATCH_SIZE and self.key(self.rows[0]) == self.key(row)
        )

    def flush(self) -> XmlBatch:
        rows, self.rows = self.rows, []
        unread = Counter(self.unread)
        for row in rows:
            unread.update(row.unread)
        self.unread = Counter()
        geometries, errors = _geometries(rows)
        batch = XmlBatch(
            start=self.start,
            geometries=geometries,
            columns={
                name: np.array([r.values.get(name) for r in rows], dtype=object)
                for name in self.columns
            },
            geometry_errors=errors,
            unit_catalogue=rows[0].unit_catalogue,
            land_use_catalogue=rows[0].land_use_catalogue,
            problems={i: r.problems for i, r in enumerate(rows) if r.problems},
            unread=dict(unread),
        )
        self.start += len(rows)
        return batch


def _geometries(rows: list[ParcelRow]) -> tuple[np.ndarray, dict[int, str]]:
    """Build a batch's boundaries at once; a row's reading error is kept."""
    wkts = np.array([r.wkt for r in rows], dtype=object)
    geometries = shapely.from_wkt(wkts, on_invalid="ignore")
    errors = {i: r.geometry_error for i, r in enumerate(rows) if r.geometry_error}
    for index in np.flatnonzero(shapely.is_missing(geometries)):
        if rows[index].wkt is not None:
            try:
                shapely.from_wkt(rows[index].wkt)
            except GEOSException as err:
                errors[int(index)] = str(err)
    return geometries, errors


def read_batches(
    source: SourceInfo, columns: list[str], unit_catalogue: str | None = None
) -> Iterator[XmlBatch]:
    """Yield the file's parcels in batches, validating the whole document.

    `unit_catalogue` is the catalogue named for the commune codes; it
    must agree with the one the file gives (attribute danhMuc).
    """
    register = Register()
    rows = RowBuilder(register, unit_catalogue, source.crs)
    batcher = _Batcher(columns)
    records = list(COLLECTIONS.values())
    # Streamed validation reports into the thread's global log.
    etree.clear_error_log()
    with source.path.open("rb") as stream:
        try:
            for _event, element in parsing.iterparse(
                stream, tags=records, schema=exchange_schema()
            ):
                if element.tag == PARCEL:
                    row = rows.build(element)
                    if not batcher.fits(row):
                        yield batcher.flush()
                    batcher.rows.append(row)
                else:
                    register.add(element)
                parsing.release(element)
        except etree.XMLSyntaxError as err:
            raise whole_document_error(err) from err
    batcher.unread.update(register.unread)
    if register.dossiers:
        batcher.unread["HoSoDangKyDatDai"] += register.dossiers
    if batcher.rows:
        yield batcher.flush()
