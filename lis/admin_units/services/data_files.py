"""Reading the CSV files LIS ships, and counting what a load changed.

Shared by the administrative-unit and code-list loaders. Every value is
read as NFC text; every rule broken raises `DataFileError` naming the line
and column, before anything is written.
"""

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lis.admin_units.errors import DataFileError
from lis.core.text import to_nfc

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


@dataclass(frozen=True)
class CsvRow:
    """One data row with the physical line it was read from (header = 1)."""

    file: str
    line: int
    values: dict[str, str]

    def fail(self, column: str, reason: str) -> DataFileError:
        return DataFileError(
            file=self.file, line=self.line, column=column, reason=str(reason)
        )

    def text(self, column: str, *, required: bool = True) -> str:
        value = to_nfc(self.values[column])
        if required and not value:
            raise self.fail(column, _("a value is required"))
        return value

    def code(self, column: str, pattern: str, *, required: bool = True) -> str:
        value = self.text(column, required=required)
        if value and not re.fullmatch(pattern, value):
            raise self.fail(
                column, _("“%(value)s” is not a valid code") % {"value": value}
            )
        return value

    def choice(self, column: str, choices: Iterable[str]) -> str:
        value = self.text(column)
        allowed = list(choices)
        if value not in allowed:
            raise self.fail(
                column,
                _("“%(value)s” is not one of: %(allowed)s")
                % {"value": value, "allowed": ", ".join(allowed)},
            )
        return value

    def boolean(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in _TRUE | _FALSE:
            raise self.fail(
                column, _("“%(value)s” is not true or false") % {"value": value}
            )
        return value in _TRUE

    def integer(self, column: str) -> int:
        value = self.text(column)
        if not value.isdigit():
            raise self.fail(
                column,
                _("“%(value)s” is not a whole number") % {"value": value},
            )
        return int(value)


def read_csv(path: Path, columns: Sequence[str]) -> list[CsvRow]:
    """Return the rows of a UTF-8 CSV file whose header has `columns`.

    Blank lines are skipped; a row with more or fewer fields than the header
    is refused, naming the first column it lacks or the first extra one.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataFileError(
            file=path.name, line=1, column="", reason=str(_("the file is not UTF-8"))
        ) from err
    reader = csv.reader(text.splitlines())
    header = [name.strip() for name in next(reader, [])]
    for column in columns:
        if column not in header:
            raise DataFileError(
                file=path.name,
                line=1,
                column=column,
                reason=str(_("the header lacks this column")),
            )
    rows = []
    for fields in reader:
        if not any(value.strip() for value in fields):
            continue
        row = CsvRow(
            path.name, reader.line_num, dict(zip(header, fields, strict=False))
        )
        if len(fields) != len(header):
            column = header[len(fields)] if len(fields) < len(header) else ""
            raise row.fail(
                column,
                _("the row has %(found)d fields; the header has %(expected)d")
                % {"found": len(fields), "expected": len(header)},
            )
        rows.append(row)
    return rows


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    """What one load did, per table (model)."""

    tables: dict[type[models.Model], TableCounts] = field(default_factory=dict)

    def table(self, model: type[models.Model]) -> TableCounts:
        return self.tables.setdefault(model, TableCounts())

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.tables.values())

    def as_counts(self) -> dict[str, int]:
        """Flatten to `{"<model>_created": n, ...}` for the audit record."""
        counts = {}
        for model, table in self.tables.items():
            for outcome in ("created", "updated", "unchanged"):
                counts[f"{model._meta.model_name}_{outcome}"] = getattr(table, outcome)
        return counts


def upsert(
    model: type[models.Model],
    existing: dict[Any, models.Model],
    key: Any,
    values: dict[str, Any],
    counts: TableCounts,
) -> models.Model:
    """Create or update the row at `key` so it holds `values`; count it.

    `existing` maps natural keys to rows already in the database and is
    extended with rows created here. A row already equal is not written.
    """
    obj = existing.get(key)
    if obj is None:
        obj = existing[key] = model.objects.create(**values)
        counts.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        counts.unchanged += 1
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    counts.updated += 1
    return obj
