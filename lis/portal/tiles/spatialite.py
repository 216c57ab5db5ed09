"""Vector tiles built in Python for the embedded SpatiaLite database.

GeoDjango's `intersects` on SpatiaLite scans the whole table (STACK.md P6),
so candidates come from the `SpatialIndex` virtual table with the tile's
frame in the storage CRS. Geometries are transformed with the pinned
`lis.core.crs.to_web_mercator` and quantized with shapely in one
vectorised pass, and encoded by mapbox-vector-tile: the same content as
PostGIS's `ST_AsMVT` within a tile pixel.
"""

import logging
from collections import defaultdict

import numpy as np
import shapely
from django.db import connection
from mapbox_vector_tile import encode

from lis.admin_units.models import AdministrativeUnit
from lis.cadastre.models import LandUsePurpose, MapSheet, Parcel
from lis.core import crs
from lis.portal.tiles.grid import EXTENT, TileBox
from lis.reference.models import LandUseType

logger = logging.getLogger(__name__)

_INDEXED = """
    {alias}.ROWID IN (
        SELECT ROWID FROM SpatialIndex
        WHERE f_table_name = %s AND f_geometry_column = %s
          AND search_frame = BuildMbr(%s, %s, %s, %s, %s)
    )
"""
_SCANNED = "MbrIntersects({alias}.{column}, BuildMbr(%s, %s, %s, %s, %s))"


def _index_enabled(table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT spatial_index_enabled FROM geometry_columns"
            " WHERE f_table_name = %s AND f_geometry_column = %s",
            [table, column],
        )
        row = cursor.fetchone()
    return bool(row and row[0] == 1)


def _in_frame(box: TileBox, alias: str, table: str, column: str) -> tuple[str, list]:
    """Return the SQL condition selecting rows whose box meets the tile frame.

    Without its spatial index the table is scanned, with the same result.
    """
    bounds = box.storage_frame.bounds
    if not np.isfinite(bounds).all():
        return "0", []
    frame = [*bounds, crs.storage_srid()]
    if _index_enabled(table, column):
        return _INDEXED.format(alias=alias), [table, column, *frame]
    # Django rebuilds a SQLite table to change a constraint and loses the
    # spatial index triggers on the way (SpatiaLite 5.0, Django 5.2).
    logger.error(
        "Spatial index of %s.%s is disabled; tiles scan the table", table, column
    )
    return _SCANNED.format(alias=alias, column=column), frame


def _parcel_rows(box: TileBox) -> list[tuple[int, bytes, dict]]:
    parcel, sheet = Parcel._meta.db_table, MapSheet._meta.db_table
    unit = AdministrativeUnit._meta.db_table
    condition, params = _in_frame(box, "p", parcel, "geom")
    sql = f"""
        SELECT p.id, AsBinary(p.geom), u.code, s.number, p.parcel_number,
               p.legal_area_m2
        FROM {parcel} p
        JOIN {sheet} s ON s.id = p.map_sheet_id
        JOIN {unit} u ON u.id = s.commune_id
        WHERE {condition}
        ORDER BY p.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    land_use = _land_use_codes(condition, params) if rows else {}
    return [
        (
            pk,
            wkb,
            {
                "id": pk,
                "key": f"{code}/{sheet_number}/{number}",
                "sheet": sheet_number,
                "number": number,
                "land_use": land_use.get(pk),
                "area": float(area),
            },
        )
        for pk, wkb, code, sheet_number, number, area in rows
    ]


def _land_use_codes(condition: str, params: list) -> dict[int, str]:
    parcel = Parcel._meta.db_table
    purpose, types = LandUsePurpose._meta.db_table, LandUseType._meta.db_table
    sql = f"""
        SELECT lp.parcel_id, t.code
        FROM {purpose} lp JOIN {types} t ON t.id = lp.land_use_type_id
        WHERE lp.parcel_id IN (SELECT p.id FROM {parcel} p WHERE {condition})
        ORDER BY lp.id
    """
    codes: dict[int, list[str]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for parcel_id, code in cursor.fetchall():
            codes[parcel_id].append(code)
    return {pk: "+".join(values) for pk, values in codes.items()}


def _sheet_rows(box: TileBox) -> list[tuple[int, bytes, dict]]:
    sheet, unit = MapSheet._meta.db_table, AdministrativeUnit._meta.db_table
    condition, params = _in_frame(box, "s", sheet, "outline")
    sql = f"""
        SELECT s.id, AsBinary(s.outline), s.number, u.code
        FROM {sheet} s JOIN {unit} u ON u.id = s.commune_id
        WHERE {condition} AND s.outline IS NOT NULL
        ORDER BY s.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (pk, wkb, {"id": pk, "number": number, "commune": code})
        for pk, wkb, number, code in rows
    ]


def _tile_geometries(box: TileBox, wkbs: list[bytes]) -> np.ndarray:
    """Transform to EPSG:3857 and quantize to tile pixels.

    Tile coordinates come out with y up; the encoder flips them.
    """
    geoms = shapely.from_wkb(np.array([bytes(w) for w in wkbs], dtype=object))
    mercator = crs.to_web_mercator(geoms)
    xmin, ymin, _xmax, _ymax = box.bounds
    scale = EXTENT / box.size
    origin = np.array([xmin, ymin])
    pixels = shapely.transform(mercator, lambda xy: np.rint((xy - origin) * scale))
    # Exterior rings clockwise with y up, as the encoder's own (slow,
    # per-feature) winding check would leave them.
    return shapely.orient_polygons(pixels, exterior_cw=True)


def _features(box: TileBox, rows: list[tuple[int, bytes, dict]]) -> list[dict]:
    if not rows:
        return []
    geoms = _tile_geometries(box, [wkb for _pk, wkb, _props in rows])
    keep = ~shapely.is_empty(geoms) & (shapely.area(geoms) > 0)
    return [
        {
            "id": pk,
            "geometry": geom,
            "properties": {k: v for k, v in props.items() if v is not None},
        }
        for (pk, _wkb, props), geom, kept in zip(rows, geoms, keep, strict=True)
        if kept
    ]


def render(box: TileBox) -> bytes:
    """Return the MVT of a tile: `parcels` then `sheets`, each when shown."""
    layers = []
    if box.shows_parcels:
        layers.append(
            {"name": "parcels", "features": _features(box, _parcel_rows(box))}
        )
    if box.shows_sheets:
        layers.append({"name": "sheets", "features": _features(box, _sheet_rows(box))})
    layers = [layer for layer in layers if layer["features"]]
    if not layers:
        return b""
    return encode(
        layers, default_options={"extents": EXTENT, "check_winding_order": False}
    )
