"""Reading the administrative-unit crosswalk file into records.

The file (`data/admin_units_binh_phuoc.csv`, see `data/README.md`) lists the
old province, its districts and communes, each commune with the 2025 unit
that took over its land (NQ 1662/NQ-UBTVQH15). Nothing here touches the
database; every broken rule raises `DataFileError` with line and column.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from lis.admin_units.errors import DataFileError
from lis.admin_units.models import UnitCatalogue, UnitLevel
from lis.admin_units.services.data_files import CsvRow, read_csv

OLD_CATALOGUE_END = datetime.date(2025, 6, 30)
NEW_CATALOGUE_START = datetime.date(2025, 7, 1)
KEPT_UNCHANGED = "Giữ nguyên"

COLUMNS = (
    "level",
    "old_code",
    "old_name",
    "old_type",
    "old_parent_code",
    "new_province_code",
    "new_province_name",
    "new_code",
    "new_name",
    "new_type",
    "change_2025",
    "legal_basis_2025",
)
_CODE_PATTERN = {
    UnitLevel.PROVINCE: r"\d{2}",
    UnitLevel.DISTRICT: r"\d{3}",
    UnitLevel.COMMUNE: r"\d{5}",
}
_PARENT_LEVEL = {
    UnitLevel.DISTRICT: UnitLevel.PROVINCE,
    UnitLevel.COMMUNE: UnitLevel.DISTRICT,
}


@dataclass(frozen=True)
class UnitRecord:
    catalogue: str
    code: str
    name: str
    unit_type: str
    level: str
    parent_code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    legal_basis: str
    line: int


@dataclass(frozen=True)
class SuccessionRecord:
    old_code: str
    new_code: str
    change: str
    legal_basis: str
    keeps_identity: bool


@dataclass
class UnitFile:
    old_units: list[UnitRecord]
    new_units: list[UnitRecord]
    successions: list[SuccessionRecord]


def read_unit_file(path: Path) -> UnitFile:
    """Parse and check the crosswalk file; return units and successions."""
    rows = read_csv(path, COLUMNS)
    old_units: dict[str, UnitRecord] = {}
    new_units: dict[str, UnitRecord] = {}
    successions = []
    for row in rows:
        unit = _old_unit(row, old_units)
        old_units[unit.code] = unit
        if unit.level == UnitLevel.PROVINCE:
            _add_new_unit(row, new_units, _new_province(row))
        elif unit.level == UnitLevel.COMMUNE:
            _add_new_unit(row, new_units, _new_commune(row, new_units))
            successions.append(_succession(row))
    if not rows:
        raise DataFileError(
            file=path.name, line=1, column="", reason=str(_("the file has no rows"))
        )
    return UnitFile(list(old_units.values()), list(new_units.values()), successions)


def _old_unit(row: CsvRow, known: dict[str, UnitRecord]) -> UnitRecord:
    level = row.choice("level", UnitLevel.values)
    code = row.code("old_code", _CODE_PATTERN[level])
    if code in known:
        raise row.fail(
            "old_code",
            _("unit %(code)s is already defined on line %(line)d")
            % {"code": code, "line": known[code].line},
        )
    parent_code = _old_parent(row, level, known)
    return UnitRecord(
        catalogue=UnitCatalogue.BEFORE_2025,
        code=code,
        name=row.text("old_name"),
        unit_type=row.text("old_type"),
        level=level,
        parent_code=parent_code,
        valid_from=None,
        valid_to=OLD_CATALOGUE_END,
        legal_basis="",
        line=row.line,
    )


def _old_parent(row: CsvRow, level: str, known: dict[str, UnitRecord]) -> str:
    if level == UnitLevel.PROVINCE:
        if any(unit.level == UnitLevel.PROVINCE for unit in known.values()):
            raise row.fail("level", _("the file may hold only one province row"))
        return ""
    parent_code = row.text("old_parent_code")
    parent = known.get(parent_code)
    if parent is None or parent.level != _PARENT_LEVEL[level]:
        raise row.fail(
            "old_parent_code",
            _("%(code)s is not a %(level)s defined on an earlier line")
            % {"code": parent_code, "level": _PARENT_LEVEL[level].label},
        )
    return parent_code


def _new_province(row: CsvRow) -> UnitRecord:
    return UnitRecord(
        catalogue=UnitCatalogue.FROM_2025,
        code=row.code("new_code", _CODE_PATTERN[UnitLevel.PROVINCE]),
        name=row.text("new_name"),
        unit_type=row.text("new_type"),
        level=UnitLevel.PROVINCE,
        parent_code="",
        valid_from=NEW_CATALOGUE_START,
        valid_to=None,
        legal_basis=row.text("legal_basis_2025"),
        line=row.line,
    )


def _new_commune(row: CsvRow, new_units: dict[str, UnitRecord]) -> UnitRecord:
    province = next(u for u in new_units.values() if u.level == UnitLevel.PROVINCE)
    if row.text("new_province_code") != province.code:
        raise row.fail(
            "new_province_code",
            _("expected %(code)s, the new province of line %(line)d")
            % {"code": province.code, "line": province.line},
        )
    return UnitRecord(
        catalogue=UnitCatalogue.FROM_2025,
        code=row.code("new_code", _CODE_PATTERN[UnitLevel.COMMUNE]),
        name=row.text("new_name"),
        unit_type=row.text("new_type"),
        level=UnitLevel.COMMUNE,
        parent_code=province.code,
        valid_from=NEW_CATALOGUE_START,
        valid_to=None,
        legal_basis=row.text("legal_basis_2025"),
        line=row.line,
    )


def _add_new_unit(row: CsvRow, known: dict[str, UnitRecord], unit: UnitRecord) -> None:
    """Record a new unit; several old communes name the same one."""
    first = known.setdefault(unit.code, unit)
    for column, attr in (("new_name", "name"), ("new_type", "unit_type")):
        if getattr(first, attr) != getattr(unit, attr):
            raise row.fail(
                column,
                _("new unit %(code)s is “%(value)s” on line %(line)d")
                % {
                    "code": unit.code,
                    "value": getattr(first, attr),
                    "line": first.line,
                },
            )


def _succession(row: CsvRow) -> SuccessionRecord:
    change = row.text("change_2025")
    return SuccessionRecord(
        old_code=row.text("old_code"),
        new_code=row.text("new_code"),
        change=change,
        legal_basis=row.text("legal_basis_2025"),
        keeps_identity=change == KEPT_UNCHANGED,
    )
