"""Code lookups, run against the single-query selectors and the bulk resolver.

Both implement the same rules (DOMAIN.md §5: an old and a new code can be
equal and mean different land), so each test runs on both.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from lis.admin_units.errors import (
    AmbiguousUnitCodeError,
    NoSingleSuccessorError,
    UnknownUnitCodeError,
)
from lis.admin_units.models import AdministrativeUnit
from lis.admin_units.selectors import (
    CommuneResolver,
    current_unit,
    resolve_commune_code,
)


@dataclass
class Lookup:
    resolve: Callable[..., AdministrativeUnit]
    current: Callable[[AdministrativeUnit], AdministrativeUnit]


@pytest.fixture(params=["selectors", "resolver"])
def lookup(request, loaded_units) -> Lookup:
    if request.param == "selectors":
        return Lookup(resolve_commune_code, current_unit)
    resolver = CommuneResolver()
    return Lookup(resolver.resolve, resolver.current)


@pytest.mark.django_db
def test_resolve_commune_code_refuses_reused_code_without_catalogue(lookup):
    """QĐ 19/2025: 25195 was Phường Tân Phú and is now Phường Bình Phước."""

    with pytest.raises(AmbiguousUnitCodeError) as raised:
        lookup.resolve("25195")

    assert raised.value.code == "ambiguous_unit_code"
    assert str(raised.value) == (
        "The code 25195 names Phường Tân Phú until 30/06/2025 (catalogue 2004) "
        "and Phường Bình Phước from 01/07/2025 (catalogue 2025). "
        "Name the catalogue."
    )


@pytest.mark.parametrize(
    ("catalogue", "name"),
    [("2004", "Phường Tân Phú"), ("2025", "Phường Bình Phước")],
)
@pytest.mark.django_db
def test_resolve_commune_code_reused_code_with_catalogue(lookup, catalogue, name):

    unit = lookup.resolve("25195", catalogue)

    assert (unit.catalogue, unit.code, unit.name) == (catalogue, "25195", name)


@pytest.mark.django_db
def test_resolve_commune_code_old_only_code_without_catalogue(lookup):

    unit = lookup.resolve("25198")

    assert (unit.catalogue, unit.name) == ("2004", "Phường Tân Đồng")


@pytest.mark.django_db
def test_current_unit_of_merged_commune_is_its_2025_unit(lookup):
    """NQ 1662/NQ-UBTVQH15: Phường Tân Đồng merged into Phường Bình Phước."""
    old = lookup.resolve("25198")

    current = lookup.current(old)

    assert (current.catalogue, current.code, current.name) == (
        "2025",
        "25195",
        "Phường Bình Phước",
    )


@pytest.mark.parametrize(
    ("code", "name"), [("25222", "Xã Bù Gia Mập"), ("25225", "Xã Đak Ơ")]
)
@pytest.mark.django_db
def test_resolve_commune_code_kept_unit_without_catalogue(lookup, code, name):
    """A unit kept unchanged ("Giữ nguyên") is the same land under one code."""

    unit = lookup.resolve(code)

    assert (unit.catalogue, unit.name) == ("2004", name)
    assert lookup.current(unit).catalogue == "2025"


@pytest.mark.django_db
def test_current_unit_of_2025_unit_is_itself(lookup):
    unit = lookup.resolve("25195", "2025")

    assert lookup.current(unit) == unit


@pytest.mark.parametrize(
    ("code", "catalogue", "message"),
    [
        ("99999", None, "No commune has the code 99999."),
        ("25198", "2025", "No commune has the code 25198 in catalogue 2025."),
        ("689", "2004", "No commune has the code 689 in catalogue 2004."),
    ],
)
@pytest.mark.django_db
def test_resolve_commune_code_rejects_unknown_code(lookup, code, catalogue, message):

    with pytest.raises(UnknownUnitCodeError) as raised:
        lookup.resolve(code, catalogue)

    assert raised.value.code == "unknown_unit_code"
    assert str(raised.value) == message


@pytest.mark.django_db
def test_current_unit_of_district_raises(lookup):
    """Luật 72/2025/QH15 abolished the district level: no successor."""
    district = AdministrativeUnit.objects.get(catalogue="2004", code="689")

    with pytest.raises(NoSingleSuccessorError) as raised:
        lookup.current(district)

    assert str(raised.value) == (
        "Thành phố Đồng Xoài (689/2004) has no successor in the catalogue "
        "from 01/07/2025."
    )


@pytest.mark.django_db
def test_commune_resolver_agrees_with_selectors_on_every_code(loaded_units):
    resolver = CommuneResolver()
    codes = set(AdministrativeUnit.objects.communes().values_list("code", flat=True))

    outcomes = [
        (
            _outcome(resolve_commune_code, code, cat),
            _outcome(resolver.resolve, code, cat),
        )
        for code in sorted(codes)
        for cat in (None, "2004", "2025")
    ]

    assert len(outcomes) == 3 * 111
    assert all(selector == bulk for selector, bulk in outcomes)
    assert sum(o[0] == "AmbiguousUnitCodeError" for o in outcomes) == 38


@pytest.mark.django_db
def test_commune_resolver_answers_without_queries(
    loaded_units, django_assert_num_queries
):
    resolver = CommuneResolver()

    with django_assert_num_queries(0):
        units = [resolver.resolve("25198") for _ in range(1000)]
        current = resolver.current(units[0])

    assert current.name == "Phường Bình Phước"


def _outcome(
    resolve: Callable[..., AdministrativeUnit], code: str, catalogue
) -> object:
    try:
        return resolve(code, catalogue).pk
    except (UnknownUnitCodeError, AmbiguousUnitCodeError) as err:
        return type(err).__name__
