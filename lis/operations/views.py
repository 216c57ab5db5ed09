"""Health of the running system, for monitoring (R33)."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import lis

logger = logging.getLogger(__name__)


def _database_versions() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT current_setting('server_version'), postgis_lib_version()"
            )
            server, spatial = cursor.fetchone()
            return {"engine": "postgis", "version": server, "spatial_version": spatial}
        cursor.execute("SELECT sqlite_version(), spatialite_version()")
        server, spatial = cursor.fetchone()
        # A table rebuilt by a migration can lose its R*Tree index silently;
        # maps and spatial queries then scan whole tables.
        cursor.execute(
            "SELECT f_table_name || '.' || f_geometry_column FROM geometry_columns"
            " WHERE spatial_index_enabled = 0 ORDER BY 1"
        )
        unindexed = [row[0] for row in cursor.fetchall()]
        return {
            "engine": "spatialite",
            "version": server,
            "spatial_version": spatial,
            "unindexed_geometry_columns": unindexed,
        }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database answers, and which versions run."""
    try:
        database = {"reachable": True, **_database_versions()}
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        database = {"reachable": False, "engine": connection.vendor}
    healthy = database["reachable"]
    body = {
        "status": "ok" if healthy else "unavailable",
        "version": lis.__version__,
        "database": database,
    }
    return JsonResponse(body, status=200 if healthy else 503)
