"""The cadastre services and the rules the database itself enforces.

The CHECK and UNIQUE constraints hold on both backends even for writes that
skip the services (raw imports, a shell): these tests write past them on
purpose.
"""

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import IntegrityError, transaction

from lis.admin_units.models import AdministrativeUnit
from lis.cadastre.errors import (
    DuplicateParcelKeyError,
    InvalidDocumentNumberError,
    InvalidParcelGeometryError,
    ShareExceededError,
)
from lis.cadastre.models import (
    DocumentKind,
    LandUser,
    LandUserKind,
    Parcel,
    Right,
)
from lis.cadastre.services.land_users import DocumentInput, create_land_user
from lis.cadastre.services.parcels import PurposeInput, create_parcel
from lis.cadastre.services.rights import grant_right, issue_certificate
from lis.core import crs
from lis.portal.tests.fixtures.cadastre import (
    land_use,
    make_owner,
    make_parcel,
    make_sheet,
    square,
)

pytestmark = pytest.mark.django_db

# Edges cross in the middle: not a valid polygon (EPSG:9212).
BOW_TIE = shapely.Polygon(
    [(568900, 1275700), (568920, 1275725), (568920, 1275700), (568900, 1275725)]
)


@pytest.fixture
def sheet(reference_data):
    return make_sheet(1)


def _geos(shape: shapely.Geometry) -> GEOSGeometry:
    return GEOSGeometry(shapely.MultiPolygon([shape]).wkt, srid=9212)


def _insert_directly(sheet, number: int = 1, shape=None, **fields) -> Parcel:
    values = {
        "map_sheet": sheet,
        "parcel_number": number,
        "commune": AdministrativeUnit.objects.get(catalogue="2025", code="25195"),
        "geom": _geos(shape if shape is not None else square(0)),
        "legal_area_m2": Decimal("500.0"),
        "computed_area_m2": Decimal("500.00"),
        "uid": f"w3gvtest{number:04d}",
        **fields,
    }
    with transaction.atomic():
        return Parcel.objects.create(**values)


def test_database_refuses_bow_tie_boundary(sheet):
    with pytest.raises(IntegrityError):
        _insert_directly(sheet, shape=BOW_TIE)

    assert Parcel.objects.count() == 0


def test_database_refuses_duplicate_legacy_key(sheet):
    _insert_directly(sheet, number=7)

    with pytest.raises(IntegrityError):
        _insert_directly(sheet, number=7, shape=square(1), uid="w3gvtestdupl")

    assert Parcel.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"legal_area_m2": Decimal("0")},
        {"legal_area_m2": Decimal("-12.5")},
        {"computed_area_m2": Decimal("0")},
    ],
)
def test_database_refuses_non_positive_area(sheet, fields):
    with pytest.raises(IntegrityError):
        _insert_directly(sheet, **fields)

    assert Parcel.objects.count() == 0


def test_database_accepts_a_valid_parcel_written_directly(sheet):
    parcel = _insert_directly(sheet)

    assert parcel.legacy_key == "25198/1/1"


def test_create_parcel_computes_area_identifier_and_current_commune(sheet):
    parcel = create_parcel(
        map_sheet=sheet,
        parcel_number=3,
        geom=_geos(square(0)),
        legal_area_m2=Decimal("499.6"),
        purposes=[PurposeInput(land_use("ONT"), Decimal("499.6"), long_term=True)],
        acting_user=None,
    )

    parcel.refresh_from_db()
    assert parcel.computed_area_m2 == Decimal("500.00")
    assert parcel.legal_area_m2 == Decimal("499.6")
    assert parcel.uid == crs.geohash_of(square(0), 9212)
    assert len(parcel.uid) == 12
    assert (parcel.commune.code, parcel.commune.catalogue) == ("25195", "2025")
    assert parcel.geom.srid == 9212
    assert [p.land_use_type.code for p in parcel.purposes.all()] == ["ONT"]


def test_create_parcel_refuses_bow_tie_and_writes_nothing(sheet):
    with pytest.raises(InvalidParcelGeometryError):
        create_parcel(
            map_sheet=sheet,
            parcel_number=3,
            geom=_geos(BOW_TIE),
            legal_area_m2=Decimal("500"),
            purposes=[],
            acting_user=None,
        )

    assert Parcel.objects.count() == 0


def test_create_parcel_refuses_a_used_legacy_key(sheet):
    make_parcel(sheet, 3, square(0))

    with pytest.raises(DuplicateParcelKeyError):
        make_parcel(sheet, 3, square(1))

    assert Parcel.objects.count() == 1


def test_create_land_user_stores_nfc_name_and_search_key(reference_data):
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn An ")

    holder = create_land_user(
        kind=LandUserKind.INDIVIDUAL,
        full_name=decomposed,
        documents=[DocumentInput(DocumentKind.CCCD, "070 085 001 234")],
        acting_user=None,
    )

    holder.refresh_from_db()
    assert holder.full_name == unicodedata.normalize("NFC", "Nguyễn Văn An")
    assert holder.name_key == "NGUYEN VAN AN"
    assert [(d.kind, d.number) for d in holder.documents.all()] == [
        ("CCCD", "070085001234")
    ]


def test_create_land_user_folds_d_with_stroke_in_key(reference_data):
    holder = create_land_user(
        kind=LandUserKind.INDIVIDUAL, full_name="Đinh Thị Bích", acting_user=None
    )

    assert holder.name_key == "DINH THI BICH"


@pytest.mark.parametrize("number", ["07008500123", "0700850012345", "07008500123A"])
def test_create_land_user_refuses_malformed_cccd(reference_data, number):
    with pytest.raises(InvalidDocumentNumberError):
        create_land_user(
            kind=LandUserKind.INDIVIDUAL,
            full_name="Nguyễn Văn An",
            documents=[DocumentInput(DocumentKind.CCCD, number)],
            acting_user=None,
        )

    assert LandUser.objects.count() == 0


def test_issue_certificate_keeps_serial_and_compact_key(reference_data):
    certificate = issue_certificate(
        serial_number="bđ  123456", issue_date=date(2020, 5, 4), acting_user=None
    )

    assert certificate.serial_number == "BĐ 123456"
    assert certificate.serial_key == "BD123456"


def test_grant_right_refuses_shares_over_one(sheet):
    parcel = make_parcel(sheet, 1, square(0))
    make_owner(parcel, "Trần Văn Cường", share=Decimal("0.6"))
    second = create_land_user(
        kind=LandUserKind.INDIVIDUAL, full_name="Lê Thị Dung", acting_user=None
    )

    with pytest.raises(ShareExceededError):
        grant_right(
            parcel=parcel, holder=second, share=Decimal("0.5"), acting_user=None
        )

    assert [r.share for r in Right.objects.filter(parcel=parcel)] == [Decimal("0.6")]


def test_grant_right_accepts_shares_summing_to_one(sheet):
    parcel = make_parcel(sheet, 1, square(0))
    make_owner(parcel, "Trần Văn Cường", share=Decimal("0.5"))

    make_owner(parcel, "Lê Thị Dung", share=Decimal("0.5"))

    assert sum(r.share for r in Right.objects.filter(parcel=parcel)) == Decimal("1")


def test_database_refuses_share_above_one_written_directly(sheet):
    parcel = make_parcel(sheet, 1, square(0))
    holder = create_land_user(
        kind=LandUserKind.INDIVIDUAL, full_name="Lê Thị Dung", acting_user=None
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Right.objects.create(parcel=parcel, holder=holder, share=Decimal("1.5"))

    assert Right.objects.count() == 0
