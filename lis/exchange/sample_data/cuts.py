"""Cut lines between the parcels of one band within one sheet.

Free stretches between the band's ends and its features are filled with
parcels whose widths follow the band: residential lots alternating with
farm frontage along a road, fields sized by area behind it, forest in the
forest zone. Cuts run from the band's top edge to its bottom edge, slanted a
little; they never cross, so the parcels tile the band.
"""

import numpy as np

from .bands import Feature
from .styles import MM_PER_M, SLANT, BandKind, Slot, ZoneStyle

Cuts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

_SLANTS = np.array([SLANT.get(slot, 0.0) for slot in Slot])


def segment_cuts(
    rng: np.random.Generator,
    style: ZoneStyle,
    kind: BandKind,
    xs: tuple[int, int],
    ys: tuple[int, int],
    features: list[Feature],
    share: float,
) -> Cuts:
    """Return top x, bottom x, fixed flag and right-hand slot of each cut.

    The slot of the last cut is -1: no parcel lies right of it.
    """
    x0, x1 = xs
    if kind == BandKind.ROAD:
        return _cuts([x0, x1], [x0, x1], [True, True], [Slot.ROAD, -1])
    parts = [_cuts([x0], [x0], [True], [])]
    start = (x0, x0)
    for feature in features:
        (lt, rt), (lb, rb) = feature.edges(ys[0]), feature.edges(ys[1])
        parts.append(_free(rng, style, kind, (start, (lt, lb)), ys, share))
        parts.append(_cuts([rt], [rb], [True], [feature.slot]))
        start = (rt, rb)
    parts.append(_free(rng, style, kind, (start, (x1, x1)), ys, share))
    parts.append(_cuts([], [], [], [-1]))
    tops, bottoms, fixed, slots = (np.concatenate(column) for column in zip(*parts))
    return tops, bottoms, fixed, slots


def _cuts(tops: list, bottoms: list, fixed: list, slots: list) -> Cuts:
    return (
        np.asarray(tops, dtype=np.int64),
        np.asarray(bottoms, dtype=np.int64),
        np.asarray(fixed, dtype=bool),
        np.asarray(slots, dtype=np.int8),
    )


def _free(
    rng: np.random.Generator,
    style: ZoneStyle,
    kind: BandKind,
    ends: tuple[tuple[int, int], tuple[int, int]],
    ys: tuple[int, int],
    share: float,
) -> Cuts:
    """Cut a free stretch: its inner cuts and right end, and its parcels' slots.

    Each slot belongs to the parcel right of the previous cut, so slots lag
    the cuts by one and the stretch's left end (already listed) gets the first.
    """
    (at, ab), (bt, bb) = ends
    length = ((bt - at) + (bb - ab)) / 2
    widths, slots = _pieces(rng, style, kind, length, ys[0] - ys[1], share)
    frac = np.cumsum(widths[:-1]) / widths.sum()
    bound = np.minimum(widths[:-1], widths[1:]) * np.minimum(
        _SLANTS[slots[:-1]], _SLANTS[slots[1:]]
    )
    jitter = np.rint(rng.uniform(-1, 1, len(frac)) * bound).astype(np.int64)
    tops = at + np.rint(frac * (bt - at)).astype(np.int64) + jitter
    bottoms = ab + np.rint(frac * (bb - ab)).astype(np.int64) - jitter
    return (
        np.append(tops, bt),
        np.append(bottoms, bb),
        np.append(np.zeros(len(frac), dtype=bool), True),
        slots,
    )


def _pieces(
    rng: np.random.Generator,
    style: ZoneStyle,
    kind: BandKind,
    length_mm: float,
    depth_mm: int,
    share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the midline widths (mm) and slots of the parcels of an interval."""
    if kind == BandKind.LOTS:
        return _lots(rng, style, length_mm, share)
    area, slot = {
        BandKind.FIELDS: (style.field_area, Slot.FIELD),
        BandKind.REAR: (style.rear_area, Slot.REAR),
        BandKind.FOREST: (style.forest_area, Slot.FOREST),
    }[kind]
    median, sigma, low, high = area
    # No parcel narrower than the style allows or smaller than the low area.
    least = max(style.min_field_width_m * MM_PER_M, low / depth_mm * MM_PER_M**2)
    mean_width = max(least, median / (depth_mm / MM_PER_M) * MM_PER_M)
    count = int(length_mm / mean_width * 1.5) + 4
    widths = np.empty(0)
    while widths.sum() < length_mm:
        areas = np.clip(median * np.exp(sigma * rng.standard_normal(count)), low, high)
        widths = np.append(widths, np.maximum(areas / depth_mm * MM_PER_M**2, least))
    most = high / depth_mm * MM_PER_M**2
    widths = _cut_to_length(widths, length_mm, least, max(most, 2 * least))
    return widths, np.full(len(widths), slot, dtype=np.int8)


def _lots(
    rng: np.random.Generator, style: ZoneStyle, length_mm: float, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lay one residential cluster, `share` of the length, amid farm frontage.

    The cluster sits at a random place along the road; frontage stretches
    shorter than a quarter of a farm parcel join the cluster. A cluster
    shorter than one lot is drawn as one average lot with the matching
    probability, so that the expected residential frontage stays `share` of
    the length.
    """
    lot = np.mean(style.lot_width_m) * MM_PER_M
    front = style.front_width_m[0] * MM_PER_M / 4
    cluster = share * length_mm
    if cluster < lot:
        cluster = lot if rng.random() < cluster / lot else 0.0
    if cluster == 0.0 or cluster >= length_mm:
        fill = _frontage if cluster == 0.0 else _cluster
        return fill(rng, style, length_mm)
    before = rng.random() * (length_mm - cluster)
    after = length_mm - cluster - before
    if before < front:
        cluster, before = cluster + before, 0.0
    if after < front:
        cluster, after = cluster + after, 0.0
    parts = [
        fill(rng, style, stretch)
        for fill, stretch in (
            (_frontage, before),
            (_cluster, cluster),
            (_frontage, after),
        )
        if stretch > 0
    ]
    return np.concatenate([w for w, _ in parts]), np.concatenate([s for _, s in parts])


def _cluster(
    rng: np.random.Generator, style: ZoneStyle, length_mm: float
) -> tuple[np.ndarray, np.ndarray]:
    count = int(length_mm / (style.lot_width_m[0] * MM_PER_M)) + 2
    special = rng.random(count) < style.special_share
    widths = (
        np.where(
            special,
            rng.uniform(*style.special_width_m, count),
            rng.uniform(*style.lot_width_m, count),
        )
        * MM_PER_M
    )
    widths = _cut_to_length(widths, length_mm, style.lot_width_m[0] * MM_PER_M)
    slots = np.where(special[: len(widths)], Slot.SPECIAL, Slot.LOT).astype(np.int8)
    return widths, slots


def _frontage(
    rng: np.random.Generator, style: ZoneStyle, length_mm: float
) -> tuple[np.ndarray, np.ndarray]:
    low, high = (w * MM_PER_M for w in style.front_width_m)
    widths = rng.uniform(low, high, int(length_mm / low) + 2)
    widths = _cut_to_length(widths, length_mm, low)
    return widths, np.full(len(widths), Slot.FRONT, dtype=np.int8)


def _cut_to_length(
    widths: np.ndarray, length_mm: float, least: float, most: float = np.inf
) -> np.ndarray:
    """Keep the widths that fit in `length_mm`; the last one takes the rest.

    A rest wider than `most` is halved, so no parcel outgrows its range.
    """
    ends = np.cumsum(widths)
    keep = int(np.searchsorted(ends, length_mm - least, side="right"))
    if keep == 0:
        return np.array([length_mm])
    kept = widths[:keep]
    rest = length_mm - kept.sum()
    if rest > most:
        return np.append(kept, [rest / 2, rest / 2])
    return np.append(kept, rest)
