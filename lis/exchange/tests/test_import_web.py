"""Import of a cadastral map from the web, as a background job with
progress (issue #2)."""

import pytest
from django.urls import reverse
from django.utils import translation

from lis.cadastre.models import Parcel
from lis.exchange.jobs import job_progress
from lis.exchange.models import ImportJob, ImportStatus
from lis.exchange.tests.fixtures.parcel_files import (
    bow_tie,
    feature,
    square,
    write_parcel_file,
)

pytestmark = pytest.mark.django_db




def test_officer_imports_a_file_and_sees_the_report(
    client, officer, tmp_path, post_import
):
    client.force_login(officer)
    path = write_parcel_file(
        tmp_path / "ok.gpkg", [feature(square(0), 1, 1), feature(square(1), 1, 2)]
    )

    response = post_import(path)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:job", args=[job.pk])
    assert job.status == ImportStatus.SUCCEEDED
    assert job.created_by == officer
    assert job.report["created"]["parcels"] == 2
    assert Parcel.objects.count() == 2
    assert job_progress(job) == {"phase": "write", "done": 2, "total": 2}
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_rejected_file_shows_each_feature_and_imports_nothing(
    client, officer, tmp_path, post_import
):
    client.force_login(officer)
    path = write_parcel_file(
        tmp_path / "dirty.gpkg",
        [feature(square(0), 1, 1), feature(bow_tie(1), 1, 2, dienTich=500.0)],
    )

    response = post_import(path)
    client.cookies["django_language"] = "en"
    page = client.get(response["Location"])

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED
    assert job.report["rejected_features"] == 1
    assert Parcel.objects.count() == 0
    html = page.content.decode()
    assert "Self-intersection" in html
    assert "<td>#2</td><td>1</td><td>2</td><td>geometry</td>" in html


def test_valid_only_mode_from_the_web_imports_the_valid_features(
    client, officer, tmp_path, post_import
):
    client.force_login(officer)
    path = write_parcel_file(
        tmp_path / "dirty.gpkg",
        [feature(square(0), 1, 1), feature(bow_tie(1), 1, 2, dienTich=500.0)],
    )

    post_import(path, mode="valid")

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED
    assert list(Parcel.objects.values_list("parcel_number", flat=True)) == [1]


def test_status_endpoint_reports_progress_for_the_page(
    client, officer, tmp_path, post_import
):
    client.force_login(officer)
    path = write_parcel_file(tmp_path / "ok.gpkg", [feature(square(0), 1, 1)])
    job = ImportJob.objects.get(
        pk=post_import(path)["Location"].rstrip("/").split("/")[-1]
    )

    with translation.override("en"):
        client.cookies["django_language"] = "en"
        response = client.get(reverse("exchange:job_status", args=[job.pk]))

    assert response.json() == {
        "status": "succeeded",
        "status_label": "imported",
        "finished": True,
        "progress": {"phase": "write", "done": 1, "total": 1},
        "phase_label": "saving",
    }


def test_file_without_crs_fails_with_the_reason(client, officer, tmp_path, post_import):
    client.force_login(officer)
    path = write_parcel_file(
        tmp_path / "nocrs.gpkg", [feature(square(0), 1, 1)], crs=None
    )

    post_import(path)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("The file declares no coordinate reference system.")


def test_wrong_file_type_is_refused_by_the_form(client, officer, tmp_path, post_import):
    client.force_login(officer)
    path = tmp_path / "map.dwg"
    path.write_bytes(b"AC1015")

    response = post_import(path)

    assert response.status_code == 200
    assert (
        "map.dwg is not a file the import reads (.gpkg, .geojson, .zip, .kml, .kmz,"
        " .csv, .xlsx, .dxf, .dgn)." in response.content.decode()
    )
    assert ImportJob.objects.count() == 0


def test_reader_may_not_import(client, reader, tmp_path, post_import):
    client.force_login(reader)
    path = write_parcel_file(tmp_path / "ok.gpkg", [feature(square(0), 1, 1)])

    response = post_import(path)

    assert response.status_code == 403
    assert ImportJob.objects.count() == 0
    assert Parcel.objects.count() == 0


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("exchange:upload"))

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/import/"


def test_another_officers_job_is_not_found(
    client, officer, tmp_path, django_user_model, post_import
):
    client.force_login(officer)
    path = write_parcel_file(tmp_path / "ok.gpkg", [feature(square(0), 1, 1)])
    post_import(path)
    job = ImportJob.objects.get()
    other = django_user_model.objects.create_user("khac", password="x")
    other.groups.set(officer.groups.all())
    client.force_login(other)

    assert client.get(reverse("exchange:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("exchange:job_status", args=[job.pk])).status_code == 404


def test_zipped_shapefile_is_imported(client, officer, tmp_path, post_import):
    import zipfile

    client.force_login(officer)
    shp = write_parcel_file(tmp_path / "shp" / "thua.shp", [feature(square(0), 1, 1)])
    archive = tmp_path / "thua.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in shp.parent.iterdir():
            zipped.write(part, f"ban_do/{part.name}")

    post_import(archive)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED
    assert job.report["field_map"]["sheet"] == "soHieuToBa"
    assert Parcel.objects.count() == 1


def test_report_names_the_file_as_uploaded(client, officer, tmp_path, post_import):
    client.force_login(officer)
    path = write_parcel_file(
        tmp_path / "Bản đồ xã Tân Thành.gpkg", [feature(square(0), 1, 1)]
    )

    post_import(path)

    job = ImportJob.objects.get()
    assert job.original_name == "Bản đồ xã Tân Thành.gpkg"
    assert job.report["file_name"] == "Bản đồ xã Tân Thành.gpkg"
