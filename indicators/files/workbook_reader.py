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

Two readers give the same rows: python-calamine (``calamine_sheet``) for the sheets the
safety scan (``sheet_scan``) finds safe for it — every row and cell with its reference,
nothing beyond the width cap, no formulas, error cells, namespace prefixes or CDATA, only
worksheets in the workbook — and openpyxl (read-only, streaming, capped while streaming)
for every other sheet: formulas (cached values and the formulas without one) are read by
openpyxl only.
"""
from __future__ import annotations

import io
import zipfile
from xml.parsers import expat
from decimal import Decimal
from datetime import date, datetime, time, timedelta
from typing import Optional

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from indicators.files import calamine_sheet
from indicators.files.sheet_scan import SheetScan, scan
from indicators.files.workbook_limits import (  # noqa: F401 (the limits are read from here too)
    CORRUPT, MAX_CELLS_PER_ROW, MAX_COLUMNS, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO, MAX_ROW_NUMBER, MAX_ROWS,
    MAX_TOTAL_BYTES, MAX_UPLOAD_BYTES, RATIO_FROM_BYTES, FileRefused, SheetRead, check_size, check_zip, megabytes,
    too_many_rows, too_wide,
)


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
    except Exception as exc:  # the readers and the XML parsers raise many kinds for a damaged file
        raise FileRefused(CORRUPT) from exc
    except BaseException as exc:  # a panic inside python-calamine (pyo3's PanicException)
        if type(exc).__name__ != "PanicException":
            raise
        raise FileRefused(CORRUPT) from exc


def _read(data: bytes, preferred: Optional[str]) -> SheetRead:
    scans = scan(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_parts(archive, scans)
        layout = calamine_sheet.book_sheets(archive)
        if layout is not None:
            sheet = calamine_sheet.pick_sheet(*layout, preferred)
            sheet_scan = scans.get(sheet.part)
            _refuse_too_wide(sheet_scan)
            if sheet_scan is not None and sheet_scan.calamine_safe:
                read = calamine_sheet.read(data, archive, sheet)
                if read is not None:
                    return read
    return _read_openpyxl(data, preferred, scans)


def _check_parts(archive: zipfile.ZipFile, scans: dict[str, SheetScan]) -> None:
    """Every other XML part is well-formed too (the sheets were checked by the scan)."""
    for name in archive.namelist():
        if name.endswith((".xml", ".rels")) and name not in scans:
            parser = expat.ParserCreate()
            with archive.open(name) as part:
                while chunk := part.read(1 << 20):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)


def _refuse_too_wide(sheet_scan: Optional[SheetScan]) -> None:
    if sheet_scan is not None and sheet_scan.too_wide:
        raise FileRefused(too_wide(*sheet_scan.too_wide))


def _read_openpyxl(data: bytes, preferred: Optional[str], scans: dict[str, SheetScan]) -> SheetRead:
    cached = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = None
    try:
        sheet = _pick_sheet(cached, preferred)
        sheet_scan = scans.get(sheet._worksheet_path.lstrip("/"))  # openpyxl keeps the part's path only privately
        if sheet_scan is None or sheet_scan.has_formulas:
            formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        _refuse_too_wide(sheet_scan)
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
