import datetime
from collections import Counter

import pytest

from lis.admin_units.errors import DataFileError
from lis.admin_units.models import AdministrativeUnit, UnitSuccession
from lis.admin_units.services.data_files import TableCounts
from lis.admin_units.services.loading import load_admin_units
from lis.core.models import AuditRecord

LEGAL_BASIS = "NQ 1662/NQ-UBTVQH15 (16/06/2025); mã mới theo QĐ 19/2025/QĐ-TTg"
LINE_14 = (
    "commune,25195,Phường Tân Phú,Phường,689,Thành phố Đồng Xoài,75,Tỉnh Đồng Nai,"
    f"25195,Phường Bình Phước,Phường,Nhập toàn bộ,{LEGAL_BASIS}"
)
LINE_15 = (
    "commune,25198,Phường Tân Đồng,Phường,689,Thành phố Đồng Xoài,75,Tỉnh Đồng Nai,"
    f"25195,Phường Bình Phước,Phường,Nhập toàn bộ,{LEGAL_BASIS}"
)


@pytest.mark.django_db
def test_load_admin_units_creates_old_province_districts_and_communes(loaded_units):
    """DOMAIN.md §5: 11 districts and 111 communes (86 xã, 20 phường, 5 TT)."""

    old = AdministrativeUnit.objects.in_catalogue("2004")

    assert Counter(old.values_list("level", flat=True)) == {
        "province": 1,
        "district": 11,
        "commune": 111,
    }
    assert Counter(old.communes().values_list("unit_type", flat=True)) == {
        "Xã": 86,
        "Phường": 20,
        "Thị trấn": 5,
    }
    assert old.get(level="province").name == "Tỉnh Bình Phước"
    assert set(old.values_list("valid_to", flat=True)) == {datetime.date(2025, 6, 30)}


@pytest.mark.django_db
def test_load_admin_units_links_communes_to_their_districts(loaded_units):
    """DOMAIN.md §5 table: communes per district."""

    districts = AdministrativeUnit.objects.in_catalogue("2004").filter(level="district")

    assert {d.code: d.children.count() for d in districts} == {
        "688": 7,
        "689": 8,
        "690": 6,
        "691": 8,
        "692": 16,
        "693": 7,
        "694": 13,
        "695": 11,
        "696": 16,
        "697": 9,
        "698": 10,
    }
    assert {d.parent.code for d in districts} == {"70"}


@pytest.mark.django_db
def test_load_admin_units_creates_dong_nai_and_40_new_units(loaded_units):
    """NQ 1662/NQ-UBTVQH15: former Bình Phước became 32 xã and 8 phường."""

    new = AdministrativeUnit.objects.in_catalogue("2025")

    province = new.get(level="province")
    assert (province.code, province.name) == ("75", "Tỉnh Đồng Nai")
    assert Counter(new.communes().values_list("unit_type", flat=True)) == {
        "Xã": 32,
        "Phường": 8,
    }
    assert set(new.communes().values_list("parent__code", flat=True)) == {"75"}
    assert set(new.values_list("valid_from", flat=True)) == {datetime.date(2025, 7, 1)}


@pytest.mark.django_db
def test_load_admin_units_maps_every_old_commune_to_one_new_unit(loaded_units):

    old_communes = AdministrativeUnit.objects.in_catalogue("2004").communes()

    assert [c.successions.count() for c in old_communes] == [1] * 111
    assert UnitSuccession.objects.count() == 111
    assert not UnitSuccession.objects.filter(predecessor__level="district").exists()
    assert set(UnitSuccession.objects.values_list("effective_date", flat=True)) == {
        datetime.date(2025, 7, 1)
    }


@pytest.mark.django_db
def test_load_admin_units_marks_two_units_kept_unchanged(loaded_units):
    """NQ 1662: Xã Bù Gia Mập and Xã Đak Ơ (now spelled Đăk Ơ) were kept."""

    kept = UnitSuccession.objects.filter(keeps_identity=True).order_by(
        "predecessor__code"
    )

    assert [
        (s.predecessor.code, s.predecessor.name, s.successor.code, s.successor.name)
        for s in kept
    ] == [
        ("25222", "Xã Bù Gia Mập", "25222", "Xã Bù Gia Mập"),
        ("25225", "Xã Đak Ơ", "25225", "Xã Đăk Ơ"),
    ]
    assert {s.change for s in kept} == {"Giữ nguyên"}


@pytest.mark.django_db
def test_load_admin_units_second_run_changes_nothing(loaded_units):
    audits_before = AuditRecord.objects.count()

    report = load_admin_units()

    assert report.tables == {
        AdministrativeUnit: TableCounts(created=0, updated=0, unchanged=164),
        UnitSuccession: TableCounts(created=0, updated=0, unchanged=111),
    }
    assert AdministrativeUnit.objects.count() == 164
    assert UnitSuccession.objects.count() == 111
    assert AuditRecord.objects.count() == audits_before


@pytest.mark.django_db
def test_load_admin_units_first_run_leaves_one_audit_record(no_units):
    audits_before = AuditRecord.objects.count()

    load_admin_units()

    assert AuditRecord.objects.count() == audits_before + 1
    audit = AuditRecord.objects.latest("id")
    assert audit.action == "admin_units.load"
    assert audit.details["administrativeunit_created"] == 164
    assert audit.details["unitsuccession_created"] == 111


@pytest.mark.django_db
def test_load_admin_units_updates_a_changed_name(loaded_units, edited_unit_file):
    path = edited_unit_file(
        {15: LINE_15.replace("Phường Tân Đồng", "Phường Tân Đồng A")}
    )

    report = load_admin_units(path)

    assert report.tables[AdministrativeUnit] == TableCounts(0, 1, 163)
    unit = AdministrativeUnit.objects.get(catalogue="2004", code="25198")
    assert unit.name == "Phường Tân Đồng A"


@pytest.mark.parametrize(
    ("line_15", "message"),
    [
        (
            LINE_15.replace(",25198,", ",2519X,"),
            "units.csv, line 15, column “old_code”: “2519X” is not a valid code",
        ),
        (
            LINE_15.replace(",689,", ",699,"),
            "units.csv, line 15, column “old_parent_code”: "
            "699 is not a district defined on an earlier line",
        ),
        (
            LINE_15.replace("commune,", "village,"),
            "units.csv, line 15, column “level”: "
            "“village” is not one of: province, district, commune",
        ),
        (
            LINE_15.replace("Phường Bình Phước", "Phường Tân Đồng"),
            "units.csv, line 15, column “new_name”: "
            "new unit 25195 is “Phường Bình Phước” on line 14",
        ),
        (
            LINE_15.replace("Phường Tân Đồng,", ","),
            "units.csv, line 15, column “old_name”: a value is required",
        ),
        (
            LINE_15.rsplit(",", 1)[0],
            "units.csv, line 15, column “legal_basis_2025”: "
            "the row has 12 fields; the header has 13",
        ),
    ],
)
@pytest.mark.django_db
def test_load_admin_units_rejects_malformed_row_unchanged(
    loaded_units, edited_unit_file, line_15, message
):
    """DESIGN.md: bad input names row, field and reason, and changes nothing."""
    renamed = LINE_14.replace("Phường Tân Phú", "Phường Tân Phú A")
    path = edited_unit_file({14: renamed, 15: line_15})
    audits_before = AuditRecord.objects.count()

    with pytest.raises(DataFileError) as raised:
        load_admin_units(path)

    assert str(raised.value) == message
    assert raised.value.code == "data_file_invalid"
    assert raised.value.line == 15
    assert AdministrativeUnit.objects.get(catalogue="2004", code="25195").name == (
        "Phường Tân Phú"
    )
    assert AdministrativeUnit.objects.count() == 164
    assert AuditRecord.objects.count() == audits_before


@pytest.mark.django_db
def test_load_admin_units_rejects_file_lacking_a_column(no_units, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "level,old_code,old_name\nprovince,70,Tỉnh Bình Phước\n", encoding="utf-8"
    )

    with pytest.raises(DataFileError) as raised:
        load_admin_units(path)

    assert str(raised.value) == (
        "units.csv, line 1, column “old_type”: the header lacks this column"
    )
    assert AdministrativeUnit.objects.count() == 0
