"""Which reader opens a cadastral file.

GIS formats GDAL reads (Shapefile, GeoPackage, GeoJSON, KML/KMZ, ...) go
through `reader`; coordinate tables (.csv, .xlsx) through
`coordinate_tables`; CAD drawings (.dxf, .dgn) through `cad`. Every reader
returns a `SourceInfo` and yields `Batch`es of the same shape, so that
every file meets the same checks and the same writer.

The commune code and the map sheet number can be given for a file that
lacks them (a drawing always does): they are then written into every
feature's maDVHCXa and soHieuToBanDo columns, which the file must not have.
"""

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
from django.utils.translation import gettext as _

from lis.exchange.errors import ImportRefusedError
from lis.exchange.parcel_import import cad, coordinate_tables, reader, values
from lis.exchange.parcel_import.fields import FIELD_ALIASES, FIELD_LABELS
from lis.exchange.parcel_import.reader import Batch, SourceInfo

TABLE_SUFFIXES = {".csv", ".xlsx"}
DRAWING_SUFFIXES = {".dxf", ".dgn"}
# The columns a commune code or sheet number given by the user fills.
DEFAULT_COLUMNS = {"commune": "maDVHCXa", "sheet": "soHieuToBanDo"}
# A CSV file with one of these columns is a GIS layer, read by GDAL.
GEOMETRY_COLUMNS = {"wkt", "geometry", "geom", "the_geom"}


@dataclasses.dataclass(frozen=True)
class DefaultedSource(SourceInfo):
    """A source whose missing commune or sheet columns the user filled."""

    inner: SourceInfo
    defaults: dict[str, str]


def _refuse_unread_formats(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".dwg":
        raise ImportRefusedError(
            _(
                "AutoCAD DWG drawings cannot be read; save the drawing as DXF and"
                " import that."
            )
        )
    if suffix == ".xls":
        raise ImportRefusedError(
            _("Excel 97-2003 workbooks (.xls) cannot be read; save it as .xlsx.")
        )


def _is_gis_csv(path: Path) -> bool:
    with path.open("rb") as stream:
        first = stream.readline(65536).decode("utf-8", errors="replace")
    names = {n.strip().strip('"').lower() for n in first.replace(";", ",").split(",")}
    return bool(names & GEOMETRY_COLUMNS)


def reader_for(path: Path) -> ModuleType:
    """The module that reads `path`, by its suffix and, for CSV, its header."""
    _refuse_unread_formats(path)
    suffix = path.suffix.lower()
    if suffix in DRAWING_SUFFIXES:
        return cad
    if suffix in TABLE_SUFFIXES and not (suffix == ".csv" and _is_gis_csv(path)):
        return coordinate_tables
    return reader


def _has_column(fields: list[str], canonical: str) -> str | None:
    by_lower = {name.lower(): name for name in fields}
    for alias in FIELD_ALIASES[canonical]:
        for name in (alias.lower(), alias.lower()[:10]):
            if name in by_lower:
                return by_lower[name]
    return None


def _checked_default(canonical: str, value: str) -> str:
    read = values.unit_code if canonical == "commune" else values.sheet_number
    try:
        return str(read(value))
    except values.CellError as err:
        raise ImportRefusedError(
            _("The %(name)s given is not valid: %(reason)s.")
            % {"name": FIELD_LABELS[canonical], "reason": err}
        ) from err


def _with_defaults(source: SourceInfo, given: dict[str, str | None]) -> SourceInfo:
    defaults: dict[str, str] = {}
    for canonical, value in given.items():
        if value is None or str(value).strip() == "":
            continue
        own = _has_column(source.fields, canonical)
        if own is not None:
            raise ImportRefusedError(
                _(
                    "The file has its own %(name)s field (%(field)s); name the"
                    " %(name)s only for files without one."
                )
                % {"name": FIELD_LABELS[canonical], "field": own}
            )
        defaults[DEFAULT_COLUMNS[canonical]] = _checked_default(canonical, str(value))
    if isinstance(source, cad.CadSource):
        _require_drawing_key(defaults)
    if not defaults:
        return source
    base = {f.name: getattr(source, f.name) for f in dataclasses.fields(SourceInfo)}
    base["fields"] = [*source.fields, *defaults]
    base["field_kinds"] = {**source.field_kinds, **dict.fromkeys(defaults, "text")}
    return DefaultedSource(**base, inner=source, defaults=defaults)


def _require_drawing_key(defaults: dict[str, str]) -> None:
    missing = [
        f"{canonical} ({FIELD_LABELS[canonical]})"
        for canonical, column in DEFAULT_COLUMNS.items()
        if column not in defaults
    ]
    if missing:
        raise ImportRefusedError(
            _(
                "The file has no field for: %(missing)s. A drawing does not say"
                " which commune and map sheet it shows: name them (command line:"
                " --commune and --sheet)."
            )
            % {"missing": ", ".join(missing)}
        )


def open_file(
    path: Path,
    layer: str | None,
    named_srid: int | None,
    encoding: str | None,
    *,
    commune: str | None = None,
    sheet: str | int | None = None,
    text_layer: str | None = None,
) -> SourceInfo:
    """Inspect the file with the reader its kind needs.

    `commune` and `sheet` fill the maDVHCXa and soHieuToBanDo columns of a
    file without them; `text_layer` names the CAD layer (DGN level) of a
    drawing's parcel labels.
    """
    module = reader_for(path)
    if module is cad:
        source = cad.open_source(
            path, layer, named_srid, encoding, text_layer=text_layer
        )
    else:
        source = module.open_source(path, layer, named_srid, encoding)
    return _with_defaults(source, {"commune": commune, "sheet": sheet})


def _module(source: SourceInfo) -> ModuleType:
    if isinstance(source, coordinate_tables.TableSource):
        return coordinate_tables
    if isinstance(source, cad.CadSource):
        return cad
    return reader


def read_batches(source: SourceInfo, columns: list[str]) -> Iterator[Batch]:
    """Yield the file's features in batches (see `reader.Batch`)."""
    if not isinstance(source, DefaultedSource):
        return _module(source).read_batches(source, columns)
    return _defaulted_batches(source, columns)


def _defaulted_batches(source: DefaultedSource, columns: list[str]) -> Iterator[Batch]:
    own = [name for name in columns if name not in source.defaults]
    filled = [name for name in columns if name in source.defaults]
    for batch in _module(source.inner).read_batches(source.inner, own):
        count = len(batch.geometries)
        extra = {
            name: np.full(count, source.defaults[name], dtype=object) for name in filled
        }
        yield dataclasses.replace(batch, columns={**batch.columns, **extra})


def notes(source: SourceInfo) -> list[str]:
    """What the reader has to tell about the file besides its CRS."""
    inner = source.inner if isinstance(source, DefaultedSource) else source
    return list(getattr(inner, "notes", ()))
