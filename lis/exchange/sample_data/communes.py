"""The real communes of former Bình Phước that the sample map covers.

Codes and names are those of the catalogue in force until 30/06/2025
(QĐ 124/2004/QĐ-TTg, snapshot 4/1/2025; `shared/data/admin_units_binh_phuoc.csv`).
25195 is deliberate: since 1/7/2025 the same code means Phường Bình Phước,
so an importer must be told which catalogue the file uses.

Centres are approximate (WGS84). Each commune's sample block is placed as
close to its centre as it can be without overlapping an earlier block; at
large sizes the blocks are far bigger than the real communes and move away.
"""

import math
from dataclasses import dataclass

import numpy as np

from lis.core.crs import vn2000_to_wgs84

from .styles import MM_PER_M

VN2000_TM3_BINH_PHUOC = 9212
_BLOCK_GAP_MM = 500 * MM_PER_M
_SEARCH_RINGS = 60


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    district: str
    lat: float
    lon: float
    hamlet_word: str
    weight: float
    forest: bool = False

    @property
    def urban(self) -> bool:
        return not self.name.startswith("Xã ")


SAMPLE_COMMUNES: tuple[Commune, ...] = (
    Commune(
        "25195",
        "Phường Tân Phú",
        "Thành phố Đồng Xoài",
        11.5349,
        106.8832,
        "Khu phố",
        0.15,
    ),
    Commune(
        "25297",
        "Xã Lộc Thái",
        "Huyện Lộc Ninh",
        11.80,
        106.60,
        "Ấp",
        0.175,
        forest=True,
    ),
    Commune(
        "25411",
        "Xã Đoàn Kết",
        "Huyện Bù Đăng",
        11.79,
        107.27,
        "Thôn",
        0.175,
        forest=True,
    ),
    Commune(
        "25363", "Thị trấn Tân Phú", "Huyện Đồng Phú", 11.48, 106.95, "Khu phố", 0.15
    ),
    Commune("25381", "Xã Tân Lập", "Huyện Đồng Phú", 11.44, 106.90, "Ấp", 0.175),
    Commune(
        "25249",
        "Xã Phước Tín",
        "Thị xã Phước Long",
        11.86,
        106.95,
        "Ấp",
        0.175,
        forest=True,
    ),
)

# Below this size three communes (one phường, two xã) keep every sheet
# reasonably full; from it on, all six are used.
ALL_COMMUNES_FROM = 500


def communes_for(parcels: int) -> tuple[Commune, ...]:
    """Return the communes a file of `parcels` parcels covers."""
    if parcels >= ALL_COMMUNES_FROM:
        return SAMPLE_COMMUNES
    return SAMPLE_COMMUNES[:3]


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders)."""
    shares = np.asarray(weights) / sum(weights) * total
    counts = np.floor(shares).astype(int)
    order = np.argsort(-(shares - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return [int(c) for c in counts]


def place_blocks(
    communes: tuple[Commune, ...], sizes: list[tuple[int, int]], snaps: list[int]
) -> list[tuple[int, int]]:
    """Return each block's lower-left corner (mm, EPSG:9212).

    A block goes to the free position nearest to its commune's centre, on
    a multiple of its `snap` so that sheet corners fall on round values.
    """
    transformer = vn2000_to_wgs84(VN2000_TM3_BINH_PHUOC)
    placed: list[tuple[int, int, int, int]] = []
    origins = []
    for commune, (width, height), snap in zip(communes, sizes, snaps):
        east, north = transformer.transform(
            commune.lon, commune.lat, direction="INVERSE"
        )
        x = round((east * MM_PER_M - width / 2) / snap) * snap
        y = round((north * MM_PER_M - height / 2) / snap) * snap
        step = max(snap, round(max(width, height) / 4 / snap) * snap)
        for dx, dy in _spiral(_SEARCH_RINGS):
            box = (
                x + dx * step,
                y + dy * step,
                x + dx * step + width,
                y + dy * step + height,
            )
            if not any(_near(box, other) for other in placed):
                placed.append(box)
                origins.append(box[:2])
                break
        else:
            raise RuntimeError(f"No room for the block of commune {commune.code}.")
    return origins


def _spiral(rings: int) -> list[tuple[int, int]]:
    offsets = [
        (i, j) for i in range(-rings, rings + 1) for j in range(-rings, rings + 1)
    ]
    return sorted(
        offsets, key=lambda o: (o[0] ** 2 + o[1] ** 2, math.atan2(o[1], o[0]))
    )


def _near(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    gap = _BLOCK_GAP_MM
    return not (
        a[2] + gap <= b[0]
        or b[2] + gap <= a[0]
        or a[3] + gap <= b[1]
        or b[3] + gap <= a[1]
    )
