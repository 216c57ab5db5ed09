"""`import_land_register`: land users, rights and certificates of parcels
already in the cadastre, from a register spreadsheet."""

import dataclasses
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lis.admin_units.selectors import CommuneResolver
from lis.core import audit
from lis.exchange.errors import ImportRefusedError
from lis.exchange.land_register.checks import ParcelGroup, RegisterChecks
from lis.exchange.land_register.columns import (
    KEYS,
    TEXT_FACTS,
    RegisterLayout,
    read_layout,
)
from lis.exchange.land_register.entries import OwnerEntry, RowProblem, RowReader
from lis.exchange.land_register.writer import write_register
from lis.exchange.parcel_import import coordinate_tables as sheets
from lis.exchange.parcel_import import values
from lis.exchange.parcel_import.candidates import Rejection
from lis.exchange.parcel_import.fields import FIELD_LABELS
from lis.exchange.parcel_import.reader import TextColumn
from lis.exchange.parcel_import.service import ImportMode, ImportReport, Progress
from lis.reference.models import LandUseCatalogue
from lis.reference.selectors import LandUserObjectResolver

logger = logging.getLogger(__name__)

SUFFIXES = (".xlsx", ".csv")
Row = tuple[int, list]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class RegisterOptions:
    worksheet: str | None = None
    # For a register without a commune column: the code of every row.
    commune: str | None = None
    unit_catalogue: str | None = None
    mode: str = ImportMode.ALL_OR_NOTHING
    field_overrides: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None


def import_land_register(
    path: Path,
    options: RegisterOptions,
    *,
    acting_user,
    progress: Progress = _no_progress,
    file_name: str | None = None,
) -> ImportReport:
    """Record the owners, rights and certificates a land register lists.

    Each row names a parcel by its legacy key (commune surveyed, sheet,
    number), which must be in the database without rights yet; the shares
    of a parcel's owners sum to 1; identity numbers and serials are checked
    as the map import checks them. In all-or-nothing mode one rejected row
    leaves the database as it was; otherwise the parcels whose rows all
    pass are written. One transaction, one audit record.
    """
    path = Path(path)
    name = file_name or path.name
    if path.suffix.lower() not in SUFFIXES:
        raise ImportRefusedError(
            _("A land register is an .xlsx or .csv file, not %(name)s.")
            % {"name": name}
        )
    codec, legacy_text = sheets.text_mode(
        options.encoding, path.suffix.lower() == ".xlsx"
    )
    commune = _given_commune(options.commune)
    layout = read_layout(
        path, options.worksheet, codec, options.field_overrides, commune is not None
    )
    if commune is not None:
        layout = _with_commune_column(layout)
    # TODO(#3): the rows are held in memory (a commune's register is tens of
    # thousands of rows; the upload size bounds it); owners of a parcel
    # may be anywhere in the file, so checking them needs them all.
    rows = list(_rows(path, layout, codec, commune))
    if not rows:
        raise ImportRefusedError(
            _("The land register %(name)s lists no rows.") % {"name": name}
        )
    converted = _convert_legacy_text(rows, layout, legacy_text)
    report = ImportReport(
        file_name=name,
        layer=layout.sheet or path.stem,
        crs="",
        mode=options.mode,
        feature_count=len(rows),
        field_map={k: layout.header(k) for k in layout.columns},
        notes=[
            _("%(field)s: %(count)d values converted from %(encoding)s to Unicode.")
            % {"field": field, "count": count, "encoding": encoding}
            for (field, encoding), count in sorted(converted.items())
        ],
    )

    groups = _check(rows, layout, options, report, progress)
    if not _conclude(report, options):
        return report
    _write(groups, report, acting_user, progress)
    return report


def _given_commune(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return values.unit_code(value)
    except values.CellError as err:
        raise ImportRefusedError(
            _("The %(name)s given: %(reason)s.")
            % {"name": FIELD_LABELS["commune"], "reason": err}
        ) from err


def _with_commune_column(layout: RegisterLayout) -> RegisterLayout:
    headers = (*layout.headers, "maDVHCXa")
    columns = {**layout.columns, "commune": len(layout.headers)}
    return dataclasses.replace(layout, headers=headers, columns=columns)


def _rows(
    path: Path, layout: RegisterLayout, codec: str, commune: str | None
) -> Iterator[Row]:
    """Data rows, padded to the header; blank key cells take the value above."""
    last: dict[str, str | None] = dict.fromkeys(KEYS)
    width = len(layout.headers)
    for number, cells in sheets.spreadsheet_rows(path, layout.sheet, codec):
        if number <= layout.header_row or not any(c is not None for c in cells):
            continue
        cells = [*cells[:width], *[None] * (width - len(cells))]
        if commune is not None:
            cells[layout.columns["commune"]] = commune
        for key in KEYS:
            index = layout.columns.get(key)
            if index is None:
                continue
            if cells[index] is None:
                cells[index] = last[key]
            last[key] = cells[index]
        yield number, cells


def _convert_legacy_text(
    rows: list[Row], layout: RegisterLayout, legacy_text: str | None
) -> Counter:
    """Convert TCVN3/VNI text in the name and address columns (see `reader`)."""
    converted: Counter = Counter()
    for canonical in TEXT_FACTS:
        index = layout.columns.get(canonical)
        if index is None:
            continue
        column = TextColumn(layout.headers[index], "utf-8", legacy_text)
        cells = sheets.legacy_converted([c[index] for _n, c in rows], column, converted)
        for (_number, row), value in zip(rows, cells):
            row[index] = value
    return converted


def _check(rows, layout, options, report, progress):
    reader = RowReader(
        layout,
        CommuneResolver(),
        options.unit_catalogue,
        LandUserObjectResolver(LandUseCatalogue.TT08_2024),
    )
    progress("read", 0, len(rows))
    entries: list[OwnerEntry] = []
    refused_keys: set[tuple] = set()
    for done, (number, cells) in enumerate(rows, start=1):
        entry, rejected = reader.read(number, cells)
        if entry is None:
            report.rejections.extend(rejected)
            refused_keys.add(reader.raw_key(cells))
        else:
            entries.append(entry)
        if done % 1000 == 0:
            progress("read", done, len(rows))
    progress("read", len(rows), len(rows))

    progress("check", 0, len(entries))
    checks = RegisterChecks(reader)
    groups = checks.run(entries, refused_keys)
    report.rejections += checks.rejections
    accepted = [
        g
        for g in groups
        if checks.passed(g) and not {e.raw_key for e in g.entries} & refused_keys
    ]
    if options.mode == ImportMode.VALID_ONLY:
        report.rejections += _incomplete(groups, accepted, report.rejections, reader)
    report.rejections.sort(key=lambda r: (r.feature, r.field))
    report.accepted = sum(len(g.entries) for g in accepted)
    progress("check", len(entries), len(entries))
    return accepted


def _incomplete(
    groups: list[ParcelGroup], accepted: list, rejections: list, reader
) -> list[Rejection]:
    """The sound rows of parcels left out because another row was rejected."""
    rejected_rows = {r.feature for r in rejections}
    left_out = []
    for group in groups:
        if group in accepted:
            continue
        for entry in group.entries:
            if entry.row in rejected_rows:
                continue
            problem = RowProblem(
                "parcel",
                _(
                    "not imported: another row of parcel %(key)s was rejected, and"
                    " a parcel's owners are imported together"
                )
                % {"key": group.key_text},
                "parcel_incomplete",
            )
            left_out.append(reader.rejection(entry, problem))
    return left_out


def _conclude(report: ImportReport, options: RegisterOptions) -> bool:
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
        logger.warning(
            "Land register refused: %d of %d rows rejected",
            report.rejected_features,
            report.feature_count,
        )
        return False
    return report.accepted > 0


def _write(groups, report: ImportReport, acting_user, progress) -> None:
    progress("write", 0, len(groups))
    try:
        with transaction.atomic():
            report.created = write_register(groups)
            audit.record(
                "land_register.import",
                actor=acting_user,
                file_name=report.file_name,
                rows=report.feature_count,
                rejected=report.rejected_features,
                **report.created,
            )
    except IntegrityError as err:
        raise ImportRefusedError(
            _("Data saved meanwhile conflicts with this file; run the import again.")
        ) from err
    report.committed = True
    progress("write", len(groups), len(groups))
    logger.info(
        "Land register imported: %d rights on %d parcels (%d rows rejected)",
        report.created["rights"],
        report.created["parcels"],
        report.rejected_features,
    )
