"""The Excel export: Swedish headers, real numbers and neutralised text."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from indicators.files.long_format import long_rows
from indicators.files.xlsx import to_xlsx_bytes
from indicators.views import indicator_detail
from indicators.unit_of_work import UnitOfWork


def test_xlsx_has_swedish_headers_numbers_and_neutralised_text():
    rows = [{"indikator": "X01", "period": "2024", "kön": "T", "område": "Hela kommunen", "värde": "12,5",
             "kommentar": "=HYPERLINK(\"http://x\")"},
            {"indikator": "X01", "period": "2024", "kön": "K", "område": "Landsbygd", "värde": "", "kommentar": "dold"}]
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(rows))).active
    assert [c.value for c in sheet[1]] == ["Indikator", "Period", "Kön", "Område", "Värde", "Kommentar"]
    assert sheet["E2"].value == 12.5 and sheet["E2"].data_type == "n"
    assert sheet["F2"].value.startswith("'=") and sheet["F2"].data_type == "s"
    assert sheet["E3"].value is None


def test_xlsx_of_demo_indicator_matches_csv_rows(demo_engine):
    detail = indicator_detail.indicator_detail(UnitOfWork(demo_engine), "UTB06")
    rows = long_rows(UnitOfWork(demo_engine), indicator_ids=[int(detail["indicator"]["id"])])
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(rows))).active
    assert sheet.max_row == len(rows) + 1
    numbers = [c.value for c in sheet["E"][1:] if c.value is not None]
    assert numbers and all(isinstance(v, (int, float)) for v in numbers)
