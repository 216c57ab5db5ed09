"""Web export of parcels: a download for readers, personal data for those
who may read it, large selections sent to the command line (issue #3)."""

import csv
import io
import zipfile

import pytest
import shapely
from django.contrib.auth import get_user_model
from django.urls import reverse

from lis.core.models import AuditRecord
from lis.exchange.export import FIELDS
from lis.exchange.tests.fixtures.export_data import load_cadastre

pytestmark = pytest.mark.django_db

REGISTER_NAMES = [f.name for f in FIELDS if not f.personal]
ALL_NAMES = [f.name for f in FIELDS]


@pytest.fixture
def cadastre(tmp_path, reference_data):
    load_cadastre(tmp_path)


def _post(client, user, **fields):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    data = {"format": "csv", "crs": "4326", **fields}
    return client.post(reverse("exchange:export"), data)


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_reader_downloads_parcels_without_personal_columns(client, cadastre, reader):
    response = _post(client, reader, commune="25198", unit_catalogue="2004")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="thua_dat_25198.csv"'
    )
    rows = _csv(response)
    assert list(rows[0]) == REGISTER_NAMES + ["WKT"]
    assert len(rows) == 5
    record = AuditRecord.objects.get(action="parcels.export")
    assert (record.actor, record.details["personal"]) == (reader, False)


def test_officer_downloads_parcels_with_owner_columns(client, cadastre, officer):
    response = _post(client, officer, commune="25198", sheet="1")

    rows = _csv(response)
    assert list(rows[0]) == ALL_NAMES + ["WKT"]
    assert [r["tenChu"] for r in rows] == [
        "Nguyễn Văn An",
        "Công ty TNHH Minh Phát",
        "",
    ]
    assert response["Content-Disposition"] == (
        'attachment; filename="thua_dat_25198_to1.csv"'
    )


def test_shapefile_download_is_a_zip_of_its_parts(client, cadastre, reader):
    response = _post(client, reader, format="shp")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "thua_dat.cpg",
        "thua_dat.dbf",
        "thua_dat.fields.csv",
        "thua_dat.prj",
        "thua_dat.shp",
        "thua_dat.shx",
    ]
    assert response["Content-Disposition"] == 'attachment; filename="thua_dat.zip"'


def test_page_shows_the_form_and_what_the_role_may_read(client, cadastre, reader):
    client.force_login(reader)
    client.cookies["django_language"] = "en"

    response = client.get(reverse("exchange:export"))

    assert response.status_code == 200
    assert b"Land users' personal data is not included" in response.content
    assert b'name="commune"' in response.content


def test_selection_over_the_web_limit_is_sent_to_the_command_line(
    client, cadastre, reader, settings
):
    settings.LIS_EXPORT_WEB_MAX_PARCELS = 4

    response = _post(client, reader, commune="25198")

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        (
            "The selection holds 5 parcels, more than the 4 a web export may hold."
            " Narrow it, or export it on the server with the command lis"
            " export-parcels."
        )
    ]
    assert not AuditRecord.objects.filter(action="parcels.export").exists()


def test_bad_selection_is_shown_on_the_form(client, cadastre, reader):
    response = _post(client, reader, commune="99999")

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "No commune has the code 99999."
    ]


def test_malformed_commune_code_is_a_field_error(client, cadastre, reader):
    response = _post(client, reader, commune="25A98")

    assert response.status_code == 400
    assert response.context["form"].errors["commune"] == [
        "A commune code has 5 digits."
    ]


def test_account_without_parcel_access_is_forbidden(client, cadastre):
    user = get_user_model().objects.create_user("khach", password="Mat-khau-thu-3")

    response = _post(client, user)

    assert response.status_code == 403
    assert not AuditRecord.objects.filter(action="parcels.export").exists()


def test_anonymous_visitor_is_sent_to_log_in(client, cadastre):
    response = client.get(reverse("exchange:export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_xlsx_over_its_own_web_limit_is_sent_to_the_command_line(
    client, cadastre, reader, settings, monkeypatch
):
    from lis.exchange import export_views

    monkeypatch.setattr(export_views, "XLSX_WEB_MAX_PARCELS", 6)

    too_many = _post(client, reader, format="xlsx")
    csv_file = _post(client, reader, format="csv")

    assert too_many.status_code == 400
    assert (
        too_many.context["form"]
        .non_field_errors()[0]
        .startswith(
            "The selection holds 7 parcels, more than the 6 a web export may hold."
        )
    )
    assert csv_file.status_code == 200


def test_geojson_download_in_the_coordinates_chosen(client, cadastre, reader):
    import json

    vn2000 = _post(client, reader, format="geojson", crs="9212", commune="25207")
    wgs84 = _post(client, reader, format="geojson", crs="4326", commune="25207")

    vn2000_data = json.loads(b"".join(vn2000.streaming_content))
    wgs84_data = json.loads(b"".join(wgs84.streaming_content))
    assert vn2000_data["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::9212"
    assert "crs" not in wgs84_data
    lon, lat = shapely.from_geojson(
        json.dumps(wgs84_data["features"][0]["geometry"])
    ).centroid.coords[0]
    assert (round(lon, 3), round(lat, 3)) == (106.884, 11.536)
