"""Write a sample map as GeoPackage, Shapefile or GeoJSON, in EPSG:9212.

Writing goes through `lis.exchange.vector_files` (Debian's ogr2ogr), so that
one GDAL and one PROJ serve the whole process. The field list and its names
per format are described in the package docstring
(`lis.exchange.sample_data`).
"""

import logging
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lis.exchange.vector_files import write_vector_file

from .generator import SampleMap

logger = logging.getLogger(__name__)

LAYER = "thua_dat"
EPSG = 9212
FORMATS = ("gpkg", "shp", "geojson")
SUFFIXES = {"gpkg": ".gpkg", "shp": ".shp", "geojson": ".geojson"}
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


@dataclass(frozen=True)
class Field:
    name: str
    shapefile_name: str
    kind: str


FIELDS: tuple[Field, ...] = (
    Field("maDVHCXa", "MaXa", "text"),
    Field("soHieuToBanDo", "SHBANDO", "integer"),
    Field("soThuTuThua", "SHTHUA", "integer"),
    Field("loaiDat", "LoaiDat", "text"),
    Field("dienTich", "DienTich", "real"),
    Field("diaChi", "DiaChi", "text"),
    Field("tyLe", "TyLe", "integer"),
    Field("tenChu", "TenChu", "text"),
    Field("namSinh", "NamSinh", "integer"),
    Field("soGiayTo", "SoGiayTo", "text"),
    Field("doiTuong", "DoiTuong", "text"),
    Field("tenChu2", "TenChu2", "text"),
    Field("namSinh2", "NamSinh2", "integer"),
    Field("soGiayTo2", "SoGiayTo2", "text"),
    Field("soPhatHanh", "SoPhatHanh", "text"),
    Field("soVaoSo", "SoVaoSo", "text"),
    Field("ngayCap", "NgayCap", "text"),
)


def field_names(fmt: str) -> list[str]:
    """Return the field names written in format `fmt`, in file order."""
    return [f.shapefile_name if fmt == "shp" else f.name for f in FIELDS]


def write_sample(sample: SampleMap, path: Path, fmt: str) -> None:
    """Write `sample` to `path` in `fmt`, replacing any earlier file there."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if path.suffix.lower() != SUFFIXES[fmt]:
        raise ValueError(f"A {fmt} file must end in {SUFFIXES[fmt]}, not {path.name}.")
    _remove_previous(path, fmt)
    write_vector_file(path, _features(sample, fmt), layer=LAYER, epsg=EPSG)
    if fmt == "shp":
        _shrink_text_fields(path)


def _features(sample: SampleMap, fmt: str) -> Iterator[tuple[object, dict]]:
    """Yield (geometry, properties) with plain Python values, nulls as None."""
    names = field_names(fmt)
    columns = [_values(sample, field) for field in FIELDS]
    for geometry, row in zip(sample.geometry, zip(*columns)):
        yield geometry, dict(zip(names, row))


def _values(sample: SampleMap, field: Field) -> list:
    values = sample.columns[field.name]
    if field.kind == "integer":
        plain = values.astype(np.int64).tolist()
        nulls = sample.nulls.get(field.name)
        if nulls is not None:
            plain = [None if null else v for v, null in zip(plain, nulls.tolist())]
        return plain
    if field.kind == "real":
        return values.astype(np.float64).tolist()
    return [str(v) for v in values.tolist()]


def _remove_previous(path: Path, fmt: str) -> None:
    parts = [path.with_suffix(s) for s in _SHAPEFILE_PARTS] if fmt == "shp" else [path]
    for part in parts:
        part.unlink(missing_ok=True)


def _shrink_text_fields(path: Path) -> None:
    """Size the DBF's text fields to their longest value (80 bytes otherwise).

    The file is complete without it, so a failure is only logged.
    """
    ogrinfo = shutil.which("ogrinfo")
    command = [ogrinfo or "ogrinfo", "-q", str(path), "-sql", f"RESIZE {path.stem}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or "ERROR" in result.stderr:
        logger.warning(
            "Shapefile text fields left at 80 bytes: %s", result.stderr.strip()
        )
