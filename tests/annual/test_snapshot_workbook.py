"""The årsuppföljning workbook is streamed: raw data past one sheet's row limit continues on
"Rådata 1", "Rådata 2", … (each an Excel table right under its header), numbers keep every
digit, and the same content gives the same bytes."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from indicators.annual import content_builder, xlsx_report
from indicators.unit_of_work import UnitOfWork
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR

DAY = date(2026, 11, 22)


def test_raw_data_beyond_a_sheets_row_limit_is_split_across_sheets(demo_engine, monkeypatch):
    content = content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY)
    values = content["values"]
    per_sheet = len(values) // 3 + 1  # three sheets: two full, one with the rest
    monkeypatch.setattr(xlsx_report, "SHEET_ROWS", per_sheet + 1)
    book = load_workbook(io.BytesIO(xlsx_report.render(content, "0" * 64)))
    raw = [ws for ws in book.worksheets if ws.title.startswith("Rådata")]
    assert [ws.title for ws in raw] == ["Rådata 1", "Rådata 2", "Rådata 3"]
    assert [ws.max_row - 1 for ws in raw] == [per_sheet, per_sheet, len(values) - 2 * per_sheet]
    rows = [[c.value for c in row[:2]] for ws in raw for row in ws.iter_rows(min_row=2)]
    assert rows == [[v["indicator"], v["period"]] for v in values]
    for ws in raw:
        assert [c.value for c in ws[1]] == xlsx_report.RAW_HEADER and ws.freeze_panes == "A2"
        (table,) = ws.tables.values()
        assert table.ref == f"A1:F{ws.max_row}"
    assert book.sheetnames[-2:] == ["Insatser", "Ansvar"]


def test_workbook_keeps_every_digit_and_the_same_bytes(demo_engine):
    content = content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY)
    exact = 0.1 + 0.2  # 0.30000000000000004: 17 significant digits
    content["values"][0]["value"] = exact
    data = xlsx_report.render(content, "0" * 64)
    assert data == xlsx_report.render(content, "0" * 64)
    raw = load_workbook(io.BytesIO(data))["Rådata"]
    assert raw["E2"].value == exact
    assert xlsx_report.raw_sheet_names(xlsx_report.SHEET_ROWS - 1) == ["Rådata"]
    assert xlsx_report.raw_sheet_names(xlsx_report.SHEET_ROWS) == ["Rådata 1", "Rådata 2"]


def test_canonical_json_is_json_dumps_byte_for_byte(demo_engine, monkeypatch):
    import json

    content = content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY)
    content["comments"].append({"indicator": "X", "period": "2025", "gender": "T", "area": "HELA",
                                "text": "citat \" och \\u0000values\\u0000 och ”typografiska” tecken"})
    expected = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    monkeypatch.setattr(content_builder, "_CHUNK", 7)  # many chunks, and a last one that is not full
    assert len(content["values"]) % 7 and content_builder.canonical_json(content) == expected
    assert content_builder.canonical_json({**content, "values": [], "comments": []}) == json.dumps(
        {**content, "values": [], "comments": []}, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
