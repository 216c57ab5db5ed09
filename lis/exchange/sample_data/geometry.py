"""Parcel polygons from a layout, topologically clean.

Each parcel is a quadrilateral between two cuts of its band, plus every
vertex that a neighbouring band puts on the parcel's top or bottom edge, so
neighbours share all their vertices (no T-junctions) and a commune block is
a valid polygon coverage. Coordinates stay integers (mm) until the very
end, where each becomes the nearest double to its millimetre value: the
vertex two parcels share is the same number in both.
"""

import numpy as np
import shapely

from .layout import Layout
from .styles import MM_PER_M

_X_BITS = 32
_X_MASK = (1 << _X_BITS) - 1


def parcel_polygons(layout: Layout, origin_mm: tuple[int, int]) -> np.ndarray:
    """Return the parcels of `layout` as MultiPolygons placed at `origin_mm`."""
    seg = layout.cut_seg
    top_keys = (layout.seg_top_line[seg].astype(np.int64) << _X_BITS) | layout.cut_top
    bottom_keys = (
        layout.seg_bottom_line[seg].astype(np.int64) << _X_BITS
    ) | layout.cut_bottom
    keys = np.unique(np.concatenate([top_keys, bottom_keys]))

    left = np.flatnonzero(layout.cut_slot >= 0)
    b0, b1 = (np.searchsorted(keys, bottom_keys[c]) for c in (left, left + 1))
    t0, t1 = (np.searchsorted(keys, top_keys[c]) for c in (left, left + 1))
    bottom_count, top_count = b1 - b0 + 1, t1 - t0 + 1
    ones = np.ones(len(left), dtype=np.int64)
    vertex = _ragged_ranges(
        np.column_stack([b0, t1, b0]).ravel(),
        np.column_stack([bottom_count, top_count, ones]).ravel(),
        np.tile([1, -1, 1], len(left)),
    )

    ring = np.repeat(np.arange(len(left)), bottom_count + top_count + 1)
    key = keys[vertex]
    x = ((key & _X_MASK) + origin_mm[0]) / MM_PER_M
    y = (layout.line_y[key >> _X_BITS] + origin_mm[1]) / MM_PER_M
    polygons = shapely.polygons(
        shapely.linearrings(np.column_stack([x, y]), indices=ring)
    )
    return shapely.multipolygons(polygons, indices=np.arange(len(left)))


def _ragged_ranges(
    starts: np.ndarray, lengths: np.ndarray, steps: np.ndarray
) -> np.ndarray:
    """Concatenate `range(start, start + step * length, step)` for each run."""
    run = np.repeat(np.arange(len(lengths)), lengths)
    first = np.cumsum(lengths) - lengths
    offset = np.arange(int(lengths.sum())) - first[run]
    return starts[run] + offset * steps[run]
