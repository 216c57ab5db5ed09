"""One DC_ThuaDat as a row of the parcel importer, and what a row cannot carry.

The parcel importer (`parcel_import.candidates`) reads one land-use
purpose, at most two holders with equal shares, one identity document per
holder, the first holder's object code and one certificate per parcel.
A parcel the file describes beyond that is refused with the reason, never
imported with facts silently left out.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _
from pyproj import CRS

from lis.cadastre.errors import InvalidDocumentNumberError
from lis.cadastre.identity import infer_document_kind
from lis.cadastre.models import DocumentKind
from lis.exchange.national_xml import gml
from lis.exchange.national_xml.codes import (
    DOCUMENT_KIND_CODES,
    DOCUMENT_KINDS,
    IN_FORCE,
)
from lis.exchange.national_xml.records import (
    CertificateRecord,
    HolderRecord,
    Register,
    children,
    text,
)
from lis.exchange.national_xml.schema import GML
from lis.exchange.parcel_import.candidates import ORGANISATION_OBJECTS
from lis.reference.models import LandUseCatalogue

MAX_HOLDERS = 2
LONG_TERM = "Lâu dài"
COMMUNITY_OBJECT = "CDS"
# Parcel facts the import derives again rather than reads.
DERIVED = ("dienTich", "maDinhDanhThua", "maDVHCXaHienTai")


@dataclass(frozen=True)
class Problem:
    element: str
    reason: str
    code: str


@dataclass
class ParcelRow:
    values: dict[str, str | None]
    unit_catalogue: str | None
    land_use_catalogue: str
    wkt: str | None = None
    geometry_error: str | None = None
    problems: list[Problem] = field(default_factory=list)
    unread: Counter = field(default_factory=Counter)


def equal_shares(count: int) -> list[Decimal]:
    """The shares the importer records: equal, the last taking the remainder."""
    share = (Decimal(1) / count).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [Decimal(1) - share * (count - 1)]


class RowBuilder:
    def __init__(
        self, register: Register, named_unit_catalogue: str | None, crs: CRS
    ) -> None:
        self.register = register
        self.named_unit_catalogue = named_unit_catalogue
        self.crs = crs

    def build(self, element) -> ParcelRow:
        values = children(element)
        declared = element.find("maDVHCXa").get("danhMuc")
        row = ParcelRow(
            values={
                "maDVHCXa": values["maDVHCXa"],
                "soHieuToBanDo": values["soHieuToBanDo"],
                "soThuTuThua": values["soThuTuThua"],
                "diaChi": values.get("diaChi"),
                "tyLe": values.get("tyLeBanDo"),
            },
            unit_catalogue=declared or self.named_unit_catalogue,
            land_use_catalogue=LandUseCatalogue.TT08_2024,
        )
        named = self.named_unit_catalogue
        if declared and named and declared != named:
            row.problems.append(
                Problem(
                    "maDVHCXa",
                    _(
                        "the file names catalogue %(file)s for this code; the import"
                        " was asked for %(named)s"
                    )
                    % {"file": declared, "named": named},
                    "catalogue_conflict",
                )
            )
        for name in DERIVED:
            if values.get(name) is not None:
                row.unread[f"DC_ThuaDat/{name}"] += 1
        self._purpose(element, values.get("dienTichPhapLy"), row)
        self._holders(self.register.rights.get(values["thuaDatID"], []), row)
        self._geometry(element.find(f"hinhThua/{GML}MultiSurface"), row)
        return row

    def _purpose(self, element, legal_area: str | None, row: ParcelRow) -> None:
        purposes = element.findall("MucDichSuDungDatCollection/MucDichSuDungDat")
        if len(purposes) > 1:
            # TODO(#3): several purposes need the mixed-use import of the
            # land-register issue; the parcel importer records one.
            row.problems.append(
                Problem(
                    "MucDichSuDungDat",
                    _(
                        "the parcel has %(count)d land-use purposes; the import"
                        " records one purpose per parcel"
                    )
                    % {"count": len(purposes)},
                    "several_purposes",
                )
            )
        purpose = purposes[0]
        values = children(purpose)
        land_use = purpose.find("loaiDat")
        row.land_use_catalogue = land_use.get("danhMuc") or LandUseCatalogue.TT08_2024
        row.values["loaiDat"] = values["loaiDat"]
        row.values["thoiHan"] = self._term(purpose)
        purpose_area = values["dienTich"]
        legal_area = legal_area or purpose_area
        row.values["dienTichPhapLy"] = legal_area
        if Decimal(purpose_area) != Decimal(legal_area):
            row.problems.append(
                Problem(
                    "MucDichSuDungDat/dienTich",
                    _(
                        "the purpose covers %(purpose)s m² of a legal area of"
                        " %(legal)s m²; one purpose covers the whole parcel"
                    )
                    % {"purpose": purpose_area, "legal": legal_area},
                    "purpose_area",
                )
            )

    @staticmethod
    def _term(purpose) -> str | None:
        term = purpose.find("thoiHanSuDung")
        if term is None:
            return None
        if term.find("lauDai") is not None:
            return LONG_TERM
        return text(term, "denNgay")

    def _holders(self, rights: list, row: ParcelRow) -> None:
        holders: list[tuple[HolderRecord | None, Decimal | None]] = []
        for right in rights:
            named = self.register.holders_of(right)
            share = Decimal(right.share) / len(named) if right.share else None
            holders.extend((holder, share) for holder in named)
        if any(holder is None for holder, _share in holders):
            row.problems.append(_unknown("doiTuongID"))
            return
        if len(holders) > MAX_HOLDERS:
            # TODO(#3): the parcel importer takes two holders (tenChu,
            # tenChu2); n holders need the land-register import.
            row.problems.append(
                Problem(
                    "doiTuongID",
                    _(
                        "the parcel has %(count)d holders; the import records at"
                        " most %(limit)d"
                    )
                    % {"count": len(holders), "limit": MAX_HOLDERS},
                    "too_many_holders",
                )
            )
            return
        self._shares([share for _holder, share in holders], row)
        for index, (holder, _share) in enumerate(holders):
            self._holder(index, holder, row)
        if holders:
            self._certificate(rights, row)

    def _shares(self, shares: list[Decimal | None], row: ParcelRow) -> None:
        if all(share is None for share in shares):
            return
        if shares != equal_shares(len(shares)):
            # TODO(#3): unequal shares need the land-register import.
            row.problems.append(
                Problem(
                    "tyLe",
                    _(
                        "the holders' shares (%(shares)s) are not equal; the import"
                        " records equal shares"
                    )
                    % {"shares": ", ".join(str(s) if s else "?" for s in shares)},
                    "unequal_shares",
                )
            )

    def _holder(self, index: int, holder: HolderRecord, row: ParcelRow) -> None:
        suffix = "" if index == 0 else "2"
        row.values[f"tenChu{suffix}"] = holder.name
        row.values[f"namSinh{suffix}"] = holder.birth_year
        object_code = (holder.object_code or "").upper() or None
        if index == 0:
            row.values["doiTuong"] = object_code
        elif object_code:
            # TODO(#3): the parcel importer keeps the first holder's object
            # code only.
            row.problems.append(
                Problem(
                    "maDoiTuongSuDung",
                    _(
                        "the second holder %(holder)s has an object code; the"
                        " import records the first holder's only"
                    )
                    % {"holder": holder.ident},
                    "second_object_code",
                )
            )
            return
        kind = self._document(holder, object_code, row, suffix)
        self._organisation(holder, object_code, kind, row)

    def _document(
        self, holder: HolderRecord, object_code: str | None, row: ParcelRow, suffix: str
    ) -> str | None:
        element = "loaiGiayTo" if holder.organisation else "loaiGiayToTuyThan"
        if not holder.documents:
            return None
        if len(holder.documents) > 1:
            # TODO(#3): the parcel importer reads one document per holder.
            row.problems.append(
                Problem(
                    element,
                    _(
                        "%(holder)s has %(count)d identity documents; the import"
                        " records one"
                    )
                    % {"holder": holder.ident, "count": len(holder.documents)},
                    "several_documents",
                )
            )
        document = holder.documents[0]
        row.values[f"soGiayTo{suffix}"] = document.number
        expected = _recorded_kind(document.number, object_code)
        declared = DOCUMENT_KINDS[document.kind]
        if expected is not None and expected != declared:
            row.problems.append(
                Problem(
                    element,
                    _(
                        "%(number)s has the form of a %(expected)s; the file says"
                        " %(declared)s"
                    )
                    % {
                        "number": document.number,
                        "expected": DOCUMENT_KIND_CODES[expected],
                        "declared": document.kind,
                    },
                    "document_kind",
                )
            )
        return expected

    @staticmethod
    def _organisation(
        holder: HolderRecord, object_code: str | None, kind: str | None, row: ParcelRow
    ) -> None:
        recorded_as_organisation = (
            object_code in ORGANISATION_OBJECTS
            or object_code == COMMUNITY_OBJECT
            or kind == DocumentKind.BUSINESS_REGISTRATION
        )
        if holder.organisation == recorded_as_organisation:
            return
        if holder.organisation:
            reason = _(
                "organisation %(holder)s has neither an organisation's object code"
                " nor a business registration number, so it would be recorded as"
                " a person"
            )
        else:
            reason = _(
                "person %(holder)s has an organisation's object code or business"
                " registration number, so it would be recorded as an organisation"
            )
        row.problems.append(
            Problem(
                "maDoiTuongSuDung", reason % {"holder": holder.ident}, "holder_kind"
            )
        )

    def _certificate(self, rights: list, row: ParcelRow) -> None:
        cited = {right.certificate for right in rights}
        if cited == {None}:
            return
        if len(cited) > 1:
            # TODO(#3): rights on several certificates need the
            # land-register import.
            row.problems.append(
                Problem(
                    "giayChungNhanID",
                    _(
                        "the parcel's rights cite %(count)d certificates (or some"
                        " none); the import records one certificate for all holders"
                    )
                    % {"count": len(cited - {None})},
                    "several_certificates",
                )
            )
            return
        record = self.register.certificates.get(cited.pop())
        if record is None:
            row.problems.append(_unknown("giayChungNhanID"))
            return
        self._certificate_values(record, row)

    @staticmethod
    def _certificate_values(record: CertificateRecord, row: ParcelRow) -> None:
        row.values["soPhatHanh"] = record.serial
        row.values["soVaoSo"] = record.register_number
        row.values["ngayCap"] = record.issue_date
        if record.status not in (None, IN_FORCE):
            # TODO(#3): cancelled and replaced certificates belong to the
            # parcel's history, which the import does not write yet.
            row.problems.append(
                Problem(
                    "trangThai",
                    _(
                        "certificate %(serial)s is %(status)s; the import records"
                        " certificates in force only"
                    )
                    % {"serial": record.serial, "status": record.status},
                    "certificate_not_in_force",
                )
            )

    def _geometry(self, surface, row: ParcelRow) -> None:
        name = surface.get("srsName")
        try:
            crs, swap = gml.parse_srs_name(name)
            if crs != self.crs:
                raise gml.GeometryReadError(
                    _(
                        "this boundary is in %(name)s while the file's first is in"
                        " %(first)s; one file holds one coordinate reference system"
                    )
                    % {"name": name, "first": self.crs.to_string()}
                )
            row.wkt = gml.multisurface_wkt(surface, swap)
        except gml.GeometryReadError as err:
            row.geometry_error = str(err)


def _recorded_kind(number: str, object_code: str | None) -> str | None:
    """The document kind the parcel importer will record for `number`."""
    try:
        kind = infer_document_kind(number)
    except InvalidDocumentNumberError:
        return None  # the importer names the problem itself
    if object_code in ORGANISATION_OBJECTS and kind == DocumentKind.CMND:
        return DocumentKind.OTHER
    return kind


def _unknown(element: str) -> Problem:
    return Problem(
        element,
        _("the identifier is not defined in the file"),
        "unknown_reference",
    )
