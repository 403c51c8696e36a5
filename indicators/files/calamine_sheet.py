"""Reading a sheet's cell values with python-calamine (Rust, some 30 times openpyxl's
speed) for the sheets the safety scan found safe for it (``SheetScan.calamine_safe``):
the same sheet choice, values, row numbers, dates and percent cells as the openpyxl
reading in ``workbook_reader`` gives, which reads every other sheet.

python-calamine does not expose number formats or the active sheet, so the workbook's
sheet list (``xl/workbook.xml`` and its relations) and the styles' number formats
(``xl/styles.xml``) are read here; only when a percent format exists is the sheet's XML
searched (bounded, in C) for the cells with such a style.

One difference remains: a text of spaces only stored without ``xml:space="preserve"``
(openpyxl writes it so, Excel does not) is read as an empty cell, where openpyxl gives the
spaces; every door strips text, so such a cell was blank before too.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Optional
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS
from python_calamine import CalamineWorkbook

from indicators.files.workbook_limits import MAX_COLUMNS, MAX_ROW_NUMBER, FileRefused, SheetRead

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_DATE_TYPES = (datetime, date, time, timedelta)
_EXACT_INTEGERS = 1e15  # below this, a whole number is written without a point or exponent (openpyxl: int)


@dataclass(frozen=True)
class BookSheet:
    name: str
    state: str  # visible / hidden / veryHidden
    part: str  # the worksheet's part in the zip


def book_sheets(archive: zipfile.ZipFile) -> Optional[tuple[list[BookSheet], int]]:
    """The sheets in the workbook's order and the active tab, as openpyxl finds them; None
    when the workbook is not laid out the common way or has other sheets than worksheets
    (chart sheets): openpyxl reads those workbooks."""
    names = set(archive.namelist())
    if not {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= names:
        return None
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = {}
    for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{_RELS}Relationship"):
        target = rel.get("Target", "")
        part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        rels[rel.get("Id")] = (rel.get("Type"), part)
    sheets = []
    for sheet in book.iter(f"{_MAIN}sheet"):
        kind, part = rels.get(sheet.get(_REL_ID), (None, ""))
        if kind != _WORKSHEET or part not in names:
            return None
        sheets.append(BookSheet(sheet.get("name", ""), sheet.get("state", "visible"), part))
    view = book.find(f"{_MAIN}bookViews/{_MAIN}workbookView")
    return sheets, int(view.get("activeTab", 0)) if view is not None else 0


def pick_sheet(sheets: list[BookSheet], active: int, preferred: Optional[str]) -> BookSheet:
    """The template's named sheet when present, else the active sheet if visible, else the first visible."""
    named = [s for s in sheets if preferred and s.name == preferred]
    if named:
        return named[0]
    visible = [s for s in sheets if s.state == "visible"]
    if not visible:
        raise FileRefused("Filen har inget synligt blad att läsa.")
    chosen = sheets[active] if 0 <= active < len(sheets) else None
    return chosen if chosen in visible else visible[0]


def _percent_styles(archive: zipfile.ZipFile) -> list[bytes]:
    """The cell styles (indexes into cellXfs) whose number format shows a percent."""
    if "xl/styles.xml" not in archive.namelist():
        return []
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    custom = {int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in styles.iter(f"{_MAIN}numFmt")}
    xfs = styles.find(f"{_MAIN}cellXfs")
    percent = []
    for index, xf in enumerate([] if xfs is None else xfs.findall(f"{_MAIN}xf")):
        number = int(xf.get("numFmtId", 0))
        if "%" in (custom[number] if number in custom else BUILTIN_FORMATS.get(number, "General")):
            percent.append(str(index).encode())
    return percent


def _percent_cells(sheet_xml: bytes, styles: list[bytes]) -> set[tuple[int, int]]:
    """(row, column index) of the cells with a percent style."""
    styled = re.compile(rb'<c\b[^>]*?\bs="(?:' + b"|".join(styles) + rb')"[^>]*>')
    cells = set()
    for match in styled.finditer(sheet_xml):
        ref = _REF.search(match.group(0))
        if ref:
            cells.add((int(ref.group(2)), _column_index(ref.group(1))))
    return cells


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def read(data: bytes, archive: zipfile.ZipFile, sheet: BookSheet) -> Optional[SheetRead]:
    """The sheet's rows as the openpyxl reading gives them; None if python-calamine's range
    is not within the caps (the scan has seen to it; then openpyxl reads the file)."""
    styles = _percent_styles(archive)
    percent = _percent_cells(archive.read(sheet.part), styles) if styles else set()
    grid_sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet.name)
    last_row, last_column = grid_sheet.end or (0, 0)  # zero-based; the grid below starts at A1
    if last_row >= MAX_ROW_NUMBER or last_column >= MAX_COLUMNS:
        return None
    result = SheetRead(sheet.name)
    pad = [None] * (MAX_COLUMNS - last_column - 1)
    dated = [False]

    def typed(value: object) -> object:
        """openpyxl's type for a value calamine gives otherwise (None for an empty cell)."""
        if value == "":
            return None
        if type(value) is float and value.is_integer() and -_EXACT_INTEGERS < value < _EXACT_INTEGERS:
            return int(value)
        if isinstance(value, _DATE_TYPES):
            dated[0] = True
            return datetime.combine(value, time()) if type(value) is date else value
        return value

    for index, raw in enumerate(grid_sheet.to_python(skip_empty_area=False)):
        values = [v if type(v) is str and v else typed(v) for v in raw]
        for value in values:
            if value is not None and (type(value) is not str or value.strip()):
                break
        else:
            continue  # Excel keeps formatted empty rows; they do not count
        number = index + 1
        if dated[0]:
            result.dates += [(number, i) for i, v in enumerate(values) if isinstance(v, _DATE_TYPES)]
            dated[0] = False
        if percent:
            _shown(result, number, values, percent)
        values.extend(pad)
        result.rows.append((number, values))
    return result


def _shown(result: SheetRead, number: int, values: list[object], percent: set[tuple[int, int]]) -> None:
    """A percent format multiplies by 100 (exactly, in decimal): the value as the cell shows it."""
    for column, value in enumerate(values):
        if (number, column) in percent and isinstance(value, (int, float)) and not isinstance(value, bool):
            values[column] = float(Decimal(repr(value)) * 100)
            result.percent.append((number, column))
