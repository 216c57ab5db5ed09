"""Turning each feature of a batch into a parcel candidate, or a rejection."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import shapely
from django.utils.translation import gettext as _

from lis.admin_units.models import AdministrativeUnit
from lis.cadastre.errors import InvalidDocumentNumberError
from lis.cadastre.identity import infer_document_kind, normalise_document_number
from lis.cadastre.models import (
    Certificate,
    DocumentKind,
    IdentityDocument,
    LandUser,
    LandUserKind,
    Parcel,
)
from lis.cadastre.serials import canonical_serial
from lis.core.errors import DomainError
from lis.core.text import compact_key, search_key
from lis.exchange.parcel_import import values
from lis.exchange.parcel_import.fields import FieldMap
from lis.exchange.parcel_import.reader import Batch
from lis.exchange.parcel_import.shapes import Shape
from lis.reference.models import LandUserObjectType, LandUseType

ORGANISATION_OBJECTS = {"TCN", "TSN", "TXH", "TKT", "TKH", "TTG", "TNG", "TVN"}
# Lengths of the register's text columns.
NAME_LENGTH = LandUser._meta.get_field("full_name").max_length
ADDRESS_LENGTH = Parcel._meta.get_field("address").max_length
SERIAL_LENGTH = Certificate._meta.get_field("serial_number").max_length
REGISTER_LENGTH = Certificate._meta.get_field("register_number").max_length
DOCUMENT_LENGTH = IdentityDocument._meta.get_field("number").max_length


def _text(max_length: int):
    def read(value: object) -> str:
        return values.text(value, max_length)

    return read


@dataclass(frozen=True)
class Rejection:
    """Why one feature was refused, named as the user knows it."""

    feature: int  # 1-based position in the layer
    sheet: str
    parcel: str
    field: str
    reason: str
    code: str = "invalid_value"

    def as_dict(self) -> dict:
        return {
            "feature": self.feature,
            "sheet": self.sheet,
            "parcel": self.parcel,
            "field": self.field,
            "reason": self.reason,
            "code": self.code,
        }


@dataclass
class OwnerCandidate:
    name: str
    name_key: str
    birth_year: int | None
    kind: str
    object_type: LandUserObjectType | None
    document_kind: str | None
    document_number: str | None
    name_field: str
    document_field: str | None


@dataclass
class CertificateCandidate:
    serial: str
    serial_key: str
    register_number: str
    issue_date: date
    serial_field: str
    date_field: str


@dataclass
class Candidate:
    feature: int
    sheet_text: str
    parcel_text: str
    commune: AdministrativeUnit
    current_commune: AdministrativeUnit
    sheet: int
    parcel: int
    land_use_type: LandUseType
    legal_area: Decimal
    geom: shapely.MultiPolygon
    computed_area: Decimal
    uid: str
    address: str = ""
    scale: int | None = None
    long_term: bool = False
    term_end: date | None = None
    owners: list[OwnerCandidate] = field(default_factory=list)
    certificate: CertificateCandidate | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.commune.pk, self.sheet, self.parcel)


class _Reject(Exception):
    def __init__(
        self, field_name: str, reason: str, code: str = "invalid_value"
    ) -> None:
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason
        self.code = code


class CandidateBuilder:
    """Reads one feature's attributes through the field map and the code lists."""

    def __init__(
        self,
        field_map: FieldMap,
        communes,
        unit_catalogue: str | None,
        land_uses,
        objects,
        field_kinds: dict[str, str],
    ) -> None:
        self.fields = field_map
        self.field_kinds = field_kinds
        self.communes = communes
        self.unit_catalogue = unit_catalogue
        self.land_uses = land_uses
        self.objects = objects

    def build(
        self, batch: Batch, shapes: list[Shape]
    ) -> tuple[list[Candidate], list[Rejection]]:
        accepted, rejected = [], []
        for offset, shape in enumerate(shapes):
            row = {name: col[offset] for name, col in batch.columns.items()}
            number = batch.start + offset + 1
            problems: list[_Reject] = []
            candidate = self._candidate(number, row, shape, problems)
            if not problems:
                accepted.append(candidate)
                continue
            sheet = values.label(row.get(self.fields.source("sheet")))
            parcel = values.label(row.get(self.fields.source("parcel")))
            rejected.extend(
                Rejection(number, sheet, parcel, p.field_name, p.reason, p.code)
                for p in problems
            )
        return accepted, rejected

    def _cell(self, row: dict, canonical: str, reader):
        source = self.fields.source(canonical)
        try:
            return reader(row.get(source))
        except values.CellError as err:
            raise _Reject(source, str(err)) from err
        except DomainError as err:
            raise _Reject(source, str(err.message), err.code) from err

    def _optional(self, row: dict, canonical: str, reader, default=None):
        if canonical not in self.fields or values.is_blank(
            row.get(self.fields.source(canonical))
        ):
            return default
        return self._cell(row, canonical, reader)

    def _candidate(
        self, number: int, row: dict, shape: Shape, problems: list[_Reject]
    ) -> Candidate | None:
        """Read every fact of the feature, noting each problem, not only the first."""

        def attempt(read, *args, default=None):
            try:
                return read(*args)
            except _Reject as err:
                problems.append(err)
                return default

        commune = attempt(self._cell, row, "commune", self._commune)
        sheet = attempt(self._cell, row, "sheet", values.sheet_number)
        parcel = attempt(self._cell, row, "parcel", values.parcel_number)
        land_use = attempt(self._cell, row, "land_use", self._land_use)
        if shape.problem:
            problems.append(_Reject(_("geometry"), shape.problem, "invalid_geometry"))
        legal_area = attempt(self._optional, row, "legal_area", values.area)
        long_term, term_end = attempt(
            self._optional,
            row,
            "term",
            values.term,
            (False, None),
            default=(False, None),
        )
        address = attempt(self._optional, row, "address", _text(ADDRESS_LENGTH), "")
        scale = attempt(self._optional, row, "scale", values.scale)
        known = len(problems)
        owners = attempt(self._owners, row, default=[])
        certificate = None
        if len(problems) == known:
            certificate = attempt(self._certificate, row, owners)
        if problems:
            return None
        return Candidate(
            feature=number,
            sheet_text=str(sheet),
            parcel_text=str(parcel),
            commune=commune,
            current_commune=self.communes.current(commune),
            sheet=sheet,
            parcel=parcel,
            land_use_type=land_use,
            legal_area=legal_area
            if legal_area is not None
            else shape.area_m2.quantize(Decimal("0.1")),
            geom=shape.geom,
            computed_area=shape.area_m2,
            uid=shape.uid,
            address=address,
            scale=scale,
            long_term=long_term,
            term_end=term_end,
            owners=owners,
            certificate=certificate,
        )

    def _commune(self, value: object) -> AdministrativeUnit:
        return self.communes.resolve(values.unit_code(value), self.unit_catalogue)

    def _land_use(self, value: object) -> LandUseType:
        code = values.text(value).upper().replace(" ", "")
        if not code:
            raise values.CellError(_("the value is missing"))
        if "+" in code:
            # TODO(#3): mixed-use parcels need each purpose's area, which a
            # map file does not carry; the land-register import brings them.
            raise values.CellError(
                _("%(code)s names several purposes; import their areas from a register")
                % {"code": code}
            )
        return self.land_uses.resolve(code)

    def _owners(self, row: dict) -> list[OwnerCandidate]:
        owners = []
        for prefix in ("owner", "owner2"):
            owner = self._owner(row, prefix)
            if owner is None:
                continue
            if (
                owners
                and owner.document_number
                and (owner.document_number == owners[0].document_number)
            ):
                raise _Reject(
                    owner.document_field, _("the second owner repeats the first one")
                )
            owners.append(owner)
        return owners

    def _owner(self, row: dict, prefix: str) -> OwnerCandidate | None:
        name = self._optional(row, f"{prefix}_name", _text(NAME_LENGTH), "")
        document = self._optional(row, f"{prefix}_document", _text(DOCUMENT_LENGTH), "")
        name_field = self.fields.source(f"{prefix}_name") or f"{prefix}_name"
        document_field = self.fields.source(f"{prefix}_document")
        if not name:
            if document:
                raise _Reject(
                    name_field, _("an identity number is given without a name")
                )
            return None
        object_type = None
        if prefix == "owner":
            object_type = self._optional(row, "owner_object", self._object)
        kind, number = self._document(document, object_type, document_field)
        return OwnerCandidate(
            name=name,
            name_key=search_key(name),
            birth_year=self._optional(row, f"{prefix}_birth_year", values.birth_year),
            kind=user_kind(object_type, kind),
            object_type=object_type,
            document_kind=kind,
            document_number=number,
            name_field=name_field,
            document_field=document_field,
        )

    def _object(self, value: object) -> LandUserObjectType:
        return self.objects.resolve(values.text(value).upper())

    def _document(
        self, raw: str, object_type, field_name
    ) -> tuple[str | None, str | None]:
        if not raw:
            return None, None
        if self.field_kinds.get(field_name) == "number":
            # A CCCD begins with zeros (province of birth 001–096): a
            # numeric field has dropped them, and the digits left may even
            # look like a tax code.
            raise _Reject(
                field_name,
                _(
                    "the field holds numbers, which lose leading zeros;"
                    " store identity numbers as text"
                ),
            )
        try:
            kind = infer_document_kind(raw)
        except InvalidDocumentNumberError as err:
            raise _Reject(field_name, str(err.message)) from err
        number = normalise_document_number(raw)
        if object_type is not None and object_type.code in ORGANISATION_OBJECTS:
            if kind == DocumentKind.CMND:
                kind = DocumentKind.OTHER
        return kind, number

    def _certificate(
        self, row: dict, owners: list[OwnerCandidate]
    ) -> CertificateCandidate | None:
        serial = self._optional(row, "certificate_serial", _text(SERIAL_LENGTH), "")
        if not serial:
            return None
        serial = canonical_serial(serial)
        serial_field = self.fields.source("certificate_serial")
        if not owners:
            raise _Reject(serial_field, _("a certificate is given without a holder"))
        if "certificate_date" not in self.fields:
            raise _Reject(serial_field, _("a certificate needs its issue date"))
        if len(serial) > SERIAL_LENGTH:
            raise _Reject(
                serial_field,
                _("the serial has %(length)d characters; the register keeps %(limit)d")
                % {"length": len(serial), "limit": SERIAL_LENGTH},
            )
        return CertificateCandidate(
            serial=serial,
            serial_key=compact_key(serial),
            register_number=self._optional(
                row, "certificate_register", _text(REGISTER_LENGTH), ""
            ),
            issue_date=self._cell(row, "certificate_date", values.past_date),
            serial_field=serial_field,
            date_field=self.fields.source("certificate_date"),
        )


def user_kind(
    object_type: LandUserObjectType | None, document_kind: str | None
) -> str:
    code = object_type.code if object_type else None
    if (
        code in ORGANISATION_OBJECTS
        or document_kind == DocumentKind.BUSINESS_REGISTRATION
    ):
        return LandUserKind.ORGANISATION
    if code == "CDS":
        return LandUserKind.COMMUNITY
    if code == "GDC":
        return LandUserKind.HOUSEHOLD
    return LandUserKind.INDIVIDUAL
