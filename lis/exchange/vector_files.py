"""Writing GeoPackage, Shapefile, GeoJSON and DXF files with GDAL's ogr2ogr.

Features stream to a line-delimited GeoJSON file, which the system's
ogr2ogr (Debian's gdal-bin) turns into the requested format, so that one
GDAL serves the whole system (see `parcel_import.reader`).
"""

import json
import math
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import shapely

DRIVERS = {
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".dxf": "DXF",
}
DRIVER_OPTIONS = {
    # UTF-8 attributes, declared in a .cpg file beside the .dbf.
    "ESRI Shapefile": ["-lco", "ENCODING=UTF-8"],
    # Keep the declared CRS: RFC 7946 would force WGS84.
    "GeoJSON": ["-lco", "RFC7946=NO", "-lco", "WRITE_NAME=NO"],
    # GeoPackage 1.2: what GDAL 3.6 readers support without warnings.
    "GPKG": ["-dsco", "VERSION=1.2"],
    # Polygons as closed polylines: GDAL would write filled hatches.
    "DXF": ["--config", "DXF_WRITE_HATCH", "NO"],
}


class VectorWriteError(RuntimeError):
    """ogr2ogr could not write the file."""


def _clean(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _feature_line(geometry: shapely.Geometry | None, properties: Mapping) -> str:
    feature = {
        "type": "Feature",
        "properties": {key: _clean(value) for key, value in properties.items()},
        "geometry": None
        if geometry is None
        else json.loads(shapely.to_geojson(geometry)),
    }
    return json.dumps(feature, ensure_ascii=False, allow_nan=False)


def write_vector_file(
    path: Path,
    features: Iterable[tuple[shapely.Geometry | None, Mapping]],
    *,
    layer: str,
    epsg: int | None,
    geometry_type: str = "MULTIPOLYGON",
    driver_options: Sequence[str] | None = None,
) -> Path:
    """Write `(geometry, properties)` pairs to `path`, format by its suffix.

    Property types follow the Python values: str stays text (identity
    numbers keep their zeros), int and float become numbers.
    `driver_options` (ogr2ogr arguments such as `-lco NAME=VALUE`) replace
    the format's defaults in `DRIVER_OPTIONS` when given.
    """
    path = Path(path)
    driver = DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise VectorWriteError(f"No vector format for the suffix {path.suffix!r}.")
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        raise VectorWriteError("ogr2ogr (Debian package gdal-bin) is not installed.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lis-write-") as folder:
        source = Path(folder) / "features.geojsonl"
        with source.open("w", encoding="utf-8") as out:
            for geometry, properties in features:
                out.write(_feature_line(geometry, properties))
                out.write("\n")
        options = DRIVER_OPTIONS[driver] if driver_options is None else driver_options
        _run_ogr2ogr(ogr2ogr, driver, path, source, layer, epsg, geometry_type, options)
    return path


def _run_ogr2ogr(
    ogr2ogr: str,
    driver: str,
    path: Path,
    source: Path,
    layer: str,
    epsg: int | None,
    geometry_type: str,
    options: Sequence[str],
) -> None:
    if path.exists():
        path.unlink()
    command = [
        ogr2ogr,
        "-f",
        driver,
        str(path),
        f"GeoJSONSeq:{source}",
        "-nln",
        layer,
        "-nlt",
        geometry_type,
        *options,
    ]
    # "None" writes no .prj, and GeoPackage's "undefined" SRS (srs_id 0).
    command += ["-a_srs", f"EPSG:{epsg}" if epsg is not None else "None"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise VectorWriteError(result.stderr.strip() or "ogr2ogr failed")
