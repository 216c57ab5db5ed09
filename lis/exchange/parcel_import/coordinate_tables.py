"""Coordinate tables (bảng tọa độ): parcels built from their vertices.

A CSV or XLSX table holds one row per vertex: the parcel's key
(maDVHCXa, soHieuToBanDo, soThuTuThua), the point number (soHieuDiem, else
STT), X and Y, optionally a part (phan) and ring number (vong, or lo: 0 the
outer boundary, 1, 2… holes) and the parcel's attributes (loaiDat,
dienTich, owners... as `fields` names them). Vietnamese tables write
X = northing and Y = easting; the boundary is built as (Y, X). A table
with a WKT column instead holds one parcel per row (the ThuaDat sheet of
the system's own XLSX export); a workbook with such a sheet is read from
it.

Rules, in the order they apply:
- The header is the first row, among the first 30, with X, Y and a parcel
  number column. Headers are matched without regard to case, spaces or
  diacritics ("Số thửa" is SoThua, "Tọa độ X (m)" is X). Cells above the
  header are titles.
- A blank key cell repeats the value above it (merged cells). A parcel is a
  run of consecutive rows with the same key; a row without point, X and Y
  carries attributes only.
- An attribute is given on one row of the parcel or repeated on several;
  different values refuse the parcel, naming the rows.
- Vertices are joined in point-number order (row order without a point
  column), each ring closed. A last point that repeats the first one's
  coordinates closes the ring. Rings inside another ring of the parcel are
  its holes; the others are further parts.
- The CRS is the one named (--srid), else the table's: an EPSG/heToaDo
  column (one value for the whole table) or a title cell such as
  "EPSG:9212" or "Hệ tọa độ VN-2000, KTT 106°15', múi chiếu 3°".
- With a VN-2000 projected CRS, X values that look like eastings and Y
  values like northings refuse the parcel: the columns are swapped. They
  are never swapped silently.

Each parcel is one feature: `Rejection.feature` is its ordinal in the table
and every reason about its vertices names the spreadsheet rows.
"""

import codecs
import csv
import functools
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from xml.etree.ElementTree import ParseError

import numpy as np
import openpyxl
import shapely
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException
from pyproj import CRS
from pyproj.database import query_crs_info
from pyproj.enums import PJType
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from lis.cadastre.geometry import geometry_problem
from lis.core.crs import is_vn2000
from lis.core.legacy_text import LEGACY_ENCODINGS
from lis.core.text import compact_key
from lis.exchange.errors import ImportRefusedError, MissingCRSError
from lis.exchange.parcel_import.fields import FIELD_ALIASES
from lis.exchange.parcel_import.reader import AUTO, Batch, SourceInfo, TextColumn

PARCELS_PER_BATCH = 2000
HEADER_SEARCH_ROWS = 30
KEYS = ("commune", "sheet", "parcel")
# Header spellings, compared as `compact_key` (upper case, no diacritics,
# letters and digits only): "Tọa độ X (m)" → TOADOXM.
X_HEADERS = {"X", "XM", "TOADOX", "TOADOXM"}
Y_HEADERS = {"Y", "YM", "TOADOY", "TOADOYM"}
POINT_HEADERS = (
    "SOHIEUDIEM", "SHDIEM", "TENDIEM", "SODIEM", "DIEM", "DIEMSO",
    "STT", "SOTT", "TT", "SOTHUTUDIEM",
)  # fmt: skip
# A parcel's part (phần) and, within it, its ring (vòng; lỗ: 0 the outer
# boundary, 1, 2… the holes, as the system's own export writes them).
PART_HEADERS = {"PHAN", "PART"}
RING_HEADERS = {"VONG", "SOVONG", "VONGRANH", "SOHIEUVONG", "RING", "LO"}
WKT_HEADERS = {"WKT"}
CRS_HEADERS = {"EPSG", "MAEPSG", "SRID", "HETOADO", "HTD"}
# Where the coordinates of a VN-2000 TM-3 or UTM zone lie in Vietnam
# (false easting 500 000 m; latitudes 8°–23.5° N).
EASTINGS = (200_000.0, 800_000.0)
NORTHINGS = (900_000.0, 2_700_000.0)
MERIDIAN = re.compile(
    r"\b(10[2-9]|11[0-1])(?:\s*(?:°|º|độ|do|o|-|\s)\s*(\d{1,2})\s*(?:'|′|’|phút)?"
    r"|[.,](\d+))?(?!\d)",
    re.IGNORECASE,
)
# What a damaged workbook raises inside openpyxl (its XML parser is
# defusedxml's, whose refusals are ValueErrors).
XLSX_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    ParseError,
    KeyError,
    ValueError,
    EOFError,
    OSError,
)
PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
COMMA_DECIMAL = re.compile(r"-?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?")
ENGLISH_GROUPS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
EPSG_TEXT = re.compile(r"EPSG\D{0,3}(\d{4,5})", re.IGNORECASE)


class CellProblem:
    """A cell the reader refuses, with the reason.

    Every value reader of `values` reads a cell through `values.text`, which
    calls `str()`; this cell raises `CellError` there, so that the builder
    rejects the feature under the column's name with this reason.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __str__(self) -> str:
        # TODO(#3): `values.text` should refuse this type by name, as it does
        # `reader.Undecodable`, rather than through `str()`; then this class
        # belongs beside Undecodable.
        from lis.exchange.parcel_import.values import CellError

        raise CellError(self.reason)

    def __repr__(self) -> str:
        return f"CellProblem({self.reason!r})"


def describe_rows(numbers: Iterable[int]) -> str:
    """ "row 12" or "rows 12–14, 17", as a spreadsheet numbers its rows."""
    spans: list[list[int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    text = ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans)
    if len(spans) == 1 and spans[0][0] == spans[0][1]:
        return _("row %(rows)s") % {"rows": text}
    return _("rows %(rows)s") % {"rows": text}


# Spreadsheets --------------------------------------------------------------

Row = tuple[int, list[str | None]]


def _padded(digits: str, number_format: str | None) -> str:
    # An identity number kept as a number shows its zeros through a format
    # of zeros ("000000000000"); the cell means what it shows.
    if number_format and re.fullmatch(r"0+", number_format):
        return digits.zfill(len(number_format))
    return digits


def cell_text(value: object, number_format: str | None = None) -> str | None:
    """A spreadsheet cell as text: whole numbers without ".0", dates ISO."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return _padded(str(value), number_format)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return _padded(str(int(value)), number_format)
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _unreadable(path: Path, err: Exception) -> ImportRefusedError:
    return ImportRefusedError(
        _("%(name)s cannot be read as an XLSX workbook: %(reason)s")
        % {"name": path.name, "reason": err}
    )


def _workbook(path: Path):
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except XLSX_ERRORS as err:
        raise _unreadable(path, err) from err


def worksheet_names(path: Path) -> list[str]:
    workbook = _workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _xlsx_rows(path: Path, sheet: str) -> Iterator[Row]:
    workbook = _workbook(path)
    try:
        worksheet = workbook[sheet]
        # Some writers record wrong dimensions; read what the sheet holds.
        worksheet.reset_dimensions()
        for number, cells in enumerate(worksheet.iter_rows(), start=1):
            yield (
                number,
                [cell_text(c.value, getattr(c, "number_format", None)) for c in cells],
            )
    except XLSX_ERRORS as err:
        raise _unreadable(path, err) from err
    finally:
        workbook.close()


def text_mode(named: str | None, is_xlsx: bool) -> tuple[str, str | None]:
    """The codec of a CSV file's bytes and how legacy text is handled.

    As for map files (`reader`): unnamed or "auto", legacy TCVN3/VNI text is
    detected column by column; "tcvn3" or "vni" converts every text column
    (a CSV's bytes then read one character each); a Python codec decodes
    the CSV and converts nothing. An XLSX workbook is always Unicode.
    """
    mode = (named or AUTO).strip().lower()
    if mode == AUTO or mode in LEGACY_ENCODINGS:
        if is_xlsx or mode == AUTO:
            return "utf-8-sig", mode
        return "latin-1", mode
    try:
        codec = codecs.lookup(mode).name
    except LookupError as err:
        raise ImportRefusedError(
            _(
                "%(name)s is not a text encoding the import knows (e.g. auto,"
                " utf-8, cp1258, tcvn3, vni)."
            )
            % {"name": named}
        ) from err
    return ("utf-8-sig" if codec == "utf-8" else codec), None


def _delimiter(path: Path, encoding: str) -> str:
    """The separator that splits the first lines into the most cells."""
    with path.open(encoding=encoding, errors="replace", newline="") as stream:
        lines = [line for _line, line in zip(range(HEADER_SEARCH_ROWS), stream)]
    counts = {sep: max((ln.count(sep) for ln in lines), default=0) for sep in ";\t,"}
    return max(counts, key=lambda sep: counts[sep])


def _lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's lines as text; one that is not text names its line."""
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as err:
                shown = "utf-8" if encoding == "utf-8-sig" else encoding
                raise ImportRefusedError(
                    _(
                        "Line %(line)d of %(name)s is not %(encoding)s text; name"
                        " the file's encoding (e.g. cp1258)."
                    )
                    % {"line": number, "name": path.name, "encoding": shown}
                ) from err


def _csv_rows(path: Path, encoding: str) -> Iterator[Row]:
    delimiter = _delimiter(path, encoding)
    number = 0
    try:
        reader = csv.reader(_lines(path, encoding), delimiter=delimiter)
        for number, cells in enumerate(reader, 1):
            yield number, [c.strip() or None for c in cells]
    except csv.Error as err:
        raise ImportRefusedError(
            _("Row %(row)d of %(name)s cannot be read as CSV: %(reason)s")
            % {"row": number + 1, "name": path.name, "reason": err}
        ) from err


def spreadsheet_rows(path: Path, sheet: str | None, encoding: str) -> Iterator[Row]:
    """Yield (row number, cells as text or None) of a CSV file or a worksheet."""
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path, sheet)
    return _csv_rows(path, encoding)


def cell(cells: list[str | None], index: int | None) -> str | None:
    if index is None or index >= len(cells):
        return None
    return cells[index]


# Columns -------------------------------------------------------------------


@functools.cache
def _aliases() -> dict[str, tuple[str, str]]:
    """compact key → (canonical fact, the alias as the field map knows it)."""
    found: dict[str, tuple[str, str]] = {}
    for canonical, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            found.setdefault(compact_key(alias), (canonical, alias))
    return found


def _exposed_name(header: str) -> str:
    """The header, or the alias it spells with diacritics ("Số thửa" → SoThua)."""
    known = {a.lower() for aliases in FIELD_ALIASES.values() for a in aliases}
    if header.lower() in known:
        return header
    match = _aliases().get(compact_key(header))
    return match[1] if match else header


@dataclass(frozen=True)
class TableLayout:
    header_row: int
    x: int | None
    y: int | None
    # A column of WKT geometries: one row per parcel instead of per vertex.
    wkt: int | None
    point: int | None
    part: int | None
    ring: int | None
    crs: int | None
    keys: dict[str, int]
    # Field name as the import sees it → column index (keys and attributes).
    fields: dict[str, int]
    titles: tuple[str, ...]


def _roles(headers: list[str | None]) -> dict[str, int]:
    roles: dict[str, int] = {}
    compact = [compact_key(h) if h else "" for h in headers]
    for index, key in enumerate(compact):
        if key in X_HEADERS:
            roles.setdefault("x", index)
        elif key in Y_HEADERS:
            roles.setdefault("y", index)
        elif key in RING_HEADERS:
            roles.setdefault("ring", index)
        elif key in PART_HEADERS:
            roles.setdefault("part", index)
        elif key in WKT_HEADERS:
            roles.setdefault("wkt", index)
        elif key in CRS_HEADERS:
            roles.setdefault("crs", index)
        elif key in _aliases() and _aliases()[key][0] in KEYS:
            roles.setdefault(_aliases()[key][0], index)
    for wanted in POINT_HEADERS:
        if wanted in compact:
            roles["point"] = compact.index(wanted)
            break
    return roles


def _layout(number: int, headers: list[str | None], titles: list[str]) -> TableLayout:
    roles = _roles(headers)
    geometry = ("wkt",) if "wkt" in roles else ("x", "y", "point", "part", "ring")
    vertex = {roles.get(r) for r in (*geometry, "crs")} - {None}
    fields: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header or index in vertex:
            continue
        name = _exposed_name(header)
        if name.lower() in {f.lower() for f in fields}:
            raise ImportRefusedError(
                _("Two columns of the table are named %(name)s (row %(row)d).")
                % {"name": header, "row": number}
            )
        fields[name] = index
    return TableLayout(
        header_row=number,
        x=roles.get("x"),
        y=roles.get("y"),
        wkt=roles.get("wkt"),
        point=roles.get("point"),
        part=roles.get("part"),
        ring=roles.get("ring"),
        crs=roles.get("crs"),
        keys={k: roles[k] for k in KEYS if k in roles},
        fields=fields,
        titles=tuple(titles),
    )


def find_header(rows: Iterator[Row], is_header) -> tuple[int, list, list[str]]:
    """The first row (of the first 30) `is_header` accepts, with the titles above."""
    titles: list[str] = []
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        if is_header(cells):
            return number, cells, titles
        titles.extend(c for c in cells if c)
    raise LookupError


def _is_table_header(cells: list[str | None]) -> bool:
    roles = set(_roles(cells))
    return "parcel" in roles and ({"x", "y"} <= roles or "wkt" in roles)


def _is_wkt_header(cells: list[str | None]) -> bool:
    roles = set(_roles(cells))
    return {"parcel", "wkt"} <= roles


def _read_layout(rows: Iterator[Row], name: str) -> TableLayout:
    try:
        number, headers, titles = find_header(rows, _is_table_header)
    except LookupError as err:
        raise ImportRefusedError(
            _(
                "No row among the first %(count)d of %(name)s names the columns of a"
                " coordinate table: X, Y and the parcel number (soThuTuThua). A land"
                " register (owners, certificates) is imported with"
                " `lis import-register`."
            )
            % {"count": HEADER_SEARCH_ROWS, "name": name}
        ) from err
    return _layout(number, headers, titles)


# The coordinate reference system -------------------------------------------


@functools.cache
def _vn2000_by_meridian() -> dict[tuple[float, float], int]:
    """(central meridian, scale factor) → EPSG code of VN-2000 projected CRSs."""
    found = {}
    for info in query_crs_info(auth_name="EPSG", pj_types=PJType.PROJECTED_CRS):
        if not info.name.startswith("VN-2000 /") or info.deprecated:
            continue
        params = {
            p.name: p.value
            for p in CRS.from_epsg(info.code).coordinate_operation.params
        }
        meridian = params.get("Longitude of natural origin")
        scale = params.get("Scale factor at natural origin")
        if meridian is not None and scale is not None:
            found[(round(meridian, 4), round(scale, 4))] = int(info.code)
    return found


def crs_from_text(text: str, bare_code: bool = False) -> int | None:
    """The EPSG code a table names: "EPSG:9212", "VN-2000 … KTT 106°15′ … múi
    3°" (a 3° zone unless it says 6° or UTM) or, with `bare_code`, "9212".
    None if the text names no coordinate reference system this way.
    """
    raw = text.strip()
    if bare_code and re.fullmatch(r"\d{4,5}", raw):
        return int(raw)
    found = EPSG_TEXT.search(raw)
    if found:
        return int(found.group(1))
    compact = compact_key(raw)
    if "VN2000" not in compact:
        return None
    meridian = MERIDIAN.search(re.sub(r"VN-?2000", "", raw, flags=re.IGNORECASE))
    if not meridian:
        return None
    degrees, minutes, decimals = meridian.groups()
    value = int(degrees) + (int(minutes) / 60 if minutes else 0)
    if decimals:
        value = float(f"{degrees}.{decimals}")
    six_degrees = any(m in compact for m in ("MUI6", "MUICHIEU6", "UTM"))
    scale = 0.9996 if six_degrees else 0.9999
    return _vn2000_by_meridian().get((round(value, 4), scale))


def _declared_srid(layout: TableLayout, crs_cells: dict[str, list[int]]) -> int | None:
    declared: dict[int, str] = {}
    for text in layout.titles:
        code = crs_from_text(text)
        if code is not None:
            declared.setdefault(code, text)
    for text, rows in crs_cells.items():
        code = crs_from_text(text, bare_code=True)
        if code is None:
            raise ImportRefusedError(
                _("%(rows)s: %(text)s does not name a coordinate reference system.")
                % {"rows": describe_rows(rows), "text": text}
            )
        declared.setdefault(code, describe_rows(rows))
    if len(declared) > 1:
        raise ImportRefusedError(
            _("The table names several coordinate reference systems: %(list)s.")
            % {
                "list": "; ".join(
                    f"EPSG:{code} ({where})" for code, where in declared.items()
                )
            }
        )
    return next(iter(declared), None)


def _epsg(srid: int) -> CRS:
    try:
        return CRS.from_epsg(srid)
    except CRSError as err:
        raise ImportRefusedError(
            _("EPSG:%(srid)s is not a known coordinate reference system.")
            % {"srid": srid}
        ) from err


def _chosen_crs(declared: int | None, named: int | None) -> tuple[CRS, str | None]:
    if named is None:
        if declared is None:
            raise MissingCRSError()
        return _epsg(declared), None
    crs = _epsg(named)
    note = None
    if declared is not None and declared != named:
        note = _(
            "The file declares %(declared)s; it was read as EPSG:%(srid)s as named."
        ) % {"declared": f"EPSG:{declared}", "srid": named}
    return crs, note


# Opening -------------------------------------------------------------------


@dataclass(frozen=True)
class TableSource(SourceInfo):
    sheet: str | None
    layout: TableLayout
    swap_check: bool


def _choose_sheet(path: Path, wanted: str | None) -> str | None:
    """The worksheet named, else the only table; a sheet of WKT geometries
    is preferred to a vertex table (the system's export writes both)."""
    if path.suffix.lower() != ".xlsx":
        return None
    names = worksheet_names(path)
    if wanted is not None:
        if wanted not in names:
            raise ImportRefusedError(
                _("The file has no layer %(layer)s; its layers are: %(layers)s.")
                % {"layer": wanted, "layers": ", ".join(names)}
            )
        return wanted
    tables, wkt = [], []
    for name in names:
        try:
            _n, headers, _t = find_header(_xlsx_rows(path, name), _is_table_header)
        except LookupError:
            continue
        tables.append(name)
        if _is_wkt_header(headers):
            wkt.append(name)
    for found in (wkt, tables):
        if len(found) == 1:
            return found[0]
    if not tables:
        return names[0]  # refused with the reason when its header is sought
    raise ImportRefusedError(
        _("The workbook has several coordinate tables (%(sheets)s); name the one"
          " to import.")
        % {"sheets": ", ".join(tables)}
    )  # fmt: skip


def _data_rows(rows: Iterator[Row], layout: TableLayout) -> Iterator[Row]:
    for number, cells in rows:
        if number > layout.header_row and any(c is not None for c in cells):
            yield number, cells


def _survey(rows: Iterator[Row], layout: TableLayout) -> tuple[int, dict]:
    """Count the parcels and collect the CRS column's values with their rows."""
    crs_cells: dict[str, list[int]] = {}
    count = 0
    for run in parcel_runs(rows, layout):
        count += 1
        for number, cells, _key in run:
            value = cell(cells, layout.crs)
            if value is not None:
                crs_cells.setdefault(value, []).append(number)
    return count, crs_cells


def open_source(
    path: Path, layer: str | None, named_srid: int | None, encoding: str | None
) -> TableSource:
    """Find the table's header, count its parcels and settle its CRS."""
    is_xlsx = path.suffix.lower() == ".xlsx"
    text_encoding, legacy_text = text_mode(encoding, is_xlsx)
    sheet = _choose_sheet(path, layer)
    layout = _read_layout(spreadsheet_rows(path, sheet, text_encoding), path.name)
    count, crs_cells = _survey(
        _data_rows(spreadsheet_rows(path, sheet, text_encoding), layout), layout
    )
    crs, note = _chosen_crs(_declared_srid(layout, crs_cells), named_srid)
    return TableSource(
        path=path,
        layer=sheet or path.stem,
        driver="XLSX" if is_xlsx else "CSV",
        fields=list(layout.fields),
        field_kinds={name: "text" for name in layout.fields},
        declared_count=count,
        crs=crs,
        crs_note=note,
        encoding=text_encoding,
        legacy_text=legacy_text,
        sheet=sheet,
        layout=layout,
        swap_check=crs.is_projected and is_vn2000(crs),
    )


# Parcels -------------------------------------------------------------------

RunRow = tuple[int, list[str | None], tuple]


def parcel_runs(rows: Iterator[Row], layout: TableLayout) -> Iterator[list[RunRow]]:
    """Group rows into parcels: runs of the same key, blank keys filled down.
    A row of a WKT table is a parcel of its own."""
    if layout.wkt is not None:
        for number, cells in rows:
            yield [(number, cells, tuple(cell(cells, i) for i in layout.keys.values()))]
        return
    last: dict[str, str | None] = {k: None for k in layout.keys}
    run: list[RunRow] = []
    for number, cells in rows:
        for canonical, index in layout.keys.items():
            value = cell(cells, index)
            if value is not None:
                last[canonical] = value
        key = tuple(last[k] for k in layout.keys)
        if run and key != run[-1][2]:
            yield run
            run = []
        run.append((number, cells, key))
    if run:
        yield run


def _coordinate(raw: str) -> float:
    """A coordinate: 1275700.12, 1275700,12 or 1.275.700,12 (dots group
    thousands only before a decimal comma or in groups of three)."""
    text = raw.replace(" ", "").replace("\u00a0", "")
    if PLAIN_NUMBER.fullmatch(text):
        return float(text)
    if COMMA_DECIMAL.fullmatch(text):
        return float(text.replace(".", "").replace(",", "."))
    if ENGLISH_GROUPS.fullmatch(text):
        raise ValueError(
            _("%(value)s groups thousands with commas; write 1234,5 or 1234.5")
            % {"value": raw}
        )
    raise ValueError(_("%(value)s is not a number") % {"value": raw})


@dataclass
class _Vertex:
    row: int
    label: str
    x: float  # easting (the table's Y)
    y: float  # northing (the table's X)


def _natural(label: str) -> tuple:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.findall(r"\d+|\D+", label)
    )


@dataclass
class _ParcelBuild:
    rows: list[int]
    problems: list[str] = field(default_factory=list)
    rings: dict[str, list[_Vertex]] = field(default_factory=dict)


def _vertices(run: list[RunRow], layout: TableLayout, build: _ParcelBuild) -> None:
    part, ring = "1", "1"
    for number, cells, _key in run:
        x_raw, y_raw = cell(cells, layout.x), cell(cells, layout.y)
        label = cell(cells, layout.point)
        part = cell(cells, layout.part) or part
        ring = cell(cells, layout.ring) or ring
        if x_raw is None and y_raw is None and label is None:
            continue  # a row of attributes only
        where = describe_rows([number])
        missing = [name for name, value in (("X", x_raw), ("Y", y_raw)) if not value]
        if layout.point is not None and label is None:
            missing.insert(0, _("the point number"))
        if missing:
            build.problems.append(
                _("%(rows)s: no value of %(columns)s")
                % {"rows": where, "columns": ", ".join(missing)}
            )
            continue
        try:
            northing = _coordinate(x_raw)
        except ValueError as err:
            build.problems.append(f"{where}: X: {err}")
            continue
        try:
            easting = _coordinate(y_raw)
        except ValueError as err:
            build.problems.append(f"{where}: Y: {err}")
            continue
        vertex = _Vertex(number, label or str(number), easting, northing)
        name = f"{part}.{ring}" if layout.part is not None else ring
        build.rings.setdefault(name, []).append(vertex)


def _ordered_ring(
    name: str, vertices: list[_Vertex], by_label: bool, build: _ParcelBuild
) -> list[_Vertex] | None:
    if by_label:
        last = vertices[-1]
        closing = (
            len(vertices) > 1
            and last.label == vertices[0].label
            and (last.x, last.y) == (vertices[0].x, vertices[0].y)
        )
        if closing:
            vertices = vertices[:-1]
        seen: dict[str, list[_Vertex]] = {}
        for vertex in vertices:
            seen.setdefault(vertex.label, []).append(vertex)
        repeated = {k: v for k, v in seen.items() if len(v) > 1}
        for label, group in repeated.items():
            if len({(v.x, v.y) for v in group}) == 1:
                message = _("%(rows)s: point %(point)s is given more than once")
            else:
                message = _(
                    "%(rows)s: point %(point)s is given more than once, with"
                    " different coordinates"
                )
            build.problems.append(
                message % {"rows": describe_rows(v.row for v in group), "point": label}
            )
        if repeated:
            return None
        vertices = sorted(vertices, key=lambda v: _natural(v.label))
        if not _numbered_without_gaps(vertices, build):
            return None
    if len(vertices) > 1 and (vertices[-1].x, vertices[-1].y) == (
        vertices[0].x,
        vertices[0].y,
    ):
        vertices = vertices[:-1]
    if len({(v.x, v.y) for v in vertices}) < 3:
        build.problems.append(
            _("%(rows)s: ring %(ring)s has %(count)d points; a boundary needs at"
              " least 3")
            % {
                "rows": describe_rows(v.row for v in vertices),
                "ring": name,
                "count": len(vertices),
            }
        )  # fmt: skip
        return None
    return vertices


def _numbered_without_gaps(vertices: list[_Vertex], build: _ParcelBuild) -> bool:
    """Points numbered 1, 2, … must all be there (survey numbers need not)."""
    if not all(v.label.isdigit() for v in vertices):
        return True
    numbers = [int(v.label) for v in vertices]
    if numbers[0] != 1:
        return True
    missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
    if missing:
        build.problems.append(
            _("%(rows)s: point %(points)s is missing (the points are numbered"
              " 1–%(last)d)")
            % {
                "rows": describe_rows(v.row for v in vertices),
                "points": ", ".join(map(str, missing)),
                "last": numbers[-1],
            }
        )  # fmt: skip
        return False
    return True


def _swapped_rows(build: _ParcelBuild) -> list[int]:
    """Rows whose X looks like an easting and Y like a northing.

    The two ranges do not overlap, so a vertex in both is swapped whatever
    its neighbours hold.
    """
    return [
        v.row
        for ring in build.rings.values()
        for v in ring
        if EASTINGS[0] <= v.y < EASTINGS[1] and NORTHINGS[0] <= v.x < NORTHINGS[1]
    ]


def _assemble(rings: list[shapely.LinearRing]) -> shapely.Geometry:
    """One polygon, or several parts; a ring inside another is its hole."""
    polygons = [shapely.Polygon(r) for r in rings]
    if len(polygons) == 1 or not all(p.is_valid for p in polygons):
        return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    inside = [
        [j for j, outer in enumerate(polygons) if j != i and outer.contains(inner)]
        for i, inner in enumerate(polygons)
    ]
    shells = [i for i in range(len(polygons)) if len(inside[i]) % 2 == 0]
    holes: dict[int, list] = {i: [] for i in shells}
    for i in range(len(polygons)):
        if len(inside[i]) % 2 == 1:
            parent = max(inside[i], key=lambda j: len(inside[j]))
            holes[parent].append(rings[i])
    parts = [shapely.Polygon(rings[i], holes[i]) for i in shells]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _geometry(
    run: list[RunRow], source: TableSource
) -> tuple[shapely.Geometry | None, str | None]:
    layout = source.layout
    if layout.wkt is not None:
        return _wkt_geometry(run[0], layout)
    build = _ParcelBuild(rows=[number for number, _c, _k in run])
    _vertices(run, layout, build)
    where = describe_rows(build.rows)
    if build.problems:
        # A vertex that cannot be read would also show as a gap.
        return None, "; ".join(build.problems)
    swapped = _swapped_rows(build) if source.swap_check else []
    if swapped:
        return None, _(
            "%(rows)s: X and Y seem swapped: the X column holds eastings and the Y"
            " column northings (X is the northing in Vietnamese tables)"
        ) % {"rows": describe_rows(swapped)}
    if not build.rings:
        return None, _("%(rows)s: no vertex is given") % {"rows": where}
    rings = []
    for name, vertices in build.rings.items():
        ordered = _ordered_ring(name, vertices, layout.point is not None, build)
        if ordered is not None:
            rings.append(shapely.LinearRing([(v.x, v.y) for v in ordered]))
    if build.problems:
        return None, "; ".join(build.problems)
    geom = _assemble(rings)
    problem = geometry_problem(geom)
    if problem:
        return None, f"{where}: {problem}"
    return geom, None


def _wkt_geometry(row: RunRow, layout: TableLayout) -> tuple:
    number, cells, _key = row
    where = describe_rows([number])
    text = cell(cells, layout.wkt)
    if text is None:
        return None, _("%(rows)s: no value of %(columns)s") % {
            "rows": where,
            "columns": "WKT",
        }
    try:
        geom = shapely.from_wkt(text)
    except GEOSException as err:
        return None, f"{where}: WKT: {err}"
    problem = geometry_problem(geom)
    if problem:
        return None, f"{where}: {problem}"
    return geom, None


def _attribute(run: list[RunRow], index: int) -> object:
    """The parcel's value of a column: given once, or the same on every row."""
    given: dict[str, list[int]] = {}
    for number, cells, _key in run:
        value = cell(cells, index)
        if value is not None:
            given.setdefault(value, []).append(number)
    if len(given) <= 1:
        return next(iter(given), None)
    return CellProblem(
        _("%(rows)s give different values: %(values)s")
        % {
            "rows": describe_rows(n for rows in given.values() for n in rows),
            "values": "; ".join(
                f"{value} ({describe_rows(rows)})" for value, rows in given.items()
            ),
        }
    )


def _columns(run: list[RunRow], layout: TableLayout, columns: list[str]) -> dict:
    key_of = {index: position for position, index in enumerate(layout.keys.values())}
    values = {}
    for name in columns:
        index = layout.fields[name]
        if index in key_of:
            values[name] = run[0][2][key_of[index]]
        else:
            values[name] = _attribute(run, index)
    return values


def read_batches(source: TableSource, columns: list[str]) -> Iterator[Batch]:
    """Yield the table's parcels in batches: one feature per parcel."""
    rows = _data_rows(
        spreadsheet_rows(source.path, source.sheet, source.encoding), source.layout
    )
    keys = set(source.layout.keys.values())
    texts = {
        name: TextColumn(name, "utf-8", source.legacy_text)
        for name in columns
        if source.layout.fields[name] not in keys
    }
    start = 0
    chunk: list[list[RunRow]] = []
    for run in parcel_runs(rows, source.layout):
        chunk.append(run)
        if len(chunk) == PARCELS_PER_BATCH:
            yield _batch(start, chunk, source, columns, texts)
            start += len(chunk)
            chunk = []
    if chunk:
        yield _batch(start, chunk, source, columns, texts)


def legacy_converted(
    cells: list[object], column: TextColumn, converted: Counter
) -> list[object]:
    """Text cells through the column's legacy-text conversion (`reader`).

    `TextColumn` reads cells as bytes shown one character each; the table's
    text is Unicode, given to it as its UTF-8 bytes.
    """
    texts = [i for i, c in enumerate(cells) if isinstance(c, str)]
    raws = [cells[i].encode("utf-8").decode("latin-1") for i in texts]
    result = list(cells)
    for i, value in zip(texts, column.read(raws, converted)):
        result[i] = value
    return result


def _batch(
    start: int,
    runs: list[list[RunRow]],
    source: TableSource,
    columns: list[str],
    texts: dict[str, TextColumn],
) -> Batch:
    geometries = np.full(len(runs), None, dtype=object)
    errors: dict[int, str] = {}
    values: dict[str, list] = {name: [] for name in columns}
    for offset, run in enumerate(runs):
        geometries[offset], problem = _geometry(run, source)
        if problem:
            errors[offset] = problem
        for name, value in _columns(run, source.layout, columns).items():
            values[name].append(value)
    converted: Counter = Counter()
    for name, column in texts.items():
        values[name] = legacy_converted(values[name], column, converted)
    return Batch(
        start=start,
        geometries=geometries,
        columns={name: np.array(v, dtype=object) for name, v in values.items()},
        geometry_errors=errors,
        converted=dict(converted),
    )
