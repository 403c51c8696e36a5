"""The limits an uploaded workbook must keep, the checks made before anything is inflated
(the upload's size, the zip directory) and the shape of what a reader returns; shared by
the safety scan (``sheet_scan``), the two readers (``calamine_sheet`` and openpyxl in
``workbook_reader``) and the doors that take a workbook."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

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
LAST_COLUMN = b"AN"  # column MAX_COLUMNS; a value beyond it refuses the file, never ignored
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


def too_many_rows(limit: int, beyond: bool = False) -> str:
    what = f"rader efter rad {limit:,}" if beyond else f"fler än {limit:,} rader"
    return f"Filen har {what}; dela upp den i flera filer.".replace(",", "\u00a0")


def too_wide(letters: str, row: int) -> str:
    return (f"Rad {row}, kolumn {letters}: bara de första {MAX_COLUMNS} kolumnerna (A–{LAST_COLUMN.decode()}) "
            "läses, men här finns ett värde; ta bort det eller flytta det till ett eget blad.")
