"""What each export format writes: CRS, names, types, safe cells (issue #3)."""

import csv
import json
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import shapely
from django.contrib.gis.gdal import DataSource
from pyproj import CRS, Transformer

from lis.cadastre.models import LandUsePurpose, LandUser, Parcel
from lis.core import crs
from lis.exchange.export import FIELDS, ParcelSelection, export_parcels
from lis.exchange.export.tables import neutralise
from lis.exchange.parcel_import.service import ImportOptions, import_parcel_file
from lis.exchange.tests.fixtures.export_data import (
    CCCD_WITH_ZEROS,
    FORMULA_NAME,
    cadastre_features,
    clear_cadastre,
    import_file,
    load_cadastre,
)
from lis.exchange.tests.fixtures.parcel_files import ORIGIN, feature, square
from lis.reference.models import LandUseCatalogue, LandUseType

pytestmark = pytest.mark.django_db

PINNED_TOWGS84 = (
    "TOWGS84[-191.90441429,-39.30318279,-111.45032835,"
    "0.00928836,-0.01975479,0.00427372,0.252906278]"
)
REGISTER_NAMES = [f.name for f in FIELDS if not f.personal]
ALL_NAMES = [f.name for f in FIELDS]


def _export(tmp_path, name: str, user, selection=None, **options):
    return export_parcels(
        selection or ParcelSelection(), tmp_path / name, acting_user=user, **options
    )


def _csv_rows(path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.DictReader(source))


def test_shapefile_prj_carries_the_pinned_datum_shift(tmp_path, officer):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.shp", officer)

    prj = (tmp_path / "thua_dat.prj").read_text(encoding="ascii")
    assert prj.startswith(
        'PROJCS["VN-2000 / TM-3 106-15",GEOGCS["VN-2000",DATUM["Vietnam_2000",'
        'SPHEROID["WGS 84",6378137,298.257223563],' + PINNED_TOWGS84 + "]"
    )
    assert prj.endswith('AUTHORITY["EPSG","9212"]]')
    assert (tmp_path / "thua_dat.prj") in result.files


def test_shapefile_prj_moves_to_wgs84_exactly_as_the_pinned_operation(
    tmp_path, officer
):
    load_cadastre(tmp_path)

    _export(tmp_path, "thua_dat.shp", officer)

    # Read as GDAL reads it, then let PROJ choose: the TOWGS84 decides.
    declared = CRS.from_wkt(DataSource(str(tmp_path / "thua_dat.shp"))[0].srs.wkt)
    by_file = Transformer.from_crs(declared, crs.WGS84_SRID, always_xy=True)
    assert declared.is_bound
    assert by_file.transform(*ORIGIN) == pytest.approx(
        crs.vn2000_to_wgs84().transform(*ORIGIN), abs=1e-10
    )


def test_shapefile_is_utf8_with_short_names_and_a_field_map(tmp_path, officer):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.shp", officer)

    assert (tmp_path / "thua_dat.cpg").read_text() == "UTF-8"
    with (tmp_path / "thua_dat.fields.csv").open(encoding="utf-8") as source:
        field_map = list(csv.reader(source))
    assert field_map == [["name", "short_name"]] + [
        [f.name, f.short_name] for f in FIELDS
    ]
    layer = DataSource(str(tmp_path / "thua_dat.shp"))[0]
    assert layer.fields == [f.short_name for f in FIELDS]
    assert all(len(f.short_name) <= 10 for f in FIELDS)
    assert [feature.get("DiaChi") for feature in layer][:2] == [
        "Khu phố 3, Phường Tân Đồng",
        "Khu phố 3, Phường Tân Đồng",
    ]
    assert [p.name for p in result.files] == [
        "thua_dat.shp",
        "thua_dat.shx",
        "thua_dat.dbf",
        "thua_dat.prj",
        "thua_dat.cpg",
        "thua_dat.fields.csv",
    ]


def test_shapefile_cuts_text_longer_than_a_dbf_field_and_says_so(tmp_path, officer):
    address = ("Đường Phú Riềng Đỏ, khu phố Tân Trà, " * 8)[:290]
    load_cadastre(tmp_path, [feature(square(0), 1, 1, diaChi=address)])

    result = _export(tmp_path, "thua_dat.shp", officer)
    whole = _export(tmp_path, "thua_dat.gpkg", officer)

    assert len(address.encode("utf-8")) == 401
    cut = address.encode("utf-8")[:254].decode("utf-8", errors="ignore")
    assert [f.get("DiaChi") for f in DataSource(str(result.path))[0]] == [cut]
    assert result.notes == [
        (
            "1 value of diaChi was cut to 254 bytes, the most a Shapefile field"
            " holds; a GeoPackage keeps it whole."
        )
    ]
    assert [f.get("diaChi") for f in DataSource(str(whole.path))[0]] == [address]
    assert whole.notes == []


def test_geojson_is_rfc7946_wgs84_to_8_decimals_without_a_crs_member(tmp_path, officer):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.geojson", officer)

    text = result.path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert "crs" not in data
    assert re.findall(r"\d\.\d{9,}", text) == []
    first = data["features"][0]
    lon_lat = crs.to_wgs84(square(0))
    expected = {(round(x, 8), round(y, 8)) for x, y in lon_lat.exterior.coords}
    ring = first["geometry"]["coordinates"][0]
    if first["geometry"]["type"] == "MultiPolygon":
        ring = ring[0]
    assert {tuple(point) for point in ring} == expected
    # RFC 7946 § 3.1.6: exterior rings counter-clockwise.
    assert shapely.LinearRing(ring).is_ccw
    assert first["properties"]["soGiayTo"] == "070080001234"


def test_geojson_in_vn2000_names_its_crs(tmp_path, officer):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.geojson", officer, crs_srid=9212)

    data = json.loads(result.path.read_text(encoding="utf-8"))
    assert data["crs"] == {
        "type": "name",
        "properties": {"name": "urn:ogc:def:crs:EPSG::9212"},
    }
    first = shapely.from_geojson(json.dumps(data["features"][0]["geometry"]))
    assert shapely.normalize(first) == shapely.normalize(
        shapely.MultiPolygon([square(0)])
    )


def test_csv_has_wkt_in_vn2000_csvt_types_and_a_prj(tmp_path, officer):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.csv", officer)

    assert result.path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(result.path)
    assert list(rows[0]) == ALL_NAMES + ["WKT"]
    assert rows[0]["WKT"] == (
        "MULTIPOLYGON (((568920 1275700, 568920 1275725, 568900 1275725,"
        " 568900 1275700, 568920 1275700)))"
    )
    csvt = (tmp_path / "thua_dat.csvt").read_text().strip().split(",")
    types = dict(zip(ALL_NAMES + ["WKT"], (t.strip('"') for t in csvt), strict=True))
    assert (types["soGiayTo"], types["maDVHCXa"], types["soThuTuThua"]) == (
        "String",
        "String",
        "Integer",
    )
    assert (types["dienTich"], types["WKT"]) == ("Real", "WKT")
    assert PINNED_TOWGS84 in (tmp_path / "thua_dat.prj").read_text()


def test_identity_numbers_with_leading_zeros_stay_text_in_csv(tmp_path, officer):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.csv", officer)

    raw = result.path.read_text(encoding="utf-8-sig")
    assert f'"{CCCD_WITH_ZEROS}"' in raw
    assert '"012345678"' in raw
    layer = DataSource(str(result.path))[0]
    first = next(iter(layer))
    assert layer.field_types[layer.fields.index("soGiayTo2")].__name__ == "OFTString"
    assert (first.get("soGiayTo2"), first.get("maDVHCXa")) == (CCCD_WITH_ZEROS, "25198")


def test_identity_numbers_with_leading_zeros_stay_text_in_xlsx(tmp_path, officer):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.xlsx", officer)

    sheet = openpyxl.load_workbook(result.path)["ThuaDat"]
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))
    holed = dict(zip(header, sheet[5], strict=True))
    assert (first["soGiayTo2"].value, first["soGiayTo2"].data_type) == (
        CCCD_WITH_ZEROS,
        "s",
    )
    assert (holed["soGiayTo"].value, holed["soGiayTo"].data_type) == ("012345678", "s")
    assert (first["maDVHCXa"].value, first["maDVHCXa"].data_type) == ("25198", "s")
    assert (first["dienTich"].value, first["dienTich"].number_format) == (499.6, "0.0")
    assert first["ngayCap"].number_format == "dd/mm/yyyy"


def _formula_cadastre(tmp_path) -> None:
    load_cadastre(
        tmp_path,
        [
            feature(
                square(0), 1, 1, diaChi="@Tổ 5", tenChu=FORMULA_NAME,
                soGiayTo="070080001234",
            ),
            feature(square(1), 1, 2, diaChi="-Tổ 6", tenChu="+84 Nguyễn"),
        ],
    )  # fmt: skip


def test_csv_neutralises_text_a_spreadsheet_would_run(tmp_path, officer):
    _formula_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.csv", officer)

    rows = _csv_rows(result.path)
    assert [(r["tenChu"], r["diaChi"]) for r in rows] == [
        ("'" + FORMULA_NAME, "'@Tổ 5"),
        ("'+84 Nguyễn", "'-Tổ 6"),
    ]


def test_neutralise_marks_every_formula_start_and_leaves_other_text():
    values = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "Tổ 5", "", 12]

    marked = [neutralise(v) for v in values]

    assert marked == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "Tổ 5",
        "",
        12,
    ]


def test_xlsx_keeps_text_a_spreadsheet_would_run_as_strings(tmp_path, officer):
    _formula_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.xlsx", officer)

    sheet = openpyxl.load_workbook(result.path)["ThuaDat"]
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))
    assert (first["tenChu"].value, first["tenChu"].data_type) == (FORMULA_NAME, "s")
    assert first["tenChu"].quotePrefix is True
    assert (first["diaChi"].value, first["diaChi"].quotePrefix) == ("@Tổ 5", True)
    with zipfile.ZipFile(result.path) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert [n for n in sheets if b"<f>" in book.read(n)] == []


def test_xlsx_leaves_a_wkt_longer_than_a_cell_to_the_vertex_table(tmp_path, officer):
    x, y = ORIGIN
    many = shapely.Point(x + 50, y + 50).buffer(20, quad_segs=600)
    load_cadastre(tmp_path, [feature(many, 1, 1)])

    result = _export(tmp_path, "thua_dat.xlsx", officer)

    book = openpyxl.load_workbook(result.path)
    parcel = list(book["ThuaDat"].values)[1]
    vertices = list(book["ToaDo"].values)[1:]
    assert len(shapely.to_wkt(many, rounding_precision=-1)) > 32_767
    assert parcel[-2:] == (None, 9212)
    assert len(vertices) == len(many.exterior.coords) - 1 == 2400


@pytest.mark.parametrize("name", ["thua_dat.gpkg", "thua_dat.geojson"])
def test_personal_columns_are_absent_for_a_reader(tmp_path, reader, name):
    load_cadastre(tmp_path)

    result = _export(tmp_path, name, reader)

    assert DataSource(str(result.path))[0].fields == REGISTER_NAMES
    assert result.personal is False


def test_personal_columns_are_absent_from_tables_for_a_reader(tmp_path, reader):
    load_cadastre(tmp_path)

    table = _export(tmp_path, "thua_dat.csv", reader)
    book = _export(tmp_path, "thua_dat.xlsx", reader)
    shapefile = _export(tmp_path, "thua_dat.shp", reader)

    assert list(_csv_rows(table.path)[0]) == REGISTER_NAMES + ["WKT"]
    header = next(openpyxl.load_workbook(book.path)["ThuaDat"].values)
    assert list(header) == REGISTER_NAMES + ["WKT", "EPSG"]
    assert DataSource(str(shapefile.path))[0].fields == [
        f.short_name for f in FIELDS if not f.personal
    ]
    assert "Nguyễn" not in table.path.read_text(encoding="utf-8-sig")


def test_personal_columns_are_absent_without_an_account(tmp_path):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.gpkg", None)

    assert DataSource(str(result.path))[0].fields == REGISTER_NAMES


def test_register_values_of_each_column(tmp_path, officer):
    load_cadastre(tmp_path)

    result = _export(tmp_path, "thua_dat.csv", officer)

    rows = {
        f"{r['maDVHCXa']}/{r['soHieuToBanDo']}/{r['soThuTuThua']}": r
        for r in _csv_rows(result.path)
    }
    parcel = Parcel.objects.get(
        map_sheet__commune__code="25198", map_sheet__number=1, parcel_number=2
    )
    assert {k: v for k, v in rows["25198/1/2"].items() if k != "WKT"} == {
        "maDVHCXa": "25198",
        "soHieuToBanDo": "1",
        "soThuTuThua": "2",
        "loaiDat": "ONT",
        "dienTich": "500.4",
        "diaChi": "Khu phố 3, Phường Tân Đồng",
        "tyLe": "1000",
        "thoiHan": "Lâu dài",
        "maDinhDanh": parcel.uid,
        "dienTichTinhToan": "500.00",
        "danhMucDVHC": "2004",
        "maDVHCXaMoi": "25195",
        "tenChu": "Công ty TNHH Minh Phát",
        "namSinh": "",
        "soGiayTo": "3801234567",
        "doiTuong": "TKT",
        "tenChu2": "",
        "namSinh2": "",
        "soGiayTo2": "",
        "soPhatHanh": "CS 654321",
        "soVaoSo": "CS 00123",
        "ngayCap": "2020-02-29",
    }
    assert (rows["25198/1/1"]["thoiHan"], rows["25198/1/3"]["tenChu"]) == (
        "2043-12-31",
        "",
    )
    assert rows["25207/5/7"]["maDVHCXaMoi"] == "25210"


def test_multi_purpose_parcel_is_written_with_its_codes_joined(tmp_path, officer):
    load_cadastre(tmp_path)
    parcel = Parcel.objects.get(
        map_sheet__commune__code="25198", map_sheet__number=1, parcel_number=1
    )
    # No service records a second purpose yet (land-register import, #3).
    LandUsePurpose.objects.create(
        parcel=parcel,
        land_use_type=LandUseType.objects.get(
            catalogue=LandUseCatalogue.TT08_2024, code="ONT"
        ),
        area_m2=Decimal("100.0"),
        long_term=True,
    )

    result = _export(
        tmp_path, "thua_dat.csv", officer, ParcelSelection(commune_code="25198")
    )

    first = _csv_rows(result.path)[0]
    assert (first["loaiDat"], first["thoiHan"]) == ("CLN+ONT", "")


def test_multi_purpose_parcel_is_refused_by_the_importer_today(tmp_path, officer):
    load_cadastre(tmp_path, cadastre_features()[:1])
    parcel = Parcel.objects.get()
    LandUsePurpose.objects.create(
        parcel=parcel,
        land_use_type=LandUseType.objects.get(
            catalogue=LandUseCatalogue.TT08_2024, code="ONT"
        ),
        area_m2=Decimal("100.0"),
        long_term=True,
    )
    result = _export(tmp_path, "thua_dat.gpkg", officer)
    clear_cadastre()

    report = import_parcel_file(result.path, ImportOptions(), acting_user=None)

    # TODO(#3): the importer reads one purpose per map feature; this test
    # changes when the land-register import brings each purpose's area.
    assert [(r.field, r.reason) for r in report.rejections] == [
        (
            "loaiDat",
            "CLN+ONT names several purposes; import their areas from a register",
        )
    ]
    assert Parcel.objects.count() == 0


def test_xlsx_tables_longer_than_a_sheet_go_on_in_further_sheets(
    tmp_path, officer, monkeypatch
):
    from lis.exchange.export import tables

    load_cadastre(tmp_path)
    monkeypatch.setattr(tables, "XLSX_MAX_ROWS", 4)

    result = _export(tmp_path, "thua_dat.xlsx", officer)

    book = openpyxl.load_workbook(result.path)
    parcel_sheets = [n for n in book.sheetnames if n.startswith("ThuaDat")]
    assert parcel_sheets == ["ThuaDat", "ThuaDat_2", "ThuaDat_3"]
    numbers = [
        (row[0], row[1], row[2])
        for name in parcel_sheets
        for row in list(book[name].values)[1:]
    ]
    assert numbers == [
        ("25198", 1, 1), ("25198", 1, 2), ("25198", 1, 3), ("25198", 2, 1),
        ("25198", 2, 2), ("25201", 1, 1), ("25207", 5, 7),
    ]  # fmt: skip
    assert [next(book[name].values)[0] for name in book.sheetnames] == [
        "maDVHCXa"
    ] * len(book.sheetnames)
    vertex_rows = sum(
        book[n].max_row - 1 for n in book.sheetnames if n.startswith("ToaDo")
    )
    assert vertex_rows == 4 + 4 + 4 + 8 + 8 + 4 + 4


def test_formula_like_text_comes_back_exactly_from_xlsx(tmp_path, officer):
    _formula_cadastre(tmp_path)
    result = _export(tmp_path, "thua_dat.xlsx", officer)
    clear_cadastre()

    import_file(result.path)

    assert sorted(LandUser.objects.values_list("full_name", flat=True)) == sorted(
        ["+84 Nguyễn", FORMULA_NAME]
    )
    assert sorted(Parcel.objects.values_list("address", flat=True)) == [
        "-Tổ 6",
        "@Tổ 5",
    ]


def test_formula_like_text_comes_back_with_its_apostrophe_from_csv(tmp_path, officer):
    _formula_cadastre(tmp_path)
    result = _export(tmp_path, "thua_dat.csv", officer)
    clear_cadastre()

    import_file(result.path)

    # TODO(#3): the importer keeps the apostrophe that neutralised the cell;
    # it could drop one before = + - @ when reading CSV.
    assert sorted(Parcel.objects.values_list("address", flat=True)) == [
        "'-Tổ 6",
        "'@Tổ 5",
    ]
