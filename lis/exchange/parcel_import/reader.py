"""Reading features from a cadastral file through GDAL (pyogrio)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from django.utils.translation import gettext as _
from pyogrio import raw
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError

from lis.exchange.errors import ImportRefusedError, MissingCRSError

BATCH_SIZE = 20_000
POLYGONAL = {"Polygon", "MultiPolygon", "Polygon Z", "MultiPolygon Z", "Unknown"}


@dataclass(frozen=True)
class SourceInfo:
    path: Path
    layer: str
    fields: list[str]
    feature_count: int
    crs: CRS
    crs_note: str | None


@dataclass(frozen=True)
class Batch:
    """Features `start` … `start + len(geometries) - 1` (0-based) of the layer."""

    start: int
    geometries: np.ndarray
    columns: dict[str, np.ndarray]


def _choose_layer(path: Path, layer: str | None) -> str:
    try:
        layers = pyogrio.list_layers(path)
    except (DataSourceError, OSError) as err:
        raise ImportRefusedError(
            _("GDAL cannot open %(name)s as a spatial file: %(reason)s")
            % {"name": path.name, "reason": err}
        ) from err
    names = [str(name) for name, _kind in layers]
    if layer is not None:
        if layer not in names:
            raise ImportRefusedError(
                _("The file has no layer %(layer)s; its layers are: %(layers)s.")
                % {"layer": layer, "layers": ", ".join(names)}
            )
        return layer
    polygonal = [str(name) for name, kind in layers if kind in POLYGONAL or kind is None]
    if len(polygonal) == 1 or (polygonal and len(names) == 1):
        return polygonal[0]
    if not polygonal:
        raise ImportRefusedError(
            _("The file has no polygon layer; its layers are: %(layers)s.")
            % {"layers": ", ".join(names)}
        )
    raise ImportRefusedError(
        _("The file has several polygon layers (%(layers)s); name the one to import.")
        % {"layers": ", ".join(polygonal)}
    )


def _source_crs(declared: str | None, named_srid: int | None) -> tuple[CRS, str | None]:
    if named_srid is not None:
        try:
            named = CRS.from_epsg(named_srid)
        except CRSError as err:
            raise ImportRefusedError(
                _("EPSG:%(srid)s is not a known coordinate reference system.")
                % {"srid": named_srid}
            ) from err
        note = None
        if declared and not CRS.from_user_input(declared).equals(named):
            note = _(
                "The file declares %(declared)s; it was read as EPSG:%(srid)s as named."
            ) % {"declared": CRS.from_user_input(declared).name, "srid": named_srid}
        return named, note
    if not declared:
        raise MissingCRSError()
    try:
        return CRS.from_user_input(declared), None
    except CRSError as err:
        raise ImportRefusedError(
            _("The file's coordinate reference system cannot be read: %(reason)s")
            % {"reason": err}
        ) from err


def open_source(
    path: Path, layer: str | None, named_srid: int | None, encoding: str | None
) -> SourceInfo:
    """Inspect the file: layer, fields, feature count and CRS."""
    chosen = _choose_layer(path, layer)
    try:
        info = pyogrio.read_info(path, layer=chosen, encoding=encoding)
    except (DataSourceError, DataLayerError) as err:
        raise ImportRefusedError(str(err)) from err
    crs, note = _source_crs(info.get("crs"), named_srid)
    return SourceInfo(
        path=path,
        layer=chosen,
        fields=[str(name) for name in info["fields"]],
        feature_count=int(info["features"]),
        crs=crs,
        crs_note=note,
    )


def read_batches(
    source: SourceInfo, columns: list[str], encoding: str | None
) -> Iterator[Batch]:
    """Yield the layer's features in batches, geometries as shapely objects."""
    start = 0
    while start < source.feature_count:
        meta, _fids, wkb, values = raw.read(
            source.path,
            layer=source.layer,
            encoding=encoding,
            columns=columns,
            skip_features=start,
            max_features=BATCH_SIZE,
            return_fids=True,
            datetime_as_string=True,
        )
        if len(wkb) == 0:
            break
        names = [str(name) for name in meta["fields"]]
        yield Batch(
            start=start,
            geometries=shapely.from_wkb(wkb, on_invalid="ignore"),
            columns=dict(zip(names, values)),
        )
        start += len(wkb)
