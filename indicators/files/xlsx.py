"""Excel export of the long format: Swedish headers, values as real numbers, text cells
neutralised against formula injection (openpyxl would otherwise store '=…' as a formula)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from indicators.files.long_format import LONG_COLUMNS
from indicators.rules.parsing import parse_number
from indicators.files.safety import neutralise

HEADERS = {"indikator": "Indikator", "period": "Period", "kön": "Kön", "område": "Område",
           "värde": "Värde", "kommentar": "Kommentar"}


def _cell(column: str, text: object):
    if column == "värde":
        if text in ("", None):
            return None
        parsed = parse_number(text)
        return parsed.value if parsed.ok else neutralise(str(text))
    return neutralise("" if text is None else str(text))


def to_xlsx_bytes(rows: list[dict], columns: list[str] = LONG_COLUMNS, sheet_title: str = "Värden") -> bytes:
    """``rows`` as ``exports.long_rows`` gives them (suppressed values already left blank)."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append([HEADERS.get(c, c) for c in columns])
    for row in rows:
        sheet.append([_cell(c, row.get(c, "")) for c in columns])
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 48 if column == "kommentar" else 16
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
