"""The map page, the base layout around it, and the initial extent."""

import json
import re

import pytest
import shapely
from django.contrib.auth import get_user_model
from pyproj import Transformer

from lis.core import crs
from lis.portal.tests.fixtures.cadastre import small_town

pytestmark = pytest.mark.django_db


def _settings_json(html: str) -> dict:
    found = re.search(
        r'<script id="map-settings" type="application/json">(.*?)</script>', html
    )
    return json.loads(found.group(1))


def test_map_page_loads_openlayers_from_our_static_files(client, reader):
    client.force_login(reader)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/vendor/ol/dist/ol.js"></script>' in html
    assert '<link rel="stylesheet" href="/static/vendor/ol/ol.css">' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_map_page_settings_point_at_tiles_and_apis(client, reader):
    client.force_login(reader)

    html = client.get("/").content.decode()

    settings = _settings_json(html)
    assert settings["tileUrl"] == "/tiles/{z}/{x}/{y}.pbf"
    assert settings["extentUrl"] == "/api/extent"
    assert settings["searchUrl"] == "/api/search"
    assert settings["parcelApiUrl"] == "/api/parcels/"
    assert (
        settings["parcelMinZoom"],
        settings["sheetMinZoom"],
        settings["labelMinZoom"],
        settings["sheetLabelMinZoom"],
    ) == (
        14,
        9,
        17,
        13,
    )
    assert [group["key"] for group in settings["legend"]] == [
        "residential",
        "perennial",
        "rice",
        "annual",
        "forest",
        "water",
        "roads",
        "public",
        "other",
    ]


def test_map_page_says_to_zoom_in_and_has_a_legend(client, reader):
    client.force_login(reader)

    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()

    assert "Zoom in to see parcels." in html
    assert "Residential land" in html
    assert "Map sheet outline" in html


def test_layout_for_reader_has_map_and_search_but_no_import_or_admin(client, reader):
    client.force_login(reader)

    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()

    assert '<a href="/" aria-current="page">Map</a>' in html
    assert '<a href="/search">Search</a>' in html
    assert "Import data" not in html
    assert "/admin/" not in html
    assert '<span class="user-name"' in html and ">tracuu</span>" in html
    assert '<form action="/logout/" method="post"' in html


def test_layout_for_officer_links_to_import(client, officer):
    client.force_login(officer)

    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()

    assert '<a href="/import/">Import data</a>' in html


def test_layout_for_staff_links_to_administration(client, reader):
    reader.is_staff = True
    reader.save()
    client.force_login(reader)

    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()

    assert '<a href="/admin/">Administration</a>' in html


def test_layout_offers_both_languages(client, reader):
    client.force_login(reader)

    html = client.get("/").content.decode()

    assert '<html lang="vi">' in html
    assert '<form action="/i18n/setlang/" method="post" class="language-form">' in html
    assert re.search(r'value="en" class="link-button"\s+lang="en">\s+English', html)
    assert re.search(r'value="vi"[^>]*aria-pressed="true" disabled>\s+Tiếng Việt', html)


def test_switching_language_to_english_changes_the_page(client, reader):
    client.force_login(reader)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Zoom in to see parcels." in html


def test_extent_without_parcels_is_former_binh_phuoc(client, reader):
    client.force_login(reader)

    data = client.get("/api/extent").json()

    to_mercator = Transformer.from_crs(4326, 3857, always_xy=True)
    expected = to_mercator.transform_bounds(106.4, 11.3, 107.45, 12.3)
    assert data["empty"] is True
    assert data["srid"] == 3857
    assert data["bbox"] == pytest.approx(list(expected), abs=0.01)


def test_extent_covers_all_parcels_through_the_pinned_transform(client, reader):
    small_town()
    client.force_login(reader)

    data = client.get("/api/extent").json()

    stored = shapely.box(568900, 1275700, 568960, 1275725)
    expected = crs.to_web_mercator(stored, 9212).bounds
    assert data["empty"] is False
    assert data["bbox"] == pytest.approx(list(expected), abs=0.01)


def test_nobody_without_parcel_permission_gets_the_extent(client, reference_data):
    nobody = get_user_model().objects.create_user("khach", password="Mat-khau-thu-3")
    client.force_login(nobody)

    response = client.get("/api/extent")

    assert response.status_code == 403
