"""The pre-filled XLSX template of Importera: the actor's indicators and breakdown cells for
a period, with help columns and the version of each value it was made from (importing it
after the stored value changed is a conflict: ``file_import``)."""
from __future__ import annotations

import io
from datetime import date
from typing import Optional

from openpyxl import Workbook

from indicators.access.permissions import Actor
from indicators.files.long_format import FILE_COLUMNS
from indicators.files.safety import neutralise
from indicators.reporting import sheets
from indicators.reporting.file_import import TEMPLATE_SHEET, VERSION_COLUMN
from indicators.rules.formatting import shown_number
from indicators.unit_of_work import UnitOfWork

TEMPLATE_COLUMNS = FILE_COLUMNS + ["namn", "enhet", "föregående värde", "giltigt intervall", VERSION_COLUMN]


def template_xlsx(uow: UnitOfWork, actor: Actor, period: str, today: Optional[date] = None) -> bytes:
    """An XLSX pre-filled with the actor's indicators and breakdown cells for a period."""
    sheet = sheets.reporting_sheet(uow, actor, period, today)
    workbook = Workbook()
    ws = workbook.active
    ws.title = TEMPLATE_SHEET
    ws.append(TEMPLATE_COLUMNS)
    for item in sheet.items:
        for cell in item.cells:
            ws.append([neutralise(v) for v in (
                item.code, item.period, cell.gender, cell.area_name, cell.value, cell.count_n, cell.comment, item.name,
                item.unit,
                shown_number(cell.previous_value) if cell.previous_value is not None else "", item.range_text,
                cell.version,
            )])
    for letter, width in zip("ABCDEFGHIJK", (11, 9, 6, 18, 10, 8, 40, 50, 12, 16, 16)):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["L"].hidden = True  # the versions: not for editing
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
