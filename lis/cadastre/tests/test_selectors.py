"""Reading the cadastre: search by key, owner, ID number and certificate."""

import pytest
from django.contrib.auth import get_user_model

from lis.cadastre.selectors import (
    LegacyKeyQuery,
    get_parcel_for_user,
    parcel_rights_for_user,
    parse_query,
    search_parcels,
)
from lis.core.errors import NotFoundError
from lis.portal.tests.fixtures.cadastre import small_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(reference_data):
    return small_town()


def _keys(result) -> list[str]:
    return [parcel.legacy_key for parcel in result.parcels]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25198/1/12", LegacyKeyQuery(1, 12, "25198")),
        ("25198 1 12", LegacyKeyQuery(1, 12, "25198")),
        (" 25198-1-12 ", LegacyKeyQuery(1, 12, "25198")),
        ("tờ 1 thửa 12", LegacyKeyQuery(1, 12)),
        ("Tờ bản đồ số 1, thửa đất số 12", LegacyKeyQuery(1, 12)),
        ("thửa 12 tờ 1", LegacyKeyQuery(1, 12)),
        ("25198 tờ 1 thửa 12", LegacyKeyQuery(1, 12, "25198")),
        ("1/12", LegacyKeyQuery(1, 12)),
    ],
)
def test_parse_query_reads_legacy_key_forms(text, expected):
    parsed = parse_query(text)

    assert parsed.legacy_key == expected
    assert parsed.name_words == ()


def test_parse_query_reads_name_without_diacritics():
    parsed = parse_query("  Nguyễn   văn ")

    assert parsed.name_words == ("NGUYEN", "VAN")
    assert parsed.legacy_key is None
    assert parsed.id_number is None


def test_parse_query_reads_serial_in_compact_form():
    parsed = parse_query("BĐ 123456")

    assert parsed.serial_key == "BD123456"
    assert parsed.name_words == ()


def test_parse_query_reads_id_number_from_six_digits():
    assert parse_query("070 085 001 234").id_number == "070085001234"
    assert parse_query("070085").id_number == "070085"
    assert parse_query("07008").id_number is None


@pytest.mark.parametrize(
    "query", ["nguyen van", "NGUYEN", "Nguyễn", "van an", "Nguyễn Văn An"]
)
def test_search_by_owner_name_ignores_diacritics_and_case(officer, town, query):
    result = search_parcels(officer, query)

    assert _keys(result) == ["25198/1/1"]
    assert result.owners == {town["first"].pk: ["Nguyễn Văn An"]}


@pytest.mark.parametrize("query", ["đinh", "dinh", "ĐINH THỊ", "Dinh Thi Bich"])
def test_search_by_owner_name_folds_d_with_stroke(officer, town, query):
    result = search_parcels(officer, query)

    assert _keys(result) == ["25198/1/2"]


def test_search_by_owner_name_matches_word_starts_only(officer, town):
    result = search_parcels(officer, "guyen")

    assert result.total == 0


@pytest.mark.parametrize(
    "query", ["bd123456", "BĐ 123456", "bđ 123456", "BD-123456", "BD1234"]
)
def test_search_by_certificate_serial_in_any_spelling(officer, town, query):
    result = search_parcels(officer, query)

    assert _keys(result) == ["25198/1/1"]


@pytest.mark.parametrize("query", ["070190004321", "070190", "070 190 004 321"])
def test_search_by_id_number_exact_or_prefix(officer, town, query):
    result = search_parcels(officer, query)

    assert _keys(result) == ["25198/1/2"]


def test_search_by_id_number_needs_six_digits(officer, town):
    result = search_parcels(officer, "07019")

    assert result.total == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("25198/1/2", ["25198/1/2"]),
        ("25198 1 3", ["25198/1/3"]),
        ("tờ 1 thửa 3", ["25198/1/3"]),
        ("1/1", ["25198/1/1"]),
        ("25201/1/1", []),
    ],
)
def test_search_by_legacy_key(reader, town, query, expected):
    result = search_parcels(reader, query)

    assert _keys(result) == expected


def test_search_by_parcel_identifier_prefix(reader, town):
    uid = town["third"].uid

    result = search_parcels(reader, uid[:11])

    assert _keys(result) == ["25198/1/3"]


def test_reader_search_by_owner_name_finds_nothing_and_says_why(reader, town):
    result = search_parcels(reader, "nguyen van")

    assert result.total == 0
    assert result.parcels == []
    assert result.owners == {}
    assert result.personal_allowed is False
    assert result.personal_refused is True


def test_reader_search_by_id_number_or_serial_finds_nothing(reader, town):
    assert search_parcels(reader, "070085001234").total == 0
    assert search_parcels(reader, "BĐ 123456").total == 0


def test_reader_search_by_key_returns_no_owner_names(reader, town):
    result = search_parcels(reader, "25198/1/1")

    assert _keys(result) == ["25198/1/1"]
    assert result.owners == {}


def test_search_pages_with_count_of_the_rest(officer, town):
    result = search_parcels(officer, "1/1", limit=1)

    assert result.total == 1
    assert result.more == 0

    result = search_parcels(officer, "25198 tờ 1 thửa 2", limit=1)
    assert (result.total, result.more, result.next_offset) == (1, 0, None)


def test_search_reports_more_results_than_the_page(officer, town):
    third_holder_parcel = town["third"]
    from lis.portal.tests.fixtures.cadastre import make_owner

    make_owner(third_holder_parcel, "Nguyễn Văn Bình")

    result = search_parcels(officer, "nguyen van", limit=1)

    assert result.total == 2
    assert _keys(result) == ["25198/1/1"]
    assert (result.more, result.next_offset) == (1, 1)


def test_get_parcel_for_user_returns_the_parcel(reader, town):
    parcel = get_parcel_for_user(reader, town["second"].pk)

    assert parcel.legacy_key == "25198/1/2"


def test_get_parcel_for_user_missing_parcel_is_not_found(reader, town):
    with pytest.raises(NotFoundError) as caught:
        get_parcel_for_user(reader, 999_999)

    assert caught.value.code == "not_found"


def test_get_parcel_for_user_without_permission_is_the_same_not_found(town):
    nobody = get_user_model().objects.create_user("khach", password="Mat-khau-thu-3")

    with pytest.raises(NotFoundError) as caught:
        get_parcel_for_user(nobody, town["first"].pk)

    assert caught.value.code == "not_found"


def test_parcel_rights_are_hidden_from_reader(reader, town):
    assert parcel_rights_for_user(reader, town["first"]) is None


def test_parcel_rights_are_shown_to_officer(officer, town):
    rights = parcel_rights_for_user(officer, town["first"])

    assert [right.holder.full_name for right in rights] == ["Nguyễn Văn An"]
    assert rights[0].certificate.serial_number == "BĐ 123456"
