"""Zip archives as land offices send Shapefiles: unpacked safely first."""

import contextlib
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from lis.exchange.errors import ImportRefusedError

DATASET_SUFFIXES = (
    ".shp",
    ".gpkg",
    ".geojson",
    ".json",
    ".kml",
    ".dxf",
    ".dgn",
    ".csv",
    ".xlsx",
)
# A KMZ is a zip holding a KML; GDAL 3.6 loses a KMZ's SchemaData fields,
# which it reads from the unpacked KML.
ARCHIVE_SUFFIXES = (".zip", ".kmz")
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_MEMBERS = 10_000


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ImportRefusedError(_("The archive holds too many files."))
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ImportRefusedError(_("The archive unpacks to more than 4 GB."))
    for member in members:
        name = PurePosixPath(member.filename)
        if name.is_absolute() or ".." in name.parts:
            raise ImportRefusedError(
                _("The archive holds an unsafe path: %(name)s")
                % {"name": member.filename}
            )
    return members


def _single_dataset(folder: Path, archive_name: str) -> Path:
    found = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in DATASET_SUFFIXES
        and "__MACOSX" not in p.parts
    )
    # A .json beside a Shapefile or GeoPackage is metadata, not the map.
    if any(p.suffix.lower() != ".json" for p in found):
        found = [p for p in found if p.suffix.lower() != ".json"]
    if len(found) != 1:
        raise ImportRefusedError(
            _(
                "The archive %(name)s must hold exactly one Shapefile, GeoPackage or"
                " GeoJSON file; it holds %(count)d."
            )
            % {"name": archive_name, "count": len(found)}
        )
    return found[0]


@contextlib.contextmanager
def dataset_path(path: Path) -> Iterator[Path]:
    """Yield the path GDAL should open: the file itself, or the one in a zip."""
    if path.suffix.lower() not in ARCHIVE_SUFFIXES:
        yield path
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as err:
        raise ImportRefusedError(
            _("%(name)s is not a readable zip archive.") % {"name": path.name}
        ) from err
    with archive, tempfile.TemporaryDirectory(prefix="lis-import-") as folder:
        members = _safe_members(archive)
        if any(member.flag_bits & 0x1 for member in members):
            raise ImportRefusedError(
                _("%(name)s is protected by a password; send it unencrypted.")
                % {"name": path.name}
            )
        try:
            archive.extractall(folder, members=members)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
            raise ImportRefusedError(
                _("%(name)s is damaged and cannot be unpacked: %(reason)s")
                % {"name": path.name, "reason": err}
            ) from err
        yield _single_dataset(Path(folder), path.name)
