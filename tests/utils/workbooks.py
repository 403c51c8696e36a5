"""Builders of import files: a CSV in the long format and an XLSX sheet (with cached formula values)."""
from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

HEADER = "indikator;period;kön;område;värde;kommentar"


def csv_file(*lines: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


def xlsx_file(rows: list[list[object]], cached: dict[str, str] | None = None) -> bytes:
    """An XLSX file; ``cached`` gives formula cells a cached value, as Excel would save it."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not cached:
        return buffer.getvalue()
    source, patched = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in cached.items():
                    # openpyxl writes an empty value as <v /> (or <v></v>, or none, when lxml is installed)
                    text = re.sub(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)(?:<v\s*/>|<v></v>)?', rf"\g<1><v>{value}</v>", text)
                data = text.encode()
            target.writestr(item, data)
    return patched.getvalue()
