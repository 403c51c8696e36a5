"""The two workbook readers give the same rows: python-calamine for the common sheet,
openpyxl for the rest (formulas, positional cells, error cells, odd XML); the safety scan
decides which and refuses the same files either way."""
from __future__ import annotations

import io
import unicodedata
from datetime import datetime, time

import pytest
from openpyxl import Workbook

from indicators.files import calamine_sheet, workbook_reader
from indicators.files.sheet_scan import scan
from indicators.rules.text import control_character
from tests.utils.hostile import SHEET, SMALL, corpus, patch


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _book(*rows: list[object], formats: dict[str, str] | None = None) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    for ref, number_format in (formats or {}).items():
        workbook.active[ref].number_format = number_format
    return _save(workbook)


def _sheets() -> bytes:
    workbook = Workbook()
    workbook.active.title = "Först"
    workbook.active.append(["först"])
    hidden = workbook.create_sheet("Dold")
    hidden.append(["dold"])
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Sist").append(["sist", 2])
    workbook.active = 1  # the hidden one: the first visible is read
    return _save(workbook)


TYPES = ["text", 5, 5.5, True, datetime(2026, 3, 1), None, 1e20, -0.0, 0.1 + 0.2, time(12, 30),
         datetime(2026, 3, 1, 12, 5), 123456789012, "'=x", " kant ", "Åäö\nrad", 0]
CALAMINE = {
    "types": _book(["a", "b"], TYPES, [None], [None, "x"]),
    "offset": _book([None], [None, None, "c3"], [], [None, 7.25]),
    "percent": _book(["h1", "h2"], [0.369, 0.25], [1, "t"], formats={"A2": "0.0%", "A3": "0%", "B2": "0.00"}),
    "sheets": _sheets(),
    "numbers": _book(*[[0.1 * i, i, -i * 1.5, 1 / 3, 2 ** 53, 1e-7] for i in range(30)]),
}
OPENPYXL = {
    "formula": _book(["a"], ["=1+1"], [3]),
    "positional cells": patch(_book(["a", "b"], [1, 2]), SHEET, lambda xml: xml.replace(b' r="B2"', b"")),
    "error cell": patch(_book(["a"], [1]), SHEET,
                        lambda xml: xml.replace(b'<c r="A2" t="n"><v>1</v>', b'<c r="A2" t="e"><v>#DIV/0!</v>')),
    "styled cell beyond AN": patch(_book(["a"], [1]), SHEET,
                                   lambda xml: xml.replace(b"</row>", b'<c r="AZ1" s="0"/></row>', 1)),
}


def _read(data: bytes, monkeypatch) -> tuple[object, list[bool]]:
    used: list[bool] = []
    real = calamine_sheet.read

    def spy(*args):
        read = real(*args)
        used.append(read is not None)
        return read

    monkeypatch.setattr(calamine_sheet, "read", spy)
    try:
        return workbook_reader.read_sheet(data, "Värden"), used
    except workbook_reader.FileRefused as exc:
        return str(exc), used


def _openpyxl(data: bytes) -> object:
    try:
        return workbook_reader._read_openpyxl(data, "Värden", scan(data))
    except workbook_reader.FileRefused as exc:
        return str(exc)
    except Exception:  # as read_sheet answers for a damaged file
        return workbook_reader.CORRUPT


@pytest.mark.parametrize("name", CALAMINE)
def test_python_calamine_reads_the_common_sheet_exactly_as_openpyxl(name, monkeypatch):
    read, used = _read(CALAMINE[name], monkeypatch)
    assert used == [True]
    assert read == _openpyxl(CALAMINE[name])


def test_the_details_the_readers_must_agree_on():
    read = workbook_reader.read_sheet(CALAMINE["percent"])
    assert read.percent == [(2, 0), (3, 0)] and read.rows[1][1][:2] == [36.9, 0.25]
    read = workbook_reader.read_sheet(CALAMINE["types"])
    assert read.rows[1][1][1:4] == [5, 5.5, True] and type(read.rows[1][1][1]) is int
    assert read.dates == [(2, 4), (2, 9), (2, 10)] and len(read.rows[1][1]) == workbook_reader.MAX_COLUMNS
    assert [number for number, _ in workbook_reader.read_sheet(CALAMINE["offset"]).rows] == [2, 4]
    assert workbook_reader.read_sheet(CALAMINE["sheets"]).sheet == "Sist"


@pytest.mark.parametrize("name", OPENPYXL)
def test_everything_else_is_read_by_openpyxl(name, monkeypatch):
    read, used = _read(OPENPYXL[name], monkeypatch)
    assert used == []
    assert read == _openpyxl(OPENPYXL[name])


XLSX_CORPUS = [(name, data) for name, data in corpus() if name.endswith(".xlsx") and name in SMALL]


@pytest.mark.parametrize("name, data", XLSX_CORPUS, ids=[name for name, _ in XLSX_CORPUS])
def test_the_hostile_corpus_gets_the_same_answer_from_both_readers(name, data, monkeypatch):
    read, _ = _read(data, monkeypatch)
    assert read == _openpyxl(data)


def test_the_fast_scan_refuses_a_row_of_too_many_cells_and_a_row_beyond_the_cap():
    cells = b"".join(b'<c r="A2"><v>1</v></c>' for _ in range(workbook_reader.MAX_CELLS_PER_ROW + 1))
    wide = patch(_book(["a"], [1]), SHEET, lambda xml: xml.replace(b'<row r="2">', b'<row r="2">' + cells, 1))
    with pytest.raises(workbook_reader.FileRefused, match="fler än 1000 celler"):
        workbook_reader.read_sheet(wide)
    far = patch(_book(["a"], [1]), SHEET, lambda xml: xml.replace(b'r="2"', b'r="25001"').replace(b'"A2"', b'"A25001"'))
    with pytest.raises(workbook_reader.FileRefused, match="rader efter rad 25"):
        workbook_reader.read_sheet(far)


def test_a_malformed_part_other_than_a_sheet_is_refused_as_damaged():
    broken = patch(_book(["a"], [1]), "xl/styles.xml", lambda xml: xml[:-20])
    with pytest.raises(workbook_reader.FileRefused, match="skadad"):
        workbook_reader.read_sheet(broken)


def test_control_characters_are_exactly_unicodes_category_cc():
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    control = {c for c in every if unicodedata.category(c) == "Cc"}
    assert {c for c in every if control_character(f"a{c}b")} == control
    assert {c for c in every if control_character(f"a{c}b", allow_line_breaks=True)} == control - {"\n", "\r"}
