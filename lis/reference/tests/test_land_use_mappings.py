"""TT 27/2018 → TT 08/2024 mapping rows (DOMAIN.md §2.3)."""

import pytest
from django.db.models import F

from lis.admin_units.errors import DataFileError
from lis.reference.models import LandUseType, LandUseTypeMapping
from lis.reference.services.loading import load_land_use_mappings

HEADER = "source_code,target_code,needs_review,note\n"


def _targets(source_code: str) -> list[tuple[str, bool]]:
    rows = LandUseTypeMapping.objects.filter(source__code=source_code)
    return sorted(rows.values_list("target__code", "needs_review"))


@pytest.mark.django_db
def test_mapping_keeps_codes_present_in_both_catalogues(loaded_code_lists):

    identity = LandUseTypeMapping.objects.filter(source__code=F("target__code"))

    assert identity.count() == 43
    assert set(identity.values_list("needs_review", flat=True)) == {False}
    assert _targets("ONT") == [("ONT", False)]
    assert _targets("LUC") == [("LUC", False)]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("LUN", "LUK"),
        ("BHK", "HNK"),
        ("NHK", "HNK"),
        ("DDT", "DDD"),
        ("DDL", "DDD"),
        ("DSH", "DKV"),
    ],
)
@pytest.mark.django_db
def test_mapping_sends_merged_code_to_its_single_successor(
    loaded_code_lists, source, target
):

    targets = _targets(source)

    assert targets == [(target, False)]


@pytest.mark.parametrize(
    ("source", "targets"),
    [
        ("DTS", ["DGD", "DKH", "DKT", "DMT", "DNG", "DSK", "DTT", "DVH", "DXH", "DYT"]),
        ("SKT", ["SKC", "SKK"]),
        ("SKX", ["SKC", "SKS"]),
        ("DCK", ["DCT", "DKV", "DPC"]),
    ],
)
@pytest.mark.django_db
def test_mapping_of_vanished_code_lists_candidates_for_review(
    loaded_code_lists, source, targets
):
    """A person decides; each candidate row says why in its note."""

    rows = LandUseTypeMapping.objects.filter(source__code=source)

    assert _targets(source) == [(code, True) for code in targets]
    assert all(row.note for row in rows)


@pytest.mark.django_db
def test_mapping_covers_every_tt27_leaf_and_no_aggregate(loaded_code_lists):
    tt27 = LandUseType.objects.in_catalogue("TT27/2018")

    mapped = set(LandUseTypeMapping.objects.values_list("source__code", flat=True))

    assert mapped == set(tt27.leaves().values_list("code", flat=True))
    assert set(
        LandUseTypeMapping.objects.values_list("source__catalogue", "target__catalogue")
    ) == {("TT27/2018", "TT08/2024")}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "CHN,HNK,false,\n",
            "mapping.csv, line 3, column “source_code”: CHN is not an "
            "assignable code of TT27/2018",
        ),
        (
            "BHK,LUA2,false,\n",
            "mapping.csv, line 3, column “target_code”: LUA2 is not an "
            "assignable code of TT08/2024",
        ),
        (
            "SKX,SKS,false,\n",
            "mapping.csv, line 2, column “needs_review”: SKX has several "
            "targets, so each of its rows needs review",
        ),
        (
            "LUN,LUK,false,again\n",
            "mapping.csv, line 3, column “target_code”: LUN → LUK is already on line 2",
        ),
    ],
)
@pytest.mark.django_db
def test_load_land_use_mappings_rejects_malformed_row_unchanged(
    loaded_code_lists, data_file, rows, message
):
    first = "SKX,SKC,false,\n" if rows.startswith("SKX") else "LUN,LUK,true,changed\n"
    path = data_file("mapping.csv", HEADER + first + rows)

    with pytest.raises(DataFileError) as raised:
        load_land_use_mappings(path)

    assert str(raised.value) == message
    assert _targets("LUN") == [("LUK", False)]
    assert LandUseTypeMapping.objects.count() == 66
