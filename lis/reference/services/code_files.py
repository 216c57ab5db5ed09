"""Reading the code-list files in `reference/data/` into records.

Sources and the meaning of each column are in `reference/data/README.md`.
Nothing here touches the database; a broken rule raises `DataFileError`
naming the line and the column.
"""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from lis.admin_units.services.data_files import CsvRow, read_csv
from lis.reference.models import LandUseCatalogue, LandUseGroup, ObjectRole

# Official codes are upper-case letters (Đ in "KĐD"); legacy ones have digits.
CODE_PATTERN = r"[A-Z0-9Đ]{1,10}"
HIERARCHY_COLUMNS = (
    "catalogue",
    "code",
    "name",
    "parent_code",
    "is_leaf",
    "sort_order",
)
MAPPING_COLUMNS = ("source_code", "target_code", "needs_review", "note")


@dataclass(frozen=True)
class CodeRecord:
    """A land-use type or object code; `kind` is its group or its role."""

    row: CsvRow
    catalogue: str
    code: str
    name: str
    kind: str
    parent_code: str
    is_leaf: bool
    sort_order: int


@dataclass(frozen=True)
class MappingRecord:
    row: CsvRow
    source_code: str
    target_code: str
    needs_review: bool
    note: str


def read_land_use_types(path: Path) -> list[CodeRecord]:
    """Parse `land_use_types.csv`: parents before children, one group each."""
    rows = read_csv(path, (*HIERARCHY_COLUMNS, "group"))
    return _read_hierarchy(rows, "group", LandUseGroup.values)


def read_land_user_objects(path: Path) -> list[CodeRecord]:
    """Parse `land_user_objects.csv`: parents before children, one role each."""
    rows = read_csv(path, (*HIERARCHY_COLUMNS, "role"))
    return _read_hierarchy(rows, "role", ObjectRole.values)


def read_mappings(path: Path) -> list[MappingRecord]:
    """Parse a mapping file; a code with several targets needs review on each."""
    records = [_mapping(row) for row in read_csv(path, MAPPING_COLUMNS)]
    seen: dict[tuple[str, str], int] = {}
    targets: dict[str, list[MappingRecord]] = defaultdict(list)
    for record in records:
        pair = (record.source_code, record.target_code)
        if pair in seen:
            raise record.row.fail(
                "target_code",
                _("%(source)s → %(target)s is already on line %(line)d")
                % {"source": pair[0], "target": pair[1], "line": seen[pair]},
            )
        seen[pair] = record.row.line
        targets[record.source_code].append(record)
    for group in targets.values():
        for record in group:
            if len(group) > 1 and not record.needs_review:
                raise record.row.fail(
                    "needs_review",
                    _("%(code)s has several targets, so each of its rows needs review")
                    % {"code": record.source_code},
                )
    return records


def _mapping(row: CsvRow) -> MappingRecord:
    return MappingRecord(
        row=row,
        source_code=row.code("source_code", CODE_PATTERN),
        target_code=row.code("target_code", CODE_PATTERN),
        needs_review=row.boolean("needs_review"),
        note=row.text("note", required=False),
    )


def _read_hierarchy(
    rows: list[CsvRow], kind_column: str, kinds: list[str]
) -> list[CodeRecord]:
    known: dict[tuple[str, str], CodeRecord] = {}
    for row in rows:
        record = CodeRecord(
            row=row,
            catalogue=row.choice("catalogue", LandUseCatalogue.values),
            code=row.code("code", CODE_PATTERN),
            name=row.text("name"),
            kind=row.choice(kind_column, kinds),
            parent_code=row.code("parent_code", CODE_PATTERN, required=False),
            is_leaf=row.boolean("is_leaf"),
            sort_order=row.integer("sort_order"),
        )
        key = (record.catalogue, record.code)
        if key in known:
            raise row.fail(
                "code",
                _("%(code)s is already defined on line %(line)d")
                % {"code": record.code, "line": known[key].row.line},
            )
        _check_parent(record, known, kind_column)
        known[key] = record
    return list(known.values())


def _check_parent(
    record: CodeRecord, known: dict[tuple[str, str], CodeRecord], kind_column: str
) -> None:
    """Check the parent exists above, agrees on kind, and nests correctly.

    Under an assignable code only detail codes may appear (is_leaf false,
    e.g. LUC and LUK under LUA in TT 08/2024), and they have no children.
    """
    if not record.parent_code:
        return
    parent = known.get((record.catalogue, record.parent_code))
    if parent is None:
        raise record.row.fail(
            "parent_code",
            _("%(code)s is not a code of %(catalogue)s defined on an earlier line")
            % {"code": record.parent_code, "catalogue": record.catalogue},
        )
    if parent.kind != record.kind:
        raise record.row.fail(
            kind_column,
            _("“%(kind)s” differs from “%(parent_kind)s” of the parent %(parent)s")
            % {"kind": record.kind, "parent_kind": parent.kind, "parent": parent.code},
        )
    if parent.is_leaf and record.is_leaf:
        raise record.row.fail(
            "is_leaf",
            _(
                "a code under the assignable code %(parent)s must be a detail "
                "code (is_leaf false)"
            )
            % {"parent": parent.code},
        )
    grandparent = known.get((parent.catalogue, parent.parent_code))
    if not parent.is_leaf and grandparent is not None and grandparent.is_leaf:
        raise record.row.fail(
            "parent_code",
            _("%(parent)s is a detail code and cannot have codes under it")
            % {"parent": parent.code},
        )
