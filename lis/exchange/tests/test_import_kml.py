"""Import of KML and KMZ files (issue #3): GDAL's LIBKML driver reads
placemarks with their ExtendedData; WGS84 coordinates reach storage through
the pinned EPSG:6960 operation."""

import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
import shapely
from django.core.management import CommandError, call_command

from lis.cadastre.models import LandUser, MapSheet, Parcel
from lis.core import crs
from lis.exchange.errors import ImportRefusedError
from lis.exchange.parcel_import.service import (
    ImportMode,
    ImportOptions,
    import_parcel_file,
)
from lis.exchange.parcel_import.sources import open_file, read_batches
from lis.exchange.tests.fixtures.parcel_files import ORIGIN, square

pytestmark = pytest.mark.django_db


def _coordinates(geom) -> str:
    return " ".join(f"{x:.10f},{y:.10f},0" for x, y in geom.exterior.coords)


def placemark(geom, data: dict, typed: bool = True) -> str:
    """A placemark of `geom` (EPSG:9212), written in WGS84 lon/lat."""
    lonlat = crs.to_wgs84(geom, 9212)
    if typed:
        cells = "".join(
            f'<SimpleData name="{k}">{escape(str(v))}</SimpleData>'
            for k, v in data.items()
        )
        extended = f'<SchemaData schemaUrl="#thua_dat">{cells}</SchemaData>'
    else:
        extended = "".join(
            f'<Data name="{k}"><value>{escape(str(v))}</value></Data>'
            for k, v in data.items()
        )
    if geom.geom_type == "Point":
        shape = f"<Point><coordinates>{lonlat.x},{lonlat.y}</coordinates></Point>"
    else:
        shape = (
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{_coordinates(lonlat)}"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        )
    return f"<Placemark><ExtendedData>{extended}</ExtendedData>{shape}</Placemark>"


def parcel(sheet: int, number: int, land_use: str = "CLN", **extra) -> dict:
    return {
        "maDVHCXa": "25198",
        "soHieuToBanDo": sheet,
        "soThuTuThua": number,
        "loaiDat": land_use,
        **extra,
    }


SCHEMA = (
    '<Schema name="thua_dat" id="thua_dat">'
    '<SimpleField name="maDVHCXa" type="string"/>'
    '<SimpleField name="soHieuToBanDo" type="int"/>'
    '<SimpleField name="soThuTuThua" type="int"/>'
    '<SimpleField name="loaiDat" type="string"/>'
    '<SimpleField name="dienTich" type="string"/>'
    "</Schema>"
)


def write_kml(path, folders: dict[str, list[str]], schema: str = SCHEMA):
    body = "".join(
        f"<Folder><name>{name}</name>{''.join(marks)}</Folder>"
        for name, marks in folders.items()
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><name>ban_do</name>{schema}{body}</Document></kml>",
        encoding="utf-8",
    )
    return path


def _import(path, **options):
    return import_parcel_file(path, ImportOptions(**options), acting_user=None)


def test_kml_placemarks_with_schema_data_become_parcels(tmp_path):
    path = write_kml(
        tmp_path / "thua.kml",
        {
            "thua_dat": [
                placemark(square(0), parcel(1, 1, dienTich="499,6")),
                placemark(square(1), parcel(1, 2, "ODT")),
            ]
        },
    )

    report = _import(path)

    assert report.rejections == []
    assert (report.layer, report.crs, report.feature_count) == (
        "thua_dat",
        "EPSG:4326",
        2,
    )
    first = Parcel.objects.get(parcel_number=1)
    assert first.legacy_key == "25198/1/1"
    assert first.legal_area_m2 == Decimal("499.6")
    xmin, ymin, xmax, ymax = first.geom.extent
    assert (xmin, ymin, xmax, ymax) == pytest.approx(
        (ORIGIN[0], ORIGIN[1], ORIGIN[0] + 20, ORIGIN[1] + 25), abs=0.001
    )
    assert first.computed_area_m2 == Decimal("500.00")
    assert [p.land_use_type.code for p in first.purposes.all()] == ["CLN"]


def test_kml_untyped_extended_data_is_read_by_name(tmp_path):
    path = write_kml(
        tmp_path / "thua.kml",
        {
            "thua_dat": [
                placemark(
                    square(0),
                    parcel(1, 1, tenChu="Nguyễn Văn An", soGiayTo="070075001234"),
                    typed=False,
                )
            ]
        },
        schema="",
    )

    report = _import(path)

    assert report.rejections == []
    user = LandUser.objects.get()
    assert (user.full_name, user.documents.get().number) == (
        "Nguyễn Văn An",
        "070075001234",
    )


def _kmz(tmp_path, typed: bool):
    kml = write_kml(
        tmp_path / "doc.kml",
        {"thua_dat": [placemark(square(0), parcel(1, 1), typed=typed)]},
        schema=SCHEMA if typed else "",
    )
    path = tmp_path / "thua.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(kml, "doc.kml")
    return path


def test_kmz_archive_is_read_like_its_kml(tmp_path):
    path = _kmz(tmp_path, typed=False)

    report = _import(path)

    assert report.committed is True
    assert Parcel.objects.get().legacy_key == "25198/1/1"


def test_kmz_archive_with_schema_data_is_read_like_its_kml(tmp_path):
    path = _kmz(tmp_path, typed=True)

    report = _import(path)

    assert report.committed is True


def test_kml_with_two_folders_needs_the_layer_named(tmp_path):
    path = write_kml(
        tmp_path / "thua.kml",
        {
            "to_1": [placemark(square(0), parcel(1, 1))],
            "to_2": [placemark(square(1), parcel(2, 1))],
        },
    )

    with pytest.raises(ImportRefusedError) as refused:
        _import(path)
    report = _import(path, layer="to_2")

    assert str(refused.value.message) == (
        "The file has several polygon layers (to_1, to_2); name the one to import."
    )
    assert report.committed is True
    assert [p.legacy_key for p in Parcel.objects.all()] == ["25198/2/1"]


def test_point_placemark_is_rejected_and_nothing_is_saved(tmp_path):
    path = write_kml(
        tmp_path / "thua.kml",
        {
            "thua_dat": [
                placemark(square(0), parcel(1, 1)),
                placemark(shapely.Point(ORIGIN), parcel(1, 2)),
            ]
        },
    )

    report = _import(path)

    assert [(r.feature, r.parcel, r.field, r.reason) for r in report.rejections] == [
        (2, "2", "geometry", "a parcel must be a polygon, not a MultiPoint")
    ]
    assert report.committed is False
    assert (Parcel.objects.count(), MapSheet.objects.count()) == (0, 0)


def test_malformed_identity_number_in_kml_is_rejected(tmp_path):
    path = write_kml(
        tmp_path / "thua.kml",
        {
            "thua_dat": [
                placemark(
                    square(0),
                    parcel(1, 1, tenChu="Lê Văn Cường", soGiayTo="07007500123A"),
                    typed=False,
                ),
                placemark(square(1), parcel(1, 2), typed=False),
            ]
        },
        schema="",
    )

    report = _import(path, mode=ImportMode.VALID_ONLY)

    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (
            1,
            "soGiayTo",
            "07007500123A is neither a 9-digit CMND nor a 12-digit CCCD",
        )
    ]
    assert [p.parcel_number for p in Parcel.objects.all()] == [2]


def test_command_line_imports_a_kml_file(tmp_path, capsys):
    path = write_kml(
        tmp_path / "thua.kml", {"thua_dat": [placemark(square(0), parcel(1, 1))]}
    )

    call_command("import_parcels", str(path), verbosity=0)

    assert (
        "Imported 1 parcels, 1 new map sheets, 0 new land users, 0 certificates."
        in capsys.readouterr().out
    )


def test_command_line_reports_a_rejected_placemark(tmp_path, capsys):
    path = write_kml(
        tmp_path / "thua.kml",
        {"thua_dat": [placemark(square(0), parcel(1, 1, "XYZ"))]},
    )

    with pytest.raises(CommandError, match="1 features were rejected"):
        call_command("import_parcels", str(path), verbosity=0)

    assert "#1 sheet 1 parcel 1 — loaiDat: " in capsys.readouterr().out
    assert Parcel.objects.count() == 0


def test_sheet_given_fills_placemarks_without_one(tmp_path):
    data = {"maDVHCXa": "25198", "soThuTuThua": 7, "loaiDat": "CLN"}
    path = write_kml(
        tmp_path / "thua.kml",
        {"thua_dat": [placemark(square(0), data, typed=False)]},
        schema="",
    )

    source = open_file(path, None, None, None, sheet="12")
    batch = next(read_batches(source, ["maDVHCXa", "soHieuToBanDo", "soThuTuThua"]))

    assert {name: list(cells) for name, cells in batch.columns.items()} == {
        "maDVHCXa": ["25198"],
        "soHieuToBanDo": ["12"],
        "soThuTuThua": ["7"],
    }
