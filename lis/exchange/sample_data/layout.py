"""Sheet grids of a zone, and the cut table that tiles them with parcels.

A zone is a grid of map sheets (tờ bản đồ) filled row by row from the top;
`bands` draws each row's band stack and each column's features, `cuts` the
parcels within each band of a sheet. Every length is an integer number of
millimetres (band lines fall on whole centimetres), so a vertex shared by
two parcels has one exact value.
"""

from dataclasses import dataclass, replace

import numpy as np

from .bands import cluster_share, column_features, row_bands
from .cuts import segment_cuts
from .styles import MM_PER_M, ZoneStyle

__all__ = ["MM_PER_M", "Layout", "Sheet", "ZonePlan", "build_zone", "stack"]


@dataclass(frozen=True)
class ZonePlan:
    """A grid of `sheets` square sheets, `cols` wide, filled row by row."""

    style: ZoneStyle
    side_mm: int
    sheets: int
    cols: int

    @property
    def rows(self) -> int:
        return -(-self.sheets // self.cols)

    @property
    def width_mm(self) -> int:
        return self.cols * self.side_mm

    @property
    def height_mm(self) -> int:
        return self.rows * self.side_mm

    def cols_in_row(self, row: int) -> int:
        return min(self.cols, self.sheets - row * self.cols)


@dataclass(frozen=True)
class Sheet:
    """One map sheet: its number in the commune and its extent (local mm)."""

    number: int
    scale: int
    x0: int
    y0: int
    x1: int
    y1: int


@dataclass(frozen=True)
class Layout:
    """Cut lines of a zone (or a stack of zones), one row per cut.

    Segment `s` is one band within one sheet, between lines
    `seg_top_line[s]` and `seg_bottom_line[s]`. Its cuts are consecutive
    rows; `cut_slot[k]` is the slot of the parcel right of cut `k`, or -1 for
    a segment's last cut. Parcels are ordered band by band, then left to
    right, which is the numbering order of a sheet.
    """

    line_y: np.ndarray
    seg_top_line: np.ndarray
    seg_bottom_line: np.ndarray
    seg_sheet: np.ndarray
    cut_top: np.ndarray
    cut_bottom: np.ndarray
    cut_fixed: np.ndarray
    cut_seg: np.ndarray
    cut_slot: np.ndarray
    sheets: tuple[Sheet, ...]
    width_mm: int
    height_mm: int

    @property
    def parcel_count(self) -> int:
        return int(np.count_nonzero(self.cut_slot >= 0))


class _Builder:
    def __init__(self) -> None:
        self.line_y: list[int] = []
        self.seg_lines: list[tuple[int, int, int]] = []
        self.cuts: list[tuple[np.ndarray, ...]] = []
        self.sheets: list[Sheet] = []

    def add_segment(self, cuts: tuple[np.ndarray, ...], sheet: int) -> None:
        top_line = len(self.line_y) - 2
        self.seg_lines.append((top_line, top_line + 1, sheet))
        seg = np.full(len(cuts[0]), len(self.seg_lines) - 1, dtype=np.int32)
        self.cuts.append((*cuts, seg))

    def finish(self, width_mm: int, height_mm: int) -> Layout:
        lines = np.array(self.seg_lines, dtype=np.int32).reshape(-1, 3)
        top, bottom, fixed, slot, seg = (np.concatenate(c) for c in zip(*self.cuts))
        return Layout(
            line_y=np.array(self.line_y, dtype=np.int64),
            seg_top_line=lines[:, 0],
            seg_bottom_line=lines[:, 1],
            seg_sheet=lines[:, 2],
            cut_top=top,
            cut_bottom=bottom,
            cut_fixed=fixed,
            cut_seg=seg,
            cut_slot=slot,
            sheets=tuple(self.sheets),
            width_mm=width_mm,
            height_mm=height_mm,
        )


def build_zone(rng: np.random.Generator, plan: ZonePlan) -> Layout:
    """Lay out every sheet of `plan`, rows from the top, sheets left to right."""
    builder = _Builder()
    side = plan.side_mm
    features = [
        column_features(rng, plan.style, col * side, side) for col in range(plan.cols)
    ]
    y = plan.height_mm
    builder.line_y.append(y)
    for row in range(plan.rows):
        first_sheet = len(builder.sheets)
        for col in range(plan.cols_in_row(row)):
            builder.sheets.append(
                Sheet(
                    len(builder.sheets) + 1,
                    plan.style.scale,
                    col * side,
                    y - side,
                    (col + 1) * side,
                    y,
                )
            )
        bands = row_bands(rng, plan.style, side)
        share = cluster_share(plan.style, side, bands)
        for depth, kind in bands:
            builder.line_y.append(y - depth)
            for col in range(plan.cols_in_row(row)):
                cuts = segment_cuts(
                    rng,
                    plan.style,
                    kind,
                    (col * side, (col + 1) * side),
                    (y, y - depth),
                    features[col],
                    share,
                )
                builder.add_segment(cuts, first_sheet + col)
            y -= depth
    return builder.finish(plan.width_mm, plan.height_mm)


def stack(upper: Layout, lower: Layout) -> Layout:
    """Put `upper` on top of `lower`; the line between them becomes one line."""
    shift = len(upper.line_y) - 1
    first = len(upper.seg_top_line)
    sheets = upper.sheets + tuple(
        replace(s, number=s.number + len(upper.sheets)) for s in lower.sheets
    )
    upper_sheets = tuple(
        replace(s, y0=s.y0 + lower.height_mm, y1=s.y1 + lower.height_mm)
        for s in upper.sheets
    )
    return Layout(
        line_y=np.concatenate([upper.line_y[:-1] + lower.height_mm, lower.line_y]),
        seg_top_line=np.concatenate([upper.seg_top_line, lower.seg_top_line + shift]),
        seg_bottom_line=np.concatenate(
            [upper.seg_bottom_line, lower.seg_bottom_line + shift]
        ),
        seg_sheet=np.concatenate(
            [upper.seg_sheet, lower.seg_sheet + len(upper.sheets)]
        ),
        cut_top=np.concatenate([upper.cut_top, lower.cut_top]),
        cut_bottom=np.concatenate([upper.cut_bottom, lower.cut_bottom]),
        cut_fixed=np.concatenate([upper.cut_fixed, lower.cut_fixed]),
        cut_seg=np.concatenate([upper.cut_seg, lower.cut_seg + first]),
        cut_slot=np.concatenate([upper.cut_slot, lower.cut_slot]),
        sheets=upper_sheets + sheets[len(upper.sheets) :],
        width_mm=max(upper.width_mm, lower.width_mm),
        height_mm=upper.height_mm + lower.height_mm,
    )
