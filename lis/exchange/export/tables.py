"""CSV and XLSX parcel tables: one row per parcel, its boundary as WKT.

Geometry is WKT in the storage CRS (VN-2000) in a column named `WKT`, which
GDAL's CSV reader takes as the geometry. Identity numbers, codes and every
other text stay text: in CSV they are quoted and the `.csvt` file beside it
declares them as strings (GDAL, QGIS; LibreOffice keeps quoted fields as
text with "Format quoted field as text"); in XLSX they are string cells.
Text that a spreadsheet would run as a formula (first character = + - @,
tab or carriage return) is neutralised: an apostrophe is put before it in
CSV, and in XLSX it is a string cell shown with a quote prefix.
"""

import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

import shapely
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from lis.exchange.export.fields import INTEGER, REAL, ExportField
from lis.exchange.export.rows import ExportRow, as_text
from lis.exchange.export.vector import Written, prj_with_datum_shift
from lis.portal.coordinates import vertex_rings

GEOMETRY_COLUMN = "WKT"
# The CRS of a table's coordinates, a column coordinate-table readers know.
CRS_COLUMN = "EPSG"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel keeps at most 32,767 characters in a cell.
XLSX_CELL_CHARACTERS = 32_767
# Rows of an Excel sheet, its header included.
XLSX_MAX_ROWS = 1_048_576
PARCEL_SHEET = "ThuaDat"
VERTEX_SHEET = "ToaDo"
VERTEX_COLUMNS = (
    "maDVHCXa", "soHieuToBanDo", "soThuTuThua",
    "phan", "lo", "soHieuDiem", "X", "Y", "canh",
)  # fmt: skip
CSVT_TYPES = {INTEGER: "Integer", REAL: "Real"}
DATE_FORMAT = "dd/mm/yyyy"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    """Put an apostrophe before text a spreadsheet would read as a formula."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def wkt(geom: shapely.Geometry) -> str:
    """WKT with every coordinate as stored (shortest exact decimal form)."""
    return shapely.to_wkt(geom, rounding_precision=-1)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return value
    return neutralise(as_text(value))


def write_csv(
    path: Path, rows: Iterable[ExportRow], fields: list[ExportField], *, srid: int
) -> Written:
    """CSV (UTF-8 with BOM, so that spreadsheets see the diacritics), with
    `.csvt` column types and a `.prj` beside it for GIS readers."""
    header = [f.name for f in fields] + [GEOMETRY_COLUMN]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(header)
        for row in rows:
            values = [_csv_value(row.values.get(f.name)) for f in fields]
            writer.writerow(values + [wkt(row.geom)])
    types = [CSVT_TYPES.get(f.kind, "String") for f in fields] + ["WKT"]
    csvt = path.with_suffix(".csvt")
    csvt.write_text(",".join(f'"{t}"' for t in types) + "\n", encoding="ascii")
    prj = path.with_suffix(".prj")
    prj.write_text(prj_with_datum_shift(srid), encoding="ascii")
    return Written([path, csvt, prj])


class _Cells:
    """Cells typed as the register holds the values.

    Plain values are appended where openpyxl types them right by itself;
    a write-only cell, much slower to write, only where a value needs a
    number format or must not become a formula.
    """

    def __init__(self, sheet) -> None:
        self.sheet = sheet

    def text(self, value: str) -> object:
        # Control characters other than tab and line breaks cannot be
        # stored in XLSX; the importer never lets them into the register.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not is_formula_like(value):
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        # openpyxl makes "=..." a formula: keep it a string, shown as text
        # even when edited (Excel's quote prefix).
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    def number(self, value: object, decimals: int | None = None) -> object:
        if decimals is None:
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = "0." + "0" * decimals if decimals else "0"
        return cell

    def date(self, value: date) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    def value(self, value: object, f: ExportField | None = None) -> object:
        if value is None:
            return None
        if isinstance(value, date):
            return self.date(value)
        if isinstance(value, str):
            return self.text(value)
        return self.number(value, f.decimals if f else None)

    def header(self, names: Iterable[str]) -> list[WriteOnlyCell]:
        cells = []
        for name in names:
            cell = WriteOnlyCell(self.sheet, value=name)
            cell.font = Font(bold=True)
            cells.append(cell)
        return cells


def _vertex_rows(row: ExportRow, cells: _Cells, srid: int) -> Iterable[list]:
    key = [cells.value(row.values[name]) for name in VERTEX_COLUMNS[:3]]
    holes: dict[int, int] = {}
    for ring in vertex_rings(row.geos):
        hole = 0
        if ring.is_hole:
            hole = holes[ring.polygon] = holes.get(ring.polygon, 0) + 1
        for v in ring.vertices:
            # Coordinates as stored: a number format would cost a styled
            # cell per coordinate, and spreadsheets show them whole.
            yield key + [
                ring.polygon, hole, v.number, v.north_m, v.east_m, v.edge_m, srid
            ]  # fmt: skip


class _Sheets:
    """Rows appended to a sheet, continued on "<title>_2", … when it is full."""

    def __init__(self, book: Workbook, title: str, header: list[str]) -> None:
        self.book, self.title, self.header = book, title, header
        self.count = 0
        self.rows = 0
        self._next_sheet()

    def _next_sheet(self) -> None:
        self.count += 1
        title = self.title if self.count == 1 else f"{self.title}_{self.count}"
        self.sheet = self.book.create_sheet(title)
        self.sheet.freeze_panes = "A2"
        self.cells = _Cells(self.sheet)
        self.sheet.append(self.cells.header(self.header))
        self.rows = 1

    def append(self, values: list) -> None:
        if self.rows == XLSX_MAX_ROWS:
            self._next_sheet()
        self.sheet.append(values)
        self.rows += 1


def write_xlsx(
    path: Path, rows: Iterable[ExportRow], fields: list[ExportField], *, srid: int
) -> Written:
    """XLSX: sheet ThuaDat, one row per parcel with its WKT (VN-2000); sheet
    ToaDo, the vertex table as extracts print it (X northing, Y easting,
    clockwise from the north-west corner; `lo` 0 for an outer boundary,
    1, 2, … for the holes of part `phan`). Both name their CRS in an EPSG
    column. A sheet holds 1,048,576 rows: longer tables go on in
    ThuaDat_2, ToaDo_2, …

    A WKT longer than a cell holds is left blank: the vertex table has it.
    """
    book = Workbook(write_only=True)
    parcels = _Sheets(
        book, PARCEL_SHEET, [f.name for f in fields] + [GEOMETRY_COLUMN, CRS_COLUMN]
    )
    vertices = _Sheets(book, VERTEX_SHEET, [*VERTEX_COLUMNS, CRS_COLUMN])
    for row in rows:
        text = wkt(row.geom)
        cells = parcels.cells
        geometry = cells.text(text) if len(text) <= XLSX_CELL_CHARACTERS else None
        parcels.append(
            [cells.value(row.values.get(f.name), f) for f in fields] + [geometry, srid]
        )
        for line in _vertex_rows(row, vertices.cells, srid):
            vertices.append(line)
    book.save(path)
    return Written([path])
