"""Reading features from a cadastral file through the system's GDAL.

GeoDjango's GDAL bindings are used rather than a wheel that bundles its
own GDAL and PROJ: two copies of those libraries in one process crash it
(they share C++ symbols), and DESIGN.md takes GDAL/GEOS/PROJ from Debian.
"""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.contrib.gis.gdal import DataSource, GDALException
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError

from lis.exchange.errors import ImportRefusedError, MissingCRSError

BATCH_SIZE = 20_000
POLYGONAL = {"Polygon", "MultiPolygon", "Polygon25D", "MultiPolygon25D", "Unknown"}


@dataclass(frozen=True)
class SourceInfo:
    path: Path
    layer: str
    fields: list[str]
    feature_count: int
    crs: CRS
    crs_note: str | None
    encoding: str


@dataclass(frozen=True)
class Batch:
    """Features `start` … `start + len(geometries) - 1` (0-based) of the layer."""

    start: int
    geometries: np.ndarray
    columns: dict[str, np.ndarray]


def _open(path: Path, encoding: str) -> DataSource:
    try:
        return DataSource(str(path), encoding=encoding)
    except GDALException as err:
        raise ImportRefusedError(
            _("GDAL cannot open %(name)s as a spatial file: %(reason)s")
            % {"name": path.name, "reason": err}
        ) from err


def _choose_layer(source: DataSource, wanted: str | None):
    layers = list(source)
    names = [layer.name for layer in layers]
    if wanted is not None:
        if wanted not in names:
            raise ImportRefusedError(
                _("The file has no layer %(layer)s; its layers are: %(layers)s.")
                % {"layer": wanted, "layers": ", ".join(names)}
            )
        return layers[names.index(wanted)]
    polygonal = [layer for layer in layers if layer.geom_type.name in POLYGONAL]
    if len(polygonal) == 1:
        return polygonal[0]
    if not polygonal:
        raise ImportRefusedError(
            _("The file has no polygon layer; its layers are: %(layers)s.")
            % {"layers": ", ".join(names)}
        )
    raise ImportRefusedError(
        _("The file has several polygon layers (%(layers)s); name the one to import.")
        % {"layers": ", ".join(layer.name for layer in polygonal)}
    )


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


def open_source(
    path: Path, layer: str | None, named_srid: int | None, encoding: str | None
) -> SourceInfo:
    """Inspect the file: layer, fields, feature count and CRS."""
    encoding = encoding or "utf-8"
    chosen = _choose_layer(_open(path, encoding), layer)
    crs, note = _source_crs(_declared_crs(chosen), named_srid)
    return SourceInfo(
        path=path,
        layer=chosen.name,
        fields=list(chosen.fields),
        feature_count=len(chosen),
        crs=crs,
        crs_note=note,
        encoding=encoding,
    )


def _wkb(feature) -> bytes | None:
    try:
        geometry = feature.geom
    except GDALException:
        return None
    return bytes(geometry.wkb)


def read_batches(source: SourceInfo, columns: list[str]) -> Iterator[Batch]:
    """Yield the layer's features in batches, geometries as shapely objects."""
    layer = _choose_layer(_open(source.path, source.encoding), source.layer)
    features = iter(layer)
    start = 0
    while True:
        chunk = list(itertools.islice(features, BATCH_SIZE))
        if not chunk:
            return
        wkbs = np.array([_wkb(f) for f in chunk], dtype=object)
        values = {
            name: np.array([f.get(name) for f in chunk], dtype=object) for name in columns
        }
        yield Batch(
            start=start,
            geometries=shapely.from_wkb(wkbs, on_invalid="ignore"),
            columns=values,
        )
        start += len(chunk)
