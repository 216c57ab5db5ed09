"""Bring a zone layout to an exact parcel count without breaking the tiling.

Removing a free cut merges the two parcels beside it; adding a cut inside a
parcel splits it. Both keep the band tiled. Fields, rear fields, forest and
farm frontage absorb the change first, so residential lots keep their size.
"""

from dataclasses import replace

import numpy as np

from .layout import Layout
from .styles import FLEXIBLE_SLOTS, Slot

# Both halves of a split field stay above the smallest CLN parcel (2,000 m²).
_MIN_SPLIT_M2 = 4_000
_MIN_LOT_SPLIT_M2 = 240
# No merge makes a parcel larger than the largest forest parcel drawn.
_MAX_MERGED_M2 = 100_000
MM2_PER_M2 = 1_000_000


class LayoutCountError(RuntimeError):
    """The layout cannot reach the requested count by merging or splitting."""


def adjust_count(layout: Layout, target: int, rng: np.random.Generator) -> Layout:
    """Return `layout` with exactly `target` parcels."""
    while (count := layout.parcel_count) != target:
        if count > target:
            layout = _merge(layout, count - target, rng)
        else:
            layout = _split(layout, target - count, rng)
    return layout


def _merge(layout: Layout, excess: int, rng: np.random.Generator) -> Layout:
    """Remove up to `excess` free cuts, preferring small pairs of parcels."""
    slot = layout.cut_slot
    same = np.zeros(len(slot), dtype=bool)
    same[1:] = (slot[1:] == slot[:-1]) & (slot[1:] >= 0) & ~layout.cut_fixed[1:]
    area = np.zeros(len(slot))
    left, parcel_area = _parcel_areas(layout)
    area[left] = parcel_area
    merged = np.zeros(len(slot))
    merged[1:] = area[:-1] + area[1:]
    flexible = np.isin(slot, FLEXIBLE_SLOTS)
    for allowed in (
        flexible & (merged <= _MAX_MERGED_M2),
        flexible,
        slot == Slot.LOT,
    ):
        candidates = np.flatnonzero(same & allowed)
        if len(candidates):
            break
    else:
        raise LayoutCountError(f"No parcels left to merge ({excess} too many).")
    weights = 1.0 / merged[candidates]
    chosen = rng.choice(
        candidates,
        size=min(excess, len(candidates)),
        replace=False,
        p=weights / weights.sum(),
    )
    keep = np.ones(len(slot), dtype=bool)
    keep[chosen] = False
    return _take(layout, keep)


def _split(layout: Layout, missing: int, rng: np.random.Generator) -> Layout:
    """Split up to `missing` parcels in two, preferring large ones."""
    left, area = _parcel_areas(layout)
    slot = layout.cut_slot[left]
    flexible = np.isin(slot, FLEXIBLE_SLOTS)
    for allowed in (
        flexible & (area >= _MIN_SPLIT_M2),
        (slot == Slot.LOT) & (area >= _MIN_LOT_SPLIT_M2),
        flexible | (slot == Slot.LOT) | (slot == Slot.SPECIAL),
    ):
        if allowed.any():
            break
    else:
        raise LayoutCountError(f"No parcels left to split ({missing} missing).")
    candidates, weights = left[allowed], area[allowed]
    chosen = np.sort(
        rng.choice(
            candidates,
            size=min(missing, len(candidates)),
            replace=False,
            p=weights / weights.sum(),
        )
    )
    frac = rng.uniform(0.4, 0.6, len(chosen))
    return _insert(layout, chosen, frac)


def _parcel_areas(layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Return each parcel's left cut and its area in m² (midline × depth)."""
    left = np.flatnonzero(layout.cut_slot >= 0)
    top, bottom = layout.cut_top, layout.cut_bottom
    width = (top[left + 1] - top[left] + bottom[left + 1] - bottom[left]) / 2
    seg = layout.cut_seg[left]
    depth = (
        layout.line_y[layout.seg_top_line[seg]]
        - layout.line_y[layout.seg_bottom_line[seg]]
    )
    return left, width * depth / MM2_PER_M2


def _insert(layout: Layout, after: np.ndarray, frac: np.ndarray) -> Layout:
    def between(values: np.ndarray) -> np.ndarray:
        start, end = values[after], values[after + 1]
        return start + np.rint(frac * (end - start)).astype(np.int64)

    at = after + 1
    return replace(
        layout,
        cut_top=np.insert(layout.cut_top, at, between(layout.cut_top)),
        cut_bottom=np.insert(layout.cut_bottom, at, between(layout.cut_bottom)),
        cut_fixed=np.insert(layout.cut_fixed, at, False),
        cut_seg=np.insert(layout.cut_seg, at, layout.cut_seg[after]),
        cut_slot=np.insert(layout.cut_slot, at, layout.cut_slot[after]),
    )


def _take(layout: Layout, keep: np.ndarray) -> Layout:
    return replace(
        layout,
        cut_top=layout.cut_top[keep],
        cut_bottom=layout.cut_bottom[keep],
        cut_fixed=layout.cut_fixed[keep],
        cut_seg=layout.cut_seg[keep],
        cut_slot=layout.cut_slot[keep],
    )
