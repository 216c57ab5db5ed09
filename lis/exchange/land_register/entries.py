"""Reading one row of a land register: an owner of a parcel, or rejections."""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils.translation import gettext as _

from lis.admin_units.models import AdministrativeUnit
from lis.cadastre.errors import InvalidDocumentNumberError
from lis.cadastre.identity import (
    check_document_number,
    infer_document_kind,
    normalise_document_number,
)
from lis.cadastre.models import DocumentKind, IdentityDocument, LandUser
from lis.core.errors import DomainError
from lis.core.text import compact_key, search_key
from lis.exchange.land_register.columns import KEYS, PARCEL_FACTS, RegisterLayout
from lis.exchange.parcel_import import values
from lis.exchange.parcel_import.candidates import (
    ORGANISATION_OBJECTS,
    Rejection,
    user_kind,
)
from lis.exchange.parcel_import.coordinate_tables import cell
from lis.reference.models import LandUserObjectType

NAME_LENGTH = LandUser._meta.get_field("full_name").max_length
ADDRESS_LENGTH = LandUser._meta.get_field("address").max_length
DOCUMENT_LENGTH = IdentityDocument._meta.get_field("number").max_length
ISSUER_LENGTH = IdentityDocument._meta.get_field("issuer").max_length
# How registers write the kind of an identity document (as `compact_key`).
DOCUMENT_KINDS = {
    "CMND": DocumentKind.CMND,
    "CHUNGMINHNHANDAN": DocumentKind.CMND,
    "CCCD": DocumentKind.CCCD,
    "CANCUOC": DocumentKind.CCCD,
    "CANCUOCCONGDAN": DocumentKind.CCCD,
    "HOCHIEU": DocumentKind.PASSPORT,
    "HC": DocumentKind.PASSPORT,
    "PASSPORT": DocumentKind.PASSPORT,
    "DKKD": DocumentKind.BUSINESS_REGISTRATION,
    "GCNDKKD": DocumentKind.BUSINESS_REGISTRATION,
    "GCNDKDN": DocumentKind.BUSINESS_REGISTRATION,
    "MST": DocumentKind.BUSINESS_REGISTRATION,
    "MASOTHUE": DocumentKind.BUSINESS_REGISTRATION,
}


@dataclass
class OwnerEntry:
    row: int
    sheet_text: str
    parcel_text: str
    commune: AdministrativeUnit
    sheet: int
    parcel: int
    name: str
    name_key: str
    birth_year: int | None
    kind: str
    object_type: LandUserObjectType | None
    document_kind: str | None
    document_number: str | None
    document_date: date | None
    document_issuer: str
    address: str
    share: Fraction | None
    # The parcel's facts as this row gives them (cells, None when blank).
    facts: dict[str, str | None]
    # The key cells as written (after blank cells took the value above).
    raw_key: tuple = ()

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.commune.pk, self.sheet, self.parcel)

    @property
    def key_text(self) -> str:
        return f"{self.commune.code}/{self.sheet}/{self.parcel}"

    @property
    def document(self) -> tuple[str, str] | None:
        if self.document_number:
            return (self.document_kind, self.document_number)
        return None


class RowProblem(Exception):
    def __init__(self, canonical: str, reason: str, code: str = "invalid_value"):
        super().__init__(reason)
        self.canonical = canonical
        self.reason = reason
        self.code = code


def share(value: object) -> Fraction:
    """A share written 1/2, 0,5, 0.5 or 50 %, between 0 (excluded) and 1."""
    shown = values.text(value)
    raw = shown.replace(" ", "").replace(",", ".")
    percent = raw.endswith("%")
    try:
        found = Fraction(raw.removesuffix("%"))
    except (ValueError, ZeroDivisionError) as err:
        raise values.CellError(
            _("%(value)s is not a share (write 1/2, 0,5 or 50%%)") % {"value": shown}
        ) from err
    found = found / 100 if percent else found
    if not 0 < found <= 1:
        raise values.CellError(
            _("a share is more than 0 and at most 1, not %(value)s") % {"value": shown}
        )
    return found


def document_kind(value: object) -> str:
    shown = values.text(value)
    kind = DOCUMENT_KINDS.get(compact_key(shown))
    if kind is None:
        raise values.CellError(
            _(
                "%(value)s is not a kind of identity document (CMND, CCCD, Hộ"
                " chiếu, ĐKKD)"
            )
            % {"value": shown}
        )
    return kind


class RowReader:
    """Reads the rows of one register through its layout and the code lists."""

    def __init__(self, layout: RegisterLayout, communes, catalogue, objects):
        self.layout = layout
        self.communes = communes
        self.catalogue = catalogue
        self.objects = objects

    def field(self, canonical: str) -> str:
        return self.layout.header(canonical)

    def _cell(self, cells: list, canonical: str, reader, required: bool = True):
        value = cell(cells, self.layout.columns.get(canonical))
        if values.is_blank(value):
            if required:
                raise RowProblem(canonical, _("the value is missing"))
            return None
        try:
            return reader(value)
        except values.CellError as err:
            raise RowProblem(canonical, str(err)) from err
        except DomainError as err:
            raise RowProblem(canonical, str(err.message), err.code) from err

    def read(self, number: int, cells: list) -> tuple[OwnerEntry | None, list]:
        """The row's owner entry, or the rejections of its cells (all of them)."""
        problems: list[RowProblem] = []

        def attempt(canonical, reader, required=False, default=None):
            try:
                found = self._cell(cells, canonical, reader, required)
            except RowProblem as problem:
                problems.append(problem)
                return default
            return default if found is None else found

        commune = attempt("commune", self._commune, required=True)
        sheet = attempt("sheet", values.sheet_number, required=True)
        parcel = attempt("parcel", values.parcel_number, required=True)
        name = attempt("owner_name", self._text(NAME_LENGTH), required=True, default="")
        birth_year = attempt("owner_birth_year", values.birth_year)
        object_type = attempt("owner_object", self._object)
        kind = attempt("owner_document_kind", document_kind)
        number_text = attempt("owner_document", self._text(DOCUMENT_LENGTH), default="")
        document = self._document(kind, number_text, object_type, problems)
        entry = OwnerEntry(
            row=number,
            sheet_text=values.label(cell(cells, self.layout.columns.get("sheet"))),
            parcel_text=values.label(cell(cells, self.layout.columns.get("parcel"))),
            commune=commune,
            sheet=sheet,
            parcel=parcel,
            name=name,
            name_key=search_key(name),
            birth_year=birth_year,
            kind=user_kind(object_type, document[0]),
            object_type=object_type,
            document_kind=document[0],
            document_number=document[1],
            document_date=attempt("owner_document_date", values.past_date),
            document_issuer=attempt(
                "owner_document_issuer", self._text(ISSUER_LENGTH), default=""
            ),
            address=attempt("owner_address", self._text(ADDRESS_LENGTH), default=""),
            share=attempt("share", share),
            facts={
                name: cell(cells, self.layout.columns.get(name))
                for name in PARCEL_FACTS
            },
            raw_key=self.raw_key(cells),
        )
        if problems:
            return None, [self.rejection(entry, p) for p in problems]
        return entry, []

    def raw_key(self, cells: list) -> tuple:
        return tuple(cell(cells, self.layout.columns.get(k)) for k in KEYS)

    def rejection(self, entry: OwnerEntry, problem: RowProblem) -> Rejection:
        field = (
            self.field(problem.canonical)
            if problem.canonical in self.layout.columns
            else problem.canonical
        )
        return Rejection(
            entry.row,
            entry.sheet_text,
            entry.parcel_text,
            field,
            problem.reason,
            problem.code,
        )

    @staticmethod
    def _text(max_length: int):
        def read(value: object) -> str:
            return values.text(value, max_length)

        return read

    def _commune(self, value: object) -> AdministrativeUnit:
        return self.communes.resolve(values.unit_code(value), self.catalogue)

    def _object(self, value: object) -> LandUserObjectType:
        return self.objects.resolve(values.text(value).upper())

    def _document(
        self, kind: str | None, raw: str, object_type, problems: list
    ) -> tuple[str | None, str | None]:
        if not raw:
            if kind:
                problems.append(
                    RowProblem(
                        "owner_document",
                        _("the document kind is given without its number"),
                    )
                )
            return None, None
        try:
            if kind is None:
                kind = infer_document_kind(raw)
                number = normalise_document_number(raw)
            else:
                number = check_document_number(kind, raw)
        except InvalidDocumentNumberError as err:
            problems.append(RowProblem("owner_document", str(err.message), err.code))
            return None, None
        organisation = (
            object_type is not None and object_type.code in ORGANISATION_OBJECTS
        )
        if organisation and kind == DocumentKind.CMND:
            kind = DocumentKind.OTHER
        return kind, number
