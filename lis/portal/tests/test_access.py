"""Every portal page and API needs a signed-in user (R16)."""

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PROTECTED = [
    "/",
    "/search",
    "/search?q=nguyen",
    "/parcels/1",
    "/tiles/17/104451/61307.pbf",
    "/api/search?q=25198/1/1",
    "/api/extent",
    "/api/parcels/1",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_anonymous_visitor_is_sent_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={quote(path)}"


def test_anonymous_visitor_of_map_lands_on_login_with_next(client):
    response = client.get("/")

    assert response["Location"] == "/login/?next=/"


def test_login_page_renders_form(client):
    client.cookies["django_language"] = "en"
    response = client.get("/login/?next=/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="login-form"' in html
    assert 'name="next" value="/"' in html
    assert "LIS — Land information system" in html


def test_login_with_password_lands_on_map(client, reader):
    response = client.post(
        "/login/", {"username": "tracuu", "password": "Mat-khau-thu-2", "next": "/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_user_without_parcel_permission_is_refused(client, reference_data):
    nobody = get_user_model().objects.create_user("khach", password="Mat-khau-thu-3")
    client.force_login(nobody)

    response = client.get("/")

    assert response.status_code == 403


def test_not_found_page_speaks_vietnamese_within_the_layout(client, reader):
    client.force_login(reader)

    response = client.get("/parcels/999999")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy" in html
    assert 'href="/"' in html
