"""The interface speaks Vietnamese unless the user picks English."""

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese_even_for_an_english_browser(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi"' in response.content.decode()


def test_the_language_switch_gives_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})

    response = client.get("/login/")

    assert response.headers["Content-Language"] == "en"
