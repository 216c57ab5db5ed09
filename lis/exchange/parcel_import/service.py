"""`import_parcel_file`: read, check, and write a cadastral map file."""

import logging
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.admin_units.selectors import CommuneResolver
from lis.core import audit
from lis.exchange.archives import dataset_path
from lis.exchange.errors import ImportRefusedError
from lis.exchange.parcel_import.candidates import CandidateBuilder, Rejection
from lis.exchange.parcel_import.checks import CrossChecks
from lis.exchange.parcel_import.fields import resolve_field_map
from lis.exchange.parcel_import.shapes import check_shapes
from lis.exchange.parcel_import.sources import notes as source_notes
from lis.exchange.parcel_import.sources import open_file, read_batches
from lis.exchange.parcel_import.writer import ImportWriter, ParcelRow, rows_of
from lis.reference.models import LandUseCatalogue
from lis.reference.selectors import LandUseCodeResolver, LandUserObjectResolver

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", gettext_lazy("all or nothing")
    VALID_ONLY = "valid", gettext_lazy("valid features only")


@dataclass(frozen=True)
class ImportOptions:
    layer: str | None = None
    srid: int | None = None
    unit_catalogue: str | None = None
    land_use_catalogue: str = LandUseCatalogue.TT08_2024
    mode: str = ImportMode.ALL_OR_NOTHING
    field_overrides: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    # For files that do not carry them, such as CAD drawings: the commune
    # code and map sheet of every feature, and the layer of parcel labels.
    commune: str | None = None
    sheet: int | None = None
    text_layer: str | None = None


@dataclass
class ImportReport:
    file_name: str
    layer: str
    crs: str
    mode: str
    feature_count: int
    field_map: dict[str, str]
    rejections: list[Rejection] = field(default_factory=list)
    accepted: int = 0
    committed: bool = False
    created: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected_features(self) -> int:
        return len({r.feature for r in self.rejections})

    def as_dict(self) -> dict:
        data = asdict(self)
        data["rejections"] = [r.as_dict() for r in self.rejections]
        data["rejected_features"] = self.rejected_features
        return data


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def import_parcel_file(
    path: Path,
    options: ImportOptions,
    *,
    acting_user,
    progress: Progress = _no_progress,
    file_name: str | None = None,
) -> ImportReport:
    """Import the parcels of a Shapefile, GeoPackage or GeoJSON file.

    Every feature is checked (boundary valid, codes known in the chosen code
    lists, key unique in the file and the database) before anything is
    written. In all-or-nothing mode a single rejection leaves the database
    as it was; otherwise the valid features are written, in one transaction.
    `file_name` is the name the user knows the file by (an upload's).
    """
    path = Path(path)
    with dataset_path(path) as dataset:
        return _import(dataset, file_name or path.name, options, acting_user, progress)


def _import(
    dataset: Path, file_name: str, options, acting_user, progress
) -> ImportReport:
    source = open_file(
        dataset,
        options.layer,
        options.srid,
        options.encoding,
        commune=options.commune,
        sheet=options.sheet,
        text_layer=options.text_layer,
    )
    fields = resolve_field_map(source.fields, options.field_overrides)
    report = ImportReport(
        file_name=file_name,
        layer=source.layer,
        crs=source.crs.to_string(),
        mode=options.mode,
        feature_count=source.declared_count,
        field_map=dict(fields.sources),
        notes=([source.crs_note] if source.crs_note else []) + source_notes(source),
    )

    # Pass 1 checks every feature and spools the accepted ones to a file;
    # pass 2 writes them. Memory holds one batch, not the file.
    with tempfile.TemporaryFile(prefix="lis-import-") as spool:
        checks = CrossChecks(None, fields)
        candidates = _read_candidates(
            source, fields, options, report, progress, checks, spool
        )
        progress("check", 0, candidates)
        refused, cross_rejections = checks.finish()
        report.rejections = sorted(
            report.rejections + cross_rejections, key=lambda r: (r.feature, r.field)
        )
        report.accepted = candidates - len(refused)
        progress("check", candidates, candidates)
        if _conclude(report, options):
            spool.seek(0)
            _write(_unspool(spool, refused), source, report, acting_user, progress)
    return report


def _conclude(report: ImportReport, options: ImportOptions) -> bool:
    """Add the report's notes; tell whether anything is to be written."""
    if any(r.code == "ambiguous_unit_code" for r in report.rejections):
        report.notes.append(
            _(
                "Some commune codes name different communes before and after"
                " 1 July 2025: name the catalogue of the file's codes (command"
                ' line: --unit-catalogue 2004 or 2025; web: "Catalogue of the'
                ' commune codes").'
            )
        )

    if report.rejections and options.mode == ImportMode.ALL_OR_NOTHING:
        report.notes.append(_("Nothing was imported: the mode is all or nothing."))
        # File names are the user's words and may name people: not logged.
        logger.warning(
            "Import refused: %d of %d features rejected",
            report.rejected_features,
            report.feature_count,
        )
        return False
    return report.accepted > 0


def _unspool(spool, refused: set[int]) -> Iterator[list[ParcelRow]]:
    while True:
        try:
            chunk = pickle.load(spool)
        except EOFError:
            return
        yield [ParcelRow.from_plain(v) for v in chunk if v[0] not in refused]


def _read_candidates(
    source, fields, options, report, progress, checks: CrossChecks, spool
) -> int:
    """Check each feature, spool the accepted ones; return how many."""
    builder = CandidateBuilder(
        fields,
        CommuneResolver(),
        options.unit_catalogue,
        LandUseCodeResolver(options.land_use_catalogue),
        LandUserObjectResolver(LandUseCatalogue.TT08_2024),
        source.field_kinds,
    )
    srid = settings.LIS_STORAGE_SRID
    columns = sorted(set(fields.sources.values()))
    accepted_count = 0
    read = 0
    converted: Counter = Counter()
    progress("read", 0, source.declared_count)
    for batch in read_batches(source, columns):
        shapes = check_shapes(batch.geometries, source.crs, srid, batch.geometry_errors)
        accepted, rejected = builder.build(batch, shapes)
        checks.add(accepted)
        rows = [row.plain() for row in rows_of(accepted, srid)]
        pickle.dump(rows, spool, protocol=pickle.HIGHEST_PROTOCOL)
        accepted_count += len(accepted)
        report.rejections.extend(rejected)
        converted.update(batch.converted)
        read = batch.start + len(shapes)
        progress("read", read, max(read, source.declared_count))
    if read == 0:
        raise ImportRefusedError(
            _("The layer %(layer)s holds no features.") % {"layer": source.layer}
        )
    report.feature_count = read
    report.notes.extend(_conversion_notes(converted))
    return accepted_count


def _conversion_notes(converted: Counter) -> list[str]:
    """Say which legacy text encodings were converted, field by field."""
    return [
        ngettext(
            "%(field)s: %(count)d value converted from %(encoding)s to Unicode.",
            "%(field)s: %(count)d values converted from %(encoding)s to Unicode.",
            count,
        )
        % {"field": field, "count": count, "encoding": encoding}
        for (field, encoding), count in sorted(converted.items())
    ]


def _audit(report: ImportReport, acting_user) -> None:
    audit.record(
        "parcels.import",
        actor=acting_user,
        file_name=report.file_name,
        features=report.feature_count,
        rejected=report.rejected_features,
        **report.created,
    )


def _write(chunks, source, report, acting_user, progress) -> None:
    srid = settings.LIS_STORAGE_SRID
    writer = ImportWriter(survey_srid=source.crs.to_epsg() or srid)
    written = 0
    try:
        with transaction.atomic():
            progress("write", 0, report.accepted)
            for chunk in chunks:
                writer.write(chunk)
                written += len(chunk)
                progress("write", written, report.accepted)
            report.created = writer.finish()
            _audit(report, acting_user)
    except IntegrityError as err:
        # Another import saved the same key or serial between the checks
        # and this write; the transaction left nothing behind.
        raise ImportRefusedError(
            _("Data saved meanwhile conflicts with this file; run the import again.")
        ) from err
    report.committed = True

    logger.info(
        "Imported %d parcels (%d features rejected)",
        report.created["parcels"],
        report.rejected_features,
    )
