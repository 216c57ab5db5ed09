"""Bad input to the portal: odd search texts, paging values, ids and tile
addresses get an answer (a page, an empty result, a 404), never a server
error; text from the register is shown escaped."""

from datetime import date
from decimal import Decimal

import pytest

from lis.cadastre.errors import DuplicateCertificateError, InvalidAreaError
from lis.cadastre.services.rights import issue_certificate
from lis.portal.tests.fixtures.cadastre import (
    make_owner,
    make_parcel,
    make_sheet,
    small_town,
    square,
)

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = "99999999999999999999"
# About 1,200 characters: a pasted paragraph, well under a URL's limits.
MANY_WORDS = "nguyen van an " * 140


@pytest.fixture
def town(reference_data):
    return small_town()


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


# --- Search -----------------------------------------------------------------------


def test_search_page_answers_a_query_of_many_words(signed_in, town):
    signed_in.cookies["django_language"] = "en"
    response = signed_in.get("/search", {"q": MANY_WORDS})

    assert response.status_code == 200


def test_api_search_answers_a_query_of_many_words(signed_in, town):
    response = signed_in.get("/api/search", {"q": MANY_WORDS})

    assert response.status_code == 200


def test_search_page_with_an_offset_beyond_64_bits_finds_nothing_more(signed_in, town):
    signed_in.cookies["django_language"] = "en"
    response = signed_in.get("/search", {"q": "25198/1/1", "offset": BEYOND_64_BITS})

    assert response.status_code == 200


def test_api_search_with_an_offset_beyond_64_bits_returns_no_results(signed_in, town):
    response = signed_in.get(
        "/api/search", {"q": "25198/1/1", "offset": BEYOND_64_BITS}
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["results"], data["more"]) == (1, [], 0)


def test_search_page_with_a_nul_character_finds_nothing(signed_in, town):
    signed_in.cookies["django_language"] = "en"
    response = signed_in.get("/search", {"q": "Nguy\x00n"})

    assert response.status_code == 200
    assert 'id="no-result"' in response.content.decode()


def test_api_search_with_a_nul_character_returns_no_results(signed_in, town):
    response = signed_in.get("/api/search", {"q": "\x00"})

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("query", ["%", "_", "%%", "' OR 1=1 --", "😀", "\u0301\u0300"])
def test_search_text_of_wildcards_sql_or_marks_finds_nothing(signed_in, town, query):
    response = signed_in.get("/api/search", {"q": query})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_api_search_with_junk_limit_and_offset_uses_the_defaults(signed_in, town):
    response = signed_in.get(
        "/api/search", {"q": "1/1", "limit": "-1", "offset": "abc"}
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["count"], len(data["results"]), data["next_offset"]) == (1, 1, None)


# --- Parcels and tiles ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/parcels/{BEYOND_64_BITS}",
        "/parcels/0",
        f"/api/parcels/{BEYOND_64_BITS}",
        "/api/parcels/999999",
    ],
)
def test_parcel_that_cannot_exist_is_not_found(signed_in, town, url):
    response = signed_in.get(url)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/tiles/30/0/0.pbf",
        "/tiles/5/32/0.pbf",
        "/tiles/5/0/32.pbf",
        f"/tiles/{BEYOND_64_BITS}/0/0.pbf",
        f"/tiles/22/{BEYOND_64_BITS}/0.pbf",
        "/tiles/-1/0/0.pbf",
        "/tiles/z/x/y.pbf",
    ],
)
def test_tile_outside_the_grid_is_not_found(signed_in, town, url):
    response = signed_in.get(url)

    assert response.status_code == 404


# --- Text from the register, escaped -----------------------------------------------------


@pytest.fixture
def hostile_parcel(reference_data):
    sheet = make_sheet(1)
    parcel = make_parcel(
        sheet, 1, square(0), ("ONT",), address='<img src=x onerror="alert(1)">'
    )
    make_owner(
        parcel,
        "<script>alert('owner')</script>",
        cccd="070085001234",
        serial="BĐ 654321",
        origin="<b>Nhận chuyển nhượng</b>",
    )
    return parcel


def test_parcel_page_escapes_html_in_owner_name_address_and_origin(
    signed_in, hostile_parcel
):
    signed_in.cookies["django_language"] = "en"
    response = signed_in.get(f"/parcels/{hostile_parcel.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert('owner')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;owner&#x27;)&lt;/script&gt;" in html
    assert '<img src=x onerror="alert(1)">' not in html
    assert "<b>Nhận chuyển nhượng</b>" not in html


def test_search_page_escapes_html_in_owner_names_and_in_the_query(
    signed_in, hostile_parcel
):
    signed_in.cookies["django_language"] = "en"
    response = signed_in.get("/search", {"q": "070085001234<script>"})
    signed_in.cookies["django_language"] = "en"
    by_owner = signed_in.get("/search", {"q": "070085001234"})

    assert "070085001234<script>" not in response.content.decode()
    assert "<script>alert('owner')</script>" not in by_owner.content.decode()
    assert (
        "&lt;script&gt;alert(&#x27;owner&#x27;)&lt;/script&gt;"
        in by_owner.content.decode()
    )


# --- The services the register's data comes through --------------------------------------


def test_create_parcel_refuses_a_legal_area_beyond_the_register_precision(
    reference_data,
):
    # legal_area_m2 has 14 digits, one after the point: below 10^13 m².
    sheet = make_sheet(1)

    with pytest.raises(InvalidAreaError):
        make_parcel(sheet, 1, square(0), ("ONT",), legal_area_m2=Decimal("1e15"))


def test_issue_certificate_refuses_a_serial_differing_only_in_spacing_and_case(
    reference_data,
):
    issue_certificate(
        serial_number="BĐ 123456", issue_date=date(2020, 5, 4), acting_user=None
    )

    with pytest.raises(DuplicateCertificateError):
        issue_certificate(
            serial_number="bđ123456", issue_date=date(2020, 5, 4), acting_user=None
        )
