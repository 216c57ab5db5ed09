"""The elements of an exchange file, built from rows of the cadastre.

Each function takes the values of one record (a dict from a `values()`
query) and returns its element; empty optional values are left out, as
the schema's minOccurs="0" allows.
"""

import shapely
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from lis.exchange.national_xml import gml
from lis.exchange.national_xml.codes import (
    CERTIFICATE_STATUS_CODES,
    DOCUMENT_KIND_CODES,
)
from lis.exchange.national_xml.errors import ExportRefusedError


def _add(parent, tag: str, value: object, **attributes: str) -> None:
    """Add a child element unless the value is empty."""
    if value is None or value == "":
        return
    child = etree.SubElement(parent, tag, attributes)
    try:
        child.text = str(value)
    except ValueError as err:
        # Control characters cannot be written in XML 1.0; imports refuse
        # them, but data entered otherwise may hold them.
        raise ExportRefusedError(
            _(
                "Element %(element)s of %(record)s holds control characters, which"
                " XML cannot carry; correct it before exporting."
            )
            % {"element": tag, "record": parent.tag}
        ) from err


def holder_id(pk: int) -> str:
    # One prefix for persons and organisations: a right cites either.
    return f"NSD-{pk}"


def parcel_id(pk: int) -> str:
    return f"TD-{pk}"


def certificate_id(pk: int) -> str:
    return f"GCN-{pk}"


def header(exporting_unit: str, scope: dict) -> etree._Element:
    element = etree.Element("ThongTinChung")
    _add(element, "donViXuat", exporting_unit.strip()[:300])
    _add(element, "ngayXuat", timezone.localtime().isoformat(timespec="seconds"))
    if scope.get("commune"):
        text = _("commune %(code)s") % {"code": scope["commune"]}
        if scope.get("catalogue"):
            text += _(" (catalogue %(catalogue)s)") % {"catalogue": scope["catalogue"]}
        if scope.get("sheet") is not None:
            text += _(", sheet %(sheet)d") % {"sheet": scope["sheet"]}
        _add(element, "phamVi", text)
    return element


def _documents(parent, tag: str, kind_tag: str, documents: list[dict]) -> None:
    if not documents:
        return
    collection = etree.SubElement(parent, f"{tag}Collection")
    for document in documents:
        element = etree.SubElement(collection, tag)
        _add(element, kind_tag, DOCUMENT_KIND_CODES[document["kind"]])
        _add(element, "soGiayTo", document["number"])
        _add(element, "ngayCap", document["issue_date"])
        _add(element, "noiCap", document["issuer"])


def person(row: dict, documents: list[dict]) -> etree._Element:
    element = etree.Element("CaNhan")
    _add(element, "caNhanID", holder_id(row["pk"]))
    _add(element, "hoTen", row["full_name"])
    _add(element, "namSinh", row["birth_year"])
    _add(element, "diaChi", row["address"])
    _add(element, "maDoiTuongSuDung", row["object_type__code"])
    _documents(element, "GiayToTuyThan", "loaiGiayToTuyThan", documents)
    return element


def organisation(row: dict, documents: list[dict]) -> etree._Element:
    element = etree.Element("ToChuc")
    _add(element, "toChucID", holder_id(row["pk"]))
    _add(element, "tenToChuc", row["full_name"])
    _add(element, "diaChi", row["address"])
    _add(element, "maDoiTuongSuDung", row["object_type__code"])
    _documents(element, "GiayToToChuc", "loaiGiayTo", documents)
    return element


def certificate(row: dict) -> etree._Element:
    element = etree.Element("GiayChungNhan")
    _add(element, "giayChungNhanID", certificate_id(row["pk"]))
    _add(element, "soVaoSo", row["register_number"])
    _add(element, "soPhatHanh", row["serial_number"])
    _add(element, "ngayCap", row["issue_date"])
    _add(element, "coQuanCap", row["issuer"])
    _add(element, "trangThai", CERTIFICATE_STATUS_CODES[row["status"]])
    return element


def right(row: dict) -> etree._Element:
    element = etree.Element("QuyenSuDungDat")
    _add(element, "quyenSuDungDatID", f"QSD-{row['pk']}")
    _add(element, "thuaDatID", parcel_id(row["parcel_id"]))
    _add(element, "doiTuongID", holder_id(row["holder_id"]))
    if row["certificate_id"]:
        _add(element, "giayChungNhanID", certificate_id(row["certificate_id"]))
    _add(element, "tyLe", row["share"])
    _add(element, "nguonGoc", row["origin"])
    return element


def _purpose(parent, row: dict) -> None:
    element = etree.SubElement(parent, "MucDichSuDungDat")
    _add(
        element,
        "loaiDat",
        row["land_use_type__code"],
        danhMuc=row["land_use_type__catalogue"],
    )
    _add(element, "dienTich", row["area_m2"])
    if row["long_term"] or row["term_end"]:
        term = etree.SubElement(element, "thoiHanSuDung")
        if row["long_term"]:
            etree.SubElement(term, "lauDai")
        else:
            _add(term, "denNgay", row["term_end"])


def parcel(
    row: dict, purposes: list[dict], geom: shapely.Geometry, srid: int
) -> etree._Element:
    ident = parcel_id(row["pk"])
    element = etree.Element("DC_ThuaDat")
    _add(element, "thuaDatID", ident)
    _add(
        element,
        "maDVHCXa",
        row["map_sheet__commune__code"],
        danhMuc=row["map_sheet__commune__catalogue"],
    )
    _add(element, "soHieuToBanDo", row["map_sheet__number"])
    _add(element, "soThuTuThua", row["parcel_number"])
    _add(element, "dienTich", row["computed_area_m2"])
    _add(element, "dienTichPhapLy", row["legal_area_m2"])
    _add(element, "diaChi", row["address"])
    _add(element, "maDinhDanhThua", row["uid"])
    _add(
        element,
        "maDVHCXaHienTai",
        row["commune__code"],
        danhMuc=row["commune__catalogue"],
    )
    _add(element, "tyLeBanDo", row["map_sheet__scale"])
    collection = etree.SubElement(element, "MucDichSuDungDatCollection")
    for purpose in purposes:
        _purpose(collection, purpose)
    boundary = etree.SubElement(element, "hinhThua")
    boundary.append(gml.multisurface_element(geom, srid, f"{ident}.HT"))
    return element
