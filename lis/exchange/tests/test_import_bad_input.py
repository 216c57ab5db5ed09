"""Bad input to the parcel import: every malformed file, cell or option gets
a clear refusal or a rejection naming the feature, the field and the
reason, never a crash; and a refused import leaves the database as it was.
"""

import logging
import zipfile
from datetime import date

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
from lis.exchange.errors import ImportRefusedError
from lis.exchange.models import ImportJob, ImportStatus
from lis.exchange.parcel_import.service import (
    ImportMode,
    ImportOptions,
    import_parcel_file,
)
from lis.exchange.tests.fixtures.bad_files import (
    attributes,
    corrupt_member,
    delete_all_features,
    mark_encrypted,
    set_declared_feature_count,
    shapefile_parts,
    write_cp1258_shapefile,
    write_geojson,
    write_measured_shapefile,
    write_zip,
)
from lis.exchange.tests.fixtures.parcel_files import (
    bow_tie,
    feature,
    square,
    write_parcel_file,
)

pytestmark = pytest.mark.django_db

INTERNAL_ERROR = "Internal error; the operator has the log."




def _import(path, **options):
    return import_parcel_file(path, ImportOptions(**options), acting_user=None)


def _table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Parcel,
            MapSheet,
            LandUser,
            IdentityDocument,
            Certificate,
            Right,
            AuditRecord,
        )
    }


def _rejected(report) -> list[tuple[int, str]]:
    return [(r.feature, r.field) for r in report.rejections]


OWNER = {"tenChu": "Lê Văn Cường", "namSinh": 1975, "soGiayTo": "070075001234"}


# --- Boundaries --------------------------------------------------------------


def test_sliver_is_rejected_by_its_geometry_when_its_area_rounds_to_zero(tmp_path):
    # 5 cm × 5 cm: 0.0025 m², which the register's 0.01 m² rounds to 0.
    sliver = shapely.box(568960.0, 1275700.0, 568960.05, 1275700.05)
    path = write_parcel_file(
        tmp_path / "sliver.gpkg",
        [feature(square(0), 1, 1), feature(sliver, 1, 2, dienTich=5.0)],
    )
    before = _table_counts()

    report = _import(path)

    assert _rejected(report) == [(2, "geometry")]
    assert report.committed is False
    assert _table_counts() == before


def test_valid_only_mode_imports_the_valid_features_beside_a_sliver(tmp_path):
    sliver = shapely.box(568960.0, 1275700.0, 568960.05, 1275700.05)
    path = write_parcel_file(
        tmp_path / "sliver.gpkg",
        [feature(square(0), 1, 1), feature(sliver, 1, 2, dienTich=5.0)],
    )

    report = _import(path, mode=ImportMode.VALID_ONLY)

    assert report.committed is True
    assert _rejected(report) == [(2, "geometry")]
    assert list(Parcel.objects.values_list("parcel_number", flat=True)) == [1]


def test_unclosed_ring_is_reported_as_unclosed_not_as_empty(tmp_path):
    ring = [[568900, 1275700], [568920, 1275700], [568920, 1275725], [568900, 1275725]]
    path = write_geojson(
        tmp_path / "unclosed.geojson",
        [({"type": "Polygon", "coordinates": [ring]}, attributes())],
    )

    report = _import(path)

    assert _rejected(report) == [(1, "geometry")]
    assert "empty" not in report.rejections[0].reason


def test_polygon_shapefile_with_measures_is_imported(tmp_path):
    # ArcGIS writes PolygonM (type 25); its M values mean nothing here.
    path = write_measured_shapefile(
        tmp_path / "measured",
        [(square(0), attributes()), (square(1), attributes(parcel=2))],
    )

    report = _import(path)

    assert report.rejections == []
    assert report.committed is True
    assert Parcel.objects.count() == 2


# --- Numbers, areas and dates --------------------------------------------------


def test_legal_area_is_rejected_when_it_rounds_to_zero(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg", [feature(square(0), 1, 1, dienTich="0,04")]
    )
    before = _table_counts()

    report = _import(path)

    assert _rejected(report) == [(1, "dienTich")]
    assert _table_counts() == before


@pytest.mark.parametrize(
    ("field", "value", "extra"),
    [
        ("soHieuToBanDo", 10**12, {}),
        ("soThuTuThua", 3_000_000_000, {}),
        ("tyLe", 10**13, {}),
        ("dienTich", "1e15", {}),
        ("namSinh", 99999, {"tenChu": "Lê Văn Cường", "soGiayTo": "070075001234"}),
    ],
)
def test_number_beyond_the_register_range_is_rejected_by_its_field(
    tmp_path, field, value, extra
):
    attrs = feature(square(0), 1, 1, **extra)
    attrs[field] = value
    path = write_parcel_file(tmp_path / "a.gpkg", [attrs])
    before = _table_counts()

    report = _import(path)

    assert _rejected(report) == [(1, field)]
    assert report.committed is False
    assert _table_counts() == before


def test_legal_area_with_english_separators_is_rejected(tmp_path):
    # Vietnamese writes 1.234,5; "1,234.5" was read as 1.2 m².
    path = write_parcel_file(
        tmp_path / "a.gpkg", [feature(square(0), 1, 1, dienTich="1,234.5")]
    )

    report = _import(path)

    assert _rejected(report) == [(1, "dienTich")]
    assert Parcel.objects.count() == 0


def test_term_of_year_zero_is_rejected(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [feature(square(0), 1, 1), feature(square(1), 1, 2, thoiHan="0000")],
    )
    before = _table_counts()

    report = _import(path)

    assert _rejected(report) == [(2, "thoiHan")]
    assert _table_counts() == before


def test_certificate_issued_in_the_future_is_rejected(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [
            feature(
                square(0), 1, 1, **OWNER, soPhatHanh="BĐ 123456", ngayCap="01/01/2999"
            )
        ],
    )

    report = _import(path)

    assert _rejected(report) == [(1, "ngayCap")]
    assert Certificate.objects.count() == 0


def test_two_digit_year_in_a_geojson_date_is_rejected(tmp_path):
    # 03/12/15 is 3 December 2015 to a Vietnamese officer; GDAL's GeoJSON
    # reader takes it for 2003-12-15.
    path = write_geojson(
        tmp_path / "a.geojson",
        [(square(0), attributes(**OWNER, soPhatHanh="BĐ 123456", ngayCap="03/12/15"))],
    )

    report = _import(path)

    assert _rejected(report) == [(1, "ngayCap")]
    assert Certificate.objects.count() == 0


def test_impossible_geojson_date_is_reported_with_its_value(tmp_path):
    path = write_geojson(
        tmp_path / "a.geojson",
        [
            (
                square(0),
                attributes(**OWNER, soPhatHanh="BĐ 123456", ngayCap="2020/02/31"),
            )
        ],
    )

    report = _import(path)

    assert _rejected(report) == [(1, "ngayCap")]
    assert "2020/02/31" in report.rejections[0].reason


def test_boolean_sheet_number_is_rejected(tmp_path):
    path = write_geojson(tmp_path / "a.geojson", [(square(0), attributes(sheet=True))])

    report = _import(path)

    assert _rejected(report) == [(1, "soHieuToBanDo")]
    assert Parcel.objects.count() == 0


# --- Text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("diaChi", "Tổ 3, khu phố 1, " * 18),
        ("tenChu", "Nguyễn Văn An " * 22),
        ("soPhatHanh", "BĐ" + "1" * 19),
        ("soVaoSo", "CH" + "0" * 29),
    ],
)
def test_text_longer_than_the_register_keeps_is_rejected_by_its_field(
    tmp_path, field, value
):
    attrs = feature(
        square(0),
        1,
        1,
        **OWNER,
        soPhatHanh="BĐ 123456",
        soVaoSo="CH01234",
        ngayCap="15/03/2012",
    )
    attrs[field] = value
    path = write_parcel_file(tmp_path / "a.gpkg", [attrs])
    before = _table_counts()

    report = _import(path)

    assert _rejected(report) == [(1, field)]
    assert report.committed is False
    assert _table_counts() == before


def test_name_with_control_characters_is_rejected(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [feature(square(0), 1, 1, tenChu="Lê\x07Văn\x1b[31mCường")],
    )

    report = _import(path)

    assert _rejected(report) == [(1, "tenChu")]
    assert LandUser.objects.count() == 0


def test_shapefile_declared_cp1258_keeps_every_character(tmp_path):
    path = write_cp1258_shapefile(
        tmp_path / "cp1258",
        [
            feature(
                square(0), 1, 1, tenChu="Nguyễn Văn Ân", diaChi="Tổ 3, khu phố Tân Trà"
            )
        ],
    )

    report = _import(path)

    assert report.rejections == []
    assert list(LandUser.objects.values_list("full_name", flat=True)) == [
        "Nguyễn Văn Ân"
    ]
    parcel = Parcel.objects.get()
    assert parcel.address == "Tổ 3, khu phố Tân Trà"
    assert [p.land_use_type.code for p in parcel.purposes.all()] == ["CLN"]


def test_attributes_that_are_not_utf8_are_rejected_by_their_field(tmp_path):
    path = write_cp1258_shapefile(
        tmp_path / "nocpg",
        [feature(square(0), 1, 1, tenChu="Nguyễn Văn Ân")],
        keep_cpg=False,
    )
    before = _table_counts()

    report = _import(path)

    assert _rejected(report) == [(1, "tenChu")]
    assert _table_counts() == before


def test_encoding_option_does_not_garble_a_geopackage(tmp_path):
    # A GeoPackage is UTF-8 by definition; --encoding is for old Shapefiles.
    path = write_parcel_file(
        tmp_path / "a.gpkg", [feature(square(0), 1, 1, tenChu="Nguyễn Văn Ân")]
    )

    try:
        _import(path, encoding="cp1258")
    except ImportRefusedError:
        pass

    assert list(LandUser.objects.values_list("full_name", flat=True)) in (
        [],
        ["Nguyễn Văn Ân"],
    )


# --- Identity documents and certificates ----------------------------------------


def test_identity_number_stored_as_a_number_is_rejected_when_it_lost_two_zeros(
    tmp_path,
):
    # CCCD 001075001234 (born in Hà Nội) in a numeric field: 1075001234,
    # ten digits, the shape of a tax code.
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [feature(square(0), 1, 1, tenChu="Lê Văn Cường", soGiayTo=1075001234)],
    )

    report = _import(path)

    assert _rejected(report) == [(1, "soGiayTo")]
    assert IdentityDocument.objects.count() == 0


def test_identity_number_written_with_dots_is_stored_as_digits(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [feature(square(0), 1, 1, tenChu="Lê Văn Cường", soGiayTo="070.075.001.234")],
    )

    report = _import(path)

    assert report.committed is True
    assert list(IdentityDocument.objects.values_list("kind", "number")) == [
        ("CCCD", "070075001234")
    ]


def test_same_identity_number_with_two_birth_years_is_rejected(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [
            feature(
                square(0),
                1,
                1,
                tenChu="Lê Văn Cường",
                namSinh=1970,
                soGiayTo="070075001234",
            ),
            feature(
                square(1),
                1,
                2,
                tenChu="Lê Văn Cường",
                namSinh=1985,
                soGiayTo="070075001234",
            ),
        ],
    )

    report = _import(path)

    assert [r.feature for r in report.rejections] == [1, 2]
    assert report.committed is False
    assert LandUser.objects.count() == 0


def test_same_certificate_with_two_issue_dates_is_rejected(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [
            feature(
                square(0), 1, 1, **OWNER, soPhatHanh="BĐ 123456", ngayCap="15/03/2012"
            ),
            feature(
                square(1), 1, 2, **OWNER, soPhatHanh="BĐ 123456", ngayCap="05/06/2021"
            ),
        ],
    )

    report = _import(path)

    assert [r.feature for r in report.rejections] == [1, 2]
    assert report.committed is False
    assert Certificate.objects.count() == 0


def test_certificate_serials_differing_in_spacing_and_case_are_one_certificate(
    tmp_path,
):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [
            feature(
                square(0), 1, 1, **OWNER, soPhatHanh="BĐ 123456", ngayCap="15/03/2012"
            ),
            feature(
                square(1),
                1,
                2,
                tenChu="Trần Thị Bình",
                soGiayTo="070178004321",
                soPhatHanh="bđ123456",
                ngayCap="15/03/2012",
            ),
        ],
    )

    report = _import(path)

    assert _rejected(report) == [(1, "soPhatHanh"), (2, "soPhatHanh")]
    assert report.committed is False
    assert Certificate.objects.count() == 0


def test_certificate_serial_in_the_database_under_another_spacing_is_rejected(tmp_path):
    _import(
        write_parcel_file(
            tmp_path / "first.gpkg",
            [
                feature(
                    square(0),
                    1,
                    1,
                    **OWNER,
                    soPhatHanh="BĐ 123456",
                    ngayCap="15/03/2012",
                )
            ],
        )
    )

    report = _import(
        write_parcel_file(
            tmp_path / "again.gpkg",
            [
                feature(
                    square(1),
                    1,
                    2,
                    tenChu="Trần Thị Bình",
                    soGiayTo="070178004321",
                    soPhatHanh="BĐ123456",
                    ngayCap="15/03/2012",
                )
            ],
        )
    )

    assert _rejected(report) == [(1, "soPhatHanh")]
    assert list(Certificate.objects.values_list("serial_number", flat=True)) == [
        "BĐ 123456"
    ]


# --- Files and archives ----------------------------------------------------------


def test_layer_without_features_is_refused(tmp_path):
    path = delete_all_features(
        write_parcel_file(tmp_path / "empty.gpkg", [feature(square(0), 1, 1)])
    )

    with pytest.raises(ImportRefusedError):
        _import(path)


def test_every_feature_is_read_when_the_geopackage_undercounts_them(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg", [feature(square(i), 1, i + 1) for i in range(3)]
    )
    set_declared_feature_count(path, 1)

    report = _import(path)

    assert report.feature_count == 3
    assert Parcel.objects.count() == 3


def test_geopackage_that_overcounts_its_features_is_read_without_a_crash(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg", [feature(square(i), 1, i + 1) for i in range(3)]
    )
    set_declared_feature_count(path, 5)

    report = _import(path)

    assert report.feature_count == 3
    assert Parcel.objects.count() == 3


def test_zipped_shapefile_without_its_dbf_is_refused_naming_the_dbf(tmp_path):
    parts = shapefile_parts(tmp_path / "shp", [feature(square(0), 1, 1)])
    archive = write_zip(
        tmp_path / "thua.zip",
        {f"thua{suffix}": data for suffix, data in parts.items() if suffix != ".dbf"},
    )

    with pytest.raises(ImportRefusedError, match=r"\.dbf"):
        _import(archive)


def test_encrypted_zip_is_refused(tmp_path):
    parts = shapefile_parts(tmp_path / "shp", [feature(square(0), 1, 1)])
    archive = mark_encrypted(
        write_zip(tmp_path / "thua.zip", {f"thua{s}": d for s, d in parts.items()})
    )

    with pytest.raises(ImportRefusedError):
        _import(archive)

    assert Parcel.objects.count() == 0


def test_zip_with_a_damaged_member_is_refused(tmp_path):
    parts = shapefile_parts(tmp_path / "shp", [feature(square(0), 1, 1)])
    archive = corrupt_member(
        write_zip(tmp_path / "thua.zip", {f"thua{s}": d for s, d in parts.items()}),
        parts[".dbf"],
    )

    with pytest.raises(ImportRefusedError):
        _import(archive)

    assert Parcel.objects.count() == 0


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../thua.gpkg": b"x"}, "The archive holds an unsafe path: ../thua.gpkg"),
        ({"/tmp/thua.gpkg": b"x"}, "The archive holds an unsafe path: /tmp/thua.gpkg"),
        (
            {f"phan{i}.txt": b"" for i in range(10_001)},
            "The archive holds too many files.",
        ),
        (
            {"a/thua.gpkg": b"x", "b/thua.geojson": b"x"},
            "The archive thua.zip must hold exactly one Shapefile, GeoPackage or"
            " GeoJSON file; it holds 2.",
        ),
    ],
    ids=["parent-path", "absolute-path", "too-many-files", "two-datasets"],
)
def test_unsafe_or_ambiguous_archive_is_refused_before_anything_is_read(
    tmp_path, members, message
):
    archive = write_zip(tmp_path / "thua.zip", members)

    with pytest.raises(ImportRefusedError) as refused:
        _import(archive)

    assert str(refused.value.message) == message
    assert not (tmp_path / "thua.gpkg").exists()


def test_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "thua.zip"
    path.write_bytes(b"PK but not really a zip archive")

    with pytest.raises(ImportRefusedError) as refused:
        _import(path)

    assert str(refused.value.message) == "thua.zip is not a readable zip archive."


# --- What the database keeps --------------------------------------------------------


def _mixed_file(tmp_path):
    """One good feature, then one of each kind of rejection."""
    return write_parcel_file(
        tmp_path / "mixed.gpkg",
        [
            feature(
                square(0), 1, 1, **OWNER, soPhatHanh="BĐ 100001", ngayCap="15/03/2012"
            ),
            feature(
                square(1),
                1,
                2,
                tenChu="Trần Thị Bình",
                soGiayTo="070178004321",
                soPhatHanh="BĐ 100002",
                ngayCap="31/02/2020",
            ),
            feature(square(2), 1, 3, "XYZ"),
            feature(square(3), 1, 4, commune="99999"),
            feature(bow_tie(4), 1, 5, dienTich=500.0),
            feature(square(5), 1, 6, tenChu="Phạm Văn Dũng", soGiayTo="12345"),
            feature(square(6), 1, 7),
            feature(square(7), 1, 7),
            feature(square(8), 1, 99),
        ],
    )


def test_all_or_nothing_leaves_every_table_unchanged_for_each_kind_of_rejection(
    tmp_path,
):
    _import(write_parcel_file(tmp_path / "first.gpkg", [feature(square(20), 1, 99)]))
    before = _table_counts()

    report = _import(_mixed_file(tmp_path))

    assert [r.feature for r in report.rejections] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert report.committed is False
    assert _table_counts() == before


def test_valid_only_imports_the_valid_feature_and_nothing_of_the_rejected_ones(
    tmp_path,
):
    _import(write_parcel_file(tmp_path / "first.gpkg", [feature(square(20), 1, 99)]))

    report = _import(_mixed_file(tmp_path), mode=ImportMode.VALID_ONLY)

    assert report.committed is True
    assert report.created == {
        "parcels": 1,
        "map_sheets": 0,
        "land_users": 1,
        "certificates": 1,
        "rights": 1,
    }
    assert sorted(Parcel.objects.values_list("parcel_number", flat=True)) == [1, 99]
    assert list(LandUser.objects.values_list("full_name", flat=True)) == [
        "Lê Văn Cường"
    ]
    assert list(Certificate.objects.values_list("serial_number", "issue_date")) == [
        ("BĐ 100001", date(2012, 3, 15))
    ]


def test_names_in_decomposed_unicode_are_stored_composed(tmp_path):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Ân")
    path = write_parcel_file(
        tmp_path / "a.gpkg", [feature(square(0), 1, 1, tenChu=decomposed)]
    )

    _import(path)

    user = LandUser.objects.get()
    assert (user.full_name, user.name_key) == ("Nguyễn Văn Ân", "NGUYEN VAN AN")


# --- Command line ------------------------------------------------------------------


def test_command_refuses_an_unknown_encoding_with_a_message(tmp_path):
    path = write_parcel_file(tmp_path / "a.gpkg", [feature(square(0), 1, 1)])

    with pytest.raises(CommandError):
        call_command("import_parcels", str(path), "--encoding", "khong-co", verbosity=0)

    assert Parcel.objects.count() == 0


def test_command_refuses_a_damaged_zip_with_a_message(tmp_path):
    parts = shapefile_parts(tmp_path / "shp", [feature(square(0), 1, 1)])
    archive = corrupt_member(
        write_zip(tmp_path / "thua.zip", {f"thua{s}": d for s, d in parts.items()}),
        parts[".dbf"],
    )

    with pytest.raises(CommandError):
        call_command("import_parcels", str(archive), verbosity=0)


# --- Web ----------------------------------------------------------------------------


def test_web_import_of_an_encrypted_zip_tells_the_officer_why(
    client, officer, tmp_path, post_import
):
    client.force_login(officer)
    parts = shapefile_parts(tmp_path / "shp", [feature(square(0), 1, 1)])
    archive = mark_encrypted(
        write_zip(tmp_path / "thua.zip", {f"thua{s}": d for s, d in parts.items()})
    )

    post_import(archive)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.error != INTERNAL_ERROR


def test_web_import_error_does_not_show_server_paths(
    client, officer, tmp_path, post_import, settings
):
    client.force_login(officer)
    path = tmp_path / "ban-do.geojson"
    path.write_text("không phải JSON", encoding="utf-8")

    post_import(path)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert str(settings.MEDIA_ROOT) not in job.error
    assert "/imports/" not in job.error


def test_web_import_logs_no_owner_name_when_attributes_are_not_utf8(
    client, officer, tmp_path, post_import, caplog
):
    client.force_login(officer)
    shp = write_cp1258_shapefile(
        tmp_path / "nocpg",
        [feature(square(0), 1, 1, tenChu="Nguyễn Văn Ân", soGiayTo="070075001234")],
        keep_cpg=False,
    )
    archive = tmp_path / "thua.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in shp.parent.glob("thua.*"):
            zipped.write(part, part.name)

    with caplog.at_level(logging.DEBUG):
        post_import(archive)

    assert "Nguy" not in caplog.text
    assert "070075001234" not in caplog.text


def test_web_import_upload_over_the_size_limit_is_refused_by_the_form(
    client, officer, tmp_path, post_import, settings
):
    client.force_login(officer)
    settings.LIS_IMPORT_MAX_UPLOAD_BYTES = 1024
    path = write_parcel_file(tmp_path / "a.gpkg", [feature(square(0), 1, 1)])

    response = post_import(path)

    assert response.status_code == 200
    assert "The file is too large." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_web_job_page_escapes_html_from_the_file(
    client, officer, tmp_path, post_import
):
    client.force_login(officer)
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [feature(square(0), 1, 1, commune="<script>alert(1)</script>")],
    )

    response = post_import(path)
    client.cookies["django_language"] = "en"
    page = client.get(response["Location"])

    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
