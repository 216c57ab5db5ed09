"""Import of cadastral map files (issue #2, R5, R36): every feature is
checked, and a rejected file leaves the database as it was."""

from decimal import Decimal

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyproj import Transformer

from lis.admin_units.models import AdministrativeUnit
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
from lis.exchange.parcel_import.service import (
    ImportMode,
    ImportOptions,
    import_parcel_file,
)
from lis.exchange.tests.fixtures.parcel_files import (
    ORIGIN,
    bow_tie,
    feature,
    square,
    write_parcel_file,
)

pytestmark = pytest.mark.django_db


def _import(path, **options):
    return import_parcel_file(path, ImportOptions(**options), acting_user=None)


def _table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Parcel, MapSheet, LandUser, IdentityDocument, Certificate, Right)
    }


def test_import_creates_parcels_under_their_legacy_key(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [feature(square(0), 1, 1, dienTich=499.6), feature(square(1), 1, 2, "ODT")],
    )

    report = _import(path)

    assert report.committed is True
    assert report.rejections == []
    assert report.created == {
        "parcels": 2,
        "map_sheets": 1,
        "land_users": 0,
        "certificates": 0,
        "rights": 0,
    }
    parcel = Parcel.objects.get(parcel_number=1)
    assert parcel.legacy_key == "25198/1/1"
    assert parcel.map_sheet.commune.catalogue == "2004"
    assert (parcel.commune.code, parcel.commune.catalogue) == ("25195", "2025")
    assert parcel.legal_area_m2 == Decimal("499.6")
    assert parcel.computed_area_m2 == Decimal("500.00")
    assert len(parcel.uid) == 12
    assert [p.land_use_type.code for p in parcel.purposes.all()] == ["CLN"]
    assert parcel.purposes.get().area_m2 == Decimal("499.6")
    assert parcel.geom.srid == 9212
    assert parcel.geom.equals_exact(shapely_to_geos(square(0)), tolerance=0.0005)
    assert AuditRecord.objects.filter(action="parcels.import").count() == 1


def shapely_to_geos(geom):
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry(shapely.to_wkt(shapely.MultiPolygon([geom])), srid=9212)


def _dirty_file(tmp_path):
    return write_parcel_file(
        tmp_path / "dirty.gpkg",
        [
            feature(square(0), 1, 1),
            feature(bow_tie(1), 1, 2, dienTich=500.0),
            feature(square(2), 1, 3),
            feature(square(3), 1, 3),
        ],
    )


def test_all_or_nothing_rejects_bow_tie_and_duplicate_key_and_changes_nothing(tmp_path):
    path = _dirty_file(tmp_path)
    before = _table_counts()

    report = _import(path)

    assert [r.as_dict() for r in report.rejections] == [
        {
            "feature": 2,
            "sheet": "1",
            "parcel": "2",
            "field": "geometry",
            "reason": "the boundary is not valid: Self-intersection[568930 1275712.5]",
            "code": "invalid_geometry",
        },
        {
            "feature": 3,
            "sheet": "1",
            "parcel": "3",
            "field": "soThuTuThua",
            "reason": "the key 25198/1/3 is also used by feature #4",
            "code": "duplicate_key",
        },
        {
            "feature": 4,
            "sheet": "1",
            "parcel": "3",
            "field": "soThuTuThua",
            "reason": "the key 25198/1/3 is also used by feature #3",
            "code": "duplicate_key",
        },
    ]
    assert report.committed is False
    assert report.accepted == 1
    assert _table_counts() == before
    assert not AuditRecord.objects.filter(action="parcels.import").exists()


def test_valid_only_mode_imports_the_valid_features(tmp_path):
    path = _dirty_file(tmp_path)

    report = _import(path, mode=ImportMode.VALID_ONLY)

    assert report.committed is True
    assert report.rejected_features == 3
    assert list(Parcel.objects.values_list("parcel_number", flat=True)) == [1]


def test_key_already_in_database_is_rejected(tmp_path):
    _import(write_parcel_file(tmp_path / "first.gpkg", [feature(square(0), 1, 1)]))

    report = _import(
        write_parcel_file(tmp_path / "again.gpkg", [feature(square(1), 1, 1)])
    )

    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (1, "soThuTuThua", "a parcel with the key 25198/1/1 is already in the database")
    ]
    assert Parcel.objects.count() == 1


def test_file_without_crs_is_refused(tmp_path):
    path = write_parcel_file(
        tmp_path / "nocrs.gpkg", [feature(square(0), 1, 1)], crs=None
    )

    with pytest.raises(MissingCRSError):
        _import(path)

    assert Parcel.objects.count() == 0


def test_shapefile_without_prj_is_refused_then_imported_with_a_named_crs(tmp_path):
    path = write_parcel_file(
        tmp_path / "nocrs.shp",
        [feature(square(0), 1, 1)],
        crs=None,
    )
    with pytest.raises(MissingCRSError):
        _import(path)

    report = _import(path, srid=9212)

    assert report.committed is True
    assert Parcel.objects.get().computed_area_m2 == Decimal("500.00")


def test_code_with_two_meanings_needs_its_catalogue(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg", [feature(square(0), 1, 1, commune="25195")]
    )

    refused = _import(path)
    imported = _import(path, unit_catalogue="2004")

    assert [(r.field, r.reason, r.code) for r in refused.rejections] == [
        (
            "maDVHCXa",
            "The code 25195 names Phường Tân Phú until 30/06/2025 (catalogue 2004)"
            " and Phường Bình Phước from 01/07/2025 (catalogue 2025). Name the catalogue.",
            "ambiguous_unit_code",
        )
    ]
    assert refused.notes[0].startswith("Some commune codes name different communes")
    parcel = Parcel.objects.get()
    assert parcel.map_sheet.commune.name == "Phường Tân Phú"
    assert parcel.commune.name == "Phường Bình Phước"
    assert imported.committed is True


def test_land_use_code_must_be_known_in_the_chosen_catalogue(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [feature(square(0), 1, 1, "BHK"), feature(square(1), 1, 2, "XYZ")],
    )

    report = _import(path)

    assert [(r.feature, r.field) for r in report.rejections] == [
        (1, "loaiDat"),
        (2, "loaiDat"),
    ]
    assert "BHK" in report.rejections[0].reason
    assert "TT08/2024" in report.rejections[0].reason
    assert Parcel.objects.count() == 0


def test_old_land_use_codes_import_under_their_own_catalogue(tmp_path):
    path = write_parcel_file(tmp_path / "a.gpkg", [feature(square(0), 1, 1, "BHK")])

    report = _import(path, land_use_catalogue="TT27/2018")

    assert report.committed is True
    purpose = Parcel.objects.get().purposes.get()
    assert (purpose.land_use_type.code, purpose.land_use_type.catalogue) == (
        "BHK",
        "TT27/2018",
    )


def test_owners_are_matched_by_identity_number_and_share_a_parcel(tmp_path):
    owner = {"tenChu": "Nguyễn Văn An", "namSinh": 1975, "soGiayTo": "070075001234"}
    spouse = {"tenChu2": "Trần Thị Bình", "namSinh2": 1978, "soGiayTo2": "070178004321"}
    path = write_parcel_file(
        tmp_path / "owners.gpkg",
        [
            feature(
                square(0),
                1,
                1,
                **owner,
                **spouse,
                soPhatHanh="bđ  123456",
                soVaoSo="CH00001",
                ngayCap="15/03/2012",
            ),
            feature(
                square(1),
                1,
                2,
                **owner,
                tenChu2="",
                namSinh2=0,
                soGiayTo2="",
                soPhatHanh="",
                soVaoSo="",
                ngayCap="",
            ),
        ],
    )

    report = _import(path)

    assert report.created["land_users"] == 2
    assert report.created["rights"] == 3
    an = LandUser.objects.get(documents__number="070075001234")
    assert (an.full_name, an.name_key, an.birth_year) == (
        "Nguyễn Văn An",
        "NGUYEN VAN AN",
        1975,
    )
    assert sorted(
        Right.objects.filter(parcel__parcel_number=1).values_list("share", flat=True)
    ) == [
        Decimal("0.5"),
        Decimal("0.5"),
    ]
    assert Right.objects.get(parcel__parcel_number=2).share == Decimal("1")
    certificate = Certificate.objects.get()
    assert (certificate.serial_number, certificate.serial_key) == (
        "BĐ 123456",
        "BD123456",
    )
    assert certificate.issue_date.isoformat() == "2012-03-15"
    assert certificate.rights.count() == 2


def test_identity_number_that_lost_its_leading_zero_is_rejected(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [feature(square(0), 1, 1, tenChu="Lê Văn Cường", soGiayTo="70075001234")],
    )

    report = _import(path)

    assert [(r.field, r.reason) for r in report.rejections] == [
        (
            "soGiayTo",
            "70075001234 has 11 digits: leading zeros were probably lost;"
            " store identity numbers as text",
        )
    ]


def test_same_identity_number_with_two_names_is_rejected(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg",
        [
            feature(square(0), 1, 1, tenChu="Lê Văn Cường", soGiayTo="070075001234"),
            feature(square(1), 1, 2, tenChu="Lê Văn Dũng", soGiayTo="070075001234"),
        ],
    )

    report = _import(path)

    assert [(r.feature, r.field) for r in report.rejections] == [
        (1, "soGiayTo"),
        (2, "soGiayTo"),
    ]


def test_wgs84_file_is_moved_into_storage_through_the_pinned_shift(tmp_path):
    to_lonlat = Transformer.from_pipeline(
        "+proj=pipeline +step +inv +proj=tmerc +lat_0=0 +lon_0=106.25 +k=0.9999"
        " +x_0=500000 +y_0=0 +ellps=WGS84 +step +proj=push +v_3 +step +proj=cart"
        " +ellps=WGS84 +step +proj=helmert +x=-191.90441429 +y=-39.30318279"
        " +z=-111.45032835 +rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372"
        " +s=0.252906278 +convention=coordinate_frame +step +inv +proj=cart"
        " +ellps=WGS84 +step +proj=pop +v_3 +step +proj=unitconvert +xy_in=rad"
        " +xy_out=deg"
    )
    lonlat = shapely.transform(
        square(0), lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1]))
    )
    path = write_parcel_file(
        tmp_path / "wgs84.gpkg",
        [feature(lonlat, 1, 1, dienTich=500.0)],
        crs="EPSG:4326",
    )

    report = _import(path)

    assert report.rejections == []
    stored = Parcel.objects.get().geom
    xmin, ymin, xmax, ymax = stored.extent
    assert (xmin, ymin) == pytest.approx(ORIGIN, abs=0.001)
    assert (xmax, ymax) == pytest.approx((ORIGIN[0] + 20, ORIGIN[1] + 25), abs=0.001)


def test_coordinates_read_in_the_wrong_crs_are_rejected(tmp_path):
    path = write_parcel_file(tmp_path / "a.gpkg", [feature(square(0), 1, 1)], crs=None)

    report = _import(path, srid=3857)

    assert [r.field for r in report.rejections] == ["geometry"]
    assert report.rejections[0].reason.startswith("the boundary lies outside Vietnam")


def test_command_reports_rejected_features_and_fails(tmp_path, capsys):
    path = _dirty_file(tmp_path)

    with pytest.raises(CommandError, match="3 features were rejected"):
        call_command("import_parcels", str(path), verbosity=0)

    out = capsys.readouterr().out
    assert "#2 sheet 1 parcel 2 — geometry: the boundary is not valid" in out
    assert "#4 sheet 1 parcel 3 — soThuTuThua: the key 25198/1/3" in out
    assert Parcel.objects.count() == 0


def test_command_imports_a_clean_file(tmp_path, capsys):
    path = write_parcel_file(tmp_path / "a.gpkg", [feature(square(0), 1, 1)])

    call_command("import_parcels", str(path), verbosity=0)

    assert (
        "Imported 1 parcels, 1 new map sheets, 0 new land users, 0 certificates."
        in (capsys.readouterr().out)
    )
    assert AdministrativeUnit.objects.filter(code="25198").count() == 1


def test_scale_written_as_a_ratio_is_read(tmp_path):
    path = write_parcel_file(
        tmp_path / "a.gpkg", [feature(square(0), 1, 1, tyLe="1:2000")]
    )

    _import(path)

    assert MapSheet.objects.get().scale == 2000


def test_shapefile_whose_prj_cannot_be_read_is_refused(tmp_path):
    path = write_parcel_file(tmp_path / "thua.shp", [feature(square(0), 1, 1)])
    path.with_suffix(".prj").write_text("not a coordinate reference system")

    with pytest.raises(ImportRefusedError, match=r"\.prj file of thua\.shp"):
        _import(path)


def test_json_metadata_beside_a_zipped_shapefile_is_ignored(tmp_path):
    import zipfile

    shp = write_parcel_file(tmp_path / "shp" / "thua.shp", [feature(square(0), 1, 1)])
    archive = tmp_path / "thua.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in shp.parent.iterdir():
            zipped.write(part, part.name)
        zipped.writestr("metadata.json", '{"nguon": "nha thau"}')

    report = _import(archive)

    assert report.committed is True
    assert Parcel.objects.count() == 1
