"""The annual follow-up as an Excel workbook, rendered from a snapshot's content.

Every text cell that can hold user text goes through ``safety.neutralise`` (openpyxl would
otherwise store a string starting with '=' as a formula). Numbers are real numbers with a
number format; Excel shows them with the reader's own decimal comma and digit grouping.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Iterable, Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from indicators.annual.content_builder import long_rows  # the one long-format view of the content
from indicators.files.safety import neutralise
from indicators.rules.periods import period_from_code
from indicators.rules.vocabulary import DIRECTION_LABELS, STATUS_ICONS, STATUSES, label

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TITLE_FONT = Font(bold=True, size=14)
MAX_WIDTH = 60


def number_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def sheet_title(name: str) -> str:
    return re.sub(r"[\\/?*\[\]:]", "-", name)[:31]


def _cell_value(value):
    return neutralise(value) if isinstance(value, str) else value


def _append(ws: Worksheet, values: Iterable, formats: Optional[dict[int, str]] = None) -> None:
    ws.append([_cell_value(v) for v in values])
    row = ws._current_row  # ws.max_row scans every cell: too slow per appended row
    for col, fmt in (formats or {}).items():
        ws.cell(row=row, column=col).number_format = fmt


def _header(ws: Worksheet, names: list[str]) -> None:
    _append(ws, names)
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    # A coordinate, not ws.cell(): asking for the cell below would create it, and the data
    # would then start one row further down, leaving an empty row under the header.
    ws.freeze_panes = f"A{ws.max_row + 1}"


def _as_table(ws: Worksheet, header_row: int = 1) -> None:
    """The header and its rows as an Excel table, so filters, sorting and pivots take all of it."""
    if ws.max_row <= header_row:
        return
    name = "Tabell_" + "".join(ch if ch.isalnum() else "_" for ch in ws.title)
    table = Table(displayName=name, ref=f"A{header_row}:{get_column_letter(ws.max_column)}{ws.max_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)


def _widths(ws: Worksheet, minimum: int = 8) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and not (cell.row <= 3 and ws.title == "Sammanfattning"):
                longest = max(len(line) for line in str(cell.value).splitlines() or [""])
                widths[cell.column] = max(widths.get(cell.column, minimum), min(longest + 2, MAX_WIDTH))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def _lookups(content: dict) -> dict:
    return {
        "areas": {a["code"]: a["name"] for a in content["areas"]},
        "orgs": {o["code"]: o["name"] for o in content["organisations"]},
        "focus": {f["code"]: f for f in content["focus_areas"]},
        "indicators": {i["code"]: i for i in content["indicators"]},
        "statuses": {s["indicator"]: s for s in content["statuses"]},
        "goals": {g["number"]: g["name"] for g in content["program_goals"]},
    }


def _summary_sheet(ws: Worksheet, content: dict, sha256: str, lk: dict) -> None:
    ws.title = "Sammanfattning"
    _append(ws, [f"Årsuppföljning {content['year']} – {content['program'].get('name', '')}"])
    ws["A1"].font = TITLE_FONT
    _append(ws, [f"Datum: {content['snapshot_date']}    SHA-256: {sha256}"])
    _append(ws, ["Exempeldata – värdena är påhittade." if content.get("demo") else ""])
    _append(ws, [])
    _header(ws, ["Fokusområde"] + [f"{STATUS_ICONS[s]} {s}" for s in STATUSES] + ["Indikatorer"])
    totals = [0] * len(STATUSES)
    for row in content["summary"]:
        counts = [row["counts"][s] for s in STATUSES]
        totals = [a + b for a, b in zip(totals, counts)]
        _append(ws, [lk["focus"][row["focus_area"]]["name"]] + counts + [sum(counts)])
    _append(ws, ["Totalt"] + totals + [sum(totals)])
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
    _append(ws, [])
    method = content["method"]
    _append(ws, ["Metod"])
    ws.cell(row=ws.max_row, column=1).font = HEADER_FONT
    for line in [method["status_basis"], method["period_rule"], method["suppression_text"]]:
        _append(ws, [line])
    for status in STATUSES:
        _append(ws, [f"{STATUS_ICONS[status]} {status}: {method['status_rule']['texts'][status]}"])
    _widths(ws)
    ws.column_dimensions["A"].width = 34


def _focus_sheet(wb: Workbook, area: dict, content: dict, lk: dict) -> None:
    ws = wb.create_sheet(sheet_title(area["name"]))
    _header(ws, ["Kod", "Indikator", "Enhet", "Ansvarig", "Period", "Värde", "Föregående värde", "Trend",
                 "Status", "Målår", "Målvärde", "Utgångsläge", "Utgångsvärde", "Riktning", "Programmål", "Analys"])
    comments = _latest_total_comments(content)
    for ind in content["indicators"]:
        if ind["focus_area"] != area["code"] or not ind["active"]:
            continue
        s = lk["statuses"][ind["code"]]
        fmt = number_format(ind["decimals"])
        _append(ws, [
            ind["code"], ind["name"], ind["unit"], ind["responsible"], _period(s["period"]), s["value"], s["previous_value"],
            s["trend"], f"{STATUS_ICONS[s['status']]} {s['status']}", s["target_year"], s["target_value"],
            ind["baseline_period"] or "", ind["baseline_value"], label(DIRECTION_LABELS, ind["direction"]),
            ", ".join(f"{n}. {lk['goals'].get(n, '')}" for n in ind["program_goals"]), comments.get(ind["code"], ""),
        ], {6: fmt, 7: fmt, 11: fmt, 13: fmt})
    _as_table(ws)
    _widths(ws)


def _latest_total_comments(content: dict) -> dict[str, str]:
    """Per indicator, the comment on its newest whole-municipality total value (if any)."""
    total = next((a["code"] for a in content["areas"] if a["is_total"]), None)
    out: dict[str, str] = {}
    for v in content["values"]:  # ordered by period, so the newest comment wins
        if v["area"] == total and v["gender"] == "T" and v["comment"]:
            out[v["indicator"]] = f"{_period(v['period'])}: {v['comment']}"
    return out


def _raw_sheet(wb: Workbook, content: dict, lk: dict) -> None:

    ws = wb.create_sheet("Rådata")
    _header(ws, ["indikator", "period", "kön", "område", "värde", "kommentar"])
    formats = {code: number_format(ind["decimals"]) for code, ind in lk["indicators"].items()}
    for row, v in zip(long_rows(content), content["values"]):
        _append(ws, [row["indikator"], row["period"], row["kön"], row["område"], v["value"], row["kommentar"]],
                {5: formats.get(v["indicator"], "General")})
    _as_table(ws)
    _widths(ws)


def _actions_sheet(wb: Workbook, content: dict, lk: dict) -> None:
    ws = wb.create_sheet("Insatser")
    _header(ws, ["Insats", "Fokusområde", "Status", "Programmål", "Ansvariga", "Kostnad (kr)", "Prioritet",
                 "Start", "Slut", "Indikatorer", "Beskrivning"])
    for a in content["actions"]:
        _append(ws, [
            a["name"], lk["focus"][a["focus_area"]]["name"], a["status"],
            ", ".join(f"{n}. {lk['goals'].get(n, '')}" for n in a["program_goals"]),
            ", ".join(lk["orgs"].get(o, o) for o in a["organisations"]), a["cost_estimate"], a["priority"],
            _date(a["start_date"]), _date(a["end_date"]), ", ".join(a["indicators"]), a["description"],
        ], {6: "#,##0", 8: "yyyy-mm-dd", 9: "yyyy-mm-dd"})
    _as_table(ws)
    _widths(ws)


def _responsibility_sheet(wb: Workbook, content: dict, lk: dict) -> None:
    ws = wb.create_sheet("Ansvar")
    _header(ws, ["Fokusområde", "Organisation", "Indikatorer (ansvarig)", "Insatser (deltar)"])
    for r in content["responsibility"]:
        _append(ws, [lk["focus"][r["focus_area"]]["name"], lk["orgs"].get(r["organisation"], r["organisation"]),
                     ", ".join(r["indicators"]), "; ".join(r["actions"])])
    _as_table(ws)
    _widths(ws)


def _period(code: Optional[str]) -> str:
    return period_from_code(code).label if code else ""


def _date(text: Optional[str]) -> Optional[date]:
    return date.fromisoformat(text) if text else None


def render(content: dict, sha256: str) -> bytes:
    wb = Workbook()
    lk = _lookups(content)
    stamp = datetime.combine(date.fromisoformat(content["snapshot_date"]), datetime.min.time())
    wb.properties.created = wb.properties.modified = stamp  # the snapshot's date, not the render time
    wb.properties.title = f"Årsuppföljning {content['year']}"
    _summary_sheet(wb.active, content, sha256, lk)
    for area in content["focus_areas"]:
        _focus_sheet(wb, area, content, lk)
    _raw_sheet(wb, content, lk)
    _actions_sheet(wb, content, lk)
    _responsibility_sheet(wb, content, lk)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
