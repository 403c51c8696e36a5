"""The annual follow-up as an Excel workbook, rendered from a snapshot's content.

Streamed: XlsxWriter in constant-memory mode writes each row to a temporary file as it goes,
so memory stays flat however many values the year has, and the raw data beyond one sheet's
row limit (1 048 576 rows, header included) continues on the next sheet: "Rådata 1",
"Rådata 2", … (one sheet "Rådata" when it fits).

Every text cell that can hold user text goes through ``safety.neutralise`` and is written as
text, never as a formula or a link. Numbers are real numbers with a number format (Excel
shows them with the reader's own decimal comma and digit grouping) at full precision. The
workbook's dates are the snapshot's, and XlsxWriter's zip entries carry a fixed time, so the
same content gives the same bytes.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime
from itertools import islice
from typing import Iterable, Iterator, Optional, Sequence

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.worksheet import Worksheet

from indicators.annual.raw_data import long_cells  # the one long-format view of the content
from indicators.files.safety import neutralise
from indicators.rules.periods import period_from_code
from indicators.rules.vocabulary import DIRECTION_LABELS, STATUS_ICONS, STATUSES, label

HEADER_FILL = "#DDE6F0"
MAX_WIDTH = 60
MIN_WIDTH = 8
SHEET_ROWS = 1_048_576  # Excel's row limit per sheet, header row included
RAW_HEADER = ["indikator", "period", "kön", "område", "värde", "kommentar"]


def number_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def sheet_title(name: str) -> str:
    return re.sub(r"[\\/?*\[\]:]", "-", name)[:31]


class _ExactWorksheet(Worksheet):
    """XlsxWriter writes numbers with 16 significant digits; a stored value keeps all of its
    digits (the shortest text that reads back as the same float)."""

    def _xml_number_element(self, number, attributes=()) -> None:
        attr = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
        self.fh.write(f"<c{attr}><v>{number!r}</v></c>")

    def stream_rows(self, first_row: int, rows: Iterable[tuple[Sequence, Format]], columns: int) -> int:
        """Rows of text and numbers (None: an empty cell), each with the number format of its
        numbers, written straight into the streamed sheet's XML from ``first_row`` on: the
        cells write_string and write_number give, without their per-cell bookkeeping (the raw
        data is most of the workbook). Returns the row after the last one written."""
        self._write_single_row(first_row)  # the rows before (the header) go out first
        letters = [xl_col_to_name(col) for col in range(columns)]
        styles: dict[Format, str] = {}
        texts: dict[str, str] = {}  # each distinct text escaped once (codes, periods and areas repeat)
        parts: list[str] = []  # written a few thousand rows at a time
        append = parts.append
        number = first_row
        for cells, fmt in rows:
            number += 1
            if fmt not in styles:
                styles[fmt] = f' s="{fmt._get_xf_index()}"'
            append(f'<row r="{number}">')
            for col, value in enumerate(cells):
                if value is None:
                    continue
                if isinstance(value, str):
                    if (xml := texts.get(value)) is None:
                        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
                        xml = texts[value] = f'<is><t{space}>{self._escape_data(self._escape_control_characters(value))}</t></is>'
                    append(f'<c r="{letters[col]}{number}" t="inlineStr">{xml}</c>')
                else:
                    append(f'<c r="{letters[col]}{number}"{styles[fmt]}><v>{value!r}</v></c>')
            append("</row>")
            if len(parts) > 20_000:
                self.fh.write("".join(parts))
                parts.clear()
        self.fh.write("".join(parts))
        if number > first_row:
            self._check_dimensions(first_row, 0)
            self._check_dimensions(number - 1, columns - 1)
        self.previous_row = number
        return number


class _Sheet:
    """One worksheet written row by row; column widths follow the longest text written."""

    def __init__(self, book: "_Book", title: str, width_from_row: int = 0):
        self.book = book
        self.ws = book.wb.add_worksheet(title, worksheet_class=_ExactWorksheet)
        self.row = 0
        self.widths: dict[int, int] = {}
        self.width_from_row = width_from_row

    def append(self, values: Iterable, formats: Optional[dict[int, Format]] = None, row_format: Optional[Format] = None) -> None:
        formats = formats or {}
        for col, value in enumerate(values):
            fmt = formats.get(col, row_format)
            if value is None:
                if fmt is not None:
                    self.ws.write_blank(self.row, col, None, fmt)
                continue
            if not isinstance(value, (int, float, date, str)):
                value = str(value)
            if isinstance(value, bool):
                self.ws.write_boolean(self.row, col, value, fmt)
            elif isinstance(value, str):
                self.ws.write_string(self.row, col, neutralise(value), fmt)
            elif isinstance(value, date):
                self.ws.write_datetime(self.row, col, datetime.combine(value, datetime.min.time()), fmt)
            else:
                self.ws.write_number(self.row, col, value, fmt)
            if self.row >= self.width_from_row:
                text = value if isinstance(value, str) else str(value)
                longest = max((len(line) for line in text.splitlines()), default=0)
                self.widths[col] = max(self.widths.get(col, MIN_WIDTH), min(longest + 2, MAX_WIDTH))
        self.row += 1

    def header(self, names: list[str], rows: Optional[int] = None) -> None:
        """The header row, frozen; with ``rows`` (the data rows that follow) an Excel table over
        header and rows, so filters, sorting and pivots take all of it."""
        if rows:
            # XlsxWriter refuses tables in constant-memory mode only because add_table() writes
            # the header cells itself; declaring the table first and then writing the header
            # in streamed form (below) keeps the file valid and the memory flat. It is declared
            # over the header and one row and then given its whole range: add_table() records
            # every cell of its range to check for overlaps (one table per sheet here), which
            # for the raw data would be millions of entries.
            self.ws.constant_memory = 0
            name = "Tabell_" + "".join(ch if ch.isalnum() else "_" for ch in self.ws.name)
            self.ws.add_table(self.row, 0, self.row + 1, len(names) - 1, {
                "name": name, "style": "Table Style Light 9", "columns": [{"header": n} for n in names]})
            self.ws.constant_memory = 1
            table, whole = self.ws.tables[-1], xl_range(self.row, 0, self.row + rows, len(names) - 1)
            table.update({key: whole for key in ("range", "a_range", "autofilter") if key in table})
        self.append(names, row_format=self.book.header)
        self.ws.freeze_panes(self.row, 0)

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, width)


class _Book:
    def __init__(self, out: io.BytesIO, content: dict):
        self.wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
        stamp = datetime.combine(date.fromisoformat(content["snapshot_date"]), datetime.min.time())
        # The snapshot's date, not the render time: the same snapshot gives the same bytes.
        self.wb.set_properties({"title": f"Årsuppföljning {content['year']}", "created": stamp})
        self.header = self.wb.add_format({"bold": True, "bg_color": HEADER_FILL, "text_wrap": True, "valign": "top"})
        self.bold = self.wb.add_format({"bold": True})
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        self._formats: dict[str, Format] = {}

    def number(self, pattern: str) -> Format:
        if pattern not in self._formats:
            self._formats[pattern] = self.wb.add_format({"num_format": pattern})
        return self._formats[pattern]


def _lookups(content: dict) -> dict:
    return {
        "areas": {a["code"]: a["name"] for a in content["areas"]},
        "orgs": {o["code"]: o["name"] for o in content["organisations"]},
        "focus": {f["code"]: f for f in content["focus_areas"]},
        "indicators": {i["code"]: i for i in content["indicators"]},
        "statuses": {s["indicator"]: s for s in content["statuses"]},
        "goals": {g["number"]: g["name"] for g in content["program_goals"]},
    }


def _summary_sheet(book: _Book, content: dict, sha256: str) -> None:
    sheet = _Sheet(book, "Sammanfattning", width_from_row=3)
    lk = _lookups(content)
    sheet.append([f"Årsuppföljning {content['year']} – {content['program'].get('name', '')}"], row_format=book.title)
    sheet.append([f"Datum: {content['snapshot_date']}    SHA-256: {sha256}"])
    sheet.append(["Exempeldata – värdena är påhittade." if content.get("demo") else ""])
    sheet.append([])
    sheet.header(["Fokusområde"] + [f"{STATUS_ICONS[s]} {s}" for s in STATUSES] + ["Indikatorer"])
    totals = [0] * len(STATUSES)
    for row in content["summary"]:
        counts = [row["counts"][s] for s in STATUSES]
        totals = [a + b for a, b in zip(totals, counts)]
        sheet.append([lk["focus"][row["focus_area"]]["name"]] + counts + [sum(counts)])
    sheet.append(["Totalt"] + totals + [sum(totals)], row_format=book.bold)
    sheet.append([])
    method = content["method"]
    sheet.append(["Metod"], row_format=book.bold)
    for line in [method["status_basis"], method["period_rule"], method["suppression_text"]]:
        sheet.append([line])
    for status in STATUSES:
        sheet.append([f"{STATUS_ICONS[status]} {status}: {method['status_rule']['texts'][status]}"])
    sheet.widths[0] = 34
    sheet.finish()


def _focus_sheet(book: _Book, area: dict, content: dict, lk: dict, comments: dict[str, str]) -> None:
    sheet = _Sheet(book, sheet_title(area["name"]))
    indicators = [i for i in content["indicators"] if i["focus_area"] == area["code"] and i["active"]]
    sheet.header(["Kod", "Indikator", "Enhet", "Ansvarig", "Period", "Värde", "Föregående värde", "Trend",
                  "Status", "Målår", "Målvärde", "Utgångsläge", "Utgångsvärde", "Riktning", "Programmål", "Analys"],
                 rows=len(indicators))
    for ind in indicators:
        s = lk["statuses"][ind["code"]]
        fmt = book.number(number_format(ind["decimals"]))
        sheet.append([
            ind["code"], ind["name"], ind["unit"], ind["responsible"], _period(s["period"]), s["value"], s["previous_value"],
            s["trend"], f"{STATUS_ICONS[s['status']]} {s['status']}", s["target_year"], s["target_value"],
            ind["baseline_period"] or "", ind["baseline_value"], label(DIRECTION_LABELS, ind["direction"]),
            ", ".join(f"{n}. {lk['goals'].get(n, '')}" for n in ind["program_goals"]), comments.get(ind["code"], ""),
        ], {5: fmt, 6: fmt, 10: fmt, 12: fmt})
    sheet.finish()


def _latest_total_comments(content: dict) -> dict[str, str]:
    """Per indicator, the comment on its newest whole-municipality total value (if any)."""
    total = next((a["code"] for a in content["areas"] if a["is_total"]), None)
    out: dict[str, str] = {}
    for v in content["values"]:  # ordered by period, so the newest comment wins
        if v["area"] == total and v["gender"] == "T" and v["comment"]:
            out[v["indicator"]] = f"{_period(v['period'])}: {v['comment']}"
    return out


def raw_sheet_names(count: int) -> list[str]:
    """The raw-data sheets for ``count`` values: "Rådata", or "Rådata 1", "Rådata 2", … when
    the values pass one sheet's row limit."""
    per_sheet = SHEET_ROWS - 1
    sheets = max(1, -(-count // per_sheet))
    return ["Rådata"] if sheets == 1 else [f"Rådata {n}" for n in range(1, sheets + 1)]


def _raw_cells(rows: Iterable[tuple], formats: dict[str, Format], general: Format,
               widths: list[int]) -> Iterator[tuple[tuple, Format]]:
    """The raw-data rows (``long_cells``) as cells (text neutralised, the value as a number in
    its indicator's format), keeping the widest text of each column in ``widths``."""
    seen: list[dict[str, str]] = [{} for _ in widths]  # per column: each distinct text checked once

    def text(col: int, value: str) -> Optional[str]:
        if (safe := seen[col].get(value)) is None:
            safe = seen[col][value] = neutralise(value)
            longest = max(map(len, safe.splitlines()), default=0)
            widths[col] = max(widths[col], min(longest + 2, MAX_WIDTH))
        return safe or None

    for code, period, gender, area, value, comment in rows:
        if value is not None and len(str(value)) + 2 > widths[4]:
            widths[4] = min(len(str(value)) + 2, MAX_WIDTH)
        yield ((text(0, code), text(1, period), text(2, gender), text(3, area), value, text(5, comment)),
               formats.get(code, general))


def _raw_sheets(book: _Book, content: dict, lk: dict) -> None:
    formats = {code: book.number(number_format(ind["decimals"])) for code, ind in lk["indicators"].items()}
    general = book.number("General")
    rows = long_cells(content)
    left = len(content["values"])
    for name in raw_sheet_names(left):
        count = min(left, SHEET_ROWS - 1)
        left -= count
        sheet = _Sheet(book, name)
        sheet.header(RAW_HEADER, rows=count)
        widths = [sheet.widths.get(col, MIN_WIDTH) for col in range(len(RAW_HEADER))]
        sheet.row = sheet.ws.stream_rows(sheet.row, _raw_cells(islice(rows, count), formats, general, widths),
                                         len(RAW_HEADER))
        sheet.widths.update(enumerate(widths))
        sheet.finish()


def _actions_sheet(book: _Book, content: dict, lk: dict) -> None:
    sheet = _Sheet(book, "Insatser")
    sheet.header(["Insats", "Fokusområde", "Status", "Programmål", "Ansvariga", "Kostnad (kr)", "Prioritet",
                  "Start", "Slut", "Indikatorer", "Beskrivning"], rows=len(content["actions"]))
    day = book.number("yyyy-mm-dd")
    for a in content["actions"]:
        sheet.append([
            a["name"], lk["focus"][a["focus_area"]]["name"], a["status"],
            ", ".join(f"{n}. {lk['goals'].get(n, '')}" for n in a["program_goals"]),
            ", ".join(lk["orgs"].get(o, o) for o in a["organisations"]), a["cost_estimate"], a["priority"],
            _date(a["start_date"]), _date(a["end_date"]), ", ".join(a["indicators"]), a["description"],
        ], {5: book.number("#,##0"), 7: day, 8: day})
    sheet.finish()


def _responsibility_sheet(book: _Book, content: dict, lk: dict) -> None:
    sheet = _Sheet(book, "Ansvar")
    sheet.header(["Fokusområde", "Organisation", "Indikatorer (ansvarig)", "Insatser (deltar)"],
                 rows=len(content["responsibility"]))
    for r in content["responsibility"]:
        sheet.append([lk["focus"][r["focus_area"]]["name"], lk["orgs"].get(r["organisation"], r["organisation"]),
                      ", ".join(r["indicators"]), "; ".join(r["actions"])])
    sheet.finish()


def _period(code: Optional[str]) -> str:
    return period_from_code(code).label if code else ""


def _date(text: Optional[str]) -> Optional[date]:
    return date.fromisoformat(text) if text else None


def render(content: dict, sha256: str) -> bytes:
    out = io.BytesIO()
    book = _Book(out, content)
    lk = _lookups(content)
    _summary_sheet(book, content, sha256)
    comments = _latest_total_comments(content)
    for area in content["focus_areas"]:
        _focus_sheet(book, area, content, lk, comments)
    _raw_sheets(book, content, lk)
    _actions_sheet(book, content, lk)
    _responsibility_sheet(book, content, lk)
    book.wb.close()
    return out.getvalue()
