"""Which column of a land register holds which fact."""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from lis.core.text import compact_key
from lis.exchange.errors import ImportRefusedError
from lis.exchange.parcel_import import coordinate_tables as sheets
from lis.exchange.parcel_import.fields import FIELD_ALIASES, FIELD_LABELS

# Canonical name → the names registers use, compared as `compact_key`.
REGISTER_ALIASES: dict[str, tuple[str, ...]] = {
    "commune": FIELD_ALIASES["commune"],
    "sheet": FIELD_ALIASES["sheet"],
    "parcel": FIELD_ALIASES["parcel"],
    "owner_name": (
        *FIELD_ALIASES["owner_name"],
        "hoTen", "hoVaTen", "tenNguoiSuDung", "nguoiSuDung", "tenNSD",
    ),
    "owner_birth_year": FIELD_ALIASES["owner_birth_year"],
    "owner_object": FIELD_ALIASES["owner_object"],
    "owner_document_kind": ("loaiGiayTo", "loaiGiayToTuyThan"),
    "owner_document": (*FIELD_ALIASES["owner_document"], "soCCCD", "soGiayToTuyThan"),
    "owner_document_date": ("ngayCapGiayTo", "ngayCapCCCD", "ngayCapCMND"),
    "owner_document_issuer": ("noiCapGiayTo", "noiCap"),
    "owner_address": ("diaChi", "diaChiThuongTru", "diaChiChu", "diaChiNguoiSuDung"),
    "share": ("phanQuyen", "tyLeQuyen", "tyLeSoHuu", "tyLe", "share"),
    "origin": ("nguonGoc", "nguonGocSuDung"),
    "certificate_serial": FIELD_ALIASES["certificate_serial"],
    "certificate_register": FIELD_ALIASES["certificate_register"],
    "certificate_date": FIELD_ALIASES["certificate_date"],
    "certificate_issuer": ("coQuanCap", "cqCap"),
}  # fmt: skip
REQUIRED = ("sheet", "parcel", "owner_name")
KEYS = ("commune", "sheet", "parcel")
# Facts of the parcel rather than of one owner: given on one of its rows,
# or the same on each.
PARCEL_FACTS = (
    "certificate_serial",
    "certificate_register",
    "certificate_date",
    "certificate_issuer",
    "origin",
)
TEXT_FACTS = (
    "owner_name",
    "owner_address",
    "owner_document_issuer",
    "origin",
    "certificate_issuer",
)


def _by_compact() -> dict[str, str]:
    found: dict[str, str] = {}
    for canonical, aliases in REGISTER_ALIASES.items():
        for alias in aliases:
            found.setdefault(compact_key(alias), canonical)
    return found


def _recognised(headers: list[str | None]) -> dict[str, int]:
    known = _by_compact()
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        canonical = known.get(compact_key(header)) if header else None
        if canonical is not None:
            columns.setdefault(canonical, index)
    return columns


def _header_test(overrides: dict[str, str]):
    """Whether a row names the required columns, the user's names included."""

    def is_header(cells: list[str | None]) -> bool:
        found = set(_recognised(cells))
        named = {compact_key(c) for c in cells if c}
        found |= {k for k, v in overrides.items() if compact_key(v) in named}
        return set(REQUIRED) <= found

    return is_header


@dataclass(frozen=True)
class RegisterLayout:
    sheet: str | None
    header_row: int
    headers: tuple[str, ...]
    # Canonical name → column index.
    columns: dict[str, int]

    def header(self, canonical: str) -> str:
        return self.headers[self.columns[canonical]]


def _with_overrides(
    headers: list[str | None], columns: dict[str, int], overrides: dict[str, str]
) -> dict[str, int]:
    columns = dict(columns)
    by_key = {compact_key(h): i for i, h in enumerate(headers) if h}
    for canonical, wanted in overrides.items():
        if canonical not in REGISTER_ALIASES:
            raise ImportRefusedError(
                _("Unknown field name %(name)s; known names: %(known)s.")
                % {"name": canonical, "known": ", ".join(REGISTER_ALIASES)}
            )
        index = by_key.get(compact_key(wanted))
        if index is None:
            raise ImportRefusedError(
                _("The file has no field %(field)s (named for %(name)s).")
                % {"field": wanted, "name": canonical}
            )
        columns[canonical] = index
    return columns


def _choose_sheet(
    path: Path, wanted: str | None, encoding: str, is_header
) -> str | None:
    if path.suffix.lower() != ".xlsx":
        return None
    names = sheets.worksheet_names(path)
    if wanted is not None:
        if wanted not in names:
            raise ImportRefusedError(
                _("The file has no layer %(layer)s; its layers are: %(layers)s.")
                % {"layer": wanted, "layers": ", ".join(names)}
            )
        return wanted
    registers = []
    for name in names:
        try:
            sheets.find_header(sheets.spreadsheet_rows(path, name, encoding), is_header)
        except LookupError:
            continue
        registers.append(name)
    if len(registers) > 1:
        raise ImportRefusedError(
            _(
                "The workbook has several land registers (%(sheets)s); name the"
                " one to import."
            )
            % {"sheets": ", ".join(registers)}
        )
    return registers[0] if registers else names[0]


def read_layout(
    path: Path,
    worksheet: str | None,
    encoding: str,
    overrides: dict[str, str],
    commune_given: bool,
) -> RegisterLayout:
    """Find the register's header row and the column of each fact."""
    is_header = _header_test(overrides)
    sheet = _choose_sheet(path, worksheet, encoding, is_header)
    try:
        number, headers, _titles = sheets.find_header(
            sheets.spreadsheet_rows(path, sheet, encoding), is_header
        )
    except LookupError as err:
        raise ImportRefusedError(
            _(
                "No row among the first %(count)d of %(name)s names the columns of"
                " a land register: the map sheet (soHieuToBanDo), the parcel"
                " (soThuTuThua) and the owner's name (tenChu)."
            )
            % {"count": sheets.HEADER_SEARCH_ROWS, "name": path.name}
        ) from err
    columns = _with_overrides(headers, _recognised(headers), overrides)
    required = REQUIRED if commune_given else ("commune", *REQUIRED)
    missing = [name for name in required if name not in columns]
    if missing:
        raise ImportRefusedError(
            _(
                "The file has no field for: %(missing)s. Its fields are: %(fields)s."
                " Name them with name=FIELD."
            )
            % {
                "missing": ", ".join(missing),
                "fields": ", ".join(h for h in headers if h),
            }
        )
    if commune_given and "commune" in columns:
        raise ImportRefusedError(
            _(
                "The file has its own %(name)s field (%(field)s); name the"
                " %(name)s only for files without one."
            )
            % {"name": FIELD_LABELS["commune"], "field": headers[columns["commune"]]}
        )
    return RegisterLayout(
        sheet=sheet,
        header_row=number,
        headers=tuple(h or "" for h in headers),
        columns=columns,
    )


def parse_overrides(items: list[str]) -> dict[str, str]:
    """Read `canonical=COLUMN` items typed by the user."""
    overrides = {}
    for item in items:
        canonical, sep, source = item.partition("=")
        canonical, source = canonical.strip(), source.strip()
        if not sep or not source:
            raise ImportRefusedError(
                _("Field mapping %(item)s is not of the form name=FIELD.")
                % {"item": item}
            )
        if canonical not in REGISTER_ALIASES:
            raise ImportRefusedError(
                _("Unknown field name %(name)s; known names: %(known)s.")
                % {"name": canonical, "known": ", ".join(REGISTER_ALIASES)}
            )
        overrides[canonical] = source
    return overrides
