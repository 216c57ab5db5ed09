"""CAD drawings (DXF, MicroStation DGN v7): parcels from closed boundaries
and the texts inside them.

The drawing is read by Debian's `ogr2ogr` (GDAL's DXF and DGN drivers) as
CSV with WKT geometry. Rules:
- A parcel is a closed boundary: a DXF polyline (LWPOLYLINE, POLYLINE)
  whose ends meet within 1 mm, a DGN shape or complex shape (types 6, 14),
  or a DGN line string or complex chain (types 4, 12) whose ends meet.
  Circles, arcs and ellipses are symbols, not parcels. A DXF without any
  closed polyline (as GIS software exports them) gives its filled areas
  (HATCH) instead. `layer` names the CAD layers (DGN levels) that hold the
  parcels, comma-separated; by default every layer does.
- A boundary drawn inside another is a parcel of its own and a hole of the
  outer one.
- Each line of a text element (DXF TEXT, MTEXT; DGN type 17) whose
  insertion point lies inside exactly one parcel is read as
    a whole number (12): the parcel number (soThuTuThua);
    a number with decimals (512,3 or 512.3, "m2" allowed): the area written
      on the map (dienTich);
    upper-case letters, with + between codes (ODT, ONT+CLN): the land-use
      code (loaiDat);
  other texts (names, notes) are ignored. `text_layer` names the layers of
  the labels; by default every layer's texts count.
- A parcel needs exactly one number; none or several, or a number text that
  also lies inside another parcel (the boundaries overlap), refuse it, named
  by its CAD layer and centroid (E, N). Two land-use codes or two areas
  refuse it as well.
- The drawing holds no CRS, commune or map sheet: the user names them
  (`sources.open_file`).
"""

import csv
import io
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from lis.core.text import to_nfc
from lis.exchange.errors import ImportRefusedError, MissingCRSError
from lis.exchange.parcel_import.coordinate_tables import CellProblem
from lis.exchange.parcel_import.reader import Batch, SourceInfo

PARCELS_PER_BATCH = 2000
CLOSE_TOLERANCE = 0.001  # drawing units (metres)
NOTE_EXAMPLES = 5
NUMBER_FIELD, LAND_USE_FIELD, AREA_FIELD = "soThuTuThua", "loaiDat", "dienTich"
FIELDS = [NUMBER_FIELD, LAND_USE_FIELD, AREA_FIELD]
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # MicroStation V8 files
DGN_SHAPES = {6, 14}  # shape, complex shape
DGN_LINES = {4, 12}  # line string, complex chain
DGN_TEXT = 17
NUMBER = re.compile(r"\d{1,6}")
AREA = re.compile(r"(\d[\d.]*,\d+|\d+\.\d+)\s*(?:m2|m²)?", re.IGNORECASE)
LAND_USE = re.compile(r"[A-ZĐ]{2,4}(?:\+[A-ZĐ]{2,4})*")
# MTEXT formatting GDAL may leave: \P (paragraph), {\fArial|b0;…}, \H2x; …
MTEXT_CODES = re.compile(r"\\[A-Za-z][^;\\{}]*;|\\P|[{}]")


@dataclass(frozen=True)
class Boundary:
    geom: shapely.Polygon
    layer: str


@dataclass(frozen=True)
class Label:
    point: shapely.Point
    kind: str  # "number", "area" or "land_use"
    value: str
    layer: str


@dataclass(frozen=True)
class CadParcel:
    geom: shapely.Polygon
    values: dict[str, object]


@dataclass(frozen=True)
class CadSource(SourceInfo):
    parcels: tuple[CadParcel, ...]
    notes: tuple[str, ...]


def classify_text(text: str) -> list[tuple[str, str]]:
    """What each line of a text element says: (kind, value), others dropped."""
    found = []
    cleaned = MTEXT_CODES.sub(lambda m: "\n" if m.group() == "\\P" else "", text)
    for line in cleaned.splitlines():
        line = to_nfc(line)
        if NUMBER.fullmatch(line):
            found.append(("number", str(int(line))))
        elif AREA.fullmatch(line):
            found.append(("area", AREA.fullmatch(line).group(1)))
        elif LAND_USE.fullmatch(line):
            found.append(("land_use", line))
    return found


# Reading the drawing -------------------------------------------------------


def _public(message: str, path: Path) -> str:
    return message.replace(str(path.parent) + "/", "").replace(str(path), path.name)


def _rows(path: Path, driver: str) -> list[dict[str, str]]:
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        raise ImportRefusedError(
            _("ogr2ogr (Debian package gdal-bin) is not installed.")
        )
    command = [
        ogr2ogr,
        "-f", "CSV", "/vsistdout/", str(path),
        "-lco", "GEOMETRY=AS_WKT", "-lco", "LINEFORMAT=LF",
        "-dim", "XY", "-nlt", "CONVERT_TO_LINEAR",
    ]  # fmt: skip
    if driver == "DXF":
        # Entities of a block insert stay separate features (labels in blocks).
        command += ["--config", "DXF_MERGE_BLOCK_GEOMETRIES", "FALSE"]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", errors="replace").strip()
        raise ImportRefusedError(
            _("GDAL cannot read %(name)s: %(reason)s")
            % {"name": path.name, "reason": _public(reason, path)}
        )
    # DXF text is UTF-8 (GDAL recodes it); DGN v7 text is 8-bit in the
    # drawing's font, of which only digits and code letters are used.
    text = result.stdout.decode("utf-8", errors="replace")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _driver(path: Path) -> str:
    if path.suffix.lower() == ".dxf":
        return "DXF"
    with path.open("rb") as stream:
        if stream.read(8) == OLE2_MAGIC:
            raise ImportRefusedError(
                _(
                    "%(name)s is a MicroStation V8 drawing; GDAL reads DGN v7 only."
                    " Save it as V7 (File > Save As, type V7) or as DXF."
                )
                % {"name": path.name}
            )
    return "DGN"


def _closed_ring(geom: shapely.Geometry) -> shapely.Polygon | None:
    if geom.geom_type != "LineString":
        return None
    coords = shapely.get_coordinates(geom)
    if len(coords) < 4 or np.hypot(*(coords[0] - coords[-1])) > CLOSE_TOLERANCE:
        return None
    return shapely.Polygon(coords)


@dataclass
class _Drawing:
    boundaries: list[Boundary]
    fills: list[Boundary]
    labels: list[Label]
    open_lines: int


def _wanted(layers: str | None) -> set[str] | None:
    if layers is None or not layers.strip():
        return None
    return {name.strip().casefold() for name in layers.split(",") if name.strip()}


def _read_drawing(
    path: Path, driver: str, layers: set | None, text_layers: set | None
) -> _Drawing:
    drawing = _Drawing([], [], [], 0)
    for row in _rows(path, driver):
        if not row.get("WKT") or row.get("PaperSpace") == "1":
            continue
        try:
            geom = shapely.from_wkt(row["WKT"])
        except GEOSException:
            continue
        if driver == "DXF":
            layer = row.get("Layer") or ""
        else:
            layer = row.get("Level") or ""
        if geom.geom_type == "Point":
            if _is_text(row, driver) and _in(layer, text_layers):
                drawing.labels += [
                    Label(geom, kind, value, layer)
                    for kind, value in classify_text(row.get("Text") or "")
                ]
        elif _in(layer, layers):
            _add_boundary(drawing, row, geom, layer, driver)
    return drawing


def _in(layer: str, wanted: set | None) -> bool:
    return wanted is None or layer.casefold() in wanted


def _is_text(row: dict, driver: str) -> bool:
    if driver == "DGN":
        return row.get("Type") == str(DGN_TEXT)
    return bool(row.get("Text"))


def _add_boundary(drawing: _Drawing, row: dict, geom, layer: str, driver: str) -> None:
    if driver == "DGN":
        kind = int(row.get("Type") or 0)
        if kind in DGN_SHAPES and geom.geom_type == "Polygon":
            drawing.boundaries.append(Boundary(geom, layer))
            return
        polygon = _closed_ring(geom) if kind in DGN_LINES else None
    else:
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            drawing.fills += [Boundary(p, layer) for p in shapely.get_parts(geom)]
            return
        # R12 files name no subclass; later ones say AcDbPolyline for
        # polylines and AcDbCircle, AcDbArc… for symbols.
        subclasses = row.get("SubClasses") or ""
        is_polyline = not subclasses or "Polyline" in subclasses
        polygon = _closed_ring(geom) if is_polyline else None
    if polygon is not None:
        drawing.boundaries.append(Boundary(polygon, layer))
    elif geom.geom_type in ("LineString", "MultiLineString"):
        drawing.open_lines += 1


# Parcels from boundaries and labels ----------------------------------------


def _distinct(boundaries: list[Boundary]) -> tuple[list[Boundary], int]:
    """The boundaries with those drawn twice (to the millimetre) kept once."""
    seen: dict[bytes, Boundary] = {}
    for b in boundaries:
        coords = shapely.get_coordinates(shapely.normalize(b.geom))
        seen.setdefault(coords.round(3).tobytes(), b)
    return list(seen.values()), len(boundaries) - len(seen)


def _carved(
    boundaries: list[Boundary],
) -> tuple[list[shapely.Polygon], dict[int, int]]:
    """Each boundary with those drawn directly inside it as holes, and the
    boundary each nested one lies directly in."""
    polygons = [b.geom for b in boundaries]
    valid = [i for i, p in enumerate(polygons) if p.is_valid]
    candidates = np.array([polygons[i] for i in valid], dtype=object)
    tree = shapely.STRtree(candidates)
    outer, inner = tree.query(candidates, predicate="contains_properly")
    containers: dict[int, list[int]] = defaultdict(list)
    for o, i in zip(outer.tolist(), inner.tolist()):
        containers[valid[i]].append(valid[o])
    parent = {
        child: max(around, key=lambda j: len(containers.get(j, [])))
        for child, around in containers.items()
    }
    holes: dict[int, list] = defaultdict(list)
    for child, outer_index in parent.items():
        holes[outer_index].append(polygons[child].exterior)
    carved = [
        shapely.Polygon(p.exterior, [*p.interiors, *holes[i]]) if holes[i] else p
        for i, p in enumerate(polygons)
    ]
    return carved, parent


def _position(geom: shapely.Geometry) -> str:
    centroid = geom.centroid
    return _("centroid E %(e).1f, N %(n).1f") % {"e": centroid.x, "n": centroid.y}


def _place(label: Label) -> str:
    return _("%(text)s (E %(e).1f, N %(n).1f)") % {
        "text": label.value,
        "e": label.point.x,
        "n": label.point.y,
    }


def _labels_by_parcel(
    polygons: list[shapely.Polygon], labels: list[Label]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """The labels (indexes) inside each polygon and the polygons of each label."""
    points = np.array([label.point for label in labels], dtype=object)
    found, owners = shapely.STRtree(polygons).query(points, predicate="within")
    inside: dict[int, list[int]] = defaultdict(list)
    polygons_of: dict[int, list[int]] = defaultdict(list)
    for label_index, polygon_index in sorted(zip(found.tolist(), owners.tolist())):
        inside[polygon_index].append(label_index)
        polygons_of[label_index].append(polygon_index)
    return inside, polygons_of


def _number(
    index: int,
    polygons: list,
    layer: str,
    labels: list[Label],
    polygons_of: dict[int, list[int]],
    own: list[int],
) -> object:
    where = {"layer": layer, "position": _position(polygons[index])}
    numbers = [i for i in own if labels[i].kind == "number"]
    if len(numbers) == 1 and polygons_of[numbers[0]] == [index]:
        return labels[numbers[0]].value
    if len(numbers) > 1:
        return CellProblem(
            _(
                "several parcel number texts lie inside this boundary (layer"
                " %(layer)s, %(position)s): %(numbers)s"
            )
            % {**where, "numbers": ", ".join(labels[i].value for i in numbers)}
        )
    if numbers:
        other = next(i for i in polygons_of[numbers[0]] if i != index)
        return CellProblem(
            _(
                "the parcel number text %(number)s lies inside this boundary (layer"
                " %(layer)s, %(position)s) and inside another one (%(other)s):"
                " the boundaries overlap"
            )
            % {
                **where,
                "number": labels[numbers[0]].value,
                "other": _position(polygons[other]),
            }
        )
    return CellProblem(
        _(
            "no parcel number text lies inside this boundary (layer %(layer)s,"
            " %(position)s)"
        )
        % where
    )


def _single(kind: str, labels: list[Label], polygon) -> object:
    given = sorted({label.value for label in labels if label.kind == kind})
    if len(given) <= 1:
        return given[0] if given else None
    message = {
        "land_use": _(
            "several land-use codes lie inside this boundary (%(position)s): %(values)s"
        ),
        "area": _("several areas lie inside this boundary (%(position)s): %(values)s"),
    }[kind]
    return CellProblem(
        message % {"position": _position(polygon), "values": ", ".join(given)}
    )


@dataclass
class _Reading:
    parcels: list[CadParcel]
    outside: list[Label]
    duplicates: int
    holes: int


def _parcels(boundaries: list[Boundary], labels: list[Label]) -> _Reading:
    # A boundary or a text copied twice onto the same spot is drawn once.
    boundaries, duplicates = _distinct(boundaries)
    labels = list(dict.fromkeys(labels))
    polygons, parent = _carved(boundaries)
    inside, polygons_of = _labels_by_parcel(polygons, labels)
    parcels, holes = [], 0
    for index, polygon in enumerate(polygons):
        own = inside.get(index, [])
        own_labels = [labels[i] for i in own]
        layer = boundaries[index].layer
        if _is_hole(index, own_labels, parent, boundaries):
            holes += 1
            continue
        number = _number(index, polygons, layer, labels, polygons_of, own)
        parcels.append(
            CadParcel(
                polygon,
                {
                    NUMBER_FIELD: number,
                    LAND_USE_FIELD: _single("land_use", own_labels, polygon),
                    AREA_FIELD: _single("area", own_labels, polygon),
                },
            )
        )
    outside = [label for i, label in enumerate(labels) if i not in polygons_of]
    return _Reading(parcels, outside, duplicates, holes)


def _is_hole(
    index: int, labels: list[Label], parent: dict[int, int], boundaries: list
) -> bool:
    """A ring without a number inside a parcel of its layer is that parcel's
    hole (GIS exports draw holes so); on another layer (a house, a symbol)
    it stays a boundary without a number."""
    if index not in parent or any(label.kind == "number" for label in labels):
        return False
    return boundaries[parent[index]].layer == boundaries[index].layer


# Notes ---------------------------------------------------------------------


def _notes(
    drawing: _Drawing, used_fills: bool, reading: _Reading, layers: set | None
) -> list[str]:
    notes = []
    if reading.duplicates:
        notes.append(
            _("%(count)d boundaries drawn twice were read once.")
            % {"count": reading.duplicates}
        )
    if reading.holes:
        notes.append(
            _(
                "%(count)d rings without a number inside a parcel of their layer"
                " were read as its holes."
            )
            % {"count": reading.holes}
        )
    if used_fills:
        notes.append(
            _(
                "The drawing has no closed polylines; its %(count)d filled areas"
                " (hatches) were read as parcels."
            )
            % {"count": len(drawing.fills)}
        )
    by_layer = Counter(
        b.layer for b in (drawing.fills if used_fills else drawing.boundaries)
    )
    if layers is None and len(by_layer) > 1:
        notes.append(
            _(
                "Closed boundaries by CAD layer: %(layers)s. If some are not"
                " parcels, name the layer of the parcels."
            )
            % {"layers": ", ".join(f"{n} {c}" for n, c in sorted(by_layer.items()))}
        )
    if layers is not None and drawing.open_lines:
        notes.append(
            _(
                "%(count)d open lines of the named layers were ignored: a parcel is"
                " a closed polyline or shape."
            )
            % {"count": drawing.open_lines}
        )
    stray = [label for label in reading.outside if label.kind == "number"]
    if stray:
        notes.append(
            _("%(count)d parcel number texts lie outside every boundary: %(list)s")
            % {
                "count": len(stray),
                "list": ", ".join(_place(s) for s in stray[:NOTE_EXAMPLES])
                + (", …" if len(stray) > NOTE_EXAMPLES else ""),
            }
        )
    return notes


# The reader interface ------------------------------------------------------


def _crs(named_srid: int | None) -> CRS:
    if named_srid is None:
        raise MissingCRSError()
    try:
        return CRS.from_epsg(named_srid)
    except CRSError as err:
        raise ImportRefusedError(
            _("EPSG:%(srid)s is not a known coordinate reference system.")
            % {"srid": named_srid}
        ) from err


def open_source(
    path: Path,
    layer: str | None,
    named_srid: int | None,
    encoding: str | None,
    *,
    text_layer: str | None = None,
) -> CadSource:
    """Read the drawing: its parcels, with the numbers and codes inside them.

    `layer` and `text_layer` name the CAD layers (DGN levels) of the
    boundaries and of the labels; `encoding` is not used (labels are
    digits and code letters).
    """
    driver = _driver(path)
    crs = _crs(named_srid)
    layers, text_layers = _wanted(layer), _wanted(text_layer)
    drawing = _read_drawing(path, driver, layers, text_layers)
    used_fills = not drawing.boundaries and bool(drawing.fills)
    boundaries = drawing.fills if used_fills else drawing.boundaries
    if not boundaries:
        # TODO(#3): drawings of loose lines (parcels never closed) could be
        # polygonised (shapely.polygonize of the noded linework); faces of
        # roads and map frames would then need telling from parcels.
        raise ImportRefusedError(
            _(
                "%(name)s holds no closed boundary (closed polyline or shape) on"
                " the layers read; it has %(open)d open lines and %(texts)d"
                " labels. Close the parcels' boundaries in the CAD program."
            )
            % {
                "name": path.name,
                "open": drawing.open_lines,
                "texts": len(drawing.labels),
            }
        )
    reading = _parcels(boundaries, drawing.labels)
    return CadSource(
        path=path,
        layer=layer or ("entities" if driver == "DXF" else "elements"),
        driver=driver,
        fields=list(FIELDS),
        field_kinds=dict.fromkeys(FIELDS, "text"),
        declared_count=len(reading.parcels),
        crs=crs,
        crs_note=None,
        encoding="utf-8",
        parcels=tuple(reading.parcels),
        notes=tuple(_notes(drawing, used_fills, reading, layers)),
    )


def read_batches(source: CadSource, columns: list[str]) -> Iterator[Batch]:
    """Yield the drawing's parcels in batches, in the drawing's order."""
    for start in range(0, len(source.parcels), PARCELS_PER_BATCH):
        chunk = source.parcels[start : start + PARCELS_PER_BATCH]
        geometries = np.empty(len(chunk), dtype=object)
        geometries[:] = [p.geom for p in chunk]
        yield Batch(
            start=start,
            geometries=geometries,
            columns={
                name: np.array([p.values[name] for p in chunk], dtype=object)
                for name in columns
            },
        )
