"""Reading features from a cadastral file through the system's GDAL.

The layer, its fields and its CRS are inspected with GeoDjango's GDAL
bindings. The features are streamed by Debian's `ogr2ogr` as CSV, with WKT
geometry and every attribute as text, so that values reach the checks as
the file holds them: no type guessing (GeoJSON dates), no recoding (GDAL
drops characters of code page 1258, OSGeo/gdal#2045: text is decoded here),
and every feature even when a GeoPackage miscounts them.

Text columns may hold legacy Vietnamese text: TCVN3 or VNI bytes in a .dbf,
or the same read as Windows-1252 into a UTF-8 file ("NguyÔn V¨n An"). Unless
the user names a Python codec, each text column is examined on its first
values and converted to Unicode when it reads as TCVN3 or VNI
(`lis.core.legacy_text`); the batch counts what was converted.

Wheels that bundle their own GDAL and PROJ are not used: two copies of
those libraries in one process crash it, and DESIGN.md takes GDAL, GEOS
and PROJ from Debian.
"""

import codecs
import csv
import io
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from ctypes import c_char_p, c_int, c_void_p
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.gdal.prototypes import ds as ogr_api
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from lis.core.legacy_text import (
    ENCODING_NAMES,
    LEGACY_ENCODINGS,
    LegacyColumn,
    could_be_legacy,
    decode_windows_1258,
    detect_legacy_encoding,
    legacy_to_unicode,
)
from lis.exchange.errors import ImportRefusedError, MissingCRSError

BATCH_SIZE = 20_000
SHAPEFILE = "ESRI Shapefile"
UTF8_DRIVERS = {"GPKG", "GeoJSON"}
# OGR geometry types that can hold a parcel (ISO codes, flattened):
# unknown, Polygon, MultiPolygon, CurvePolygon, MultiSurface.
POLYGONAL_TYPES = {0, 3, 6, 10, 12}
# OGR field types (OGRFieldType) and the boolean subtype (OFSTBoolean).
NUMBER_TYPES = {0, 2, 12}
DATE_TYPES = {9, 10, 11}
BOOLEAN_SUBTYPE = 1
# --encoding values besides Python's codecs: detect legacy text (the
# default), or read every text column as TCVN3 or VNI.
AUTO = "auto"
# Distinct non-ASCII values of a column that its legacy detection reads.
DETECTION_SAMPLE = 5_000

csv.field_size_limit(sys.maxsize)

_field_subtype = lgdal.OGR_Fld_GetSubType
_field_subtype.argtypes = [c_void_p]
_field_subtype.restype = c_int


class Undecodable:
    """A cell whose bytes are not text in the file's encoding."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding


@dataclass(frozen=True)
class SourceInfo:
    path: Path
    layer: str
    driver: str
    fields: list[str]
    field_kinds: dict[str, str]
    declared_count: int
    crs: CRS
    crs_note: str | None
    encoding: str
    # AUTO, "tcvn3" or "vni" (see `lis.core.legacy_text`); None when the
    # user named a codec: text is then only decoded with it. Keyword-only,
    # so that readers' subclasses may add fields without defaults.
    legacy_text: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Batch:
    """Features `start` … `start + len(geometries) - 1` (0-based) of the layer."""

    start: int
    geometries: np.ndarray
    columns: dict[str, np.ndarray]
    geometry_errors: dict[int, str] = field(default_factory=dict)
    # (field, legacy encoding) → number of values converted to Unicode.
    converted: dict[tuple[str, str], int] = field(default_factory=dict)


def _public(message: str, path: Path) -> str:
    """GDAL's message without the server's folders."""
    return message.replace(str(path.parent) + "/", "").replace(str(path), path.name)


_set_local_option = lgdal.CPLSetThreadLocalConfigOption
_set_local_option.argtypes = [c_char_p, c_char_p]
_set_local_option.restype = None


def _open(path: Path) -> DataSource:
    # Shapefile text stays as bytes (latin-1 maps each byte to one
    # character); it is decoded here, in the file's own encoding.
    _set_local_option(b"SHAPE_ENCODING", b"")
    try:
        return DataSource(str(path), encoding="latin-1")
    except GDALException as err:
        raise ImportRefusedError(
            _("GDAL cannot open %(name)s as a spatial file: %(reason)s")
            % {"name": path.name, "reason": _public(str(err), path)}
        ) from err
    finally:
        _set_local_option(b"SHAPE_ENCODING", None)


def _geometry_type(layer) -> int:
    return (ogr_api.get_fd_geom_type(layer._ldefn) & 0x7FFFFFFF) % 1000


def _layer_name(layer) -> str:
    # Layer names are file or table names: UTF-8 whatever the attributes use.
    return _decode_name(layer.name, "utf-8")


def _choose_layer(source: DataSource, wanted: str | None):
    layers = list(source)
    names = [_layer_name(layer) for layer in layers]
    if wanted is not None:
        if wanted not in names:
            raise ImportRefusedError(
                _("The file has no layer %(layer)s; its layers are: %(layers)s.")
                % {"layer": wanted, "layers": ", ".join(names)}
            )
        return layers[names.index(wanted)]
    polygonal = [layer for layer in layers if _geometry_type(layer) in POLYGONAL_TYPES]
    if len(polygonal) == 1:
        return polygonal[0]
    if not polygonal:
        raise ImportRefusedError(
            _("The file has no polygon layer; its layers are: %(layers)s.")
            % {"layers": ", ".join(names)}
        )
    raise ImportRefusedError(
        _("The file has several polygon layers (%(layers)s); name the one to import.")
        % {"layers": ", ".join(_layer_name(layer) for layer in polygonal)}
    )


def _field_kinds(layer) -> list[str]:
    kinds = []
    for index in range(layer.num_fields):
        definition = ogr_api.get_field_defn(layer._ldefn, index)
        kind = ogr_api.get_field_type(definition)
        if _field_subtype(definition) == BOOLEAN_SUBTYPE:
            kinds.append("boolean")
        elif kind in NUMBER_TYPES:
            kinds.append("number")
        elif kind in DATE_TYPES:
            kinds.append("date")
        else:
            kinds.append("text")
    return kinds


def _declared_crs(layer) -> CRS | None:
    srs = layer.srs
    if srs is None:
        return None
    try:
        crs = CRS.from_wkt(srs.wkt)
    except CRSError as err:
        raise ImportRefusedError(
            _("The file's coordinate reference system cannot be read: %(reason)s")
            % {"reason": err}
        ) from err
    # A GeoPackage without a CRS declares "Undefined geographic SRS" or
    # "Undefined Cartesian SRS" (srs_id 0 or -1), which GDAL may read as a
    # local "Undefined SRS".
    if crs.type_name == "Engineering CRS" or crs.name.startswith("Undefined"):
        return None
    return crs


def _source_crs(declared: CRS | None, named_srid: int | None) -> tuple[CRS, str | None]:
    if named_srid is None:
        if declared is None:
            raise MissingCRSError()
        return declared, None
    try:
        named = CRS.from_epsg(named_srid)
    except CRSError as err:
        raise ImportRefusedError(
            _("EPSG:%(srid)s is not a known coordinate reference system.")
            % {"srid": named_srid}
        ) from err
    note = None
    if declared is not None and not declared.equals(named, ignore_axis_order=True):
        note = _(
            "The file declares %(declared)s; it was read as EPSG:%(srid)s as named."
        ) % {"declared": declared.name, "srid": named_srid}
    return named, note


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as err:
        raise ImportRefusedError(
            _(
                "%(name)s is not a text encoding the import knows (e.g. auto,"
                " utf-8, cp1258, tcvn3, vni)."
            )
            % {"name": name}
        ) from err


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in path.parent.glob(path.stem + ".*"):
        if candidate.suffix.lower() == suffix:
            return candidate
    return None


def _shapefile_encoding(path: Path) -> str:
    """The encoding its .cpg declares ("1258" means Windows-1258), else UTF-8."""
    cpg = _sidecar(path, ".cpg")
    if cpg is None:
        return "utf-8"
    declared = cpg.read_text(encoding="ascii", errors="replace").strip()
    if declared.isdigit():
        declared = f"cp{declared}"
    return _codec(declared.replace("ANSI ", "cp").replace("ansi ", "cp"))


def _file_encoding(path: Path, driver: str) -> str:
    if driver == SHAPEFILE:
        return _shapefile_encoding(path)
    return "utf-8"


def _text_encoding(
    path: Path, driver: str, named: str | None
) -> tuple[str, str | None]:
    """The codec of the file's text, and how legacy text is handled in it.

    Unnamed or "auto": the file's own codec, legacy text detected.
    "tcvn3", "vni": every text column converted; the bytes are read one
    character each, whatever a .cpg says, unless the file is UTF-8 (legacy
    text then arrives as "NguyÔn V¨n An").
    A Python codec: that codec, nothing converted.
    """
    mode = (named or AUTO).strip().lower()
    if mode == AUTO:
        return _file_encoding(path, driver), mode
    if mode in LEGACY_ENCODINGS:
        codec = _file_encoding(path, driver)
        return (codec if codec == "utf-8" else "latin-1"), mode
    codec = _codec(mode)
    if driver in UTF8_DRIVERS and codec != "utf-8":
        raise ImportRefusedError(
            _(
                "A %(format)s file is always UTF-8; an encoding can be named for"
                " Shapefiles only."
            )
            % {"format": driver}
        )
    return codec, None


def _check_shapefile_parts(path: Path) -> None:
    if path.suffix.lower() != ".shp":
        return
    missing = [s for s in (".dbf", ".shx") if _sidecar(path, s) is None]
    if missing:
        raise ImportRefusedError(
            _("The Shapefile %(name)s lacks its %(parts)s file: send all its parts.")
            % {"name": path.name, "parts": " and ".join(missing)}
        )


def open_source(
    path: Path, layer: str | None, named_srid: int | None, encoding: str | None
) -> SourceInfo:
    """Inspect the file: layer, fields, declared feature count and CRS."""
    _check_shapefile_parts(path)
    source = _open(path)
    chosen = _choose_layer(source, layer)
    driver = source.driver.name
    text_encoding, legacy_text = _text_encoding(path, driver, encoding)
    declared = _declared_crs(chosen)
    if declared is None and named_srid is None and _sidecar(path, ".prj"):
        raise ImportRefusedError(
            _(
                "The .prj file of %(name)s cannot be read as a coordinate reference"
                " system; name the one the file was drawn in."
            )
            % {"name": path.name}
        )
    crs, note = _source_crs(declared, named_srid)
    names = [_decode_name(raw, text_encoding) for raw in chosen.fields]
    return SourceInfo(
        path=path,
        layer=_layer_name(chosen),
        driver=driver,
        fields=names,
        field_kinds=dict(zip(names, _field_kinds(chosen))),
        declared_count=len(chosen),
        crs=crs,
        crs_note=note,
        encoding=text_encoding,
        legacy_text=legacy_text,
    )


def _decode_name(raw: str, encoding: str) -> str:
    try:
        return raw.encode("latin-1").decode(encoding)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def _ogr2ogr_command(source: SourceInfo) -> list[str]:
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        raise ImportRefusedError(
            _("ogr2ogr (Debian package gdal-bin) is not installed.")
        )
    command = [
        ogr2ogr,
        "-f", "CSV", "/vsistdout/", str(source.path), source.layer,
        "-lco", "GEOMETRY=AS_WKT", "-lco", "LINEFORMAT=LF",
        "-fieldTypeToString", "All",
        "-dim", "XY", "-nlt", "CONVERT_TO_LINEAR", "-nlt", "PROMOTE_TO_MULTI",
        # Pass the attribute bytes through: they are decoded here.
        "--config", "SHAPE_ENCODING", "",
    ]  # fmt: skip
    if source.driver == "GeoJSON":
        command += ["-oo", "DATE_AS_STRING=YES"]
    return command


def _decode(raw: str, encoding: str) -> str:
    """A cell's bytes (one latin-1 character each) in the file's encoding."""
    if encoding == "cp1258":
        return decode_windows_1258(raw.encode("latin-1"))
    return raw.encode("latin-1").decode(encoding)


def _cell(raw: str, kind: str, encoding: str) -> object:
    if raw == "":
        return None
    if kind == "boolean":
        return raw == "1"
    try:
        return _decode(raw, encoding)
    except UnicodeDecodeError:
        return Undecodable(encoding)


class _Bytes(str):
    """A cell that is not text in the file's encoding, as latin-1 characters."""


class TextColumn:
    """Reads one text column batch after batch, converting legacy text.

    In AUTO mode the column is examined on its first batch with non-ASCII
    values (`detect_legacy_encoding`); if it reads as TCVN3 or VNI, its
    values are converted one by one (`LegacyColumn`), and its cells that are
    not text in the file's encoding are read as that encoding's bytes.
    Named "tcvn3" or "vni", every value that can be 8-bit text is converted
    (one with a letter such as ư or ạ is Unicode already).
    """

    def __init__(self, name: str, encoding: str, legacy_text: str | None) -> None:
        self.name = name
        self.encoding = encoding
        self.legacy = legacy_text if legacy_text in LEGACY_ENCODINGS else None
        self.decided = legacy_text != AUTO
        self.column: LegacyColumn | None = None
        self.ascii_safe = "a0".encode(encoding, errors="replace") == b"a0"

    def read(self, raws: list[str], converted: Counter) -> list[object]:
        cells = [self._decode(raw) for raw in raws]
        if self.encoding == "cp1258":
            count = sum(1 for c in cells if type(c) is str and not c.isascii())
            if count:
                converted[(self.name, ENCODING_NAMES["cp1258"])] += count
        if not self.decided:
            self._detect(cells)
        if self.legacy is None:
            return [
                Undecodable(self.encoding) if type(c) is _Bytes else c for c in cells
            ]
        return self._convert(cells, converted)

    def _decode(self, raw: str) -> str | _Bytes | None:
        if raw == "":
            return None
        if self.ascii_safe and raw.isascii():
            return raw
        try:
            return _decode(raw, self.encoding)
        except UnicodeDecodeError:
            return _Bytes(raw)

    def _detect(self, cells: list) -> None:
        samples = list(
            dict.fromkeys(c for c in cells if c is not None and not c.isascii())
        )[:DETECTION_SAMPLE]
        if not samples:
            return
        self.decided = True
        self.legacy = detect_legacy_encoding(samples)
        if self.legacy is not None:
            self.column = LegacyColumn(self.legacy, samples)

    def _convert(self, cells: list, converted: Counter) -> list[object]:
        values: list[object] = []
        changed = 0
        for cell in cells:
            if cell is None or cell.isascii():
                values.append(cell)
                continue
            if type(cell) is _Bytes:
                value = legacy_to_unicode(str(cell), self.legacy)
            elif self.column is not None:
                value = self.column.convert(cell)
            elif could_be_legacy(cell):
                value = legacy_to_unicode(cell, self.legacy)
            else:
                value = cell
            changed += value != cell
            values.append(value)
        if changed:
            converted[(self.name, ENCODING_NAMES[self.legacy])] += changed
        return values


def _batch(
    start: int, rows: list[list[str]], source: SourceInfo, columns: list[str], texts
) -> Batch:
    wkts = np.array([row[0] or None for row in rows], dtype=object)
    geometries = shapely.from_wkt(wkts, on_invalid="ignore")
    errors = {}
    for index in np.flatnonzero(shapely.is_missing(geometries) & (wkts != None)):  # noqa: E711
        try:
            shapely.from_wkt(wkts[index])
        except GEOSException as err:
            errors[int(index)] = str(err)
    converted: Counter = Counter()
    values = {}
    for name in columns:
        position = source.fields.index(name) + 1
        raws = [row[position] if position < len(row) else "" for row in rows]
        if name in texts:
            cells = texts[name].read(raws, converted)
        else:
            kind = source.field_kinds[name]
            cells = [_cell(raw, kind, source.encoding) for raw in raws]
        values[name] = np.array(cells, dtype=object)
    return Batch(
        start=start,
        geometries=geometries,
        columns=values,
        geometry_errors=errors,
        converted=dict(converted),
    )


def _text_columns(source: SourceInfo, columns: list[str]) -> dict[str, TextColumn]:
    return {
        name: TextColumn(name, source.encoding, source.legacy_text)
        for name in columns
        if source.field_kinds[name] == "text"
    }


def read_batches(source: SourceInfo, columns: list[str]) -> Iterator[Batch]:
    """Yield the layer's features in batches, geometries as shapely objects."""
    # Warnings go to a file: a full stderr pipe would stall ogr2ogr.
    errors = tempfile.TemporaryFile()
    process = subprocess.Popen(
        _ogr2ogr_command(source), stdout=subprocess.PIPE, stderr=errors
    )
    try:
        stream = io.TextIOWrapper(process.stdout, encoding="latin-1", newline="")
        rows = csv.reader(stream)
        next(rows, None)
        start = 0
        texts = _text_columns(source, columns)
        while True:
            chunk = [row for _, row in zip(range(BATCH_SIZE), rows)]
            if not chunk:
                break
            yield _batch(start, chunk, source, columns, texts)
            start += len(chunk)
    finally:
        process.stdout.close()
        returncode = process.wait()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", errors="replace")
        errors.close()
    if returncode != 0:
        raise ImportRefusedError(
            _("GDAL cannot read %(name)s: %(reason)s")
            % {"name": source.path.name, "reason": _public(stderr.strip(), source.path)}
        )
