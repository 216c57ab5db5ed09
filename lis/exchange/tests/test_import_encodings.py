"""Import of text in legacy Vietnamese encodings (issue #3): TCVN3 and VNI
detected and converted, Windows-1258 decoded here, the user's choice of
encoding obeyed, and the report saying what was converted.
"""

import io
import unicodedata
import zipfile

import pytest
from django.core.management import call_command

from lis.cadastre.models import LandUser, Parcel
from lis.exchange.models import ImportJob, ImportStatus
from lis.exchange.parcel_import.service import ImportOptions, import_parcel_file
from lis.exchange.tests.fixtures.legacy_files import (
    dbf_bytes,
    write_cp1258_shapefile,
    write_legacy_shapefile,
    write_mojibake_geopackage,
)
from lis.exchange.tests.fixtures.parcel_files import feature, square, write_parcel_file

pytestmark = pytest.mark.django_db

NOT_UTF8 = "the text is not valid utf-8; name the file's encoding"


def _import(path, **options):
    return import_parcel_file(path, ImportOptions(**options), acting_user=None)


def _owners() -> list[tuple[str, str]]:
    return list(
        LandUser.objects.order_by("name_key").values_list("full_name", "name_key")
    )


def _addresses() -> list[str]:
    parcels = Parcel.objects.order_by("parcel_number")
    return list(parcels.values_list("address", flat=True))


def _rejected(report) -> list[tuple[int, str, str]]:
    return [(r.feature, r.field, r.reason) for r in report.rejections]


def _zip(shapefile, path):
    with zipfile.ZipFile(path, "w") as archive:
        for part in shapefile.parent.glob(shapefile.stem + ".*"):
            archive.write(part, part.name)
    return path


TCVN3_FEATURES = [
    feature(square(0), 1, 1, tenChu="NguyÔn V¨n An", diaChi="Êp 3, x· T©n Thµnh"),
    feature(square(1), 1, 2, tenChu="TrÇn ThÞ Hång", diaChi="Ph\xadêng T©n Phó"),
]
VNI_FEATURES = [
    feature(
        square(0), 1, 1, tenChu="Nguyeãn Vaên An", diaChi="AÁp 3, xaõ Taân Thaønh"
    ),
    feature(square(1), 1, 2, tenChu="Traàn Thò Hoàng", diaChi="Ñoàng Xoaøi"),
]
CONVERTED_OWNERS = [
    ("Nguyễn Văn An", "NGUYEN VAN AN"),
    ("Trần Thị Hồng", "TRAN THI HONG"),
]


# --- Shapefiles ------------------------------------------------------------------


def test_tcvn3_shapefile_without_cpg_is_converted_to_unicode(tmp_path):
    path = write_legacy_shapefile(tmp_path / "tcvn3", TCVN3_FEATURES)

    report = _import(path)

    assert b"Nguy\xd4n V\xa8n An" in dbf_bytes(path)
    assert report.rejections == []
    assert _owners() == CONVERTED_OWNERS
    assert _addresses() == ["Ấp 3, xã Tân Thành", "Phường Tân Phú"]
    assert report.notes == [
        "diaChi: 2 values converted from TCVN3 to Unicode.",
        "tenChu: 2 values converted from TCVN3 to Unicode.",
    ]


def test_converted_names_are_stored_in_nfc(tmp_path):
    path = write_legacy_shapefile(tmp_path / "tcvn3", TCVN3_FEATURES)

    _import(path)

    names = LandUser.objects.values_list("full_name", flat=True)
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert LandUser.objects.filter(full_name="Nguyễn Văn An").count() == 1


def test_vni_shapefile_without_cpg_is_converted_to_unicode(tmp_path):
    path = write_legacy_shapefile(tmp_path / "vni", VNI_FEATURES)

    report = _import(path)

    assert b"Nguye\xe3n Va\xean An" in dbf_bytes(path)
    assert report.rejections == []
    assert _owners() == CONVERTED_OWNERS
    assert _addresses() == ["Ấp 3, xã Tân Thành", "Đồng Xoài"]
    assert report.notes == [
        "diaChi: 2 values converted from VNI to Unicode.",
        "tenChu: 2 values converted from VNI to Unicode.",
    ]


def test_tcvn3_shapefile_whose_cpg_says_1252_is_converted(tmp_path):
    # ArcGIS writes "1252" for any 8-bit .dbf: the bytes are still TCVN3.
    path = write_legacy_shapefile(tmp_path / "arcgis", TCVN3_FEATURES, cpg="1252")

    report = _import(path)

    assert _owners() == CONVERTED_OWNERS
    assert report.notes == [
        "diaChi: 2 values converted from TCVN3 to Unicode.",
        "tenChu: 2 values converted from TCVN3 to Unicode.",
    ]


def test_shapefile_with_cpg_1258_keeps_all_134_vietnamese_letters(tmp_path):
    lower = "áàảãạăắằẳẵặâấầẩẫậéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵđ"
    path = write_cp1258_shapefile(
        tmp_path / "cp1258",
        [
            feature(
                square(0), 1, 1, tenChu="Nguyễn Thị Hường", diaChi=lower + lower.upper()
            )
        ],
        cpg="1258",
    )

    report = _import(path)

    assert report.rejections == []
    assert _owners() == [("Nguyễn Thị Hường", "NGUYEN THI HUONG")]
    assert _addresses() == [lower + lower.upper()]
    assert len(lower) == 67
    assert report.notes == [
        "diaChi: 1 value converted from Windows-1258 to Unicode.",
        "tenChu: 1 value converted from Windows-1258 to Unicode.",
    ]


def test_windows_1258_without_cpg_is_still_rejected_by_its_field(tmp_path):
    # Nothing tells Windows-1258 from other code pages: the user names it.
    path = write_cp1258_shapefile(
        tmp_path / "cp1258",
        [feature(square(0), 1, 1, tenChu="Nguyễn Văn Ân")],
        cpg="",
    )
    path.with_suffix(".cpg").unlink()

    report = _import(path)

    assert _rejected(report) == [(1, "tenChu", NOT_UTF8)]
    assert LandUser.objects.count() == 0


def test_tcvn3_bytes_read_as_named_utf8_are_rejected_by_their_field(tmp_path):
    path = write_legacy_shapefile(tmp_path / "tcvn3", TCVN3_FEATURES)

    report = _import(path, encoding="utf-8")

    assert _rejected(report) == [
        (1, "diaChi", NOT_UTF8),
        (1, "tenChu", NOT_UTF8),
        (2, "diaChi", NOT_UTF8),
        (2, "tenChu", NOT_UTF8),
    ]
    assert LandUser.objects.count() == 0


def test_named_tcvn3_converts_a_value_too_short_to_detect(tmp_path):
    # "Lª" alone is one word of evidence: detection leaves it undecided.
    path = write_legacy_shapefile(
        tmp_path / "short", [feature(square(0), 1, 1, tenChu="Lª")]
    )

    detected = _import(path)
    named = _import(path, encoding="tcvn3")

    assert _rejected(detected) == [(1, "tenChu", NOT_UTF8)]
    assert named.rejections == []
    assert _owners() == [("Lê", "LE")]
    assert named.notes == ["tenChu: 1 value converted from TCVN3 to Unicode."]


# --- GeoPackages -----------------------------------------------------------------


def test_geopackage_holding_tcvn3_mojibake_is_converted(tmp_path):
    path = write_mojibake_geopackage(tmp_path / "a.gpkg", TCVN3_FEATURES)

    report = _import(path)

    assert report.rejections == []
    assert _owners() == CONVERTED_OWNERS
    assert _addresses() == ["Ấp 3, xã Tân Thành", "Phường Tân Phú"]
    assert report.notes == [
        "diaChi: 2 values converted from TCVN3 to Unicode.",
        "tenChu: 2 values converted from TCVN3 to Unicode.",
    ]


def test_named_utf8_leaves_geopackage_mojibake_as_it_is(tmp_path):
    path = write_mojibake_geopackage(tmp_path / "a.gpkg", TCVN3_FEATURES)

    report = _import(path, encoding="utf-8")

    assert _owners() == [
        ("NguyÔn V¨n An", "NGUYON V¨N AN"),
        ("TrÇn ThÞ Hång", "TRCN THÞ HANG"),
    ]
    assert report.notes == []


def test_named_vni_converts_what_detection_leaves_undecided(tmp_path):
    # "Thò" is a syllable as it is: alone, the value could be Unicode.
    path = write_mojibake_geopackage(
        tmp_path / "a.gpkg", [feature(square(0), 1, 1, tenChu="Phan Thò An")]
    )

    report = _import(path, encoding="vni")

    assert _owners() == [("Phan Thị An", "PHAN THI AN")]
    assert report.notes == ["tenChu: 1 value converted from VNI to Unicode."]


def test_named_vni_leaves_values_that_are_unicode_already(tmp_path):
    # "ă" is no 8-bit character: "Hùng" beside it is not VNI for "Húng".
    path = write_mojibake_geopackage(
        tmp_path / "a.gpkg",
        [
            feature(square(0), 1, 1, tenChu="Phan Thò An"),
            feature(square(1), 1, 2, tenChu="Lê Văn Hùng"),
        ],
    )

    report = _import(path, encoding="vni")

    assert _owners() == [("Lê Văn Hùng", "LE VAN HUNG"), ("Phan Thị An", "PHAN THI AN")]
    assert report.notes == ["tenChu: 1 value converted from VNI to Unicode."]


def test_detection_leaves_a_value_that_reads_as_unicode(tmp_path):
    path = write_mojibake_geopackage(
        tmp_path / "a.gpkg", [feature(square(0), 1, 1, tenChu="Phan Thò An")]
    )

    report = _import(path)

    assert _owners() == [("Phan Thò An", "PHAN THO AN")]
    assert report.notes == []


def test_unicode_geopackage_is_not_converted(tmp_path):
    names = ["Lê", "Lê Hà", "Hoàng Toàn", "Tân Hòa", "Nguyễn Văn Bình", "Điểu Thị Hoa"]
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [
            feature(square(i), 1, i + 1, tenChu=name, diaChi="Ấp 3, xã Tân Thành")
            for i, name in enumerate(names)
        ],
    )

    report = _import(path)

    assert sorted(name for name, _ in _owners()) == sorted(names)
    assert set(_addresses()) == {"Ấp 3, xã Tân Thành"}
    assert report.notes == []


def test_detection_is_per_column(tmp_path):
    path = write_mojibake_geopackage(
        tmp_path / "a.gpkg",
        [
            feature(square(0), 1, 1, tenChu="NguyÔn V¨n An", diaChi="Lê Hà"),
            feature(square(1), 1, 2, tenChu="TrÇn ThÞ Hång", diaChi="Tân Hòa"),
        ],
    )

    report = _import(path)

    assert _owners() == CONVERTED_OWNERS
    assert _addresses() == ["Lê Hà", "Tân Hòa"]
    assert report.notes == ["tenChu: 2 values converted from TCVN3 to Unicode."]


def test_one_legacy_value_does_not_flip_a_unicode_column(tmp_path):
    names = [
        "Lê Văn Hùng",
        "Trần Thị Phước",
        "Phạm Minh Đức",
        "Võ Thị Yến",
        "NguyÔn V¨n An",
    ]
    path = write_mojibake_geopackage(
        tmp_path / "a.gpkg",
        [feature(square(i), 1, i + 1, tenChu=name) for i, name in enumerate(names)],
    )

    report = _import(path)

    assert sorted(name for name, _ in _owners()) == sorted(names)
    assert report.notes == []


def test_a_geopackage_takes_a_named_legacy_encoding(tmp_path):
    path = write_mojibake_geopackage(tmp_path / "a.gpkg", TCVN3_FEATURES)

    report = _import(path, encoding="tcvn3")

    assert _owners() == CONVERTED_OWNERS
    assert report.notes == [
        "diaChi: 2 values converted from TCVN3 to Unicode.",
        "tenChu: 2 values converted from TCVN3 to Unicode.",
    ]


# --- Command line and web --------------------------------------------------------


def test_command_line_encoding_option_names_vni(tmp_path):
    path = write_legacy_shapefile(
        tmp_path / "vni", [feature(square(0), 1, 1, tenChu="Phan Thò An")]
    )
    out = io.StringIO()

    call_command(
        "import_parcels", str(path), "--encoding", "vni", stdout=out, verbosity=0
    )

    assert _owners() == [("Phan Thị An", "PHAN THI AN")]
    assert "  tenChu: 1 value converted from VNI to Unicode." in out.getvalue()


def test_web_import_takes_the_text_encoding_from_the_form(
    client, officer, tmp_path, post_import
):
    client.force_login(officer)
    shp = write_legacy_shapefile(
        tmp_path / "vni", [feature(square(0), 1, 1, tenChu="Phan Thò An")]
    )

    post_import(_zip(shp, tmp_path / "thua.zip"), encoding="vni")

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED
    assert job.report["notes"] == ["tenChu: 1 value converted from VNI to Unicode."]
    assert _owners() == [("Phan Thị An", "PHAN THI AN")]


def test_web_import_detects_legacy_text_by_default(
    client, officer, tmp_path, post_import
):
    client.force_login(officer)
    shp = write_legacy_shapefile(tmp_path / "tcvn3", TCVN3_FEATURES)

    post_import(_zip(shp, tmp_path / "thua.zip"))

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED
    assert _owners() == CONVERTED_OWNERS
