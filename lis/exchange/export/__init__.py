"""Export of parcels: a selection, written in the formats the field uses.

`export_parcels(selection, path, fmt=..., acting_user=...)` writes
GeoPackage, Shapefile, GeoJSON, DXF, CSV or XLSX with the column names
the importer reads (`fields.FIELDS`), so that a file exported and imported
again gives back the same parcels.
"""

from lis.exchange.export.errors import (
    EmptySelectionError,
    ExportForbiddenError,
    ExportRefusedError,
    ExportTooLargeError,
)
from lis.exchange.export.fields import FIELDS, ExportField, export_fields
from lis.exchange.export.selection import ParcelSelection, parse_area, select_parcels
from lis.exchange.export.service import (
    SUFFIXES,
    ExportFormat,
    ExportResult,
    export_parcels,
    format_for,
)

__all__ = [
    "FIELDS",
    "SUFFIXES",
    "EmptySelectionError",
    "ExportField",
    "ExportForbiddenError",
    "ExportFormat",
    "ExportRefusedError",
    "ExportResult",
    "ExportTooLargeError",
    "ParcelSelection",
    "export_fields",
    "export_parcels",
    "format_for",
    "parse_area",
    "select_parcels",
]
