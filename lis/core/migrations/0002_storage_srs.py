"""Make the storage CRS known to the spatial database.

PostGIS 3.3's spatial_ref_sys lacks EPSG:9205–9218, the VN-2000 TM-3
province zones, so EPSG:9212 (Bình Phước) must be added (STACK.md P5).
SpatiaLite resolves EPSG codes through PROJ and already knows them.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, migrations


def add_storage_srs(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    srid = settings.LIS_STORAGE_SRID
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM spatial_ref_sys WHERE srid = %s", [srid])
        if cursor.fetchone():
            return
    from django.contrib.gis.utils import add_srs_entry

    try:
        add_srs_entry(srid, database=connection.alias)
    except DatabaseError as err:
        raise ImproperlyConfigured(
            f"The database role cannot add EPSG:{srid} to spatial_ref_sys, which"
            " PostGIS 3.3 lacks. Once, as a superuser, run in this database:"
            " GRANT INSERT ON spatial_ref_sys TO <role>; then migrate again."
        ) from err


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(add_storage_srs, migrations.RunPython.noop)]
