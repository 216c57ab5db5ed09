"""Vector tiles built by PostGIS: `ST_AsMVT` over the pinned transformation.

`ST_Transform(geom, <PROJ string>, 3857)` builds a new PROJ operation on
every call (about 5 ms each on PostGIS 3.3), so the candidates of a tile are
collected into one geometry, transformed in a single call and dumped back
into features by their position. The PROJ string is
`lis.core.crs.pinned_proj_string()`: VN-2000 with the EPSG:6960 shift.
Candidates come from the GiST index with `&&` on the tile's frame in the
storage CRS. Geometry is not clipped to the tile (see `grid`).
"""

from django.db import connection

from lis.admin_units.models import AdministrativeUnit
from lis.cadastre.models import LandUsePurpose, MapSheet, Parcel
from lis.core import crs
from lis.portal.tiles.grid import EXTENT, TileBox
from lis.reference.models import LandUseType

_LAYER_SQL = """
WITH candidates AS ({candidates}),
moved AS (
    SELECT ST_Transform(ST_Collect(geom ORDER BY id), %(proj)s::text, 3857) AS coll,
           array_agg(id ORDER BY id) AS ids
    FROM candidates
),
parts AS (
    SELECT moved.ids[(d).path[1]] AS id, (d).geom AS geom, (d).path AS path
    FROM moved, ST_Dump(moved.coll) AS d
),
merged AS (
    SELECT id, ST_Collect(geom ORDER BY path) AS geom FROM parts GROUP BY id
),
features AS (
    SELECT c.id AS fid, {properties},
           ST_AsMVTGeom(
               m.geom, ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
               %(extent)s, 0, false
           ) AS geom
    FROM merged m JOIN candidates c ON c.id = m.id
    ORDER BY c.id
)
SELECT COALESCE(ST_AsMVT(features.*, %(layer)s, %(extent)s, 'geom', 'fid'), ''::bytea)
FROM features WHERE geom IS NOT NULL
"""


def _tables() -> dict[str, str]:
    return {
        "parcel": Parcel._meta.db_table,
        "sheet": MapSheet._meta.db_table,
        "unit": AdministrativeUnit._meta.db_table,
        "purpose": LandUsePurpose._meta.db_table,
        "type": LandUseType._meta.db_table,
    }


def _parcel_candidates() -> str:
    return """
        WITH in_frame AS (
            SELECT id, geom, map_sheet_id, parcel_number, legal_area_m2
            FROM {parcel} WHERE geom && ST_GeomFromText(%(frame)s, %(srid)s)
        ),
        land_use AS (
            SELECT lp.parcel_id, string_agg(t.code, '+' ORDER BY lp.id) AS codes
            FROM {purpose} lp JOIN {type} t ON t.id = lp.land_use_type_id
            WHERE lp.parcel_id IN (SELECT id FROM in_frame)
            GROUP BY lp.parcel_id
        )
        SELECT p.id, p.geom,
               u.code || '/' || s.number || '/' || p.parcel_number AS key,
               s.number AS sheet, p.parcel_number AS number,
               lu.codes AS land_use, p.legal_area_m2::float8 AS area
        FROM in_frame p
        JOIN {sheet} s ON s.id = p.map_sheet_id
        JOIN {unit} u ON u.id = s.commune_id
        LEFT JOIN land_use lu ON lu.parcel_id = p.id
    """.format(**_tables())


def _sheet_candidates() -> str:
    return """
        SELECT s.id, s.outline AS geom, s.number, u.code AS commune
        FROM {sheet} s JOIN {unit} u ON u.id = s.commune_id
        WHERE s.outline && ST_GeomFromText(%(frame)s, %(srid)s)
    """.format(**_tables())


_PARCEL_PROPERTIES = "c.id, c.key, c.sheet, c.number, c.land_use, c.area"
_SHEET_PROPERTIES = "c.id, c.number, c.commune"


def _layer(box: TileBox, name: str, candidates: str, properties: str) -> bytes:
    params = {
        "proj": crs.pinned_proj_string(),
        "frame": box.storage_frame.wkt,
        "srid": crs.storage_srid(),
        "z": box.z,
        "x": box.x,
        "y": box.y,
        "extent": EXTENT,
        "layer": name,
    }
    sql = _LAYER_SQL.format(candidates=candidates, properties=properties)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bytes(cursor.fetchone()[0])


def render(box: TileBox) -> bytes:
    """Return the MVT of a tile: `parcels` then `sheets`, each when shown."""
    tile = b""
    if box.shows_parcels:
        tile += _layer(box, "parcels", _parcel_candidates(), _PARCEL_PROPERTIES)
    if box.shows_sheets:
        tile += _layer(box, "sheets", _sheet_candidates(), _SHEET_PROPERTIES)
    return tile
