import pytest

from lis.admin_units.errors import DataFileError
from lis.admin_units.services.data_files import TableCounts
from lis.core.models import AuditRecord
from lis.reference.models import LandUserObjectType, LandUseType, LandUseTypeMapping
from lis.reference.selectors import assignable_land_use_types
from lis.reference.services.loading import (
    LAND_USE_TYPES_PATH,
    load_code_lists,
    load_land_use_types,
)

# Column header of Biểu 05/TKKK, TT 08/2024 (DOMAIN.md §2.2).
BIEU_05_COLUMNS = (
    "LUA HNK CLN RDD RPH RSX NTS CNT LMU NKH "
    "ONT ODT TSC CQP CAN DVH DXH DYT DGD DTT DKH DMT DKT DNG DSK SKK SKN SCT "
    "TMD SKC SKS DGT DTL DCT DPC DDD DRA DNL DBV DCH DKV TON TIN NTD MNC SON "
    "PNK CGT BCS DCS NCS MCS"
).split()
HEADER = "catalogue,code,name,group,parent_code,is_leaf,sort_order\n"


@pytest.mark.django_db
def test_tt08_leaves_are_the_52_bieu_05_columns_in_order(loaded_code_lists):

    leaves = LandUseType.objects.in_catalogue("TT08/2024").leaves()

    assert len(BIEU_05_COLUMNS) == 52
    assert [t.code for t in leaves] == BIEU_05_COLUMNS


@pytest.mark.django_db
def test_tt08_rice_detail_codes_sit_under_the_lua_leaf(loaded_code_lists):
    """Parcels carry LUC or LUK; Biểu 05 counts both in its LUA column."""

    tt08 = LandUseType.objects.in_catalogue("TT08/2024")

    lua = tt08.get(code="LUA")
    assert (lua.is_leaf, lua.parent.code, lua.parent.parent.code) == (
        True,
        "CHN",
        "NNP",
    )
    assert [(t.code, t.name, t.is_leaf) for t in lua.children.all()] == [
        ("LUC", "Đất chuyên trồng lúa", False),
        ("LUK", "Đất trồng lúa còn lại", False),
    ]
    assignable = [t.code for t in assignable_land_use_types("TT08/2024")]
    assert assignable[:4] == ["LUA", "LUC", "LUK", "HNK"]
    assert len(assignable) == 54


@pytest.mark.django_db
def test_tt27_hierarchy_has_its_53_leaves(loaded_code_lists):
    """TT 27/2018 (DOMAIN.md §2.1): LUA, HNK, SXN, CDG are aggregates."""

    tt27 = LandUseType.objects.in_catalogue("TT27/2018")

    assert tt27.count() == 66
    assert tt27.leaves().count() == 53
    assert [t.code for t in tt27.get(code="LUA").children.all()] == [
        "LUC",
        "LUK",
        "LUN",
    ]
    assert [t.code for t in tt27.get(code="HNK").children.all()] == ["BHK", "NHK"]
    assert tt27.get(code="NHK").name == "Đất nương rẫy trồng cây hàng năm khác"
    assert tt27.get(code="SKX").parent.parent.code == "CDG"
    assert not tt27.filter(code__in=["SXN", "CHN", "LUA", "HNK", "CDG"], is_leaf=True)
    assert [t.code for t in assignable_land_use_types("TT27/2018")] == list(
        tt27.leaves().values_list("code", flat=True)
    )


@pytest.mark.django_db
def test_every_land_use_type_shares_its_parents_group(loaded_code_lists):

    children = LandUseType.objects.filter(parent__isnull=False).select_related("parent")

    assert {(t.code, t.group) for t in children if t.group != t.parent.group} == set()
    assert set(
        LandUseType.objects.filter(parent__isnull=True).values_list("code", flat=True)
    ) == {"NNP", "PNN", "CSD"}


@pytest.mark.django_db
def test_load_code_lists_second_run_changes_nothing(loaded_code_lists):
    audits_before = AuditRecord.objects.count()

    reports = load_code_lists()

    assert [r.tables for r in reports] == [
        {LandUseType: TableCounts(0, 0, 130)},
        {LandUseTypeMapping: TableCounts(0, 0, 66)},
        {LandUserObjectType: TableCounts(0, 0, 19)},
    ]
    assert LandUseType.objects.count() == 130
    assert AuditRecord.objects.count() == audits_before


@pytest.mark.django_db
def test_load_code_lists_first_run_leaves_an_audit_record_per_file(no_code_lists):
    audits_before = AuditRecord.objects.count()

    load_code_lists()

    audits = AuditRecord.objects.order_by("id")[audits_before:]
    assert [(a.action, a.details) for a in audits] == [
        (
            "reference.load_land_use_types",
            {
                "landusetype_created": 130,
                "landusetype_updated": 0,
                "landusetype_unchanged": 0,
            },
        ),
        (
            "reference.load_land_use_mappings",
            {
                "landusetypemapping_created": 66,
                "landusetypemapping_updated": 0,
                "landusetypemapping_unchanged": 0,
            },
        ),
        (
            "reference.load_land_user_objects",
            {
                "landuserobjecttype_created": 19,
                "landuserobjecttype_updated": 0,
                "landuserobjecttype_unchanged": 0,
            },
        ),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "TT08/2024,LUC,Đất chuyên trồng lúa,NNP,LUA,true,31",
            "types.csv, line 4, column “is_leaf”: a code under the assignable "
            "code LUA must be a detail code (is_leaf false)",
        ),
        (
            "TT08/2024,LUC,Đất chuyên trồng lúa,PNN,LUA,false,31",
            "types.csv, line 4, column “group”: “PNN” differs from “NNP” of the "
            "parent LUA",
        ),
        (
            "TT08/2024,LUC,Đất chuyên trồng lúa,NNP,XYZ,false,31",
            "types.csv, line 4, column “parent_code”: XYZ is not a code of "
            "TT08/2024 defined on an earlier line",
        ),
        (
            "TT08/2024,LUC,Đất chuyên trồng lúa,NNP,LUA,maybe,31",
            "types.csv, line 4, column “is_leaf”: “maybe” is not true or false",
        ),
        (
            "TT08/2024,LUC,Đất chuyên trồng lúa,NNP,LUA,false,thirty",
            "types.csv, line 4, column “sort_order”: “thirty” is not a whole number",
        ),
        (
            "TT2030,LUC,Đất chuyên trồng lúa,NNP,LUA,false,31",
            "types.csv, line 4, column “catalogue”: “TT2030” is not one of: "
            "TT27/2018, TT08/2024",
        ),
        (
            "TT08/2024,LUA,Đất trồng lúa,NNP,CHN,true,30",
            "types.csv, line 4, column “code”: LUA is already defined on line 3",
        ),
    ],
)
@pytest.mark.django_db
def test_load_land_use_types_rejects_malformed_row_unchanged(
    loaded_code_lists, data_file, row, message
):
    """DESIGN.md: bad input names row, field and reason, and changes nothing."""
    path = data_file(
        "types.csv",
        HEADER
        + "TT08/2024,NNP,Nhóm đất nông nghiệp (sửa),NNP,,false,10\n"
        + "TT08/2024,LUA,Đất trồng lúa,NNP,NNP,true,30\n"
        + row
        + "\n",
    )

    with pytest.raises(DataFileError) as raised:
        load_land_use_types(path)

    assert str(raised.value) == message
    nnp = LandUseType.objects.get(catalogue="TT08/2024", code="NNP")
    assert nnp.name == "Nhóm đất nông nghiệp"
    assert LandUseType.objects.count() == 130


@pytest.mark.django_db
def test_load_land_use_types_updates_a_changed_name(loaded_code_lists, data_file):
    shipped = LAND_USE_TYPES_PATH.read_text(encoding="utf-8")
    path = data_file(
        "types.csv", shipped.replace("Đất tín ngưỡng,", "Đất tín ngưỡng (mới),")
    )

    report = load_land_use_types(path)

    assert report.tables == {LandUseType: TableCounts(0, 1, 129)}
    tin = LandUseType.objects.get(catalogue="TT08/2024", code="TIN")
    assert tin.name == "Đất tín ngưỡng (mới)"
