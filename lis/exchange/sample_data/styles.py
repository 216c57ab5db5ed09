"""Parameters of the three kinds of map sheet zones: urban, rural, forest.

Urban zones (phường, thị trấn) are mapped at 1:1000 on 500 m sheets, rural
settled zones (xã) at 1:2000 on 1 km sheets, forest zones at 1:5000 on 3 km
sheets. Lengths are in metres and areas in m²; a `(median, sigma, low,
high)` tuple is a log-normal area clipped to `[low, high]`.
"""

from dataclasses import dataclass
from enum import IntEnum

MM_PER_M = 1000


class Slot(IntEnum):
    """What a parcel is in the layout; land-use codes are drawn from it."""

    ROAD = 0
    LANE = 1
    STREAM = 2
    CANAL = 3
    LOT = 4
    SPECIAL = 5
    FRONT = 6
    FIELD = 7
    REAR = 8
    FOREST = 9


class BandKind(IntEnum):
    ROAD = 0
    LOTS = 1
    FIELDS = 2
    REAR = 3
    FOREST = 4


FLEXIBLE_SLOTS = (Slot.FRONT, Slot.FIELD, Slot.REAR, Slot.FOREST)
WATER_SLOTS = (Slot.STREAM, Slot.CANAL)

# Slant of the cut lines between two parcels, as a share of the narrower one.
SLANT = {
    Slot.LOT: 0.03,
    Slot.SPECIAL: 0.03,
    Slot.FRONT: 0.1,
    Slot.FIELD: 0.2,
    Slot.REAR: 0.2,
    Slot.FOREST: 0.25,
}


@dataclass(frozen=True)
class ZoneStyle:
    name: str
    scale: int
    standard_side_m: int
    min_side_m: int
    parcels_per_km2: float
    road_spacing_m: tuple[float, float] = (0.0, 0.0)
    road_width_m: tuple[float, float] = (6.0, 12.0)
    lots_depth_m: tuple[float, float] = (25.0, 40.0)
    lot_width_m: tuple[float, float] = (5.0, 10.0)
    special_share: float = 0.0
    special_width_m: tuple[float, float] = (15.0, 50.0)
    frontage_m_per_km2: float = 0.0
    cluster_m: tuple[float, float] = (60.0, 250.0)
    front_width_m: tuple[float, float] = (60.0, 150.0)
    field_area: tuple[float, float, float, float] = (6000.0, 0.6, 2000.0, 30000.0)
    field_depth_m: tuple[float, float] = (80.0, 200.0)
    min_field_width_m: float = 25.0
    rear_area: tuple[float, float, float, float] | None = None
    rear_from_road_m: float = 250.0
    forest_area: tuple[float, float, float, float] = (30000.0, 0.6, 10000.0, 100000.0)
    forest_band_m: tuple[float, float] = (300.0, 800.0)
    track_share: float = 0.0
    stream_share: float = 0.0
    stream_width_m: tuple[float, float] = (6.0, 12.0)
    canal_share: float = 0.0
    canal_width_m: tuple[float, float] = (3.0, 5.0)
    lane_spacing_m: tuple[float, float] | None = None
    lane_width_m: tuple[float, float] = (4.0, 6.0)


URBAN = ZoneStyle(
    name="urban",
    scale=1000,
    standard_side_m=500,
    min_side_m=120,
    parcels_per_km2=490.0,
    road_spacing_m=(150.0, 300.0),
    road_width_m=(8.0, 16.0),
    lots_depth_m=(20.0, 30.0),
    lot_width_m=(5.0, 9.0),
    special_share=0.03,
    frontage_m_per_km2=1350.0,
    cluster_m=(80.0, 300.0),
    front_width_m=(80.0, 160.0),
    field_area=(3500.0, 0.5, 2000.0, 12000.0),
    field_depth_m=(50.0, 120.0),
    stream_share=0.1,
    lane_spacing_m=(250.0, 500.0),
)

RURAL = ZoneStyle(
    name="rural",
    scale=2000,
    standard_side_m=1000,
    min_side_m=150,
    parcels_per_km2=132.0,
    road_spacing_m=(700.0, 1200.0),
    road_width_m=(6.0, 12.0),
    lots_depth_m=(25.0, 40.0),
    lot_width_m=(5.0, 10.0),
    special_share=0.03,
    frontage_m_per_km2=185.0,
    cluster_m=(60.0, 250.0),
    front_width_m=(80.0, 180.0),
    field_area=(6000.0, 0.6, 2000.0, 30000.0),
    field_depth_m=(80.0, 200.0),
    rear_area=(25000.0, 0.5, 10000.0, 100000.0),
    rear_from_road_m=180.0,
    stream_share=0.4,
    canal_share=0.15,
)

FOREST = ZoneStyle(
    name="forest",
    scale=5000,
    standard_side_m=3000,
    min_side_m=300,
    parcels_per_km2=30.0,
    road_width_m=(5.0, 8.0),
    forest_area=(30000.0, 0.6, 10000.0, 100000.0),
    forest_band_m=(300.0, 800.0),
    track_share=0.4,
    stream_share=0.35,
    stream_width_m=(8.0, 15.0),
)
