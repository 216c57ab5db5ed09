"""Loading the administrative units of both catalogues and their crosswalk."""

import logging
from pathlib import Path

from django.db import transaction
from django.db.models import Model

from lis.admin_units.models import AdministrativeUnit, UnitCatalogue, UnitSuccession
from lis.admin_units.services.data_files import LoadReport, upsert
from lis.admin_units.services.unit_file import (
    NEW_CATALOGUE_START,
    SuccessionRecord,
    UnitRecord,
    read_unit_file,
)
from lis.core import audit

logger = logging.getLogger(__name__)

DEFAULT_PATH = (
    Path(__file__).resolve().parents[1] / "data" / "admin_units_binh_phuoc.csv"
)

UnitsByKey = dict[tuple[str, str], AdministrativeUnit]


def load_admin_units(
    path: Path | None = None, *, acting_user: Model | None = None
) -> LoadReport:
    """Create or update the units of both catalogues and the 2025 successions.

    Loads the old province, districts and communes into catalogue "2004"
    (valid until 30/06/2025), the new province and communes into "2025"
    (valid from 01/07/2025), and one succession per old commune (NQ
    1662/NQ-UBTVQH15); districts have none, the level was abolished (Luật
    72/2025/QH15). Idempotent: rows already equal are counted unchanged and
    not written. The file is checked completely before anything is written,
    and everything happens in one transaction with one audit record (by
    `acting_user`, None for the system), made only if something changed.
    """
    source = path or DEFAULT_PATH
    unit_file = read_unit_file(source)

    with transaction.atomic():
        report = LoadReport()
        units = {(u.catalogue, u.code): u for u in AdministrativeUnit.objects.all()}
        for record in unit_file.old_units + unit_file.new_units:
            _upsert_unit(record, units, report)
        _upsert_successions(unit_file.successions, units, report)
        if report.changed:
            audit.record("admin_units.load", actor=acting_user, **report.as_counts())

    logger.log(
        logging.INFO if report.changed else logging.DEBUG,
        "Administrative units loaded from %s",
        source.name,
        extra={"counts": report.as_counts()},
    )
    return report


def _upsert_unit(
    record: UnitRecord, units: UnitsByKey, report: LoadReport
) -> AdministrativeUnit:
    parent = (
        units[(record.catalogue, record.parent_code)] if record.parent_code else None
    )
    values = {
        "catalogue": record.catalogue,
        "code": record.code,
        "name": record.name,
        "unit_type": record.unit_type,
        "level": record.level,
        "parent_id": parent.pk if parent else None,
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
        "legal_basis": record.legal_basis,
    }
    key = (record.catalogue, record.code)
    return upsert(
        AdministrativeUnit, units, key, values, report.table(AdministrativeUnit)
    )


def _upsert_successions(
    successions: list[SuccessionRecord], units: UnitsByKey, report: LoadReport
) -> None:
    existing = {
        (s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()
    }
    counts = report.table(UnitSuccession)
    for record in successions:
        predecessor = units[(UnitCatalogue.BEFORE_2025, record.old_code)]
        successor = units[(UnitCatalogue.FROM_2025, record.new_code)]
        values = {
            "predecessor_id": predecessor.pk,
            "successor_id": successor.pk,
            "change": record.change,
            "legal_basis": record.legal_basis,
            "effective_date": NEW_CATALOGUE_START,
            "keeps_identity": record.keeps_identity,
        }
        upsert(UnitSuccession, existing, (predecessor.pk, successor.pk), values, counts)
