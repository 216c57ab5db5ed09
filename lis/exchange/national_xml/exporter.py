"""`export_xml`: the cadastre of a selection as an exchange file.

The file is written element by element (lxml's incremental `xmlfile`), from
querysets read in chunks, so that memory stays flat whatever the number of
parcels; the reads share one snapshot of the database. It is written
beside its destination, validated against the schema, and only then moved
into place.
"""

import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from lxml import etree

from lis.admin_units.selectors import resolve_commune_code
from lis.cadastre.models import (
    Certificate,
    IdentityDocument,
    LandUsePurpose,
    LandUser,
    Parcel,
    Right,
    RightKind,
)
from lis.cadastre.selectors import can_read_personal_data
from lis.core import audit
from lis.exchange.national_xml import elements
from lis.exchange.national_xml.codes import ORGANISATION_KINDS
from lis.exchange.national_xml.errors import (
    ExportRefusedError,
    PersonalDataRefusedError,
    SchemaInvalidError,
)
from lis.exchange.national_xml.schema import GML_NS, ROOT, VERSION
from lis.exchange.national_xml.validation import validate_file

logger = logging.getLogger(__name__)

CHUNK = 2000
HOLDER_FIELDS = ("kind", "full_name", "birth_year", "address", "object_type__code")
DOCUMENT_FIELDS = ("holder_id", "kind", "number", "issue_date", "issuer")
CERTIFICATE_FIELDS = (
    "serial_number",
    "register_number",
    "issue_date",
    "issuer",
    "status",
)
RIGHT_FIELDS = ("parcel_id", "holder_id", "certificate_id", "share", "origin")
PARCEL_FIELDS = (
    "parcel_number",
    "computed_area_m2",
    "legal_area_m2",
    "address",
    "uid",
    "map_sheet__number",
    "map_sheet__scale",
    "map_sheet__commune__code",
    "map_sheet__commune__catalogue",
    "commune__code",
    "commune__catalogue",
    "wkb",
)
PURPOSE_FIELDS = (
    "parcel_id",
    "land_use_type__code",
    "land_use_type__catalogue",
    "area_m2",
    "long_term",
    "term_end",
)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class XmlExportOptions:
    commune: str | None = None
    unit_catalogue: str | None = None
    sheet: int | None = None
    exporting_unit: str = ""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    parcels: int
    land_users: int
    certificates: int
    rights: int


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def export_xml(
    output: Path,
    options: XmlExportOptions,
    *,
    acting_user,
    progress: Progress = _no_progress,
) -> ExportResult:
    """Write the selected parcels with their land users, rights and certificates.

    The national exchange carries land users' names and identity numbers,
    so only a user who may read personal data (R14,
    `cadastre.view_landuser`) may export it. The file follows
    schema/lis-dulieudatdai-1.0.xsd and is validated before it replaces
    `output`.
    """
    if acting_user is None or not can_read_personal_data(acting_user):
        raise PersonalDataRefusedError()
    output = Path(output)
    if not output.parent.is_dir():
        raise ExportRefusedError(
            _("The folder %(folder)s does not exist.") % {"folder": output.parent}
        )
    partial = output.with_name(f".{output.name}.part")

    try:
        with _snapshot():
            parcels = _selection(options)
            total = parcels.count()
            if total == 0:
                raise ExportRefusedError(
                    _("No parcel matches the selection; nothing was written.")
                )
            counts = _write(partial, parcels, total, options, progress)
        _validate(partial, progress)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)

    audit.record("xml.export", actor=acting_user, **counts)
    logger.info("Exported %d parcels as an exchange file", counts["parcels"])
    return ExportResult(path=output, **counts)


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One read-only snapshot for every query of the export."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        yield


def _selection(options: XmlExportOptions) -> QuerySet:
    parcels = Parcel.objects.all()
    if options.commune:
        unit = resolve_commune_code(options.commune, options.unit_catalogue)
        parcels = parcels.in_commune(unit)
    if options.sheet is not None:
        if not options.commune:
            raise ExportRefusedError(
                _("Sheet numbers repeat from commune to commune: name the commune too.")
            )
        parcels = parcels.filter(map_sheet__number=options.sheet)
    return parcels


def _validate(path: Path, progress: Progress) -> None:
    try:
        validate_file(path, progress)
    except SchemaInvalidError as err:
        logger.error("An exported exchange file failed its schema")
        raise ExportRefusedError(
            _("The written file failed the schema; nothing was exported. %(errors)s")
            % {"errors": err.message}
        ) from err


def _write(
    path: Path, parcels: QuerySet, total: int, options: XmlExportOptions, progress
) -> dict[str, int]:
    rights = Right.objects.filter(parcel__in=parcels, kind=RightKind.LAND_USE)
    holders = LandUser.objects.filter(pk__in=rights.values("holder_id"))
    certificates = Certificate.objects.filter(pk__in=rights.values("certificate_id"))
    scope = {
        "commune": options.commune,
        "catalogue": options.unit_catalogue,
        "sheet": options.sheet,
    }
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(ROOT, {"phienBan": VERSION}, nsmap={"gml": GML_NS}):
            header = elements.header(options.exporting_unit, scope)
            xf.write("\n", header, "\n", pretty_print=True)
            persons = _holders(
                xf,
                "CaNhanCollection",
                holders.exclude(kind__in=ORGANISATION_KINDS),
                elements.person,
            )
            organisations = _holders(
                xf,
                "ToChucCollection",
                holders.filter(kind__in=ORGANISATION_KINDS),
                elements.organisation,
            )
            counts = {
                "land_users": persons + organisations,
                "certificates": _simple(
                    xf,
                    "GiayChungNhanCollection",
                    certificates,
                    CERTIFICATE_FIELDS,
                    elements.certificate,
                ),
                "rights": _simple(
                    xf, "QuyenSuDungDatCollection", rights, RIGHT_FIELDS, elements.right
                ),
            }
            counts["parcels"] = _parcels(xf, parcels, total, progress)
    return counts


def _pages(queryset: QuerySet, fields: tuple) -> Iterator[list[dict]]:
    """The rows of `queryset` in primary-key order, CHUNK at a time."""
    last = 0
    while True:
        page = list(
            queryset.filter(pk__gt=last).order_by("pk").values("pk", *fields)[:CHUNK]
        )
        if not page:
            return
        yield page
        last = page[-1]["pk"]


def _related(queryset: QuerySet, key: str, pks: list[int], fields: tuple) -> dict:
    """Rows of `queryset` whose `key` is in `pks`, grouped by it, in pk order."""
    grouped = defaultdict(list)
    rows = queryset.filter(**{f"{key}__in": pks}).order_by("pk").values(*fields)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _simple(xf, tag: str, queryset: QuerySet, fields: tuple, build) -> int:
    count = 0
    with xf.element(tag):
        xf.write("\n")
        for page in _pages(queryset, fields):
            for row in page:
                xf.write(build(row), pretty_print=True)
            count += len(page)
    xf.write("\n")
    return count


def _holders(xf, tag: str, queryset: QuerySet, build) -> int:
    count = 0
    with xf.element(tag):
        xf.write("\n")
        for page in _pages(queryset, HOLDER_FIELDS):
            documents = _related(
                IdentityDocument.objects,
                "holder_id",
                [row["pk"] for row in page],
                DOCUMENT_FIELDS,
            )
            for row in page:
                xf.write(build(row, documents.get(row["pk"], [])), pretty_print=True)
            count += len(page)
    xf.write("\n")
    return count


def _parcels(xf, parcels: QuerySet, total: int, progress: Progress) -> int:
    srid = settings.LIS_STORAGE_SRID
    count = 0
    progress("write", 0, total)
    with xf.element("ThuaDatCollection"):
        xf.write("\n")
        for page in _pages(parcels.annotate(wkb=AsWKB("geom")), PARCEL_FIELDS):
            purposes = _related(
                LandUsePurpose.objects,
                "parcel_id",
                [row["pk"] for row in page],
                PURPOSE_FIELDS,
            )
            geoms = shapely.from_wkb([bytes(row["wkb"]) for row in page])
            for row, geom in zip(page, geoms, strict=True):
                element = elements.parcel(row, purposes.get(row["pk"], []), geom, srid)
                xf.write(element, pretty_print=True)
            count += len(page)
            progress("write", count, total)
    xf.write("\n")
    return count
