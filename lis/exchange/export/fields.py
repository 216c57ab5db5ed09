"""The columns of an exported parcel file: the names the importer reads.

Names and meanings follow the sample map (`lis.exchange.sample_data`) and
`parcel_import.fields`, so that an exported file imports again as it is.
Shapefiles (DBF) allow 10 characters per name: they get the short names
Vietnamese desktop tools use, which the importer recognises too.
"""

from dataclasses import dataclass

TEXT = "text"
INTEGER = "integer"
REAL = "real"
DATE = "date"


@dataclass(frozen=True)
class ExportField:
    name: str
    short_name: str
    kind: str
    # Land users' names, identity numbers and certificates (R14).
    personal: bool = False
    # Decimals a spreadsheet shows (the value itself is not rounded).
    decimals: int | None = None


FIELDS: tuple[ExportField, ...] = (
    ExportField("maDVHCXa", "MaXa", TEXT),
    ExportField("soHieuToBanDo", "SHBANDO", INTEGER),
    ExportField("soThuTuThua", "SHTHUA", INTEGER),
    ExportField("loaiDat", "LoaiDat", TEXT),
    ExportField("dienTich", "DienTich", REAL, decimals=1),
    ExportField("diaChi", "DiaChi", TEXT),
    ExportField("tyLe", "TyLe", INTEGER),
    ExportField("thoiHan", "ThoiHan", TEXT),
    ExportField("maDinhDanh", "MaDinhDanh", TEXT),
    ExportField("dienTichTinhToan", "DienTichTT", REAL, decimals=2),
    # The catalogue of maDVHCXa: 25195 is one commune in "2004" and
    # another in "2025" (QĐ 19/2025/QĐ-TTg).
    ExportField("danhMucDVHC", "DanhMucDV", TEXT),
    ExportField("maDVHCXaMoi", "MaXaMoi", TEXT),
    ExportField("tenChu", "TenChu", TEXT, personal=True),
    ExportField("namSinh", "NamSinh", INTEGER, personal=True),
    ExportField("soGiayTo", "SoGiayTo", TEXT, personal=True),
    ExportField("doiTuong", "DoiTuong", TEXT, personal=True),
    ExportField("tenChu2", "TenChu2", TEXT, personal=True),
    ExportField("namSinh2", "NamSinh2", INTEGER, personal=True),
    ExportField("soGiayTo2", "SoGiayTo2", TEXT, personal=True),
    ExportField("soPhatHanh", "SoPhatHanh", TEXT, personal=True),
    ExportField("soVaoSo", "SoVaoSo", TEXT, personal=True),
    ExportField("ngayCap", "NgayCap", DATE, personal=True),
)


def export_fields(personal: bool) -> list[ExportField]:
    """Return the columns written, without personal ones unless allowed."""
    return [f for f in FIELDS if personal or not f.personal]
