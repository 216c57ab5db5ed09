"""Make the storage CRS known to the spatial database.

PostGIS 3.3's spatial_ref_sys lacks EPSG:9205–9218, the VN-2000 TM-3
province zones, so EPSG:9212 (Bình Phước) must be added (STACK.md P5).
SpatiaLite resolves EPSG codes through PROJ and already knows them.
"""

from django.conf import settings
from django.db import migrations


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

    add_srs_entry(srid, database=connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(add_storage_srs, migrations.RunPython.noop)]
