"""Loading the code lists shipped in `reference/data/`.

Each loader checks its whole file first, then writes in one transaction,
leaving one audit record if anything changed. Rows already equal are
counted unchanged and not written, so loading twice changes nothing.
"""

import logging
from pathlib import Path

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from lis.admin_units.services.data_files import LoadReport, upsert
from lis.core import audit
from lis.reference.models import (
    LandUseCatalogue,
    LandUserObjectType,
    LandUseType,
    LandUseTypeMapping,
)
from lis.reference.selectors import assignable_land_use_types
from lis.reference.services.code_files import (
    CodeRecord,
    MappingRecord,
    read_land_use_types,
    read_land_user_objects,
    read_mappings,
)

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
LAND_USE_TYPES_PATH = DATA_DIR / "land_use_types.csv"
MAPPING_PATH = DATA_DIR / "land_use_mapping_tt27_2018_to_tt08_2024.csv"
OBJECTS_PATH = DATA_DIR / "land_user_objects.csv"


def load_land_use_types(
    path: Path | None = None, *, acting_user: models.Model | None = None
) -> LoadReport:
    """Create or update the land-use types of TT 27/2018 and TT 08/2024."""
    source = path or LAND_USE_TYPES_PATH
    records = read_land_use_types(source)
    action = "reference.load_land_use_types"
    return _load_hierarchy(action, LandUseType, "group", records, source, acting_user)


def load_land_user_objects(
    path: Path | None = None, *, acting_user: models.Model | None = None
) -> LoadReport:
    """Create or update the land-user and manager object codes."""
    source = path or OBJECTS_PATH
    records = read_land_user_objects(source)
    action = "reference.load_land_user_objects"
    return _load_hierarchy(
        action, LandUserObjectType, "role", records, source, acting_user
    )


def load_land_use_mappings(
    path: Path | None = None, *, acting_user: models.Model | None = None
) -> LoadReport:
    """Create or update the TT 27/2018 → TT 08/2024 mapping rows.

    Both codes must be assignable in their catalogue (aggregates need no
    mapping), so the land-use types must be loaded first.
    """
    source = path or MAPPING_PATH
    records = read_mappings(source)

    with transaction.atomic():
        old = {t.code: t for t in assignable_land_use_types(LandUseCatalogue.TT27_2018)}
        new = {t.code: t for t in assignable_land_use_types(LandUseCatalogue.TT08_2024)}
        existing = {
            (m.source_id, m.target_id): m for m in LandUseTypeMapping.objects.all()
        }
        report = LoadReport()
        counts = report.table(LandUseTypeMapping)
        for record in records:
            source_type = _assignable(
                record, "source_code", old, LandUseCatalogue.TT27_2018
            )
            target_type = _assignable(
                record, "target_code", new, LandUseCatalogue.TT08_2024
            )
            values = {
                "source_id": source_type.pk,
                "target_id": target_type.pk,
                "needs_review": record.needs_review,
                "note": record.note,
            }
            key = (source_type.pk, target_type.pk)
            upsert(LandUseTypeMapping, existing, key, values, counts)
        _audit("reference.load_land_use_mappings", report, acting_user)

    _log(source, report)
    return report


def load_code_lists(*, acting_user: models.Model | None = None) -> list[LoadReport]:
    """Load every shipped code list, each file in its own transaction."""
    return [
        load_land_use_types(acting_user=acting_user),
        load_land_use_mappings(acting_user=acting_user),
        load_land_user_objects(acting_user=acting_user),
    ]


def _load_hierarchy(
    action: str,
    model: type[models.Model],
    kind_field: str,
    records: list[CodeRecord],
    source: Path,
    acting_user: models.Model | None,
) -> LoadReport:
    with transaction.atomic():
        existing = {(o.catalogue, o.code): o for o in model.objects.all()}
        report = LoadReport()
        for record in records:
            parent_key = (record.catalogue, record.parent_code)
            parent = existing[parent_key] if record.parent_code else None
            values = {
                "catalogue": record.catalogue,
                "code": record.code,
                "name": record.name,
                kind_field: record.kind,
                "parent_id": parent.pk if parent else None,
                "is_leaf": record.is_leaf,
                "sort_order": record.sort_order,
            }
            key = (record.catalogue, record.code)
            upsert(model, existing, key, values, report.table(model))
        _audit(action, report, acting_user)

    _log(source, report)
    return report


def _assignable(
    record: MappingRecord, column: str, types: dict[str, LandUseType], catalogue: str
) -> LandUseType:
    code = getattr(record, column)
    if code not in types:
        raise record.row.fail(
            column,
            _("%(code)s is not an assignable code of %(catalogue)s")
            % {"code": code, "catalogue": catalogue},
        )
    return types[code]


def _audit(action: str, report: LoadReport, acting_user: models.Model | None) -> None:
    if report.changed:
        audit.record(action, actor=acting_user, **report.as_counts())


def _log(source: Path, report: LoadReport) -> None:
    level = logging.INFO if report.changed else logging.DEBUG
    counts = report.as_counts()
    logger.log(level, "Code list loaded from %s", source.name, extra={"counts": counts})
