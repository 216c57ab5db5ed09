"""`import_xml_file`: an exchange file through the parcel importer's checks.

Mirrors `parcel_import.service.import_parcel_file`: the same candidate
builder, boundary checks, cross checks and writer, the same report and
the same all-or-nothing rule, in one transaction with one audit record.
What the file says beyond what the builder can carry (several purposes,
more than two holders, unequal shares, ...) refuses the parcel with its
reason (`rows`).
"""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.admin_units.selectors import CommuneResolver
from lis.core import audit
from lis.exchange.errors import ImportRefusedError
from lis.exchange.national_xml import reader
from lis.exchange.national_xml.reader import ELEMENT_OF_COLUMN, XmlBatch
from lis.exchange.parcel_import import values
from lis.exchange.parcel_import.candidates import Candidate, CandidateBuilder, Rejection
from lis.exchange.parcel_import.checks import CrossChecks
from lis.exchange.parcel_import.fields import FieldMap, resolve_field_map
from lis.exchange.parcel_import.reader import SourceInfo
from lis.exchange.parcel_import.service import ImportMode, ImportReport
from lis.exchange.parcel_import.shapes import check_shapes
from lis.exchange.parcel_import.writer import write_candidates
from lis.reference.models import LandUseCatalogue
from lis.reference.selectors import LandUseCodeResolver, LandUserObjectResolver

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

# Why each left-out fact was left out, for the report's notes.
DERIVED_AGAIN = {
    "DC_ThuaDat/dienTich": gettext_lazy("computed again from the boundary"),
    "DC_ThuaDat/maDinhDanhThua": gettext_lazy("computed again from the boundary"),
    "DC_ThuaDat/maDVHCXaHienTai": gettext_lazy("derived from the 2025 crosswalk"),
}


@dataclass(frozen=True)
class XmlImportOptions:
    unit_catalogue: str | None = None
    mode: str = ImportMode.ALL_OR_NOTHING


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def import_xml_file(
    path: Path,
    options: XmlImportOptions,
    *,
    acting_user,
    progress: Progress = _no_progress,
    file_name: str | None = None,
) -> ImportReport:
    """Import the parcels, land users, rights and certificates of an exchange file.

    The file is refused whole when it is unsafe (DOCTYPE, entities, over
    the size limit), not well-formed or off the schema
    (schema/lis-dulieudatdai-1.0.xsd). Its parcels then meet the checks of
    a map import; in all-or-nothing mode one rejected parcel leaves the
    database as it was, otherwise the valid parcels are written in one
    transaction.
    """
    path = Path(path)
    source = reader.open_source(path, progress)
    fields = resolve_field_map(source.fields, {})
    report = ImportReport(
        file_name=file_name or path.name,
        layer=source.layer,
        crs=source.crs.to_string(),
        mode=options.mode,
        feature_count=source.declared_count,
        field_map=dict(fields.sources),
    )

    candidates = _read_candidates(source, fields, options, report, progress)
    progress("check", 0, len(candidates))
    accepted, cross_rejections = CrossChecks(candidates, fields).run()
    report.rejections = sorted(
        report.rejections + [_named(r) for r in cross_rejections],
        key=lambda r: (r.feature, r.field),
    )
    report.accepted = len(accepted)
    progress("check", len(candidates), len(candidates))
    if any(r.code == "ambiguous_unit_code" for r in report.rejections):
        report.notes.append(
            _(
                "Some commune codes name different communes before and after"
                " 1 July 2025: the file should give their catalogue (attribute"
                " danhMuc of maDVHCXa), or name it with --unit-catalogue 2004"
                " or 2025."
            )
        )

    if report.rejections and options.mode == ImportMode.ALL_OR_NOTHING:
        report.notes.append(_("Nothing was imported: the mode is all or nothing."))
        logger.warning(
            "XML import refused: %d of %d parcels rejected",
            report.rejected_features,
            report.feature_count,
        )
        return report
    if not accepted:
        return report
    _write(accepted, source, report, acting_user, progress)
    return report


class _Builders:
    """One candidate builder per pair of code catalogues met in the file."""

    def __init__(self, fields: FieldMap, source: SourceInfo) -> None:
        self.fields = fields
        self.field_kinds = source.field_kinds
        self.communes = CommuneResolver()
        self.objects = LandUserObjectResolver(LandUseCatalogue.TT08_2024)
        self.built: dict[tuple, CandidateBuilder] = {}

    def for_batch(self, batch: XmlBatch) -> CandidateBuilder:
        key = (batch.unit_catalogue, batch.land_use_catalogue)
        if key not in self.built:
            self.built[key] = CandidateBuilder(
                self.fields,
                self.communes,
                batch.unit_catalogue,
                LandUseCodeResolver(batch.land_use_catalogue),
                self.objects,
                self.field_kinds,
            )
        return self.built[key]


def _read_candidates(source, fields, options, report, progress) -> list[Candidate]:
    builders = _Builders(fields, source)
    srid = settings.LIS_STORAGE_SRID
    columns = sorted(set(fields.sources.values()))
    candidates: list[Candidate] = []
    unread: Counter = Counter()
    progress("read", 0, source.declared_count)
    for batch in reader.read_batches(source, columns, options.unit_catalogue):
        shapes = check_shapes(batch.geometries, source.crs, srid, batch.geometry_errors)
        accepted, rejected = builders.for_batch(batch).build(batch, shapes)
        problems = _problem_rejections(batch)
        refused = {r.feature for r in problems}
        candidates.extend(c for c in accepted if c.feature not in refused)
        report.rejections.extend([_named(r) for r in rejected] + problems)
        unread.update(batch.unread)
        read = batch.start + len(shapes)
        progress("read", read, max(read, source.declared_count))
    report.notes.extend(_unread_notes(unread))
    return candidates


def _problem_rejections(batch: XmlBatch) -> list[Rejection]:
    sheets = batch.columns.get("soHieuToBanDo")
    parcels = batch.columns.get("soThuTuThua")
    return [
        Rejection(
            batch.start + index + 1,
            values.label(sheets[index]),
            values.label(parcels[index]),
            problem.element,
            problem.reason,
            problem.code,
        )
        for index, found in sorted(batch.problems.items())
        for problem in found
    ]


def _named(rejection: Rejection) -> Rejection:
    """Name the file's element, not the importer's column."""
    return replace(
        rejection, field=ELEMENT_OF_COLUMN.get(rejection.field, rejection.field)
    )


def _unread_notes(unread: Counter) -> list[str]:
    notes = []
    for name, count in sorted(unread.items()):
        if name == "HoSoDangKyDatDai":
            # TODO(#3): registration dossiers belong to the scanned archive.
            notes.append(
                _(
                    "%(count)d registration dossiers (HoSoDangKyDatDai) were not"
                    " imported: the archive of scanned dossiers does not exist yet."
                )
                % {"count": count}
            )
        elif name in DERIVED_AGAIN:
            notes.append(
                _("%(element)s: %(count)d values not read, %(why)s.")
                % {"element": name, "count": count, "why": DERIVED_AGAIN[name]}
            )
        else:
            notes.append(
                _(
                    "%(element)s: %(count)d values not imported: the import does"
                    " not record them yet."
                )
                % {"element": name, "count": count}
            )
    return notes


def _write(accepted, source, report, acting_user, progress) -> None:
    srid = settings.LIS_STORAGE_SRID
    survey_srid = source.crs.to_epsg() or srid
    try:
        with transaction.atomic():
            report.created = write_candidates(
                accepted, srid=srid, survey_srid=survey_srid, progress=progress
            )
            audit.record(
                "xml.import",
                actor=acting_user,
                file_name=report.file_name,
                features=report.feature_count,
                rejected=report.rejected_features,
                **report.created,
            )
    except IntegrityError as err:
        # Another import saved the same key or serial between the checks
        # and this write; the transaction left nothing behind.
        raise ImportRefusedError(
            _("Data saved meanwhile conflicts with this file; run the import again.")
        ) from err
    report.committed = True

    logger.info(
        "Imported %d parcels from an exchange file (%d rejected)",
        report.created["parcels"],
        report.rejected_features,
    )
