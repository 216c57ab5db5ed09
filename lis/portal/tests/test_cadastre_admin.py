"""The cadastre in the admin: readable by staff, never writable (services write)."""

import pytest

from lis.cadastre.models import Parcel
from lis.portal.tests.fixtures.cadastre import small_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(reference_data):
    return small_town()


def test_admin_lists_parcels_by_legacy_key(admin_client, town):
    response = admin_client.get("/admin/cadastre/parcel/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "25198/1/1" in html and "25198/1/3" in html


def test_admin_parcel_page_is_read_only_with_wkt(admin_client, town):
    response = admin_client.get(f"/admin/cadastre/parcel/{town['first'].pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "MULTIPOLYGON (((568920 1275700, 568920 1275725, 568900 1275725" in html
    assert 'name="_save"' not in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/cadastre/parcel/add/",
        "/admin/cadastre/landuser/add/",
        "/admin/cadastre/certificate/add/",
    ],
)
def test_admin_refuses_to_add_cadastral_records(admin_client, town, path):
    response = admin_client.get(path)

    assert response.status_code == 403


def test_admin_refuses_to_delete_a_parcel(admin_client, town):
    parcel = town["first"]

    response = admin_client.post(
        f"/admin/cadastre/parcel/{parcel.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Parcel.objects.filter(pk=parcel.pk).exists()


def test_admin_finds_land_user_without_diacritics(admin_client, town):
    response = admin_client.get("/admin/cadastre/landuser/", {"q": "nguyen van"})

    html = response.content.decode()
    assert "Nguyễn Văn An" in html
    assert "Đinh Thị Bích" not in html


def test_admin_finds_certificate_by_compact_serial(admin_client, town):
    response = admin_client.get("/admin/cadastre/certificate/", {"q": "bd123456"})

    assert "BĐ 123456" in response.content.decode()
