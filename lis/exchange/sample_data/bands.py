"""Band stacks of sheet rows and north-south features of sheet columns.

A sheet row is a stack of horizontal bands spanning the whole row, top to
bottom: roads (DGT) with a frontage band of lots on each side, fields, rear
fields far from roads, or forest with tracks. A sheet column may be crossed
by a stream, a canal, or (in towns) lanes, which run through every band
except roads and stay continuous from sheet to sheet. Depths are integer
millimetres on whole centimetres.
"""

import math
from dataclasses import dataclass

import numpy as np

from .styles import MM_PER_M, BandKind, Slot, ZoneStyle

_CM = 10
_THIN_BAND_MM = 20 * MM_PER_M


def to_cm_mm(metres: float) -> int:
    """Return `metres` as millimetres, rounded to the centimetre."""
    return round(metres * 100) * _CM


@dataclass(frozen=True)
class Feature:
    """A north-south strip (stream, canal, lane) crossing a sheet column."""

    slot: Slot
    centre_mm: float
    width_mm: int
    amplitude_mm: float = 0.0
    wavelength_mm: float = 1.0
    phase: float = 0.0

    def edges(self, y_mm: int) -> tuple[int, int]:
        wave = math.sin(2 * math.pi * y_mm / self.wavelength_mm + self.phase)
        left = round(self.centre_mm + self.amplitude_mm * wave - self.width_mm / 2)
        return left, left + self.width_mm


def row_bands(
    rng: np.random.Generator, style: ZoneStyle, height_mm: int
) -> list[tuple[int, BandKind]]:
    """Return the (depth, kind) bands of one sheet row, top to bottom."""
    if style.name == "forest":
        return _forest_row(rng, style, height_mm)
    return _settled_row(rng, style, height_mm)


def _settled_row(
    rng: np.random.Generator, style: ZoneStyle, height_mm: int
) -> list[tuple[int, BandKind]]:
    spacing = rng.uniform(*style.road_spacing_m) * MM_PER_M
    units = [_road_unit(rng, style) for _ in range(max(1, round(height_mm / spacing)))]
    while len(units) > 1 and _depth(_flat(units)) > 0.6 * height_mm:
        units.pop()
    gaps = _split(rng, height_mm - _depth(_flat(units)), len(units) + 1, 2.0)
    bands: list[tuple[int, BandKind]] = []
    for index, gap in enumerate(gaps):
        bands += _gap_bands(rng, style, gap, index > 0, index < len(units))
        if index < len(units):
            bands += units[index]
    return _merge_thin(bands)


def _road_unit(
    rng: np.random.Generator, style: ZoneStyle
) -> list[tuple[int, BandKind]]:
    return [
        (to_cm_mm(rng.uniform(*style.lots_depth_m)), BandKind.LOTS),
        (to_cm_mm(rng.uniform(*style.road_width_m)), BandKind.ROAD),
        (to_cm_mm(rng.uniform(*style.lots_depth_m)), BandKind.LOTS),
    ]


def _gap_bands(
    rng: np.random.Generator,
    style: ZoneStyle,
    gap_mm: int,
    road_above: bool,
    road_below: bool,
) -> list[tuple[int, BandKind]]:
    if gap_mm <= 0:
        return []
    count = max(1, math.ceil(gap_mm / (style.field_depth_m[1] * MM_PER_M)))
    lots = sum(style.lots_depth_m) / 2 * MM_PER_M
    bands, offset = [], 0
    for depth in _split(rng, gap_mm, count, 8.0):
        above = offset + lots if road_above else math.inf
        below = gap_mm - offset - depth + lots if road_below else math.inf
        far = min(above, below) >= style.rear_from_road_m * MM_PER_M
        rear = style.rear_area is not None and far
        bands.append((depth, BandKind.REAR if rear else BandKind.FIELDS))
        offset += depth
    return bands


def _forest_row(
    rng: np.random.Generator, style: ZoneStyle, height_mm: int
) -> list[tuple[int, BandKind]]:
    bands: list[tuple[int, BandKind]] = []
    remaining = height_mm
    least = to_cm_mm(style.forest_band_m[0] / 3)
    while remaining > 0:
        depth = to_cm_mm(rng.uniform(*style.forest_band_m))
        if remaining - depth < least:
            depth = remaining
        bands.append((depth, BandKind.FOREST))
        remaining -= depth
        track = to_cm_mm(rng.uniform(*style.road_width_m))
        if remaining - track >= least and rng.random() < style.track_share:
            bands.append((track, BandKind.ROAD))
            remaining -= track
    return bands


def _merge_thin(bands: list[tuple[int, BandKind]]) -> list[tuple[int, BandKind]]:
    merged = list(bands)
    index = 0
    while index < len(merged):
        depth, kind = merged[index]
        thin = kind in (BandKind.FIELDS, BandKind.REAR) and depth < _THIN_BAND_MM
        if thin and len(merged) > 1:
            target = index - 1 if index > 0 else index + 1
            merged[target] = (merged[target][0] + depth, merged[target][1])
            del merged[index]
            continue
        index += 1
    return merged


def _flat(units: list[list[tuple[int, BandKind]]]) -> list[tuple[int, BandKind]]:
    return [band for unit in units for band in unit]


def _depth(bands: list[tuple[int, BandKind]]) -> int:
    return sum(depth for depth, _ in bands)


def _split(
    rng: np.random.Generator, total_mm: int, parts: int, concentration: float
) -> list[int]:
    """Split `total_mm` (a multiple of 1 cm) into `parts` random cm lengths."""
    weights = rng.dirichlet(np.full(parts, concentration))
    sizes = [int(w * total_mm) // _CM * _CM for w in weights[:-1]]
    return [*sizes, total_mm - sum(sizes)]


def cluster_share(
    style: ZoneStyle, side_mm: int, bands: list[tuple[int, BandKind]]
) -> float:
    """Share of frontage taken by residential lots, for the style's density."""
    lots_bands = sum(1 for _, kind in bands if kind == BandKind.LOTS)
    if lots_bands == 0:
        return 0.0
    side_m = side_mm / MM_PER_M
    return min(1.0, style.frontage_m_per_km2 * side_m / (1e6 * lots_bands))


def column_features(
    rng: np.random.Generator, style: ZoneStyle, x0_mm: int, width_mm: int
) -> list[Feature]:
    """Draw the stream, canal or lanes that cross a sheet column."""
    draw = rng.random()
    if draw < style.stream_share:
        amplitude = min(40 * MM_PER_M, 0.08 * width_mm) * rng.uniform(0.3, 1.0)
        return [
            Feature(
                Slot.STREAM,
                x0_mm + rng.uniform(0.35, 0.65) * width_mm,
                to_cm_mm(rng.uniform(*style.stream_width_m)),
                amplitude,
                rng.uniform(400, 900) * MM_PER_M,
                rng.uniform(0, 2 * math.pi),
            )
        ]
    if draw < style.stream_share + style.canal_share:
        centre = x0_mm + rng.uniform(0.3, 0.7) * width_mm
        return [
            Feature(Slot.CANAL, centre, to_cm_mm(rng.uniform(*style.canal_width_m)))
        ]
    if style.lane_spacing_m is None:
        return []
    return _lanes(rng, style, x0_mm, width_mm)


def _lanes(
    rng: np.random.Generator, style: ZoneStyle, x0_mm: int, width_mm: int
) -> list[Feature]:
    margin = 40 * MM_PER_M
    low, high = (s * MM_PER_M for s in style.lane_spacing_m)
    lanes = []
    position = x0_mm + margin + rng.uniform(0, low)
    while position < x0_mm + width_mm - margin:
        width = to_cm_mm(rng.uniform(*style.lane_width_m))
        lanes.append(Feature(Slot.LANE, position, width))
        position += rng.uniform(low, high)
    return lanes
