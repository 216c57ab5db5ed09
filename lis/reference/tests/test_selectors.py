import pytest

from lis.reference.models import LandUserObjectType
from lis.reference.selectors import (
    LandUseCodeResolver,
    LandUserObjectResolver,
    UnknownLandUseCodeError,
    UnknownObjectCodeError,
)


@pytest.mark.parametrize(
    ("code", "resolved", "reported"),
    [
        ("LUC", "LUC", "LUA"),
        ("luk ", "LUK", "LUA"),
        ("LUA", "LUA", "LUA"),
        ("CNT", "CNT", "CNT"),
    ],
)
@pytest.mark.django_db
def test_land_use_code_resolver_resolves_assignable_code(
    loaded_code_lists, code, resolved, reported
):
    resolver = LandUseCodeResolver("TT08/2024")

    land_use_type = resolver.resolve(code)

    assert (land_use_type.catalogue, land_use_type.code) == ("TT08/2024", resolved)
    assert resolver.report_type(code).code == reported


@pytest.mark.parametrize(
    ("catalogue", "code", "message"),
    [
        ("TT08/2024", "XYZ", "XYZ is not a land-use code of TT08/2024."),
        ("TT08/2024", "LUN", "LUN is not a land-use code of TT08/2024."),
        ("TT27/2018", "CNT", "CNT is not a land-use code of TT27/2018."),
    ],
)
@pytest.mark.django_db
def test_land_use_code_resolver_rejects_unknown_code(
    loaded_code_lists, catalogue, code, message
):
    resolver = LandUseCodeResolver(catalogue)

    with pytest.raises(UnknownLandUseCodeError) as raised:
        resolver.resolve(code)

    assert raised.value.code == "unknown_land_use_code"
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("catalogue", "code"), [("TT08/2024", "CHN"), ("TT27/2018", "LUA")]
)
@pytest.mark.django_db
def test_land_use_code_resolver_rejects_aggregate_code(
    loaded_code_lists, catalogue, code
):
    resolver = LandUseCodeResolver(catalogue)

    with pytest.raises(UnknownLandUseCodeError) as raised:
        resolver.resolve(code)

    assert str(raised.value) == (
        f"{code} is an aggregate of {catalogue} and cannot be recorded on a "
        "parcel; use a code under it."
    )


@pytest.mark.django_db
def test_land_use_code_resolver_answers_without_queries(
    loaded_code_lists, django_assert_num_queries
):
    resolver = LandUseCodeResolver("TT08/2024")

    with django_assert_num_queries(0):
        codes = [resolver.report_type("LUK").code for _ in range(1000)]

    assert set(codes) == {"LUA"}


@pytest.mark.django_db
def test_tt08_object_codes_follow_bieu_01_columns(loaded_code_lists):
    """DOMAIN.md §3.1: Biểu 01/TKKK user columns (6)-(17), managers (19)-(22)."""

    objects = LandUserObjectType.objects.filter(catalogue="TT08/2024", is_leaf=True)

    assert [(o.code, o.role) for o in objects] == [
        *[
            (code, "user")
            for code in "CNV CNN TCN TSN TXH TKT TKH TTG CDS TNG NGV TVN".split()
        ],
        *[(code, "manager") for code in "TCQ TSQ KTQ CDQ".split()],
    ]
    assert [o.code for o in objects.get(code="CNV").parent.children.all()] == [
        "CNV",
        "CNN",
    ]
    assert objects.get(code="TKH").parent.code == "TCC"


@pytest.mark.parametrize(
    ("catalogue", "code", "name"),
    [
        ("TT08/2024", "CNV", "Cá nhân trong nước"),
        ("TT08/2024", "tvn", "Tổ chức kinh tế có vốn đầu tư nước ngoài"),
        ("TT27/2018", "GDC", "Hộ gia đình, cá nhân"),
    ],
)
@pytest.mark.django_db
def test_object_resolver_resolves_assignable_code(
    loaded_code_lists, catalogue, code, name
):
    resolver = LandUserObjectResolver(catalogue)

    object_type = resolver.resolve(code)

    assert object_type.name == name


@pytest.mark.parametrize(
    ("catalogue", "code"),
    [("TT08/2024", "CNC"), ("TT08/2024", "GDC"), ("TT27/2018", "CNV")],
)
@pytest.mark.django_db
def test_object_resolver_rejects_unknown_or_aggregate_code(
    loaded_code_lists, catalogue, code
):
    resolver = LandUserObjectResolver(catalogue)

    with pytest.raises(UnknownObjectCodeError) as raised:
        resolver.resolve(code)

    assert raised.value.code == "unknown_object_code"
    assert (
        str(raised.value) == f"{code} is not an assignable object code of {catalogue}."
    )
