"""`export_xml`: the cadastre of a selection as an exchange file.

The file is written element by element (lxml's incremental `xmlfile`), from
querysets read in chunks, so that memory stays flat whatever the number of
parcels; the reads share one snapshot of the database. It is written
beside its destination, validated against the schema, and only then moved
into place.
"""

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import shapely
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from lis.admin_units.selectors import resolve_commune_code
from lis.cadastre.models import (
    Certificate,
    LandUsePurpose,
    LandUser,
    Parcel,
    Right,
    RightKind,
)
from lis.cadastre.selectors import can_read_personal_data
from lis.core import audit
from lis.exchange.national_xml import gml
from lis.exchange.national_xml.codes import (
    CERTIFICATE_STATUS_CODES,
    DOCUMENT_KIND_CODES,
    ORGANISATION_KINDS,
)
from lis.exchange.national_xml.errors import (
    ExportRefusedError,
    PersonalDataRefusedError,
    SchemaInvalidError,
)
from lis.exchange.national_xml.schema import GML_NS, ROOT, VERSION
from lis.exchange.national_xml.validation import validate_file

logger = logging.getLogger(__name__)

CHUNK = 2000
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class XmlExportOptions:
    commune: str | None = None
    unit_catalogue: str | None = None
    sheet: int | None = None
    exporting_unit: str = ""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    parcels: int
    land_users: int
    certificates: int
    rights: int


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def export_xml(
    output: Path,
    options: XmlExportOptions,
    *,
    acting_user,
    progress: Progress = _no_progress,
) -> ExportResult:
    """Write the selected parcels with their land users, rights and certificates.

    The national exchange carries land users' names and identity numbers,
    so only a user who may read personal data (R14,
    `cadastre.view_landuser`) may export it. The file follows
    schema/lis-dulieudatdai-1.0.xsd and is validated before it replaces
    `output`.
    """
    if acting_user is None or not can_read_personal_data(acting_user):
        raise PersonalDataRefusedError()
    output = Path(output)
    if not output.parent.is_dir():
        raise ExportRefusedError(
            _("The folder %(folder)s does not exist.") % {"folder": output.parent}
        )
    partial = output.with_name(f".{output.name}.part")

    try:
        with _snapshot():
            parcels = _selection(options)
            total = parcels.count()
            if total == 0:
                raise ExportRefusedError(
                    _("No parcel matches the selection; nothing was written.")
                )
            counts = _write(partial, parcels, total, options, progress)
        _validate(partial, progress)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)

    audit.record("xml.export", actor=acting_user, **counts)
    logger.info("Exported %d parcels as an exchange file", counts["parcels"])
    return ExportResult(path=output, **counts)


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One read-only snapshot for every query of the export."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        yield


def _selection(options: XmlExportOptions) -> QuerySet:
    parcels = Parcel.objects.all()
    if options.commune:
        unit = resolve_commune_code(options.commune, options.unit_catalogue)
        parcels = parcels.in_commune(unit)
    if options.sheet is not None:
        if not options.commune:
            raise ExportRefusedError(
                _("Sheet numbers repeat from commune to commune: name the commune too.")
            )
        parcels = parcels.filter(map_sheet__number=options.sheet)
    return parcels


def _validate(path: Path, progress: Progress) -> None:
    try:
        validate_file(path, progress)
    except SchemaInvalidError as err:
        logger.error("An exported exchange file failed its schema")
        raise ExportRefusedError(
            _("The written file failed the schema; nothing was exported. %(errors)s")
            % {"errors": err.message}
        ) from err


def _add(parent, tag: str, value: object, **attributes: str) -> None:
    """Add a child element unless the value is empty (the schema's minOccurs=0)."""
    if value is None or value == "":
        return
    child = etree.SubElement(parent, tag, attributes)
    child.text = str(value)


def _header(options: XmlExportOptions) -> etree._Element:
    header = etree.Element("ThongTinChung")
    _add(header, "donViXuat", options.exporting_unit.strip()[:300])
    _add(header, "ngayXuat", timezone.localtime().isoformat(timespec="seconds"))
    if options.commune:
        scope = _("commune %(code)s") % {"code": options.commune}
        if options.unit_catalogue:
            scope += _(" (catalogue %(catalogue)s)") % {
                "catalogue": options.unit_catalogue
            }
        if options.sheet is not None:
            scope += _(", sheet %(sheet)d") % {"sheet": options.sheet}
        _add(header, "phamVi", scope)
    return header


def _write(
    path: Path, parcels: QuerySet, total: int, options: XmlExportOptions, progress
) -> dict[str, int]:
    rights = Right.objects.filter(parcel__in=parcels, kind=RightKind.LAND_USE)
    holders = LandUser.objects.filter(pk__in=rights.values("holder_id"))
    certificates = Certificate.objects.filter(pk__in=rights.values("certificate_id"))
    counts = {"parcels": 0, "land_users": 0, "certificates": 0, "rights": 0}
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(ROOT, {"phienBan": VERSION}, nsmap={"gml": GML_NS}):
            xf.write("\n", _header(options), "\n", pretty_print=True)
            holders = holders.select_related("object_type").prefetch_related(
                "documents"
            )
            counts["land_users"] = _collection(
                xf,
                "CaNhanCollection",
                holders.exclude(kind__in=ORGANISATION_KINDS),
                _person,
            ) + _collection(
                xf,
                "ToChucCollection",
                holders.filter(kind__in=ORGANISATION_KINDS),
                _organisation,
            )
            counts["certificates"] = _collection(
                xf, "GiayChungNhanCollection", certificates, _certificate
            )
            counts["rights"] = _collection(
                xf, "QuyenSuDungDatCollection", rights, _right
            )
            parcels = parcels.select_related(
                "map_sheet__commune", "commune"
            ).prefetch_related(
                Prefetch(
                    "purposes",
                    queryset=LandUsePurpose.objects.select_related("land_use_type"),
                )
            )
            counts["parcels"] = _collection(
                xf,
                "ThuaDatCollection",
                parcels,
                _parcel,
                lambda done: progress("write", done, total),
            )
    return counts


def _collection(xf, tag: str, queryset, build, advanced=None) -> int:
    count = 0
    with xf.element(tag):
        xf.write("\n")
        for item in queryset.order_by("pk").iterator(chunk_size=CHUNK):
            xf.write(build(item), pretty_print=True)
            count += 1
            if advanced is not None and count % CHUNK == 0:
                advanced(count)
    if advanced is not None:
        advanced(count)
    xf.write("\n")
    return count


def _holder_id(pk: int) -> str:
    # One prefix for persons and organisations: rights cite either.
    return f"NSD-{pk}"


def _documents(parent, tag: str, kind_tag: str, user: LandUser) -> None:
    documents = list(user.documents.all())
    if not documents:
        return
    collection = etree.SubElement(parent, f"{tag}Collection")
    for document in sorted(documents, key=lambda d: d.pk):
        element = etree.SubElement(collection, tag)
        _add(element, kind_tag, DOCUMENT_KIND_CODES[document.kind])
        _add(element, "soGiayTo", document.number)
        _add(element, "ngayCap", document.issue_date)
        _add(element, "noiCap", document.issuer)


def _person(user: LandUser) -> etree._Element:
    element = etree.Element("CaNhan")
    _add(element, "caNhanID", _holder_id(user.pk))
    _add(element, "hoTen", user.full_name)
    _add(element, "namSinh", user.birth_year)
    _add(element, "diaChi", user.address)
    _add(element, "maDoiTuongSuDung", user.object_type and user.object_type.code)
    _documents(element, "GiayToTuyThan", "loaiGiayToTuyThan", user)
    return element


def _organisation(user: LandUser) -> etree._Element:
    element = etree.Element("ToChuc")
    _add(element, "toChucID", _holder_id(user.pk))
    _add(element, "tenToChuc", user.full_name)
    _add(element, "diaChi", user.address)
    _add(element, "maDoiTuongSuDung", user.object_type and user.object_type.code)
    _documents(element, "GiayToToChuc", "loaiGiayTo", user)
    return element


def _certificate(certificate: Certificate) -> etree._Element:
    element = etree.Element("GiayChungNhan")
    _add(element, "giayChungNhanID", f"GCN-{certificate.pk}")
    _add(element, "soVaoSo", certificate.register_number)
    _add(element, "soPhatHanh", certificate.serial_number)
    _add(element, "ngayCap", certificate.issue_date)
    _add(element, "coQuanCap", certificate.issuer)
    _add(element, "trangThai", CERTIFICATE_STATUS_CODES[certificate.status])
    return element


def _right(right: Right) -> etree._Element:
    element = etree.Element("QuyenSuDungDat")
    _add(element, "quyenSuDungDatID", f"QSD-{right.pk}")
    _add(element, "thuaDatID", f"TD-{right.parcel_id}")
    _add(element, "doiTuongID", _holder_id(right.holder_id))
    if right.certificate_id:
        _add(element, "giayChungNhanID", f"GCN-{right.certificate_id}")
    _add(element, "tyLe", right.share)
    _add(element, "nguonGoc", right.origin)
    return element


def _purpose(parent, purpose: LandUsePurpose) -> None:
    element = etree.SubElement(parent, "MucDichSuDungDat")
    code = purpose.land_use_type
    _add(element, "loaiDat", code.code, danhMuc=code.catalogue)
    _add(element, "dienTich", purpose.area_m2)
    if purpose.long_term or purpose.term_end:
        term = etree.SubElement(element, "thoiHanSuDung")
        if purpose.long_term:
            etree.SubElement(term, "lauDai")
        else:
            _add(term, "denNgay", purpose.term_end)


def _parcel(parcel: Parcel) -> etree._Element:
    ident = f"TD-{parcel.pk}"
    sheet = parcel.map_sheet
    element = etree.Element("DC_ThuaDat")
    _add(element, "thuaDatID", ident)
    _add(element, "maDVHCXa", sheet.commune.code, danhMuc=sheet.commune.catalogue)
    _add(element, "soHieuToBanDo", sheet.number)
    _add(element, "soThuTuThua", parcel.parcel_number)
    _add(element, "dienTich", parcel.computed_area_m2)
    _add(element, "dienTichPhapLy", parcel.legal_area_m2)
    _add(element, "diaChi", parcel.address)
    _add(element, "maDinhDanhThua", parcel.uid)
    _add(
        element,
        "maDVHCXaHienTai",
        parcel.commune.code,
        danhMuc=parcel.commune.catalogue,
    )
    _add(element, "tyLeBanDo", sheet.scale)
    purposes = etree.SubElement(element, "MucDichSuDungDatCollection")
    for purpose in parcel.purposes.all():
        _purpose(purposes, purpose)
    boundary = etree.SubElement(element, "hinhThua")
    geom = shapely.from_wkb(bytes(parcel.geom.wkb))
    boundary.append(
        gml.multisurface_element(
            geom, parcel.geom.srid or settings.LIS_STORAGE_SRID, f"{ident}.HT"
        )
    )
    return element
