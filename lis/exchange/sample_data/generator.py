"""Generate the sample cadastral map: geometry and attributes of every parcel."""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely

from .blocks import commune_layout, snap_mm
from .certificates import certificate_columns
from .communes import Commune, allocate, communes_for, place_blocks
from .geometry import parcel_polygons
from .landuse import PUBLIC_CODES, beside_water, land_use_codes
from .layout import Layout
from .owners import COMPANY, INDIVIDUAL, NO_YEAR, PUBLIC_MANAGER, owner_columns
from .styles import MM_PER_M

logger = logging.getLogger(__name__)

MIN_PARCELS = 100
MAX_PARCELS = 1_000_000
DEFAULT_SEED = 2025
LEGAL_AREA_SPREAD = 0.004
_COMPANY_SHARE = {"large": 0.35, "business": 0.3}
_LARGE_PLANTATION_M2 = 20_000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SheetExtent:
    """A map sheet of the sample: commune, number, scale, bounds in metres."""

    commune: str
    number: int
    scale: int
    bounds: tuple[float, float, float, float]


@dataclass(frozen=True)
class SampleMap:
    """The parcels of the sample, in EPSG:9212, ordered by commune/sheet/parcel.

    `columns` maps each field name of the exchange format to one array;
    `nulls` marks the rows where an integer field has no value.
    """

    columns: dict[str, np.ndarray]
    nulls: dict[str, np.ndarray]
    geometry: np.ndarray
    sheets: tuple[SheetExtent, ...]
    communes: tuple[Commune, ...]

    @property
    def parcel_count(self) -> int:
        return len(self.geometry)


def generate(
    parcels: int, seed: int = DEFAULT_SEED, progress: Progress | None = None
) -> SampleMap:
    """Generate `parcels` parcels; the same `seed` gives the same map."""
    if not MIN_PARCELS <= parcels <= MAX_PARCELS:
        raise ValueError(
            f"The number of parcels must be between {MIN_PARCELS:,} and "
            f"{MAX_PARCELS:,}, not {parcels:,}."
        )
    report = progress or (lambda message: None)
    communes = communes_for(parcels)
    counts = allocate(parcels, [c.weight for c in communes])
    layouts = []
    for commune, count in zip(communes, counts):
        layouts.append(commune_layout(seed, commune, count))
        report(f"Laid out {count:,} parcels in {commune.name} ({commune.code}).")
    origins = place_blocks(
        communes,
        [(layout.width_mm, layout.height_mm) for layout in layouts],
        [snap_mm(layout) for layout in layouts],
    )
    parts = [
        _commune_part(seed, index, commune, layout, origin)
        for index, (commune, layout, origin) in enumerate(
            zip(communes, layouts, origins)
        )
    ]
    report("Drew parcel geometry and land use.")
    sample = _assemble(seed, parts, communes, parcels)
    report("Drew owners and certificates.")
    return sample


@dataclass(frozen=True)
class _Part:
    geometry: np.ndarray
    columns: dict[str, np.ndarray]
    sheets: tuple[SheetExtent, ...]


def _commune_part(
    seed: int, index: int, commune: Commune, layout: Layout, origin: tuple[int, int]
) -> _Part:
    rng = np.random.default_rng([seed, int(commune.code), 2])
    left = np.flatnonzero(layout.cut_slot >= 0)
    slots = layout.cut_slot[left]
    first = np.ones(len(left), dtype=bool)
    first[1:] = layout.cut_seg[left[1:]] != layout.cut_seg[left[:-1]]
    geometry = parcel_polygons(layout, origin)
    wet = beside_water(slots, first)
    codes = land_use_codes(rng, slots, wet, shapely.area(geometry), commune.urban)
    sheet_index = layout.seg_sheet[layout.cut_seg[left]]
    order = np.argsort(sheet_index, kind="stable")
    geometry, sheet_index, codes = geometry[order], sheet_index[order], codes[order]
    sheet_start = np.searchsorted(sheet_index, sheet_index, side="left")
    scales = np.array([s.scale for s in layout.sheets], dtype=np.int32)
    columns = {
        "maDVHCXa": np.full(len(order), commune.code, dtype="<U5"),
        "soHieuToBanDo": (sheet_index + 1).astype(np.int32),
        "soThuTuThua": (np.arange(len(order)) - sheet_start + 1).astype(np.int32),
        "loaiDat": codes,
        "diaChi": _addresses(commune, len(layout.sheets))[sheet_index],
        "tyLe": scales[sheet_index],
        "commune": np.full(len(order), index, dtype=np.int32),
    }
    return _Part(geometry, columns, _sheet_extents(commune, layout, origin))


def _addresses(commune: Commune, sheets: int) -> np.ndarray:
    """Return the address of each sheet's parcels: its hamlet and the commune.

    Hamlets (ấp, thôn, khu phố) are numbered over contiguous runs of sheets.
    """
    hamlets = min(12, max(2, math.ceil(sheets / 4)))
    return np.array(
        [
            f"{commune.hamlet_word} {sheet * hamlets // sheets + 1}, {commune.name}"
            for sheet in range(sheets)
        ],
        dtype=object,
    )


def _sheet_extents(
    commune: Commune, layout: Layout, origin: tuple[int, int]
) -> tuple[SheetExtent, ...]:
    ox, oy = origin
    return tuple(
        SheetExtent(
            commune.code,
            sheet.number,
            sheet.scale,
            (
                (sheet.x0 + ox) / MM_PER_M,
                (sheet.y0 + oy) / MM_PER_M,
                (sheet.x1 + ox) / MM_PER_M,
                (sheet.y1 + oy) / MM_PER_M,
            ),
        )
        for sheet in layout.sheets
    )


def _assemble(
    seed: int, parts: list[_Part], communes: tuple[Commune, ...], parcels: int
) -> SampleMap:
    rng = np.random.default_rng([seed, 3])
    geometry = np.concatenate([part.geometry for part in parts])
    columns = {
        name: np.concatenate([part.columns[name] for part in parts])
        for name in parts[0].columns
    }
    commune = columns.pop("commune")
    columns["dienTich"] = legal_areas(rng, shapely.area(geometry))
    kind = _object_codes(rng, columns["loaiDat"], columns["dienTich"])
    owners = owner_columns(
        rng, kind, commune, companies=min(12, max(3, parcels // 2000))
    )
    certificates = certificate_columns(
        rng, kind != PUBLIC_MANAGER, kind == COMPANY, owners.year, commune
    )
    columns.update(
        tenChu=owners.name,
        namSinh=owners.year,
        soGiayTo=owners.number,
        doiTuong=owners.kind,
        tenChu2=owners.name2,
        namSinh2=owners.year2,
        soGiayTo2=owners.number2,
        soPhatHanh=certificates.serial,
        soVaoSo=certificates.register,
        ngayCap=certificates.issued,
    )
    nulls = {"namSinh": owners.year == NO_YEAR, "namSinh2": owners.year2 == NO_YEAR}
    sheets = tuple(sheet for part in parts for sheet in part.sheets)
    return SampleMap(columns, nulls, geometry, sheets, communes)


def legal_areas(rng: np.random.Generator, geometric: np.ndarray) -> np.ndarray:
    """Return legal areas (m², 1 decimal) within ±0.4 % of the geometric ones.

    Legal areas come from older surveys and certificates, so they differ
    slightly from the digitised area; none is left exactly equal to it.
    """
    factor = 1 + rng.uniform(-LEGAL_AREA_SPREAD, LEGAL_AREA_SPREAD, len(geometric))
    legal = np.round(geometric * factor, 1)
    same = legal == np.round(geometric, 1)
    legal[same] += np.where(rng.random(int(same.sum())) < 0.5, -0.1, 0.1)
    return np.round(legal, 1)


def _object_codes(
    rng: np.random.Generator, codes: np.ndarray, areas: np.ndarray
) -> np.ndarray:
    """Return TT 08/2024 object codes: TCQ for public land, else CNV or TKT."""
    draw = rng.random(len(codes))
    large = np.isin(codes, ["CLN", "RSX"]) & (areas >= _LARGE_PLANTATION_M2)
    business = np.isin(codes, ["SKC", "TMD"])
    company = (large & (draw < _COMPANY_SHARE["large"])) | (
        business & (draw < _COMPANY_SHARE["business"])
    )
    kind = np.where(company, COMPANY, INDIVIDUAL).astype(object)
    kind[np.isin(codes, list(PUBLIC_CODES))] = PUBLIC_MANAGER
    return kind
