"""Reading an uploaded workbook safely, for every door that takes one (the value import,
the catalogue import): hostile files are refused fast and with bounded memory, and the
workbook is read the way officials use Excel.

Limits, checked in this order (the README lists them):
- the upload's size, before anything is read (``MAX_UPLOAD_BYTES``);
- the zip's members: their count, each member's and the total uncompressed size and the
  compression ratio, from the zip directory before anything is inflated (a member never
  yields more than its declared size: ``zipfile`` stops there);
- the sheet's declared dimension is ignored; rows are streamed, capped by number
  (``MAX_ROW_NUMBER``) and width (``MAX_COLUMNS``) while streaming; a value beyond the
  width cap refuses the file naming its row and column (never silently ignored);
- a malformed zip or XML anywhere is "Filen är skadad eller inte en Excel-fil".

Excel as used: the sheet read is the template's named sheet when present, else the active
sheet if visible, else the first visible one (``SheetRead.sheet`` says which); a cell's
number format decides (a percent-formatted 0,369 is read as 36,9, as the cell shows, and
``SheetRead.percent`` lists such cells: the value import accepts them only for percent
indicators and refuses them for any other unit, rather than guess); a formula
without a cached value (plain, array or data table) is reported, never read as empty;
date cells are reported so the caller can refuse them where a number belongs.
"""
from __future__ import annotations

import io
import re
import zipfile
from xml.parsers import expat
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Optional

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 500
MAX_MEMBER_BYTES = 25 * 1024 * 1024
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for members larger than RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1024 * 1024
MAX_ROWS = 20_000  # rows with values
MAX_ROW_NUMBER = 25_000  # no row beyond this one (empty rows between count here)
MAX_COLUMNS = 40  # only the first 40 columns are read (the value template has 12, the catalogue 26)
MAX_CELLS_PER_ROW = 1000
_LAST_COLUMN = b"AN"  # column MAX_COLUMNS; a value beyond it refuses the file, never ignored
CORRUPT = "Filen är skadad eller inte en Excel-fil (.xlsx)."


class FileRefused(Exception):
    """The file as a whole is refused (Swedish message)."""


@dataclass
class SheetRead:
    sheet: str  # the sheet that was read
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (row number, values); blank rows left out
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)  # (row, column index)
    dates: list[tuple[int, int]] = field(default_factory=list)
    percent: list[tuple[int, int]] = field(default_factory=list)  # cells read as shown: 0,369 -> 36,9


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def check_size(data: bytes, limit: int = MAX_UPLOAD_BYTES) -> None:
    if len(data) > limit:
        raise FileRefused(f"Filen är för stor ({megabytes(len(data))}); högst {limit // 1024 // 1024} MB.")


def check_zip(data: bytes) -> None:
    """The zip directory only: nothing is inflated here."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(CORRUPT) from exc
    if len(members) > MAX_MEMBERS:
        raise FileRefused(f"Filen har för många delar ({len(members)}) för att vara en Excel-fil med värden.")
    total = 0
    for member in members:
        total += member.file_size
        too_packed = (member.file_size > RATIO_FROM_BYTES
                      and member.file_size > MAX_RATIO * max(member.compress_size, 1))
        if member.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES or too_packed:
            raise FileRefused(f"Filen packas upp till mer än vad en Excel-fil med värden behöver "
                              f"({member.filename}: {megabytes(member.file_size)}); den avvisas utan att läsas.")


_ROW = re.compile(rb'<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)', re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is|f)[ >/]")
_CELL = re.compile(rb"<(?:\w+:)?c[ >/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")
# A cell with content: its reference and body (a styled empty cell has neither v, is nor f).
_FILLED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>/]*?\br="([A-Z]{1,3})(\d+)"[^>/]*>(.*?)</(?:\w+:)?c>', re.S)


class _SheetScan:
    """One fast pass over a sheet's XML before openpyxl reads it (expat checks that it is
    well-formed, regular expressions count in C): a malformed or truncated sheet, a row
    beyond MAX_ROW_NUMBER, more than MAX_ROWS rows with values or MAX_CELLS_PER_ROW cells
    in a row are refused here, in a fraction of the time the full read would take; it also
    tells whether the sheet has formulas at all."""

    def __init__(self) -> None:
        self.has_formulas, self.filled_rows = False, 0
        self.too_wide: Optional[tuple[str, int]] = None  # the first filled cell beyond MAX_COLUMNS (column, row)
        self.parser, self.rest = expat.ParserCreate(), b""

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.parser.Parse(chunk, final)
        text = self.rest + chunk
        ends = list(_ROW_END.finditer(text))
        cut = len(text) if final or not ends else ends[-1].end()
        self.rest = text[cut:]
        self.has_formulas = self.has_formulas or bool(_FORMULA.search(text, 0, cut))
        for row in _ROW.finditer(text, 0, cut):
            self._row(row)

    def _row(self, row: re.Match) -> None:
        number = _ROW_NUMBER.search(row.group(1))
        if number and int(number.group(1)) > MAX_ROW_NUMBER:
            raise FileRefused(too_many_rows(MAX_ROW_NUMBER, beyond=True))
        body = row.group(2) or b""
        if len(_CELL.findall(body)) > MAX_CELLS_PER_ROW:
            raise FileRefused(f"En rad i filen har fler än {MAX_CELLS_PER_ROW} celler; {CORRUPT}")
        if self.too_wide is None:
            self.too_wide = _beyond_width(body)
        if _VALUE.search(body):
            self.filled_rows += 1
            if self.filled_rows > MAX_ROWS + 1:  # the header row and MAX_ROWS values
                raise FileRefused(too_many_rows(MAX_ROWS))


_WIDE_REF = re.compile(rb'\br="(?:[A-Z]{3}|[B-Z][A-Z]|A[O-Z])\d')  # a reference beyond AN (fast pre-check)


def _beyond_width(body: bytes) -> Optional[tuple[str, int]]:
    """The first cell with content beyond column MAX_COLUMNS in a row's XML (column letters, row)."""
    if not _WIDE_REF.search(body):
        return None
    for letters, row, content in _FILLED_CELL.findall(body):
        if (len(letters), letters) > (len(_LAST_COLUMN), _LAST_COLUMN) and _VALUE.search(content):
            return letters.decode(), int(row)
    return None


def too_many_rows(limit: int, beyond: bool = False) -> str:
    what = f"rader efter rad {limit:,}" if beyond else f"fler än {limit:,} rader"
    return f"Filen har {what}; dela upp den i flera filer.".replace(",", "\u00a0")


def _scan(data: bytes) -> dict[str, _SheetScan]:
    """Every worksheet part, before openpyxl opens the workbook (opening it already reads a
    sheet without a declared dimension in full); by part name."""
    scans = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            scan = scans[name] = _SheetScan()
            with archive.open(name) as part:
                while chunk := part.read(1 << 20):
                    scan.feed(chunk)
                scan.feed(b"", final=True)
    return scans


def _pick_sheet(workbook, preferred: Optional[str]):
    if preferred and preferred in workbook.sheetnames:
        return workbook[preferred]
    visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        raise FileRefused("Filen har inget synligt blad att läsa.")
    active = workbook.active
    return active if active in visible else visible[0]


def _is_formula(text: object) -> bool:
    return isinstance(text, (ArrayFormula, DataTableFormula)) or (isinstance(text, str) and text.startswith("="))


def _shown(cell) -> object:
    """The value as the cell shows it: a percent format multiplies by 100 (exactly, in decimal)."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return float(Decimal(repr(value)) * 100)
    return value


def read_sheet(data: bytes, preferred: Optional[str] = None) -> SheetRead:
    """Stream one sheet's rows; raises FileRefused for the whole file."""
    check_size(data)
    check_zip(data)
    try:
        return _read(data, preferred)
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl and the XML parser raise many kinds for a damaged file
        raise FileRefused(CORRUPT) from exc


def _read(data: bytes, preferred: Optional[str]) -> SheetRead:
    scans = _scan(data)
    cached = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = None
    try:
        sheet = _pick_sheet(cached, preferred)
        scan = scans.get(sheet._worksheet_path.lstrip("/"))  # openpyxl keeps the part's path only privately
        if scan is None or scan.has_formulas:
            formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        if scan is not None and scan.too_wide:
            letters, row = scan.too_wide
            raise FileRefused(f"Rad {row}, kolumn {letters}: bara de första {MAX_COLUMNS} kolumnerna (A–"
                              f"{_LAST_COLUMN.decode()}) läses, men här finns ett värde; ta bort det eller flytta det "
                              "till ett eget blad.")
        sheet.reset_dimensions()  # the declared dimension is ignored
        result = SheetRead(sheet.title)
        formula_rows = None
        if formulas is not None:
            formula_sheet = formulas[sheet.title]
            formula_sheet.reset_dimensions()
            formula_rows = formula_sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROW_NUMBER:  # the scan has seen to it; a second guard costs nothing
                raise FileRefused(too_many_rows(MAX_ROW_NUMBER, beyond=True))
            texts = list(next(formula_rows)) if formula_rows is not None else []
            _add_row(result, number, cells, texts)
    finally:
        cached.close()
        if formulas is not None:
            formulas.close()
    return result


def _add_row(result: SheetRead, number: int, cells, texts: list[object]) -> None:
    values = [_shown(c) for c in cells]
    missing = [i for i, t in enumerate(texts) if _is_formula(t) and (i >= len(values) or values[i] is None)]
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values) and not missing:
        return  # Excel keeps formatted empty rows; they do not count
    result.formulas_without_value += [(number, i) for i in missing]
    result.dates += [(number, i) for i, v in enumerate(values) if isinstance(v, (datetime, date, time, timedelta))]
    result.percent += [(number, i) for i, c in enumerate(cells) if values[i] is not c.value]
    result.rows.append((number, values))


def formula_messages(read: SheetRead) -> list[tuple[int, str]]:
    """'Rad 7, värde: formel utan värde …' for every formula without a cached value below the header."""
    if not read.rows:
        return []
    header_row, header = read.rows[0]
    names = [str(h or "").strip().lower() for h in header]
    return [(row, f"Rad {row}, {names[col] if col < len(names) and names[col] else f'kolumn {col + 1}'}: formel utan "
             "värde (spara filen i Excel så att värdet räknas fram)")
            for row, col in read.formulas_without_value if row != header_row]
