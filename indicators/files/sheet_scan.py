"""One fast pass over every worksheet's XML before any reader builds cells: expat checks
that it is well-formed, and C-level searches (regular expressions, ``bytes.count`` /
``split``) refuse a row beyond MAX_ROW_NUMBER, more than MAX_ROWS rows with values, more
than MAX_CELLS_PER_ROW cells in a row and a value beyond column MAX_COLUMNS, in a fraction
of the time a full read would take. It also tells whether the sheet has formulas and
whether python-calamine may read it (``ScanResult.calamine_safe``): every row and cell
carries its reference, none lies beyond the width cap, and nothing needs openpyxl's
reading (formulas, error or ISO-date cells, namespace prefixes, CDATA) — so the cells
python-calamine builds are bounded by MAX_ROW_NUMBER x MAX_COLUMNS.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Optional
from xml.parsers import expat

from indicators.files.workbook_limits import (
    CORRUPT, LAST_COLUMN, MAX_CELLS_PER_ROW, MAX_ROW_NUMBER, MAX_ROWS, FileRefused, too_many_rows,
)

_ROW = re.compile(rb'<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)', re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is|f)[ >/]")
_CELL = re.compile(rb"<(?:\w+:)?c[ >/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")
# A cell with content: its reference and body (a styled empty cell has neither v, is nor f).
_FILLED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>/]*?\br="([A-Z]{1,3})(\d+)"[^>/]*>(.*?)</(?:\w+:)?c>', re.S)
_WIDE_REF = re.compile(rb'\br="(?:[A-Z]{3}|[B-Z][A-Z]|A[O-Z])\d')  # a reference beyond AN (fast pre-check)
# The fast path's searches start with a literal, which the regular expression engine finds quickly.
_ANY_WIDE_REF = re.compile(rb'r="(?:[A-Z]{3}|[B-Z][A-Z]|A[O-Z])\d')
_HIGH_ROW = re.compile(rb'<row\b[^>]*?\br="0*([1-9]\d{4,})"')  # rows from 10 000 on: compared with the cap
_ROW_WITHOUT_REF = re.compile(rb'<row(?![^>]*?\br=")[\s>/]')
_CELL_WITHOUT_REF = re.compile(rb'<c(?![^>]*?\br=")[\s>/]')
_ODD_XML = (b"<![CDATA[", b":row", b":c ", b":c>")  # read row by row, precisely; openpyxl reads the cells
_OPENPYXL_CELLS = (b't="e"', b't="d"')  # error and ISO-date cells: openpyxl reads them as it always has
_MIN_CELL_BYTES = len(b"<c/>")


class SheetScan:
    def __init__(self) -> None:
        self.has_formulas, self.filled_rows = False, 0
        self.too_wide: Optional[tuple[str, int]] = None  # the first filled cell beyond MAX_COLUMNS (column, row)
        self.calamine_safe, self.plain = True, True
        self.parser, self.rest, self.tail, self.started = expat.ParserCreate(), b"", b"", False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.parser.Parse(chunk, final)
        text = self.rest + chunk
        marked = self.tail + text[:16]  # a mark across the previous chunk's end
        if self.plain and any(mark in text or mark in marked for mark in _ODD_XML):
            self.plain = self.calamine_safe = False
        if self.calamine_safe and any(mark in text or mark in marked for mark in _OPENPYXL_CELLS):
            self.calamine_safe = False
        if self.plain:
            end = text.rfind(b"</row>")
            cut = len(text) if final or end < 0 else end + len(b"</row>")
            self._plain(text, cut)
        else:
            ends = list(_ROW_END.finditer(text))
            cut = len(text) if final or not ends else ends[-1].end()
            self.has_formulas = self.has_formulas or bool(_FORMULA.search(text, 0, cut))
            for row in _ROW.finditer(text, 0, cut):
                self._row(row)
        self.rest, self.tail = text[cut:], text[-16:]

    def _row(self, row: re.Match) -> None:
        """One row, read precisely (any XML that the fast path does not take)."""
        number = _ROW_NUMBER.search(row.group(1))
        if number and int(number.group(1)) > MAX_ROW_NUMBER:
            raise FileRefused(too_many_rows(MAX_ROW_NUMBER, beyond=True))
        body = row.group(2) or b""
        if len(_CELL.findall(body)) > MAX_CELLS_PER_ROW:
            raise FileRefused(f"En rad i filen har fler än {MAX_CELLS_PER_ROW} celler; {CORRUPT}")
        if self.too_wide is None:
            self.too_wide = _beyond_width(body)
        if _VALUE.search(body):
            self._count_filled(1)

    def _plain(self, text: bytes, cut: int) -> None:
        """Unprefixed tags (as Excel, LibreOffice and openpyxl write them): the same checks,
        mostly over the whole chunk, the per-row loop only with ``bytes`` operations."""
        for number in _HIGH_ROW.findall(text, 0, cut):
            if int(number) > MAX_ROW_NUMBER:
                raise FileRefused(too_many_rows(MAX_ROW_NUMBER, beyond=True))
        if _has_formula(text, cut):
            self.has_formulas, self.calamine_safe = True, False
        if (text.count(b"<row", 0, cut) != text.count(b'<row r="', 0, cut) and _ROW_WITHOUT_REF.search(text, 0, cut)
                or text.count(b"<c", 0, cut) != text.count(b'<c r="', 0, cut)
                and _CELL_WITHOUT_REF.search(text, 0, cut)):
            self.calamine_safe = False  # positional rows or cells: openpyxl reads them, capped while streaming
        wide = _ANY_WIDE_REF.search(text, 0, cut) is not None
        if wide:
            self.calamine_safe = False  # a styled empty cell beyond the cap: openpyxl reads up to the cap only
        start = 0
        if not self.started:  # the sheet's head (columns, views) is no row
            found = text.find(b"<sheetData", 0, cut)
            start, self.started = max(found, 0), found >= 0
        rows = text[start:cut].split(b"</row>")[:-1]  # the piece after the last row end is no row body
        filled = 0
        for row in rows:
            if b"<v" in row or b"<is" in row or b"<f" in row:
                filled += 1
            if len(row) > _MIN_CELL_BYTES * MAX_CELLS_PER_ROW and row.count(b"<c") > MAX_CELLS_PER_ROW:
                raise FileRefused(f"En rad i filen har fler än {MAX_CELLS_PER_ROW} celler; {CORRUPT}")
            if wide and self.too_wide is None:
                self.too_wide = _beyond_width(row)
        self._count_filled(filled)

    def _count_filled(self, rows: int) -> None:
        self.filled_rows += rows
        if self.filled_rows > MAX_ROWS + 1:  # the header row and MAX_ROWS values
            raise FileRefused(too_many_rows(MAX_ROWS))


def _has_formula(text: bytes, cut: int) -> bool:
    at = text.find(b"<f", 0, cut)
    while at >= 0:
        if text[at + 2:at + 3] in (b" ", b">", b"/"):
            return True
        at = text.find(b"<f", at + 2, cut)
    return False


def _beyond_width(body: bytes) -> Optional[tuple[str, int]]:
    """The first cell with content beyond column MAX_COLUMNS in a row's XML (column letters, row)."""
    if not _WIDE_REF.search(body):
        return None
    for letters, row, content in _FILLED_CELL.findall(body):
        if (len(letters), letters) > (len(LAST_COLUMN), LAST_COLUMN) and _VALUE.search(content):
            return letters.decode(), int(row)
    return None


def scan(data: bytes) -> dict[str, SheetScan]:
    """Every worksheet part, before a reader opens the workbook (opening it with openpyxl
    already reads a sheet without a declared dimension in full); by part name."""
    scans = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            sheet_scan = scans[name] = SheetScan()
            with archive.open(name) as part:
                while chunk := part.read(1 << 20):
                    sheet_scan.feed(chunk)
                sheet_scan.feed(b"", final=True)
    return scans
