"""One commune's sample block: its zones, sheet grids and exact parcel count.

A phường or thị trấn is one urban zone. A xã is a rural settled zone, with
a forest zone of 1:5000 sheets above it when the commune has forest and
its share of parcels fills at least a small sheet.
"""

import math

import numpy as np

from .adjust import LayoutCountError, adjust_count
from .communes import Commune
from .layout import Layout, ZonePlan, build_zone, stack
from .styles import FOREST, MM_PER_M, RURAL, URBAN, ZoneStyle

FOREST_SHARE = 0.11
_MIN_FOREST_PARCELS = 4
_ATTEMPTS = 6
_TOLERANCE = 0.08


def commune_layout(seed: int, commune: Commune, parcels: int) -> Layout:
    """Lay out `parcels` parcels for `commune`, deterministically for `seed`."""
    rng = np.random.default_rng([seed, int(commune.code)])
    targets = [
        (style, count) for style, count in zone_targets(commune, parcels) if count
    ]
    # Zones share one width, so that the block is about square.
    area_km2 = sum(count / style.parcels_per_km2 for style, count in targets)
    width_m = math.sqrt(area_km2) * 1000
    layouts = [zone_layout(rng, style, count, width_m) for style, count in targets]
    block = layouts[0]
    for lower in layouts[1:]:
        block = stack(block, lower)
    return block


def zone_targets(commune: Commune, parcels: int) -> list[tuple[ZoneStyle, int]]:
    """Split the commune's parcels between its zones, top zone first."""
    if commune.urban:
        return [(URBAN, parcels)]
    forest = round(parcels * FOREST_SHARE) if commune.forest else 0
    if forest < _MIN_FOREST_PARCELS:
        forest = 0
    return [(FOREST, forest), (RURAL, parcels - forest)]


def zone_layout(
    rng: np.random.Generator, style: ZoneStyle, parcels: int, width_m: float
) -> Layout:
    """Lay out a zone of about `parcels` parcels, then make the count exact.

    The sheet grid is sized from the style's density; if the drawn layout
    misses the count by more than the tolerance, the grid is resized from
    the density actually drawn and laid out again. The closest layout that
    can be merged or split to the exact count is kept (a tiny zone can have
    more roads and streams than parcels wanted).
    """
    density = style.parcels_per_km2
    drawn = []
    for _ in range(_ATTEMPTS):
        plan = plan_zone(style, parcels, density, width_m)
        layout = build_zone(rng, plan)
        miss = abs(layout.parcel_count / parcels - 1)
        if miss <= _TOLERANCE and (exact := _exact(layout, parcels, rng)):
            return exact
        drawn.append((miss, len(drawn), layout))
        area_km2 = plan.sheets * (plan.side_mm / MM_PER_M / 1000) ** 2
        density = layout.parcel_count / area_km2
    for _, _, layout in sorted(drawn, key=lambda item: item[:2]):
        if exact := _exact(layout, parcels, rng):
            return exact
    raise LayoutCountError(f"No {style.name} layout of {parcels} parcels was found.")


def _exact(layout: Layout, parcels: int, rng: np.random.Generator) -> Layout | None:
    try:
        return adjust_count(layout, parcels, rng)
    except LayoutCountError:
        return None


def plan_zone(
    style: ZoneStyle, parcels: int, density_per_km2: float, width_m: float
) -> ZonePlan:
    """Choose the sheet side and a grid about `width_m` wide for `parcels`.

    Standard sheets are used when they give at least the minimum number of
    sheets; smaller sheets (whole 10 m) keep small samples on a grid too.
    """
    least = 1 if style is FOREST else 2
    area_m2 = parcels / density_per_km2 * 1e6
    side_m = style.standard_side_m
    sheets = area_m2 / side_m**2
    if sheets < least:
        side_m = max(style.min_side_m, round(math.sqrt(area_m2 / least) / 10) * 10)
        sheets = least
    sheets = max(least, round(sheets))
    cols = min(sheets, max(1, round(width_m / side_m)))
    return ZonePlan(style, side_m * MM_PER_M, sheets, cols)


def snap_mm(layout: Layout) -> int:
    """Return the grid step block corners snap to: the smallest sheet side."""
    return min(sheet.x1 - sheet.x0 for sheet in layout.sheets)
