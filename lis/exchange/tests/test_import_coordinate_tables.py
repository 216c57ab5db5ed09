"""Import of coordinate tables (bảng tọa độ, issue #3): a parcel built from
its vertices, X = northing and Y = easting; rejections name the rows."""

from decimal import Decimal

import pytest
import shapely
from django.core.management import CommandError, call_command

from lis.cadastre.models import (
    Certificate,
    IdentityDocument,
    LandUser,
    MapSheet,
    Parcel,
    Right,
)
from lis.core.models import AuditRecord
from lis.exchange.errors import ImportRefusedError, MissingCRSError
from lis.exchange.parcel_import.coordinate_tables import crs_from_text
from lis.exchange.parcel_import.service import (
    ImportMode,
    ImportOptions,
    import_parcel_file,
)
from lis.exchange.parcel_import.sources import open_file, read_batches
from lis.exchange.tests.fixtures.parcel_files import ORIGIN, bow_tie, square
from lis.exchange.tests.fixtures.table_files import (
    TABLE_HEADER,
    add_sheet,
    parcel_rows,
    write_table,
)

pytestmark = pytest.mark.django_db

CRS_TITLE = "Hệ tọa độ VN-2000, kinh tuyến trục 106°15', múi chiếu 3°"


def _import(path, **options):
    return import_parcel_file(path, ImportOptions(**options), acting_user=None)


def _table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Parcel, MapSheet, LandUser, IdentityDocument, Certificate, Right)
    }


def _rejections(report) -> list[tuple]:
    return [
        (r.feature, r.sheet, r.parcel, r.field, r.reason) for r in report.rejections
    ]


def _geos(geom):
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry(shapely.to_wkt(geom), srid=9212)


def _two_parcels(tmp_path, suffix=".xlsx", **write):
    rows = parcel_rows(square(0), 1, 1, dienTich="499,6") + parcel_rows(
        square(1), 1, 2, "ODT"
    )
    return write_table(tmp_path / f"bang{suffix}", rows, TABLE_HEADER, **write)


def test_xlsx_table_builds_one_parcel_per_key_in_the_crs_of_its_title(tmp_path):
    path = _two_parcels(tmp_path, titles=["BẢNG TỌA ĐỘ GÓC RANH", CRS_TITLE])

    report = _import(path)

    assert report.rejections == []
    assert (report.layer, report.crs, report.feature_count) == (
        "Bang toa do",
        "EPSG:9212",
        2,
    )
    assert report.created == {
        "parcels": 2,
        "map_sheets": 1,
        "land_users": 0,
        "certificates": 0,
        "rights": 0,
    }
    first = Parcel.objects.get(parcel_number=1)
    assert first.legacy_key == "25198/1/1"
    assert first.legal_area_m2 == Decimal("499.6")
    assert first.computed_area_m2 == Decimal("500.00")
    assert first.geom.equals_exact(
        _geos(shapely.MultiPolygon([square(0)])), tolerance=0.0005
    )
    second = Parcel.objects.get(parcel_number=2)
    assert [p.land_use_type.code for p in second.purposes.all()] == ["ODT"]
    assert AuditRecord.objects.filter(action="parcels.import").count() == 1


def test_csv_with_semicolons_and_decimal_commas_builds_the_parcel(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    for row in rows:
        # X as 1275700,000; Y as 568.900,000 (dots group thousands).
        row["X"] = f"{row['X']:.3f}".replace(".", ",")
        row["Y"] = f"{row['Y']:,.3f}".replace(",", " ").replace(".", ",")
        row["Y"] = row["Y"].replace(" ", ".")
    path = write_table(tmp_path / "bang.csv", rows, TABLE_HEADER, delimiter=";")

    report = _import(path, srid=9212)

    assert report.rejections == []
    assert report.crs == "EPSG:9212"
    xmin, ymin, xmax, ymax = Parcel.objects.get().geom.extent
    assert (xmin, ymin, xmax, ymax) == pytest.approx(
        (ORIGIN[0], ORIGIN[1], ORIGIN[0] + 20, ORIGIN[1] + 25), abs=0.0005
    )


def test_table_naming_no_crs_is_refused_like_a_map_file(tmp_path):
    path = _two_parcels(tmp_path)

    with pytest.raises(MissingCRSError):
        _import(path)

    assert Parcel.objects.count() == 0


def test_crs_column_names_the_crs_of_the_table(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    for row in rows:
        row["EPSG"] = 9212
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path)

    assert report.crs == "EPSG:9212"
    assert report.committed is True


def test_crs_column_with_two_systems_is_refused_naming_their_rows(tmp_path):
    rows = parcel_rows(square(0), 1, 1) + parcel_rows(square(1), 1, 2)
    for index, row in enumerate(rows):
        row["EPSG"] = "EPSG:9212" if index < 4 else "EPSG:9210"
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    with pytest.raises(ImportRefusedError) as refused:
        _import(path)

    assert str(refused.value.message) == (
        "The table names several coordinate reference systems:"
        " EPSG:9212 (rows 2–5); EPSG:9210 (rows 6–9)."
    )


def test_named_srid_wins_over_the_table_and_says_so(tmp_path):
    path = _two_parcels(tmp_path, titles=["EPSG:9210"])

    report = _import(path, srid=9212)

    assert report.notes[0] == (
        "The file declares EPSG:9210; it was read as EPSG:9212 as named."
    )
    assert report.committed is True


def test_crs_is_read_from_the_ways_tables_write_it():
    assert crs_from_text("EPSG:9212") == 9212
    assert crs_from_text("Hệ tọa độ VN-2000 KTT 106°15' múi chiếu 3°") == 9212
    assert crs_from_text("VN2000, kinh tuyến trục 106-15, múi 3 độ") == 9212
    assert crs_from_text("VN-2000 / TM-3 107-45") == 5899
    assert crs_from_text("Hệ VN-2000, KTT 105°, múi chiếu 6°") == 3405
    assert crs_from_text("9212") is None
    assert crs_from_text("9212", bare_code=True) == 9212
    assert crs_from_text("BẢNG TỌA ĐỘ NĂM 2024") is None
    assert crs_from_text("Hệ tọa độ VN-2000") is None


def test_swapped_columns_are_rejected_naming_the_rows_never_swapped(tmp_path):
    rows = parcel_rows(square(0), 1, 1) + parcel_rows(square(1), 1, 2)
    for row in rows[4:]:
        row["X"], row["Y"] = row["Y"], row["X"]
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER, titles=[CRS_TITLE])
    before = _table_counts()

    report = _import(path)

    assert _rejections(report) == [
        (
            2,
            "1",
            "2",
            "geometry",
            (
                "the boundary cannot be read: rows 8–11: X and Y seem swapped: the X"
                " column holds eastings and the Y column northings (X is the northing"
                " in Vietnamese tables)"
            ),
        )
    ]
    assert report.rejections[0].code == "invalid_geometry"
    assert report.committed is False
    assert _table_counts() == before


def test_one_swapped_vertex_is_rejected_naming_its_row(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    rows[2]["X"], rows[2]["Y"] = rows[2]["Y"], rows[2]["X"]
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert [r.reason for r in report.rejections] == [
        (
            "the boundary cannot be read: row 4: X and Y seem swapped: the X column"
            " holds eastings and the Y column northings (X is the northing in"
            " Vietnamese tables)"
        )
    ]


def test_vertex_without_a_coordinate_is_rejected_naming_its_row(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    rows[2]["Y"] = None
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert _rejections(report) == [
        (
            1,
            "1",
            "1",
            "geometry",
            "the boundary cannot be read: row 4: no value of Y",
        )
    ]


def test_missing_point_number_in_the_sequence_is_rejected(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    del rows[2]
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert [r.reason for r in report.rejections] == [
        (
            "the boundary cannot be read: rows 2–4: point 3 is missing (the points"
            " are numbered 1–4)"
        )
    ]


def test_ring_of_two_points_is_rejected(tmp_path):
    rows = parcel_rows(square(0), 1, 1)[:2]
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert [r.reason for r in report.rejections] == [
        (
            "the boundary cannot be read: rows 2–3: ring 1 has 2 points; a boundary"
            " needs at least 3"
        )
    ]


def test_duplicate_point_numbers_are_rejected_naming_their_rows(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    rows[3]["soHieuDiem"] = 2
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert [r.reason for r in report.rejections] == [
        (
            "the boundary cannot be read: rows 3, 5: point 2 is given more than once,"
            " with different coordinates"
        )
    ]


def test_ring_closed_by_repeating_its_first_point_is_accepted(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    rows.append({**rows[0], "loaiDat": None})
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert report.rejections == []
    assert Parcel.objects.get().computed_area_m2 == Decimal("500.00")


def test_last_point_that_repeats_the_first_elsewhere_does_not_close(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    rows.append({"soHieuDiem": 1, "X": rows[0]["X"] + 0.5, "Y": rows[0]["Y"]})
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert [r.reason for r in report.rejections] == [
        (
            "the boundary cannot be read: rows 2, 6: point 1 is given more than once,"
            " with different coordinates"
        )
    ]


def test_text_that_is_not_a_coordinate_is_rejected_naming_row_and_column(tmp_path):
    rows = parcel_rows(square(0), 1, 1)
    rows[1]["X"] = "1275700.12.5"
    rows[2]["Y"] = "568,920.00"
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert [r.reason for r in report.rejections] == [
        (
            "the boundary cannot be read: row 3: X: 1275700.12.5 is not a number;"
            " row 4: Y: 568,920.00 groups thousands with commas; write 1234,5 or 1234.5"
        )
    ]


def test_conflicting_attributes_are_rejected_naming_the_rows(tmp_path):
    rows = parcel_rows(square(0), 1, 1, repeat=True)
    rows[2]["loaiDat"] = "ODT"
    rows[3]["loaiDat"] = "ODT"
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)
    before = _table_counts()

    report = _import(path, srid=9212)

    assert _rejections(report) == [
        (
            1,
            "1",
            "1",
            "loaiDat",
            "rows 2–5 give different values: CLN (rows 2–3); ODT (rows 4–5)",
        )
    ]
    assert _table_counts() == before


def test_attributes_repeated_on_every_row_are_read_once(tmp_path):
    rows = parcel_rows(square(0), 1, 1, repeat=True, dienTich="500,0")

    report = _import(write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER), srid=9212)

    assert report.rejections == []
    assert Parcel.objects.get().legal_area_m2 == Decimal("500.0")


def test_blank_key_cells_repeat_the_key_above_as_merged_cells_do(tmp_path):
    rows = parcel_rows(square(0), 1, 1) + parcel_rows(square(1), 1, 2)
    for row in rows:
        if row is not rows[0]:
            row["maDVHCXa"] = row["soHieuToBanDo"] = None
        if row.get("loaiDat") is None:
            row["soThuTuThua"] = None
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert report.rejections == []
    assert sorted(p.legacy_key for p in Parcel.objects.all()) == [
        "25198/1/1",
        "25198/1/2",
    ]


def test_ring_inside_the_outer_ring_is_a_hole(tmp_path):
    yard = square(0, width=40, depth=40).difference(
        shapely.box(ORIGIN[0] + 10, ORIGIN[1] + 10, ORIGIN[0] + 20, ORIGIN[1] + 20)
    )
    path = write_table(
        tmp_path / "bang.xlsx", parcel_rows(yard, 1, 1), TABLE_HEADER + ["vong"]
    )

    report = _import(path, srid=9212)

    assert report.rejections == []
    parcel = Parcel.objects.get()
    assert parcel.computed_area_m2 == Decimal("1500.00")
    assert len(parcel.geom) == 1
    assert parcel.geom[0].num_interior_rings == 1


def test_separate_rings_make_a_parcel_of_several_parts(tmp_path):
    parts = shapely.MultiPolygon([square(0), square(2)])
    path = write_table(
        tmp_path / "bang.xlsx", parcel_rows(parts, 1, 1), TABLE_HEADER + ["vong"]
    )

    report = _import(path, srid=9212)

    assert report.rejections == []
    parcel = Parcel.objects.get()
    assert len(parcel.geom) == 2
    assert parcel.computed_area_m2 == Decimal("1000.00")


def test_self_intersecting_boundary_is_rejected_naming_its_rows(tmp_path):
    rows = parcel_rows(square(0), 1, 1) + parcel_rows(bow_tie(1), 1, 2)
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert _rejections(report) == [
        (
            2,
            "1",
            "2",
            "geometry",
            (
                "the boundary cannot be read: rows 6–9: the boundary is not valid:"
                " Self-intersection[568930 1275712.5]"
            ),
        )
    ]


def test_vietnamese_headers_with_diacritics_are_recognised(tmp_path):
    rows = [
        {
            "Mã xã": 25198,
            "Số tờ": 1,
            "Số thửa": 1,
            "Số hiệu điểm": row["soHieuDiem"],
            "Tọa độ X (m)": row["X"],
            "Tọa độ Y (m)": row["Y"],
            "Loại đất": row.get("loaiDat"),
        }
        for row in parcel_rows(square(0), 1, 1)
    ]
    path = write_table(tmp_path / "bang.xlsx", rows)

    report = _import(path, srid=9212)

    assert report.rejections == []
    assert report.field_map == {
        "commune": "MaXa",
        "sheet": "SoTo",
        "parcel": "SoThua",
        "land_use": "loaiDat",
    }
    assert Parcel.objects.get().legacy_key == "25198/1/1"


def test_identity_number_kept_as_a_zero_padded_number_keeps_its_zeros(tmp_path):
    import openpyxl

    rows = parcel_rows(square(0), 1, 1, tenChu="Nguyễn Văn An", soGiayTo=70075001234)
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    column = [c.value for c in sheet[1]].index("soGiayTo") + 1
    sheet.cell(row=2, column=column).number_format = "000000000000"
    workbook.save(path)

    report = _import(path, srid=9212)

    assert report.rejections == []
    assert IdentityDocument.objects.get().number == "070075001234"


def test_identity_number_that_lost_its_zero_is_rejected(tmp_path):
    rows = parcel_rows(square(0), 1, 1, tenChu="Nguyễn Văn An", soGiayTo=70075001234)
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert _rejections(report) == [
        (
            1,
            "1",
            "1",
            "soGiayTo",
            (
                "70075001234 has 11 digits: leading zeros were probably lost;"
                " store identity numbers as text"
            ),
        )
    ]


def test_tcvn3_owner_names_in_a_workbook_are_converted(tmp_path):
    rows = parcel_rows(square(0), 1, 1, tenChu="NguyÔn V¨n An") + parcel_rows(
        square(1), 1, 2, tenChu="TrÇn ThÞ B×nh"
    )
    path = write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER)

    report = _import(path, srid=9212)

    assert report.rejections == []
    assert sorted(LandUser.objects.values_list("full_name", flat=True)) == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    assert "tenChu: 2 values converted from TCVN3 to Unicode." in report.notes


def test_file_without_coordinate_columns_points_to_the_register_import(tmp_path):
    rows = [{"maDVHCXa": "25198", "soHieuToBanDo": 1, "soThuTuThua": 1}]
    path = write_table(tmp_path / "so.xlsx", rows)

    with pytest.raises(ImportRefusedError) as refused:
        _import(path, srid=9212)

    assert str(refused.value.message) == (
        "No row among the first 30 of so.xlsx names the columns of a coordinate"
        " table: X, Y and the parcel number (soThuTuThua). A land register"
        " (owners, certificates) is imported with `lis import-register`."
    )


def test_workbook_with_two_tables_needs_the_sheet_named(tmp_path):
    path = _two_parcels(tmp_path)
    other = parcel_rows(square(3), 2, 1)
    add_sheet(
        path,
        "To 2",
        [TABLE_HEADER] + [[row.get(n) for n in TABLE_HEADER] for row in other],
    )

    with pytest.raises(ImportRefusedError) as refused:
        _import(path, srid=9212)
    report = _import(path, srid=9212, layer="To 2")

    assert str(refused.value.message) == (
        "The workbook has several coordinate tables (Bang toa do, To 2); name the"
        " one to import."
    )
    assert [p.legacy_key for p in Parcel.objects.all()] == ["25198/2/1"]
    assert report.layer == "To 2"


def test_valid_only_mode_imports_the_parcels_whose_rows_are_sound(tmp_path):
    rows = parcel_rows(square(0), 1, 1) + parcel_rows(square(1), 1, 2)
    rows[6]["Y"] = None

    report = _import(
        write_table(tmp_path / "bang.xlsx", rows, TABLE_HEADER),
        srid=9212,
        mode=ImportMode.VALID_ONLY,
    )

    assert report.committed is True
    assert [(r.feature, r.reason) for r in report.rejections] == [
        (2, "the boundary cannot be read: row 8: no value of Y")
    ]
    assert [p.legacy_key for p in Parcel.objects.all()] == ["25198/1/1"]


def test_commune_and_sheet_given_fill_a_table_without_them(tmp_path):
    rows = parcel_rows(square(0), 1, 7)
    for row in rows:
        del row["maDVHCXa"], row["soHieuToBanDo"]
    path = write_table(tmp_path / "bang.xlsx", rows)

    source = open_file(path, None, 9212, None, commune="25198", sheet="12")
    batch = next(read_batches(source, ["maDVHCXa", "soHieuToBanDo", "soThuTuThua"]))

    assert source.fields == [
        "soThuTuThua",
        "loaiDat",
        "maDVHCXa",
        "soHieuToBanDo",
    ]
    assert {name: list(values) for name, values in batch.columns.items()} == {
        "maDVHCXa": ["25198"],
        "soHieuToBanDo": ["12"],
        "soThuTuThua": ["7"],
    }


def test_commune_given_for_a_table_that_has_one_is_refused(tmp_path):
    path = _two_parcels(tmp_path)

    with pytest.raises(ImportRefusedError) as refused:
        open_file(path, None, 9212, None, commune="25198")

    assert str(refused.value.message) == (
        "The file has its own commune code field (maDVHCXa); name the commune"
        " code only for files without one."
    )


def test_import_with_commune_and_sheet_options(tmp_path):
    rows = parcel_rows(square(0), 1, 7)
    for row in rows:
        del row["maDVHCXa"], row["soHieuToBanDo"]
    path = write_table(tmp_path / "bang.xlsx", rows)

    report = _import(path, srid=9212, commune="25198", sheet=12)

    assert report.committed is True
    assert Parcel.objects.get().legacy_key == "25198/12/7"


def test_command_line_imports_a_table(tmp_path, capsys):
    path = _two_parcels(tmp_path, titles=[CRS_TITLE])

    call_command("import_parcels", str(path), verbosity=0)

    assert (
        "Imported 2 parcels, 1 new map sheets, 0 new land users, 0 certificates."
        in capsys.readouterr().out
    )


def test_command_line_names_the_rows_of_a_rejected_parcel(tmp_path, capsys):
    rows = parcel_rows(square(0), 1, 1)
    rows[1]["X"] = None
    path = write_table(tmp_path / "bang.csv", rows, TABLE_HEADER)

    with pytest.raises(CommandError, match="1 features were rejected"):
        call_command("import_parcels", str(path), "--srid", "9212", verbosity=0)

    assert (
        "#1 sheet 1 parcel 1 — geometry: the boundary cannot be read: row 3:"
        " no value of X" in capsys.readouterr().out
    )
    assert Parcel.objects.count() == 0


def test_damaged_workbook_is_refused(tmp_path):
    path = _two_parcels(tmp_path)
    path.write_bytes(path.read_bytes()[:300])

    with pytest.raises(ImportRefusedError) as refused:
        _import(path, srid=9212)

    assert str(refused.value.message).startswith(
        "bang.xlsx cannot be read as an XLSX workbook: "
    )
    assert Parcel.objects.count() == 0


def test_csv_that_is_not_utf8_is_refused_naming_the_row(tmp_path):
    rows = parcel_rows(square(0), 1, 1, tenChu="Lê Văn An")
    path = write_table(tmp_path / "bang.csv", rows, TABLE_HEADER, encoding="cp1258")

    with pytest.raises(ImportRefusedError) as refused:
        _import(path, srid=9212)
    report = _import(path, srid=9212, encoding="cp1258")

    assert str(refused.value.message) == (
        "Line 2 of bang.csv is not utf-8 text; name the file's encoding (e.g. cp1258)."
    )
    assert report.committed is True
    assert LandUser.objects.get().full_name == "Lê Văn An"


def _exported_workbook(tmp_path, officer):
    from lis.exchange.export.selection import ParcelSelection
    from lis.exchange.export.service import export_parcels
    from lis.exchange.tests.fixtures.parcel_files import feature, write_parcel_file

    yard = square(2, width=40, depth=40).difference(
        shapely.box(ORIGIN[0] + 90, ORIGIN[1] + 10, ORIGIN[0] + 100, ORIGIN[1] + 20)
    )
    source = write_parcel_file(
        tmp_path / "a.gpkg",
        [
            feature(
                square(0),
                1,
                1,
                dienTich=499.6,
                tenChu="Nguyễn Văn An",
                soGiayTo="070075001234",
                soPhatHanh="BĐ 123456",
                ngayCap="15/03/2012",
            ),
            feature(shapely.MultiPolygon([square(1), square(1, row=2)]), 1, 2, "ODT"),
            feature(yard, 1, 3),
        ],
    )
    import_parcel_file(source, ImportOptions(), acting_user=None)
    stored = {
        p.legacy_key: (
            p.legal_area_m2,
            p.computed_area_m2,
            shapely.normalize(shapely.from_wkb(bytes(p.geom.wkb))),
        )
        for p in Parcel.objects.all()
    }
    result = export_parcels(
        ParcelSelection(), tmp_path / "thua_dat.xlsx", acting_user=officer
    )
    for model in (Right, Certificate, IdentityDocument, LandUser, Parcel, MapSheet):
        model.objects.all().delete()
    return result.path, stored


def test_xlsx_exported_by_the_system_imports_again(tmp_path, officer):
    path, stored = _exported_workbook(tmp_path, officer)

    report = _import(path, srid=9212)

    assert report.rejections == []
    assert report.layer == "ThuaDat"
    again = {
        p.legacy_key: (
            p.legal_area_m2,
            p.computed_area_m2,
            shapely.normalize(shapely.from_wkb(bytes(p.geom.wkb))),
        )
        for p in Parcel.objects.all()
    }
    assert again == stored
    assert len(again["25198/1/3"][2].geoms[0].interiors) == 1
    assert len(again["25198/1/2"][2].geoms) == 2
    right = Right.objects.get()
    assert (
        right.holder.full_name,
        right.holder.documents.get().number,
        right.certificate.serial_number,
    ) == ("Nguyễn Văn An", "070075001234", "BĐ 123456")


def test_vertex_sheet_of_an_export_gives_the_same_boundaries(tmp_path, officer):
    path, stored = _exported_workbook(tmp_path, officer)

    source = open_file(path, "ToaDo", 9212, None)
    batch = next(read_batches(source, ["soThuTuThua"]))

    assert batch.geometry_errors == {}
    for number, geom in zip(batch.columns["soThuTuThua"], batch.geometries):
        expected = stored[f"25198/1/{number}"][2]
        assert shapely.normalize(
            shapely.MultiPolygon(shapely.get_parts(geom))
        ).equals_exact(expected, tolerance=0.0005)
