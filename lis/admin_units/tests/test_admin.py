import pytest


@pytest.fixture(autouse=True)
def _unhashed_static_files(settings):
    """Admin pages render without `collectstatic` having built a manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.mark.django_db
def test_unit_admin_finds_both_meanings_of_a_reused_code(loaded_units, admin_client):

    response = admin_client.get("/admin/admin_units/administrativeunit/?q=25195")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Phường Tân Phú" in page
    assert "Phường Bình Phước" in page


@pytest.mark.django_db
def test_unit_admin_filters_by_catalogue_and_level(loaded_units, admin_client):

    response = admin_client.get(
        "/admin/admin_units/administrativeunit/?catalogue__exact=2004&level__exact=district"
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 11


@pytest.mark.django_db
def test_succession_admin_lists_kept_units(loaded_units, admin_client):

    response = admin_client.get(
        "/admin/admin_units/unitsuccession/?keeps_identity__exact=1"
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
