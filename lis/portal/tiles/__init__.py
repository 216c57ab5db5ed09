"""Vector tiles of parcels and map sheets, on PostGIS and on SpatiaLite.

One MVT per tile with two layers: `parcels` from zoom 14 (id, legacy key,
sheet, parcel number, land-use codes, legal area) and `sheets` from zoom 9
(id, sheet number, surveyed commune code). Both backends give the same
features and properties; geometry agrees within a tile pixel.
"""

import logging
import time

from django.db import connection

from lis.portal.tiles import postgis, spatialite
from lis.portal.tiles.grid import TileBox

logger = logging.getLogger(__name__)


def render_tile(box: TileBox) -> bytes:
    """Return the encoded tile, empty when the zoom shows no layer."""
    if not box.shows_sheets:
        return b""
    started = time.perf_counter()
    backend = postgis if connection.vendor == "postgresql" else spatialite
    tile = backend.render(box)
    logger.debug(
        "Tile %s/%s/%s: %d bytes in %.1f ms",
        box.z,
        box.x,
        box.y,
        len(tile),
        (time.perf_counter() - started) * 1000,
    )
    return tile
