"""The search page and `/api/search`: who finds what, and what is shown."""

import pytest

from lis.portal.tests.fixtures.cadastre import small_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(reference_data):
    return small_town()


def test_api_search_by_owner_name_lists_parcel_with_owner(client, officer, town):
    client.force_login(officer)

    response = client.get("/api/search", {"q": "nguyen van"})

    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["more"], data["next_offset"]) == (1, 0, None)
    assert data["personal_search"] is True
    assert data["results"] == [
        {
            "id": town["first"].pk,
            "legacy_key": "25198/1/1",
            "sheet": 1,
            "parcel_number": 1,
            "surveyed_commune": {
                "code": "25198",
                "name": "Phường Tân Đồng",
                "catalogue": "2004",
            },
            "current_commune": {
                "code": "25195",
                "name": "Phường Bình Phước",
                "catalogue": "2025",
            },
            "commune_text": "Phường Tân Đồng → Phường Bình Phước",
            "land_use": ["ONT", "CLN"],
            "legal_area_m2": "500.0",
            "legal_area_text": "500,0 m²",
            "url": f"/parcels/{town['first'].pk}",
            "owners": ["Nguyễn Văn An"],
        }
    ]


def test_api_search_by_serial_spelled_with_d_stroke(client, officer, town):
    client.force_login(officer)

    response = client.get("/api/search", {"q": "bđ 123456"})

    assert [hit["legacy_key"] for hit in response.json()["results"]] == ["25198/1/1"]


def test_api_search_by_owner_as_reader_returns_nothing_and_says_why(
    client, reader, town
):
    client.force_login(reader)

    response = client.get("/api/search", {"q": "nguyen van"})

    data = response.json()
    assert (data["count"], data["results"]) == (0, [])
    assert data["personal_search"] is False
    assert data["personal_refused"] is True


def test_api_search_by_key_as_reader_has_no_owner_field(client, reader, town):
    client.force_login(reader)

    response = client.get("/api/search", {"q": "25198/1/1"})

    hits = response.json()["results"]
    assert [hit["legacy_key"] for hit in hits] == ["25198/1/1"]
    assert "owners" not in hits[0]
    assert "Nguyễn" not in response.content.decode()


def test_search_page_lists_owner_for_officer(client, officer, town):
    client.force_login(officer)

    response = client.get("/search", {"q": "Nguyen"})

    html = response.content.decode()
    assert f'<a href="/parcels/{town["first"].pk}">25198/1/1</a>' in html
    assert "Nguyễn Văn An" in html
    assert "Phường Tân Đồng → Phường Bình Phước" in html
    assert "500,0 m²" in html


def test_search_page_for_reader_hides_owners_and_says_so(client, reader, town):
    client.force_login(reader)

    client.cookies["django_language"] = "en"
    response = client.get("/search", {"q": "nguyen van"})

    html = response.content.decode()
    assert 'id="personal-search-note"' in html
    assert "Your role searches by parcel key only" in html
    assert 'id="no-result"' in html
    assert "Nguyễn" not in html


def test_search_page_by_key_for_reader_shows_no_owner_column(client, reader, town):
    client.force_login(reader)

    client.cookies["django_language"] = "en"
    response = client.get("/search", {"q": "tờ 1 thửa 1"})

    html = response.content.decode()
    assert "25198/1/1</a>" in html
    assert "<th>Owners</th>" not in html
    assert "Nguyễn" not in html
