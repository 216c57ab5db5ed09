"""The Web Mercator tile grid (EPSG:3857) and tile frames in the storage CRS.

Parcels are stored in VN-2000; a tile is a square in Web Mercator. Rows are
selected by the tile's frame in the storage CRS, computed here through the
pinned transformation on a densified outline, so that the spatial index
does the selection and no database ever picks its own datum shift.
"""

from dataclasses import dataclass
from functools import cached_property

import shapely

from lis.core import crs

WORLD_HALF_WIDTH = 20037508.342789244
EXTENT = 4096
MAX_ZOOM = 22
SHEET_MIN_ZOOM = 9
PARCEL_MIN_ZOOM = 14
_DENSIFY_STEPS = 16


@dataclass(frozen=True)
class TileBox:
    """One tile: its z/x/y address and its bounds in EPSG:3857 metres."""

    z: int
    x: int
    y: int

    @classmethod
    def checked(cls, z: int, x: int, y: int) -> "TileBox | None":
        """Return the tile, or None if the address is outside the grid."""
        if not 0 <= z <= MAX_ZOOM:
            return None
        if not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        return cls(z, x, y)

    @property
    def size(self) -> float:
        return 2 * WORLD_HALF_WIDTH / 2**self.z

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) in EPSG:3857; tile rows count from the top."""
        xmin = -WORLD_HALF_WIDTH + self.x * self.size
        ymax = WORLD_HALF_WIDTH - self.y * self.size
        return (xmin, ymax - self.size, xmin + self.size, ymax)

    @cached_property
    def storage_frame(self) -> shapely.Polygon:
        """The tile's outline in the storage CRS, through the pinned transform."""
        box = shapely.box(*self.bounds)
        dense = shapely.segmentize(box, self.size / _DENSIFY_STEPS)
        return crs.from_web_mercator(dense)

    @property
    def shows_parcels(self) -> bool:
        return self.z >= PARCEL_MIN_ZOOM

    @property
    def shows_sheets(self) -> bool:
        return self.z >= SHEET_MIN_ZOOM
