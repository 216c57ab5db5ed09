"""Import of land registers (issue #3): owners, rights and certificates of
parcels already in the cadastre; rejections name the row and the column."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from lis.cadastre.models import (
    Certificate,
    IdentityDocument,
    LandUser,
    LandUserKind,
    Parcel,
    Right,
)
from lis.core.models import AuditRecord
from lis.exchange.errors import ImportRefusedError
from lis.exchange.land_register.service import RegisterOptions, import_land_register
from lis.exchange.parcel_import.service import (
    ImportMode,
    ImportOptions,
    import_parcel_file,
)
from lis.exchange.tests.fixtures.parcel_files import feature, square, write_parcel_file
from lis.exchange.tests.fixtures.table_files import (
    REGISTER_HEADER,
    owner_row,
    write_table,
)

pytestmark = pytest.mark.django_db

AN = "070075001234"
BINH = "070178004321"


@pytest.fixture
def parcels(tmp_path, reference_data):
    """Parcels 25198/1/1–3 without owners, and 25198/1/4 owned (a right)."""
    path = write_parcel_file(
        tmp_path / "ban_do.gpkg",
        [
            feature(square(0), 1, 1),
            feature(square(1), 1, 2, "ODT"),
            feature(square(2), 1, 3),
            feature(square(3), 1, 4, tenChu="Phạm Văn Dũng", soGiayTo="070070009999"),
        ],
    )
    report = import_parcel_file(path, ImportOptions(), acting_user=None)
    assert report.committed


def _import(path, **options):
    return import_land_register(path, RegisterOptions(**options), acting_user=None)


def _register(tmp_path, rows, name="so_dia_chinh.xlsx", **write):
    return write_table(tmp_path / name, rows, REGISTER_HEADER, **write)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (LandUser, IdentityDocument, Certificate, Right, AuditRecord)
    }


def _rejections(report) -> list[tuple]:
    return [
        (r.feature, r.sheet, r.parcel, r.field, r.reason, r.code)
        for r in report.rejections
    ]


def _couple(**first) -> list[dict]:
    return [
        owner_row(
            1,
            1,
            "Nguyễn Văn An",
            AN,
            namSinh=1975,
            phanQuyen="1/2",
            soPhatHanh="bđ  123456",
            soVaoSo="CH00001",
            ngayCap="15/03/2012",
            **first,
        ),
        owner_row(None, None, "Trần Thị Bình", BINH, namSinh=1978, phanQuyen="0,5"),
    ]


def test_register_records_owners_shares_and_certificate_of_existing_parcels(
    tmp_path, parcels
):
    rows = [
        *_couple(
            nguonGoc="Nhà nước công nhận quyền sử dụng đất",
            ngayCapGiayTo="20/05/2021",
            noiCapGiayTo="Cục Cảnh sát QLHC về TTXH",
            diaChi="Tổ 3, phường Tân Phú",
        ),
        owner_row(1, 2, "Công ty TNHH Bình Phước Xanh", "3801234567", doiTuong="TKT"),
    ]
    path = _register(tmp_path, rows)

    report = _import(path)

    assert report.rejections == []
    assert report.committed is True
    assert (report.layer, report.feature_count, report.accepted) == (
        "Bang toa do",
        3,
        3,
    )
    assert report.created == {
        "parcels": 2,
        "land_users": 3,
        "certificates": 1,
        "rights": 3,
    }
    first = Parcel.objects.get(parcel_number=1)
    rights = first.rights.order_by("holder__name_key")
    assert [(r.holder.full_name, r.share) for r in rights] == [
        ("Nguyễn Văn An", Decimal("0.500000")),
        ("Trần Thị Bình", Decimal("0.500000")),
    ]
    assert {r.origin for r in rights} == {"Nhà nước công nhận quyền sử dụng đất"}
    certificate = Certificate.objects.get()
    assert (
        certificate.serial_number,
        certificate.serial_key,
        certificate.register_number,
        certificate.issue_date,
    ) == ("BĐ 123456", "BD123456", "CH00001", date(2012, 3, 15))
    assert {r.certificate_id for r in rights} == {certificate.pk}
    an = LandUser.objects.get(documents__number=AN)
    assert (an.birth_year, an.address, an.kind) == (
        1975,
        "Tổ 3, phường Tân Phú",
        LandUserKind.INDIVIDUAL,
    )
    document = an.documents.get()
    assert (document.kind, document.issue_date, document.issuer) == (
        "CCCD",
        date(2021, 5, 20),
        "Cục Cảnh sát QLHC về TTXH",
    )
    company = Right.objects.get(parcel__parcel_number=2)
    assert (company.share, company.holder.kind) == (
        Decimal("1.000000"),
        LandUserKind.ORGANISATION,
    )
    assert company.holder.documents.get().kind == "BUSINESS"
    audit = AuditRecord.objects.get(action="land_register.import")
    assert audit.details == {
        "file_name": "so_dia_chinh.xlsx",
        "rows": 3,
        "rejected": 0,
        "parcels": 2,
        "land_users": 3,
        "certificates": 1,
        "rights": 3,
    }


def test_row_for_an_unknown_parcel_is_rejected_and_nothing_changes(tmp_path, parcels):
    rows = [*_couple(), owner_row(1, 9, "Lê Văn Cường", "070080001111")]
    path = _register(tmp_path, rows)
    before = _counts()

    report = _import(path)

    assert _rejections(report) == [
        (
            4,
            "1",
            "9",
            "soThuTuThua",
            "no parcel 25198/1/9 in the database",
            "unknown_parcel",
        )
    ]
    assert report.committed is False
    assert report.notes == ["Nothing was imported: the mode is all or nothing."]
    assert _counts() == before


def test_shares_that_do_not_sum_to_one_are_rejected_on_each_row(tmp_path, parcels):
    rows = _couple()
    rows[1]["phanQuyen"] = "1/3"

    report = _import(_register(tmp_path, rows))

    reason = "the shares of parcel 25198/1/1 sum to 5/6, not 1 (rows 2–3)"
    assert _rejections(report) == [
        (2, "1", "1", "phanQuyen", reason, "shares_not_one"),
        (3, "1", "1", "phanQuyen", reason, "shares_not_one"),
    ]
    assert Right.objects.filter(parcel__parcel_number=1).count() == 0


def test_a_share_given_for_some_owners_only_is_rejected(tmp_path, parcels):
    rows = _couple()
    rows[1]["phanQuyen"] = None

    report = _import(_register(tmp_path, rows))

    assert _rejections(report) == [
        (
            3,
            "1",
            "1",
            "phanQuyen",
            (
                "the share is missing; give the share of every owner of parcel"
                " 25198/1/1 or of none (rows 2–3)"
            ),
            "share_missing",
        )
    ]


def test_owners_without_shares_hold_equal_shares_summing_to_one(tmp_path, parcels):
    rows = [
        owner_row(1, 3, "Nguyễn Văn An", AN),
        owner_row(1, 3, "Trần Thị Bình", BINH),
        owner_row(1, 3, "Nguyễn Văn Cường", "070099001111"),
    ]

    _import(_register(tmp_path, rows))

    shares = list(
        Right.objects.filter(parcel__parcel_number=3)
        .order_by("id")
        .values_list("share", flat=True)
    )
    assert shares == [Decimal("0.333333"), Decimal("0.333333"), Decimal("0.333334")]


def test_malformed_identity_number_is_rejected_naming_row_and_column(tmp_path, parcels):
    rows = _couple()
    rows[1]["soGiayTo"] = "70178004321"
    before = _counts()

    report = _import(_register(tmp_path, rows))

    assert _rejections(report) == [
        (
            3,
            "1",
            "1",
            "soGiayTo",
            (
                "70178004321 has 11 digits: leading zeros were probably lost;"
                " store identity numbers as text"
            ),
            "invalid_document_number",
        )
    ]
    assert _counts() == before


def test_document_kind_column_holds_the_number_to_its_length(tmp_path, parcels):
    rows = [owner_row(1, 1, "Nguyễn Văn An", "285123456", loaiGiayTo="CCCD")]

    report = _import(_register(tmp_path, rows))

    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (2, "soGiayTo", "a CCCD number has exactly 12 digits, not 285123456")
    ]


def test_parcel_that_has_rights_is_rejected_as_a_registration(tmp_path, parcels):
    rows = [owner_row(1, 4, "Nguyễn Văn An", AN)]

    report = _import(_register(tmp_path, rows))

    assert _rejections(report) == [
        (
            2,
            "1",
            "4",
            "soThuTuThua",
            "parcel 25198/1/4 already has rights; changing them is a registration",
            "parcel_has_rights",
        )
    ]


def test_rows_of_a_parcel_with_different_certificates_are_rejected(tmp_path, parcels):
    rows = _couple()
    rows[1]["soPhatHanh"] = "BĐ 654321"

    report = _import(_register(tmp_path, rows))

    reason = (
        "the rows of parcel 25198/1/1 give different values: bđ  123456 (row 2);"
        " BĐ 654321 (row 3)"
    )
    assert _rejections(report) == [
        (2, "1", "1", "soPhatHanh", reason, "conflicting_values"),
        (3, "1", "1", "soPhatHanh", reason, "conflicting_values"),
    ]


def test_certificate_without_issue_date_is_rejected(tmp_path, parcels):
    rows = _couple()
    rows[0]["ngayCap"] = None

    report = _import(_register(tmp_path, rows))

    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (2, "soPhatHanh", "a certificate needs its issue date")
    ]


def test_certificate_already_in_the_database_is_rejected(tmp_path, parcels):
    _import(_register(tmp_path, _couple()))
    rows = [
        owner_row(
            1,
            2,
            "Lê Văn Cường",
            "070080001111",
            soPhatHanh="BĐ123456",
            ngayCap="01/02/2013",
        )
    ]

    report = _import(_register(tmp_path, rows, name="lan2.xlsx"))

    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (2, "soPhatHanh", "certificate BĐ 123456 is already in the database")
    ]


def test_same_identity_number_with_two_names_is_rejected(tmp_path, parcels):
    rows = [
        owner_row(1, 1, "Nguyễn Văn An", AN),
        owner_row(1, 2, "Nguyễn Văn Bình", AN),
    ]

    report = _import(_register(tmp_path, rows))

    reason = f"{AN} is given with different names or years of birth (rows 2–3)"
    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (2, "soGiayTo", reason),
        (3, "soGiayTo", reason),
    ]


def test_owner_known_by_identity_number_is_not_recorded_twice(tmp_path, parcels):
    rows = [owner_row(1, 1, "Phạm Văn Dũng", "070070009999")]

    report = _import(_register(tmp_path, rows))

    assert report.created["land_users"] == 0
    owner = LandUser.objects.get(documents__number="070070009999")
    assert sorted(owner.rights.values_list("parcel__parcel_number", flat=True)) == [
        1,
        4,
    ]


def test_identity_number_of_another_person_in_the_database_is_rejected(
    tmp_path, parcels
):
    rows = [owner_row(1, 1, "Nguyễn Văn An", "070070009999")]

    report = _import(_register(tmp_path, rows))

    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (2, "soGiayTo", "070070009999 belongs to another land user in the database")
    ]


def test_the_same_owner_twice_on_a_parcel_is_rejected(tmp_path, parcels):
    rows = [owner_row(1, 1, "Nguyễn Văn An", AN), owner_row(1, 1, "Nguyễn Văn An", AN)]

    report = _import(_register(tmp_path, rows))

    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (3, "soGiayTo", f"{AN} is already an owner of parcel 25198/1/1 (row 2)")
    ]


def test_valid_only_mode_imports_parcels_whose_rows_all_pass(tmp_path, parcels):
    rows = [*_couple(), owner_row(1, 2, "Lê Văn Cường", "070080001111")]
    rows[1]["soGiayTo"] = "123"

    report = _import(_register(tmp_path, rows), mode=ImportMode.VALID_ONLY)

    assert [(r.feature, r.field, r.code) for r in report.rejections] == [
        (2, "soThuTuThua", "parcel_incomplete"),
        (3, "soGiayTo", "invalid_document_number"),
    ]
    assert report.rejections[0].reason == (
        "not imported: another row of parcel 25198/1/1 was rejected, and a"
        " parcel's owners are imported together"
    )
    assert report.committed is True
    assert sorted(Right.objects.values_list("parcel__parcel_number", flat=True)) == [
        2,
        4,
    ]


def test_commune_given_for_a_register_without_that_column(tmp_path, parcels):
    rows = [owner_row(1, 1, "Nguyễn Văn An", AN, commune=None)]
    path = write_table(
        tmp_path / "so.csv",
        [{k: v for k, v in row.items() if k != "maDVHCXa"} for row in rows],
    )

    report = _import(path, commune="25198")

    assert report.committed is True
    assert report.field_map["commune"] == "maDVHCXa"
    assert Right.objects.get(holder__documents__number=AN).parcel.parcel_number == 1


def test_register_without_commune_needs_it_named(tmp_path, parcels):
    path = write_table(
        tmp_path / "so.csv",
        [{"soHieuToBanDo": 1, "soThuTuThua": 1, "tenChu": "Nguyễn Văn An"}],
    )

    with pytest.raises(ImportRefusedError) as refused:
        _import(path)

    assert str(refused.value.message) == (
        "The file has no field for: commune. Its fields are: soHieuToBanDo,"
        " soThuTuThua, tenChu. Name them with name=FIELD."
    )


def test_vietnamese_headers_and_tcvn3_names_are_read(tmp_path, parcels):
    rows = [
        {
            "Mã xã": "25198",
            "Số tờ": 1,
            "Số thửa": 1,
            "Họ và tên": "NguyÔn V¨n An",
            "Số CCCD": AN,
        },
        {"Họ và tên": "TrÇn ThÞ B×nh", "Số CCCD": BINH},
    ]
    path = write_table(tmp_path / "so.xlsx", rows, titles=["SỔ ĐỊA CHÍNH"])

    report = _import(path)

    assert report.rejections == []
    assert sorted(LandUser.objects.values_list("full_name", flat=True)) == [
        "Nguyễn Văn An",
        "Phạm Văn Dũng",
        "Trần Thị Bình",
    ]
    assert report.notes == ["Họ và tên: 2 values converted from TCVN3 to Unicode."]


def test_file_that_is_not_a_register_is_refused(tmp_path, parcels):
    path = write_table(tmp_path / "x.xlsx", [{"a": 1, "b": 2}])

    with pytest.raises(ImportRefusedError) as refused:
        _import(path)

    assert str(refused.value.message) == (
        "No row among the first 30 of x.xlsx names the columns of a land register:"
        " the map sheet (soHieuToBanDo), the parcel (soThuTuThua) and the owner's"
        " name (tenChu)."
    )


def test_command_line_records_a_register(tmp_path, parcels, capsys):
    path = _register(tmp_path, _couple())

    call_command("import_register", str(path), verbosity=0)

    assert (
        "Recorded 2 rights on 1 parcels, 2 new land users, 1 certificates."
        in capsys.readouterr().out
    )


def test_command_line_names_the_row_and_column_of_a_rejection(
    tmp_path, parcels, capsys
):
    rows = _couple()
    rows[1]["phanQuyen"] = "abc"
    path = _register(tmp_path, rows, name="so.csv")

    with pytest.raises(CommandError, match="1 rows were rejected"):
        call_command("import_register", str(path), verbosity=0)

    assert (
        "row 3 sheet 1 parcel 1 — phanQuyen: abc is not a share (write 1/2, 0,5"
        " or 50%)" in capsys.readouterr().out
    )
    assert Right.objects.filter(parcel__parcel_number=1).count() == 0


def test_share_above_one_is_rejected(tmp_path, parcels):
    rows = [owner_row(1, 1, "Nguyễn Văn An", AN, phanQuyen="150%")]

    report = _import(_register(tmp_path, rows))

    assert [(r.feature, r.field, r.reason) for r in report.rejections] == [
        (2, "phanQuyen", "a share is more than 0 and at most 1, not 150%")
    ]
