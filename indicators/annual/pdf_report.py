"""The annual follow-up as a PDF, rendered from a snapshot's content with fpdf2.

Charts are drawn with fpdf2's own line primitives: no browser, the same bytes for the same
content, and a full year renders in well under a second (see README, "Årsuppföljning och
export"). Text uses DejaVu Sans so Swedish letters and the status icons print; user text
is only ever placed as plain text (fpdf2's markdown is off), never interpreted.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from indicators.rules.formatting import format_kronor, format_number
from indicators.rules.periods import period_from_code
from indicators.rules.vocabulary import GENDER_LABELS, STATUS_COLOURS, STATUS_ICONS, STATUSES

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
# Okabe–Ito: distinguishable for colour-blind readers; lines also differ by dash pattern.
SERIES_STYLE = {"T": ("#0072B2", 0.0), "K": ("#D55E00", 1.2), "M": ("#009E73", 0.4)}
TARGET_COLOUR = "#555555"
GRID_COLOUR = "#DDDDDD"
LATIN1_REPLACEMENTS = {"✔": "OK", "●": "*", "▲": "!", "✖": "X", "○": "o", "–": "-", "−": "-", "↑": "^", "↓": "v",
                       "→": "->", "·": "-", "\u00a0": " "}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class ReportPDF(FPDF):
    """A4 portrait with a Unicode font, running footer and small layout helpers."""

    def __init__(self, footer_text: str = "", created: Optional[date] = None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.unicode = all((FONT_DIR / f).exists() for f in FONT_FILES.values())
        if self.unicode:
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(FONT_DIR / name))
            self.family = "DejaVu"
        else:  # fonts-dejavu-core missing: fpdf2's core font, text reduced to Latin-1
            self.family = "helvetica"
        if created is not None:  # the document's date is the snapshot's, not the render time
            self.set_creation_date(datetime.combine(created, datetime.min.time(), tzinfo=timezone.utc))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        self.alias_nb_pages()

    # text ------------------------------------------------------------------------------
    def t(self, text: object) -> str:
        text = "" if text is None else str(text)
        if self.unicode:
            return text
        for char, plain in LATIN1_REPLACEMENTS.items():
            text = text.replace(char, plain)
        return text.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float = 10, style: str = "") -> None:
        self.set_font(self.family, style, size)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(7.5)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, self.t(f"{self.footer_text}    Sida {self.page_no()} av {{nb}}"), align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float = 15) -> None:
        if size < 15 and self.get_y() > self.t_margin + 1:
            self.ln(2.5)  # air above section headings
        self.font(size, "B")
        self.multi_cell(0, size * 0.5, self.t(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(1.5)
        self.font()

    def paragraph(self, text: str, size: float = 10, style: str = "") -> None:
        self.font(size, style)
        self.multi_cell(0, size * 0.48, self.t(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(1)
        self.font()

    def ensure_space(self, height: float) -> None:
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()

    def status_text(self, status: str, size: float = 10) -> None:
        """Icon + text, in the status colour (never colour alone)."""
        self.set_text_color(*_rgb(STATUS_COLOURS[status]))
        self.font(size, "B")
        self.cell(self.get_string_width(self.t(f"{STATUS_ICONS[status]} {status}")) + 2, size * 0.5,
                  self.t(f"{STATUS_ICONS[status]} {status}"))
        self.set_text_color(0, 0, 0)
        self.font(size)

    def simple_table(self, header: Sequence[str], rows: Sequence[Sequence[object]],
                     widths: Optional[Sequence[float]] = None, size: float = 8.5,
                     align: Optional[Sequence[str]] = None) -> None:
        self.font(size)
        self.set_fill_color(255, 255, 255)  # chart colours must not leak into the cells
        self.set_draw_color(0, 0, 0)
        with self.table(
            col_widths=widths, text_align=align or "LEFT", line_height=size * 0.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(221, 230, 240)), first_row_as_headings=True,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            table.row([self.t(h) for h in header])
            for r in rows:
                table.row([self.t(c) for c in r])
        self.ln(3)
        self.font()


# --- charts -----------------------------------------------------------------------------

def nice_range(low: float, high: float, count: int = 4) -> tuple[float, float, float]:
    """Axis limits and step on round numbers (1, 2, 2.5 or 5 times a power of ten)."""
    span = (high - low) or abs(high) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _decimals_of(step: float) -> int:
    return next(d for d in range(4) if abs(step * 10**d - round(step * 10**d)) < 1e-9 or d == 3)


def draw_chart(pdf: ReportPDF, x: float, y: float, w: float, h: float, series: dict[str, list[tuple[str, float]]],
               target: Optional[tuple[int, float]], decimals: int, unit: str) -> None:
    """A line chart: one line per gender (T solid, K/M dashed), a dashed target line."""
    points = [(period_from_code(p).position, v) for s in series.values() for p, v in s]
    if not points:
        pdf.set_xy(x, y + h / 2 - 3)
        pdf.font(9, "I")
        pdf.cell(w, 6, pdf.t("Inga värden att visa för året."), align="C")
        pdf.font()
        return
    ys = [v for _, v in points] + ([target[1]] if target else [])
    low, high, step = nice_range(min(ys), max(ys))
    if high == low:
        high = low + step
    first, last = int(min(p for p, _ in points)), int(max(p for p, _ in points)) + 1
    left, bottom = x + 16, y + h - 6  # room for the axis labels below, the legend above
    plot_w, plot_h = w - 18, h - 11

    def px(pos: float) -> float:
        return left + (pos - first) / max(last - first, 1) * plot_w

    def py(val: float) -> float:
        return bottom - (val - low) / (high - low) * plot_h

    pdf.set_line_width(0.15)
    pdf.set_draw_color(*_rgb(GRID_COLOUR))
    pdf.font(6.5)
    for i in range(int(round((high - low) / step)) + 1):
        tick = low + i * step
        pdf.line(left, py(tick), left + plot_w, py(tick))
        pdf.text(x, py(tick) + 1, pdf.t(format_number(tick, _decimals_of(step))))
    for year in range(first, last + 1):
        pdf.line(px(year), bottom, px(year), bottom + 1)
        if year < last:
            pdf.text(px(year + 0.5) - 3, bottom + 4, str(year))
    if target:
        pdf.set_draw_color(*_rgb(TARGET_COLOUR))
        pdf.set_line_width(0.35)
        pdf.set_dash_pattern(dash=1.5, gap=1.0)
        pdf.line(left, py(target[1]), left + plot_w, py(target[1]))
        pdf.set_dash_pattern()
        label = pdf.t(f"Mål {target[0]}: {format_number(target[1], decimals, unit)}")
        pdf.text(left + plot_w - pdf.get_string_width(label), py(target[1]) - 1, label)
    _draw_series(pdf, series, px, py)
    _legend(pdf, series, left, y)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.font()


def _draw_series(pdf: ReportPDF, series: dict[str, list[tuple[str, float]]], px, py) -> None:
    for gender, values in series.items():
        colour, dash = SERIES_STYLE[gender]
        coords = [(px(period_from_code(p).position), py(v)) for p, v in values]
        pdf.set_draw_color(*_rgb(colour))
        pdf.set_fill_color(*_rgb(colour))
        pdf.set_line_width(0.6 if gender == "T" else 0.4)
        if dash:
            pdf.set_dash_pattern(dash=dash, gap=0.8)
        if len(coords) > 1:
            pdf.polyline(coords)
        pdf.set_dash_pattern()
        if gender == "T":
            for cx, cy in coords:
                pdf.circle(cx, cy, 0.6, style="F")


def _legend(pdf: ReportPDF, series: dict, x: float, y: float) -> None:
    if len(series) < 2:
        return
    for gender in series:
        colour, dash = SERIES_STYLE[gender]
        pdf.set_draw_color(*_rgb(colour))
        pdf.set_line_width(0.5)
        if dash:
            pdf.set_dash_pattern(dash=dash, gap=0.8)
        pdf.line(x, y + 1, x + 6, y + 1)
        pdf.set_dash_pattern()
        pdf.text(x + 7, y + 2, pdf.t(GENDER_LABELS[gender]))
        x += 9 + pdf.get_string_width(GENDER_LABELS[gender])


# --- the annual follow-up ----------------------------------------------------------------

def _lookups(content: dict) -> dict:
    total = next((a["code"] for a in content["areas"] if a["is_total"]), None)
    series: dict[str, dict[str, list[tuple[str, float]]]] = {}
    comments: dict[str, list[tuple[str, str]]] = {}
    for v in content["values"]:
        if v["area"] != total:
            continue
        if v["value"] is not None:
            series.setdefault(v["indicator"], {}).setdefault(v["gender"], []).append((v["period"], v["value"]))
        if v["gender"] == "T" and v["comment"]:
            comments.setdefault(v["indicator"], []).append((v["period"], v["comment"]))
    return {
        "focus": {f["code"]: f for f in content["focus_areas"]},
        "orgs": {o["code"]: o["name"] for o in content["organisations"]},
        "statuses": {s["indicator"]: s for s in content["statuses"]},
        "series": series, "comments": comments,
    }


def _cover(pdf: ReportPDF, content: dict, sha256: str) -> None:
    pdf.add_page()
    pdf.ln(40)
    program = content["program"]
    pdf.heading(program.get("name", ""), 20)
    pdf.heading(f"Årsuppföljning {content['year']}", 16)
    pdf.ln(4)
    pdf.paragraph(f"Programperiod: {program.get('start_year', '')}–{program.get('end_year', '')}")
    if program.get("decision_ref"):
        pdf.paragraph(f"Beslut: {program['decision_ref']}")
    pdf.paragraph(f"Datum för årsuppföljningen: {content['snapshot_date']}")
    pdf.paragraph(f"Värden för perioder som slutar senast {content['year']}-12-31.")
    pdf.ln(4)
    pdf.paragraph("Kontrollsumma (SHA-256) för årsuppföljningens innehåll:", 9)
    pdf.paragraph(sha256, 8.5, "B")
    if content.get("demo"):
        pdf.ln(6)
        pdf.paragraph("Exempeldata – värdena är påhittade och visar bara hur uppföljningen fungerar.", 11, "B")


def _summary(pdf: ReportPDF, content: dict, lk: dict) -> None:
    pdf.add_page()
    pdf.heading("Sammanfattning per fokusområde")
    header = ["Fokusområde"] + [f"{STATUS_ICONS[s]} {s}" for s in STATUSES]
    rows = [[lk["focus"][r["focus_area"]]["name"]] + [str(r["counts"][s]) for s in STATUSES] for r in content["summary"]]
    pdf.simple_table(header, rows, widths=[54] + [20] * len(STATUSES), align=["LEFT"] + ["CENTER"] * len(STATUSES))
    pdf.paragraph("Status visas alltid med symbol och text. " + content["method"]["status_basis"], 9)


def _indicator_section(pdf: ReportPDF, ind: dict, content: dict, lk: dict) -> None:
    pdf.ensure_space(100)
    status = lk["statuses"][ind["code"]]
    pdf.font(11, "B")
    pdf.multi_cell(0, 5.5, pdf.t(f"{ind['code']} {ind['name']}"), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.status_text(status["status"], 9.5)
    latest = "inget värde" if status["value"] is None else (
        f"{format_number(status['value'], ind['decimals'], ind['unit'])} ({status['period']})")
    target = "" if status["target_year"] is None else (
        f"  ·  mål {status['target_year']}: {format_number(status['target_value'], ind['decimals'], ind['unit'])}")
    pdf.font(9)
    pdf.cell(0, 4.75, pdf.t(f"  Senaste: {latest}{target}  ·  trend: {status['trend']}  ·  "
                            f"ansvarig: {lk['orgs'].get(ind['responsible'], ind['responsible'])}"),
             new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 1
    chart_target = None if status["target_year"] is None else (status["target_year"], status["target_value"])
    draw_chart(pdf, pdf.l_margin, top, pdf.w - pdf.l_margin - pdf.r_margin, 52,
               lk["series"].get(ind["code"], {}), chart_target, ind["decimals"], ind["unit"])
    pdf.set_xy(pdf.l_margin, top + 54)
    year_comments = [(p, c) for p, c in lk["comments"].get(ind["code"], []) if period_from_code(p).year == content["year"]]
    if year_comments:
        for period, text in year_comments:
            pdf.paragraph(f"Analys {period}: {text}", 9)
    else:
        pdf.paragraph(f"Ingen analyskommentar för {content['year']}.", 9, "I")
    pdf.ln(3)


def _indicators(pdf: ReportPDF, content: dict, lk: dict) -> None:
    for area in content["focus_areas"]:
        pdf.add_page()
        pdf.heading(f"{area['number']}. {area['name']}")
        if area.get("description"):
            pdf.paragraph(area["description"], 9)
        for ind in content["indicators"]:
            if ind["focus_area"] == area["code"] and ind["active"]:
                _indicator_section(pdf, ind, content, lk)


def _actions(pdf: ReportPDF, content: dict, lk: dict) -> None:
    pdf.add_page()
    pdf.heading("Insatser")
    rows = [[a["name"], lk["focus"][a["focus_area"]]["short_name"] or lk["focus"][a["focus_area"]]["name"], a["status"],
             ", ".join(str(n) for n in a["program_goals"]), ", ".join(a["organisations"]),
             format_kronor(a["cost_estimate"]), "–" if a["priority"] is None else str(a["priority"])]
            for a in content["actions"]]
    pdf.simple_table(["Insats", "Fokusområde", "Status", "Programmål", "Ansvariga", "Kostnad", "Prio"], rows,
                     widths=[52, 28, 20, 17, 20, 25, 12], align=["LEFT"] * 5 + ["RIGHT", "CENTER"])
    total = sum(a["cost_estimate"] or 0 for a in content["actions"])
    pdf.paragraph(f"Beräknad kostnad för samtliga insatser: {format_kronor(total)}.", 9)
    boards = sorted({o for a in content["actions"] for o in a["organisations"]})
    pdf.paragraph("Ansvariga nämnder och förvaltningar: " + ", ".join(f"{o} = {lk['orgs'].get(o, o)}" for o in boards), 9)


def _responsibility(pdf: ReportPDF, content: dict, lk: dict) -> None:
    pdf.ensure_space(60)
    pdf.ln(4)
    pdf.heading("Ansvar per fokusområde")
    rows = [[lk["focus"][r["focus_area"]]["name"], lk["orgs"].get(r["organisation"], r["organisation"]),
             ", ".join(r["indicators"]) or "–", "; ".join(r["actions"]) or "–"] for r in content["responsibility"]]
    pdf.simple_table(["Fokusområde", "Organisation", "Indikatorer", "Insatser"], rows, widths=[38, 36, 34, 66])


def _method(pdf: ReportPDF, content: dict) -> None:
    method = content["method"]
    pdf.add_page()
    pdf.heading("Metod")
    pdf.paragraph(method["period_rule"], 9.5)
    pdf.paragraph(method["status_basis"], 9.5)
    for status in STATUSES:
        pdf.status_text(status, 9.5)
        pdf.font(9.5)
        pdf.multi_cell(0, 4.75, pdf.t(method["status_rule"]["texts"][status]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.5)
    pdf.ln(2)
    pdf.paragraph(method["suppression_text"], 9.5)
    pdf.paragraph("Rådata finns i CSV-filen och i Excel-filens blad Rådata (indikator;period;kön;område;värde;kommentar). "
                  "Innehållet i årsuppföljningen ändras aldrig i efterhand; rättelser syns i jämförelsen med nuläget.", 9.5)


def render(content: dict, sha256: str) -> bytes:
    pdf = ReportPDF(f"Årsuppföljning {content['year']} · {content['snapshot_date']} · {sha256[:12]}",
                    created=date.fromisoformat(content["snapshot_date"]))
    pdf.set_title(f"Årsuppföljning {content['year']}")
    lk = _lookups(content)
    _cover(pdf, content, sha256)
    _summary(pdf, content, lk)
    _indicators(pdf, content, lk)
    _actions(pdf, content, lk)
    _responsibility(pdf, content, lk)
    _method(pdf, content)
    return bytes(pdf.output())
