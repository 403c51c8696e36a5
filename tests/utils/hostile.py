"""The corpus of hostile and awkward import files (tests/fixtures/import).

Small files are committed there, next to ``expected.json`` (the outcome of each: refused
with a message naming row and field, or stored with the right value); large hostile files
(a zip bomb, a member beyond the size limit) are built here at test time instead of being
committed. ``python -m tests.utils.hostile`` rewrites the committed files from the
builders below.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from tests.utils.paths import TESTS
from tests.utils.workbooks import HEADER

CORPUS = TESTS / "fixtures" / "import"
COLUMNS = HEADER.split(";")
SHEET = "xl/worksheets/sheet1.xml"


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _book(*rows: list[object]) -> Workbook:
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    for row in rows:
        workbook.active.append(row)
    return workbook


def patch(data: bytes, member: str, change) -> bytes:
    """The same zip with one member's bytes changed by ``change``."""
    source, patched = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item.filename, change(content) if item.filename == member else content)
    return patched.getvalue()


def hidden_first_sheet() -> bytes:
    """An old hidden sheet first, the visible active sheet second: the visible one counts."""
    workbook = _book(["ARB05", "2026Q4", "T", "", 99, "gammalt"])
    workbook.active.title = "Gammalt"
    visible = workbook.create_sheet("Blad2")
    visible.append(COLUMNS)
    visible.append(["ARB05", "2026Q4", "T", "", 25, ""])
    workbook.active.sheet_state = "hidden"
    workbook.active = 1
    return _save(workbook)


def percent_cell() -> bytes:
    workbook = _book(["ARB05", "2026Q4", "T", "", 0.369, ""])
    workbook.active["E2"].number_format = "0.0%"
    return _save(workbook)


def percent_cell_for_a_count() -> bytes:
    """A percent-formatted cell (shows 25 %) for BRO03, a count: refused, never guessed."""
    workbook = _book(["BRO03", "2026Q4", "T", "", 0.25, ""])
    workbook.active["E2"].number_format = "0%"
    return _save(workbook)


def beyond_width() -> bytes:
    """A value in column AO, beyond the 40 columns read: refused naming row and column."""
    workbook = _book(["ARB05", "2026Q4", "T", "", 25, ""])
    workbook.active["AO2"] = "glömd anteckning"
    return _save(workbook)


def array_formula() -> bytes:
    workbook = _book(["ARB05", "2026Q4", "T", "", None, ""])
    workbook.active["E2"] = ArrayFormula("E2", "=SUM(G1:G2)")
    return _save(workbook)


def date_value() -> bytes:
    return _save(_book(["ARB05", "2026Q4", "T", "", datetime(2026, 3, 1), ""]))


def truncated_sheet() -> bytes:
    return patch(_save(_book(["ARB05", "2026Q4", "T", "", 25, ""])), SHEET, lambda xml: xml[: len(xml) // 2])


def huge_dimension() -> bytes:
    """A few KB that declare the whole sheet (A1:XFD1048576) as used."""
    return patch(_save(_book(["ARB05", "2026Q4", "T", "", 25, ""])), SHEET,
                 lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))


def far_row() -> bytes:
    """A value on the sheet's last row: refused while streaming, not read up to it."""
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return patch(_save(_book(["ARB05", "2026Q4", "T", "", 25, ""])), SHEET,
                 lambda xml: xml.replace(b"</sheetData>", far))


def unbalanced_quote() -> bytes:
    return "\r\n".join([HEADER, 'ARB05;2026Q4;T;;25;"bra', "ARB05;2026Q4;K;;26;", "ARB05;2026Q4;M;;24;", ""]).encode()


def swallowed_rows() -> bytes:
    """The quote opened on row 2 closes on row 4: rows 3 and 4 would vanish into a comment."""
    return "\r\n".join([HEADER, 'ARB05;2026Q4;T;;25;"bra', "ARB05;2026Q4;K;;26;", 'ARB05;2026Q4;M;;24;"', ""]).encode()


def zip_ratio_bomb() -> bytes:
    """A member of 8 MB (below the size limit) deflated to some 8 KB: refused by its ratio,
    from the zip directory, before anything is inflated."""
    return patch(_save(_book(["ARB05", "2026Q4", "T", "", 25, ""])), "xl/theme/theme1.xml",
                 lambda xml: xml + b" " * (8 * 1024 * 1024))


def zip_many_members() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(2000):
            archive.writestr(f"x/{number}.xml", b"")
    return buffer.getvalue()


SMALL = {
    "hidden_first_sheet.xlsx": hidden_first_sheet,
    "percent_cell.xlsx": percent_cell,
    "percent_cell_for_a_count.xlsx": percent_cell_for_a_count,
    "beyond_width.xlsx": beyond_width,
    "array_formula.xlsx": array_formula,
    "date_value.xlsx": date_value,
    "truncated_sheet.xlsx": truncated_sheet,
    "huge_dimension.xlsx": huge_dimension,
    "far_row.xlsx": far_row,
    "unbalanced_quote.csv": unbalanced_quote,
    "swallowed_rows.csv": swallowed_rows,
}
LARGE = {"zip_ratio_bomb.xlsx": zip_ratio_bomb, "zip_many_members.xlsx": zip_many_members}
# Outcomes of the large ones (the small ones' are in expected.json).
LARGE_EXPECTED = {
    "zip_ratio_bomb.xlsx": {"refused": "Filen packas upp till mer än"},
    "zip_many_members.xlsx": {"refused": "Filen har för många delar"},
}


def expected() -> dict[str, dict]:
    return {**json.loads((CORPUS / "expected.json").read_text(encoding="utf-8")), **LARGE_EXPECTED}


def corpus() -> list[tuple[str, bytes]]:
    """Every file of the corpus: the committed ones, then the generated ones."""
    files = [(name, (CORPUS / name).read_bytes()) for name in sorted(SMALL)]
    return files + [(name, build()) for name, build in LARGE.items()]


def write_small(target: Path = CORPUS) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, build in SMALL.items():
        (target / name).write_bytes(build())


if __name__ == "__main__":
    write_small()
