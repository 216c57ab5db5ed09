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


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/admin/reference/landusetype/?q=LUK", "Đất trồng lúa còn lại"),
        ("/admin/reference/landusetypemapping/?needs_review__exact=1", "DCK"),
        ("/admin/reference/landuserobjecttype/?q=TVN", "vốn đầu tư nước ngoài"),
    ],
)
@pytest.mark.django_db
def test_code_list_admin_lists_loaded_rows(
    loaded_code_lists, admin_client, url, expected
):

    response = admin_client.get(url)

    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.django_db
def test_code_list_admin_is_read_only(loaded_code_lists, admin_client):

    response = admin_client.get("/admin/reference/landusetype/add/")

    assert response.status_code == 403
