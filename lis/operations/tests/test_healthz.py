"""`/healthz` reports database reachability and versions (issue #2, R33)."""

import pytest
from django.db import DatabaseError, connection

import lis

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_its_versions(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == lis.__version__
    assert body["database"]["reachable"] is True
    expected_engine = "postgis" if connection.vendor == "postgresql" else "spatialite"
    assert body["database"]["engine"] == expected_engine
    assert body["database"]["version"][0].isdigit()
    assert body["database"]["spatial_version"][0].isdigit()


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("lis.operations.views._database_versions", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"]["reachable"] is False


def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code == 200


def test_every_geometry_column_keeps_its_spatial_index_after_migrations(client):
    """SpatiaLite loses an R*Tree when a migration rebuilds its table."""
    body = client.get("/healthz").json()

    if connection.vendor != "postgresql":
        assert body["database"]["unindexed_geometry_columns"] == []
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = 'cadastre_parcel'"
                " AND indexdef LIKE '%%USING gist (geom)%%'"
            )
            assert cursor.fetchone()[0] == 1
