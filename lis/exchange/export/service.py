"""`export_parcels`: write the selected parcels to a file of a chosen format."""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

from lis.cadastre.selectors import PARCEL_PERMISSION, can_read_personal_data
from lis.core import audit
from lis.core.crs import WGS84_SRID
from lis.exchange.export import tables, vector
from lis.exchange.export.errors import (
    EmptySelectionError,
    ExportForbiddenError,
    ExportRefusedError,
    ExportTooLargeError,
)
from lis.exchange.export.fields import export_fields
from lis.exchange.export.rows import CHUNK_SIZE, ExportRow, export_rows
from lis.exchange.export.selection import ParcelSelection, select_parcels
from lis.exchange.vector_files import VectorWriteError

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


class ExportFormat(models.TextChoices):
    GEOPACKAGE = "gpkg", "GeoPackage (.gpkg)"
    SHAPEFILE = "shp", "Shapefile (.shp)"
    GEOJSON = "geojson", "GeoJSON (.geojson)"
    DXF = "dxf", "DXF (.dxf)"
    CSV = "csv", "CSV (.csv)"
    XLSX = "xlsx", "Excel (.xlsx)"


SUFFIXES = {fmt: f".{fmt}" for fmt in ExportFormat.values}
WRITERS = {
    ExportFormat.GEOPACKAGE: vector.write_geopackage,
    ExportFormat.SHAPEFILE: vector.write_shapefile,
    ExportFormat.DXF: vector.write_dxf,
    ExportFormat.CSV: tables.write_csv,
    ExportFormat.XLSX: tables.write_xlsx,
}


@dataclass
class ExportResult:
    format: str
    count: int
    personal: bool
    files: list[Path]
    notes: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.files[0]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def format_for(path: Path, fmt: str | None) -> str:
    """The format named, or the one the file name's suffix says."""
    suffix = path.suffix.lower()
    if fmt is None:
        found = next((f for f, s in SUFFIXES.items() if s == suffix), None)
        if found is None:
            raise ExportRefusedError(
                _("Name the format: %(name)s does not end in one of %(suffixes)s.")
                % {"name": path.name, "suffixes": ", ".join(SUFFIXES.values())}
            )
        return found
    if fmt not in SUFFIXES:
        raise ExportRefusedError(
            _("Unknown format %(format)s; formats: %(formats)s.")
            % {"format": fmt, "formats": ", ".join(SUFFIXES)}
        )
    if suffix != SUFFIXES[fmt]:
        raise ExportRefusedError(
            _("A %(format)s file must end in %(suffix)s, not %(name)s.")
            % {"format": fmt, "suffix": SUFFIXES[fmt], "name": path.name}
        )
    return fmt


def _geojson_crs(fmt: str, crs_srid: int | None) -> int | None:
    storage = settings.LIS_STORAGE_SRID
    if crs_srid is None:
        return WGS84_SRID if fmt == ExportFormat.GEOJSON else None
    if fmt != ExportFormat.GEOJSON:
        raise ExportRefusedError(
            _(
                "A coordinate system can be chosen for GeoJSON only; %(format)s"
                " files are written in EPSG:%(srid)s."
            )
            % {"format": fmt, "srid": storage}
        )
    if crs_srid not in (WGS84_SRID, storage):
        raise ExportRefusedError(
            _("GeoJSON is written in EPSG:%(wgs84)s (RFC 7946) or EPSG:%(srid)s.")
            % {"wgs84": WGS84_SRID, "srid": storage}
        )
    return crs_srid


def _counted(rows: Iterable[ExportRow], total: int, progress: Progress) -> Iterator:
    progress("write", 0, total)
    for done, row in enumerate(rows, start=1):
        yield row
        if done % 1000 == 0 or done == total:
            progress("write", done, total)


def _remove_partial(path: Path, fmt: str) -> None:
    parts = vector.shapefile_parts(path) if fmt == ExportFormat.SHAPEFILE else [path]
    for part in parts:
        if part.is_file():
            part.unlink()


def _write(path: Path, fmt: str, rows, fields, crs_srid: int | None):
    srid = settings.LIS_STORAGE_SRID
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == ExportFormat.GEOJSON:
            return vector.write_geojson(
                path, rows, fields, srid=srid, crs_srid=crs_srid
            )
        return WRITERS[fmt](path, rows, fields, srid=srid)
    except (OSError, VectorWriteError) as err:
        if not path.is_dir():
            _remove_partial(path, fmt)
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise ExportRefusedError(
            _("%(name)s cannot be written: %(reason)s")
            % {"name": path.name, "reason": reason}
        ) from err


def export_parcels(
    selection: ParcelSelection,
    path: Path,
    *,
    fmt: str | None = None,
    crs_srid: int | None = None,
    acting_user,
    progress: Progress = _no_progress,
    chunk_size: int = CHUNK_SIZE,
    max_parcels: int | None = None,
) -> ExportResult:
    """Write the parcels `selection` names to `path`, in `fmt`.

    Land users' names, identity numbers and certificates are written only
    when `acting_user` may read personal data (R14); without a user (the
    console, by default) they are left out. Nothing is written for an empty
    selection, nor for one of more than `max_parcels`. The audit record
    holds counts and the criteria's kinds only.
    """
    path = Path(path)
    fmt = format_for(path, fmt)
    crs_srid = _geojson_crs(fmt, crs_srid)
    if acting_user is not None and not acting_user.has_perm(PARCEL_PERMISSION):
        raise ExportForbiddenError()
    parcels = select_parcels(selection)
    total = parcels.count()
    if total == 0:
        raise EmptySelectionError()
    if max_parcels is not None and total > max_parcels:
        raise ExportTooLargeError(
            _(
                "The selection holds %(count)d parcels, more than the %(limit)d a"
                " web export may hold. Narrow it, or export it on the server with"
                " the command lis export-parcels."
            )
            % {"count": total, "limit": max_parcels},
            count=total,
        )

    personal = acting_user is not None and can_read_personal_data(acting_user)
    fields = export_fields(personal)
    rows = _counted(
        export_rows(parcels, personal=personal, chunk_size=chunk_size), total, progress
    )
    written = _write(path, fmt, rows, fields, crs_srid)

    audit.record(
        "parcels.export",
        actor=acting_user,
        count=total,
        format=fmt,
        personal=personal,
        criteria=selection.criteria,
    )
    logger.info(
        "Exported %d parcels as %s (personal data: %s)",
        total,
        fmt,
        personal,
        extra={"parcel_count": total},
    )
    return ExportResult(
        format=fmt,
        count=total,
        personal=personal,
        files=written.files,
        notes=written.notes,
    )
