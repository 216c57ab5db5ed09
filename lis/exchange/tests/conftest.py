"""Fixtures of the exchange app's tests."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, the language of the msgids."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@pytest.fixture
def post_import(client, django_capture_on_commit_callbacks):
    """Upload a file from the web, with the interface in English.

    The job is queued when the upload commits; tasks run immediately in
    tests (root conftest).
    """

    def post(path, **fields):
        data = {
            "file": SimpleUploadedFile(path.name, path.read_bytes()),
            "unit_catalogue": "",
            "land_use_catalogue": "TT08/2024",
            "mode": "all",
            **fields,
        }
        client.cookies["django_language"] = "en"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("exchange:upload"), data)

    return post
