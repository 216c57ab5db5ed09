"""GeoPackage, Shapefile, GeoJSON and DXF files, written by Debian's ogr2ogr.

Rows stream through `lis.exchange.vector_files` (line-delimited GeoJSON,
then ogr2ogr). Coordinates are the storage CRS's (VN-2000), except RFC 7946
GeoJSON, which is WGS84 through the pinned EPSG:6960 operation.
"""

import csv
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import shapely
from django.utils.translation import ngettext
from pyproj import CRS
from pyproj.crs import BoundCRS
from pyproj.crs.coordinate_operation import ToWGS84Transformation
from pyproj.enums import WktVersion

from lis.core import crs
from lis.exchange.export.fields import TEXT, ExportField
from lis.exchange.export.rows import ExportRow, as_text
from lis.exchange.vector_files import write_vector_file

LAYER = "thua_dat"
# A DBF text field holds at most 254 bytes.
DBF_TEXT_BYTES = 254
GEOJSON_WGS84_DECIMALS = 8
WGS84_BATCH = 1000
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
FIELD_MAP_SUFFIX = ".fields.csv"
DXF_BOUNDARY_LAYER = "THUA_DAT"
DXF_LABEL_LAYER = "NHAN_THUA"
# Text height on paper, in metres: 2 mm at the sheet's scale.
DXF_TEXT_HEIGHT_ON_PAPER = 0.002
DXF_DEFAULT_SCALE = 1000


@dataclass
class Written:
    """The files a writer made, and what the user should know about them."""

    files: list[Path]
    notes: list[str] = field(default_factory=list)


def _plain(value: object) -> object:
    """A value ogr2ogr types correctly: floats for areas, dates as text."""
    if isinstance(value, Decimal):
        return float(value)
    return as_text(value)


def _properties(row: ExportRow, fields: list[ExportField]) -> dict[str, object]:
    return {f.name: _plain(row.values.get(f.name)) for f in fields}


def write_geopackage(
    path: Path, rows: Iterable[ExportRow], fields: list[ExportField], *, srid: int
) -> Written:
    """GeoPackage 1.2, layer `thua_dat`, the storage CRS (EPSG code)."""
    features = ((row.geom, _properties(row, fields)) for row in rows)
    write_vector_file(path, features, layer=LAYER, epsg=srid)
    return Written([path])


def write_geojson(
    path: Path,
    rows: Iterable[ExportRow],
    fields: list[ExportField],
    *,
    srid: int,
    crs_srid: int,
) -> Written:
    """RFC 7946 GeoJSON (WGS84 lon/lat, 8 decimals, no "crs" member), or
    VN-2000 coordinates named by a "crs" member when `crs_srid` is `srid`."""
    if crs_srid == srid:
        features = ((row.geom, _properties(row, fields)) for row in rows)
        write_vector_file(path, features, layer=LAYER, epsg=srid)
        return Written([path])
    features = _in_wgs84(rows, fields, srid)
    options = [
        "-lco", "RFC7946=YES",
        "-lco", f"COORDINATE_PRECISION={GEOJSON_WGS84_DECIMALS}",
        "-lco", "WRITE_NAME=NO",
    ]  # fmt: skip
    write_vector_file(
        path, features, layer=LAYER, epsg=crs.WGS84_SRID, driver_options=options
    )
    return Written([path])


def _in_wgs84(
    rows: Iterable[ExportRow], fields: list[ExportField], srid: int
) -> Iterator[tuple[shapely.Geometry, dict]]:
    """Rows moved to WGS84 a batch at a time (one call of the pinned transform)."""
    transformer = crs.vn2000_to_wgs84(srid)

    def move(xy):
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    rows = iter(rows)
    while batch := list(itertools.islice(rows, WGS84_BATCH)):
        moved = shapely.transform(np.array([row.geom for row in batch]), move)
        for row, geom in zip(batch, moved, strict=True):
            yield geom, _properties(row, fields)


def prj_with_datum_shift(srid: int) -> str:
    """The CRS as OGC WKT 1 whose TOWGS84 is the pinned EPSG:6960 shift.

    GDAL writes Shapefile .prj files in ESRI's WKT, which has no place for
    TOWGS84: a reader would then choose its own VN-2000 → WGS84 operation.
    The shift is taken from `crs.pinned_proj_string`, the one source of it.
    """
    proj = crs.pinned_proj_string(srid)
    shift = re.search(r"\+towgs84=(\S+)", proj).group(1)
    values = [float(v) for v in shift.split(",")]
    source = CRS.from_epsg(srid)
    bound = BoundCRS(
        source_crs=source,
        target_crs=CRS.from_epsg(crs.WGS84_SRID),
        transformation=ToWGS84Transformation(source.geodetic_crs, *values),
    )
    return bound.to_wkt(WktVersion.WKT1_GDAL)


class _ShapefileValues:
    """Row values under the short names, text cut to what a DBF holds."""

    def __init__(self, fields: list[ExportField]) -> None:
        self.fields = fields
        self.cut: Counter = Counter()

    def __call__(self, row: ExportRow) -> dict[str, object]:
        values = {}
        for f in self.fields:
            value = _plain(row.values.get(f.name))
            if f.kind == TEXT and isinstance(value, str):
                value = self._fit(f, value)
            values[f.short_name] = value
        return values

    def _fit(self, f: ExportField, value: str) -> str:
        encoded = value.encode("utf-8")
        if len(encoded) <= DBF_TEXT_BYTES:
            return value
        self.cut[f.name] += 1
        return encoded[:DBF_TEXT_BYTES].decode("utf-8", errors="ignore")

    def notes(self) -> list[str]:
        return [
            ngettext(
                "%(count)d value of %(field)s was cut to 254 bytes, the most a"
                " Shapefile field holds; a GeoPackage keeps it whole.",
                "%(count)d values of %(field)s were cut to 254 bytes, the most a"
                " Shapefile field holds; a GeoPackage keeps them whole.",
                count,
            )
            % {"count": count, "field": name}
            for name, count in sorted(self.cut.items())
        ]


def write_field_map(path: Path, fields: list[ExportField]) -> Path:
    """Write `<name>.fields.csv`: each column's full name and its DBF name."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "short_name"])
        writer.writerows((f.name, f.short_name) for f in fields)
    return path


def shapefile_parts(path: Path) -> list[Path]:
    """The files of a Shapefile, its field map included."""
    return [path.with_suffix(s) for s in SHAPEFILE_PARTS] + [
        path.with_name(path.stem + FIELD_MAP_SUFFIX)
    ]


def write_shapefile(
    path: Path, rows: Iterable[ExportRow], fields: list[ExportField], *, srid: int
) -> Written:
    """Shapefile: UTF-8 (.cpg), short names, a .prj carrying the datum shift."""
    for part in shapefile_parts(path):
        part.unlink(missing_ok=True)
    values = _ShapefileValues(fields)
    features = ((row.geom, values(row)) for row in rows)
    options = ["-lco", "ENCODING=UTF-8", "-lco", "RESIZE=YES"]
    write_vector_file(
        path, features, layer=path.stem, epsg=srid, driver_options=options
    )
    path.with_suffix(".prj").write_text(prj_with_datum_shift(srid), encoding="ascii")
    write_field_map(path.with_name(path.stem + FIELD_MAP_SUFFIX), fields)
    return Written(shapefile_parts(path), values.notes())


def dxf_label(values: dict[str, object]) -> str:
    """The label of a parcel as cadastral maps print it: number, land-use
    code and legal area (decimal comma), one per line."""
    lines = [str(values["soThuTuThua"])]
    if values.get("loaiDat"):
        lines.append(str(values["loaiDat"]))
    if values.get("dienTich") is not None:
        lines.append(f"{values['dienTich']:.1f}".replace(".", ","))
    return "\n".join(lines)


def _dxf_entities(row: ExportRow) -> Iterator[tuple[shapely.Geometry, dict]]:
    geom = row.geom
    yield geom, {"Layer": DXF_BOUNDARY_LAYER, "OGR_STYLE": "PEN(c:#000000)"}
    text = dxf_label(row.values)
    scale = row.values.get("tyLe") or DXF_DEFAULT_SCALE
    height = DXF_TEXT_HEIGHT_ON_PAPER * scale
    style = f'LABEL(f:"Arial",t:"{text}",s:{height:g}g,p:5,c:#000000)'
    point = shapely.point_on_surface(geom)
    yield point, {"Layer": DXF_LABEL_LAYER, "Text": text, "OGR_STYLE": style}


def write_dxf(
    path: Path, rows: Iterable[ExportRow], fields: list[ExportField], *, srid: int
) -> Written:
    """DXF: each ring a closed polyline on layer THUA_DAT; the parcel's
    number, land-use code and legal area in one text at a point inside it,
    on layer NHAN_THUA; storage-CRS coordinates (X easting, as CAD draws).

    DXF has no attribute table and no CRS: the other columns are not
    written. The importer's drawing reader reads such a file back when the
    commune, the sheet and the CRS are named (one sheet per file).
    """
    features = (entity for row in rows for entity in _dxf_entities(row))
    write_vector_file(path, features, layer=LAYER, epsg=None, geometry_type="GEOMETRY")
    return Written([path])
