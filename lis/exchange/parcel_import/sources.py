"""Which reader opens a cadastral file.

GIS formats GDAL reads (Shapefile, GeoPackage, GeoJSON, ...) go through
`reader`. Readers of other kinds (coordinate tables, CAD drawings) return
the same `SourceInfo` and `Batch` shapes, so that every file meets the same
checks and the same writer.
"""

from collections.abc import Iterator
from pathlib import Path

from lis.exchange.parcel_import import reader
from lis.exchange.parcel_import.reader import Batch, SourceInfo


def open_file(
    path: Path, layer: str | None, named_srid: int | None, encoding: str | None
) -> SourceInfo:
    """Inspect the file with the reader its kind needs."""
    return reader.open_source(path, layer, named_srid, encoding)


def read_batches(source: SourceInfo, columns: list[str]) -> Iterator[Batch]:
    """Yield the file's features in batches (see `reader.Batch`)."""
    return reader.read_batches(source, columns)
