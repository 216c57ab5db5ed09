"""Which attribute of a cadastral file holds which fact.

By default the names Vietnamese cadastral files use are recognised
(TT 09/2024 XML names, and those of common desktop tools); the user can
name any field instead.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.exchange.errors import ImportRefusedError

# Canonical name → recognised source names, matched without regard to case.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "commune": ("maDVHCXa", "MaXa", "MaDVHC", "MaDVHCXa", "MA_XA", "maXa"),
    "sheet": ("soHieuToBanDo", "SoTo", "SHBANDO", "SoHieuTo", "SHTo", "SO_TO"),
    "parcel": ("soThuTuThua", "SoThua", "SHTHUA", "SoThuTuThua", "SO_THUA"),
    "land_use": ("loaiDat", "LoaiDat", "KHMDSD", "MaLoaiDat", "MDSD", "LOAI_DAT"),
    "legal_area": ("dienTich", "DienTich", "dienTichPhapLy", "DTPL", "DIEN_TICH"),
    "address": ("diaChi", "DiaChi", "DIA_CHI"),
    "scale": ("tyLe", "TyLe", "TYLE", "TY_LE"),
    "term": ("thoiHan", "ThoiHan", "THOI_HAN"),
    "owner_name": ("tenChu", "TenChu", "ChuSuDung", "TENCHU", "TEN_CHU"),
    "owner_birth_year": ("namSinh", "NamSinh", "NAMSINH"),
    "owner_document": ("soGiayTo", "SoGiayTo", "CCCD", "CMND", "SoCMND", "SOGIAYTO"),
    "owner_object": ("doiTuong", "DoiTuong", "MaDoiTuong", "DOITUONG"),
    "owner2_name": ("tenChu2", "TenChu2", "TENCHU2"),
    "owner2_birth_year": ("namSinh2", "NamSinh2", "NAMSINH2"),
    "owner2_document": ("soGiayTo2", "SoGiayTo2", "SOGIAYTO2"),
    "certificate_serial": ("soPhatHanh", "SoPhatHanh", "SoSeri", "Seri", "SOPHATHANH"),
    "certificate_register": ("soVaoSo", "SoVaoSo", "SOVAOSO"),
    "certificate_date": ("ngayCap", "NgayCap", "NGAYCAP"),
}
REQUIRED = ("commune", "sheet", "parcel", "land_use")

FIELD_LABELS = {
    "commune": gettext_lazy("commune code"),
    "sheet": gettext_lazy("map sheet number"),
    "parcel": gettext_lazy("parcel number"),
    "land_use": gettext_lazy("land-use code"),
    "legal_area": gettext_lazy("legal area"),
}


@dataclass(frozen=True)
class FieldMap:
    """Canonical name → the file's field name, for the facts the file has."""

    sources: dict[str, str]

    def source(self, canonical: str) -> str | None:
        return self.sources.get(canonical)

    def __contains__(self, canonical: str) -> bool:
        return canonical in self.sources


def parse_overrides(items: list[str]) -> dict[str, str]:
    """Read `canonical=FIELD` items typed by the user."""
    overrides = {}
    for item in items:
        canonical, sep, source = item.partition("=")
        canonical, source = canonical.strip(), source.strip()
        if not sep or not source:
            raise ImportRefusedError(
                _("Field mapping %(item)s is not of the form name=FIELD.")
                % {"item": item}
            )
        if canonical not in FIELD_ALIASES:
            raise ImportRefusedError(
                _("Unknown field name %(name)s; known names: %(known)s.")
                % {"name": canonical, "known": ", ".join(FIELD_ALIASES)}
            )
        overrides[canonical] = source
    return overrides


def resolve_field_map(file_fields: list[str], overrides: dict[str, str]) -> FieldMap:
    """Match the file's fields to canonical names; refuse if a required one lacks."""
    by_lower = {name.lower(): name for name in file_fields}
    sources: dict[str, str] = {}
    for canonical, aliases in FIELD_ALIASES.items():
        if canonical in overrides:
            wanted = overrides[canonical]
            if wanted.lower() not in by_lower:
                raise ImportRefusedError(
                    _("The file has no field %(field)s (named for %(name)s).")
                    % {"field": wanted, "name": canonical}
                )
            sources[canonical] = by_lower[wanted.lower()]
            continue
        for alias in aliases:
            # Shapefiles cut field names to 10 characters (soHieuToBa).
            for name in (alias.lower(), alias.lower()[:10]):
                if name in by_lower:
                    sources[canonical] = by_lower[name]
                    break
            if canonical in sources:
                break
    missing = [name for name in REQUIRED if name not in sources]
    if missing:
        raise ImportRefusedError(
            _(
                "The file has no field for: %(missing)s. Its fields are: %(fields)s."
                " Name them with name=FIELD."
            )
            % {
                "missing": ", ".join(f"{m} ({FIELD_LABELS[m]})" for m in missing),
                "fields": ", ".join(file_fields),
            }
        )
    return FieldMap(sources)
