"""Land-use codes (TT 08/2024/TT-BTNMT leaf codes) drawn for layout slots.

Roads, streams and canals get DGT, SON and DTL. Residential lots get ONT in
a xã and ODT in a phường or thị trấn. A few wide lots in a residential
cluster are schools, clinics, shrines, shops or workshops. Fields are
mostly perennial crops (CLN: rubber, cashew, pepper), with annual crops
(HNK) and, next to water, rice (LUC, LUK) and fish ponds (NTS). Rear fields
and forest are production forest (RSX) or large CLN plantations.
"""

import numpy as np

from .styles import WATER_SLOTS, Slot

PUBLIC_CODES = frozenset({"DGT", "DTL", "SON", "DGD", "DYT", "NTD", "TIN", "TSC"})

SMALLEST_CLN_M2 = 2_000
LARGEST_CLN_M2 = 30_000
SMALLEST_RSX_M2 = 10_000

_Palette = tuple[tuple[str, float], ...]

_SPECIAL: _Palette = (
    ("TMD", 0.35),
    ("SKC", 0.15),
    ("DGD", 0.2),
    ("DYT", 0.1),
    ("TIN", 0.15),
    ("TSC", 0.05),
)
_FRONT: _Palette = (("CLN", 0.84), ("HNK", 0.08), ("TMD", 0.05), ("SKC", 0.03))
_RURAL_FIELD: _Palette = (
    ("CLN", 0.8),
    ("HNK", 0.07),
    ("NTD", 0.03),
    ("NTS", 0.025),
    ("SKC", 0.03),
    ("TMD", 0.02),
    ("DGD", 0.006),
    ("DYT", 0.004),
    ("TIN", 0.008),
)
_URBAN_FIELD: _Palette = (
    ("CLN", 0.76),
    ("HNK", 0.1),
    ("TMD", 0.08),
    ("SKC", 0.04),
    ("NTD", 0.02),
)
_WET_FIELD: _Palette = (("LUC", 0.3), ("LUK", 0.3), ("NTS", 0.15), ("CLN", 0.25))
_REAR: _Palette = (("RSX", 0.4), ("CLN", 0.6))
_FOREST: _Palette = (("RSX", 0.92), ("CLN", 0.08))

_FIXED = {Slot.ROAD: "DGT", Slot.LANE: "DGT", Slot.STREAM: "SON", Slot.CANAL: "DTL"}


def land_use_codes(
    rng: np.random.Generator,
    slots: np.ndarray,
    wet: np.ndarray,
    areas: np.ndarray,
    urban: bool,
) -> np.ndarray:
    """Draw one code per parcel from its slot; `wet` marks parcels beside water.

    Sizes correct the draw: perennial crops (CLN) under 2,000 m² become
    annual crops (HNK) and over 30,000 m² production forest (RSX); forest
    under 10,000 m² becomes CLN. Small gardens are rarely registered as CLN,
    and large plantations are mostly forest land.
    """
    codes = np.empty(len(slots), dtype="<U3")
    for slot, code in _FIXED.items():
        codes[slots == slot] = code
    codes[slots == Slot.LOT] = "ODT" if urban else "ONT"
    field = _URBAN_FIELD if urban else _RURAL_FIELD
    for mask, palette in (
        (slots == Slot.SPECIAL, _SPECIAL),
        (slots == Slot.FRONT, _FRONT),
        ((slots == Slot.FIELD) & ~wet, field),
        ((slots == Slot.FIELD) & wet, _WET_FIELD),
        (slots == Slot.REAR, _REAR),
        (slots == Slot.FOREST, _FOREST),
    ):
        codes[mask] = _draw(rng, palette, int(mask.sum()))
    perennial, forest = codes == "CLN", codes == "RSX"
    codes[perennial & (areas < SMALLEST_CLN_M2)] = "HNK"
    codes[perennial & (areas > LARGEST_CLN_M2)] = "RSX"
    codes[forest & (areas < SMALLEST_RSX_M2)] = "CLN"
    return codes


def beside_water(slots: np.ndarray, first_in_segment: np.ndarray) -> np.ndarray:
    """Tell, per parcel, whether its left or right neighbour is water.

    `slots` lists parcels in layout order; `first_in_segment` marks those
    with no left neighbour in their band.
    """
    water = np.isin(slots, WATER_SLOTS)
    left = np.zeros(len(slots), dtype=bool)
    left[1:] = water[:-1] & ~first_in_segment[1:]
    right = np.zeros(len(slots), dtype=bool)
    right[:-1] = water[1:] & ~first_in_segment[1:]
    return left | right


def _draw(rng: np.random.Generator, palette: _Palette, size: int) -> np.ndarray:
    codes = np.array([code for code, _ in palette])
    weights = np.array([weight for _, weight in palette])
    return rng.choice(codes, size=size, p=weights / weights.sum())
