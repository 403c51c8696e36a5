"""PDF documents in Swedish: a tagged-ready FPDF base with DejaVu fonts, tables and
line charts drawn with fpdf2 (no browser, deterministic). Used by the annual
follow-up and the meeting documents."""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from indicators.rules.formatting import format_number
from indicators.rules.periods import period_from_code
from indicators.rules.vocabulary import GENDER_LABELS, STATUS_COLOURS, STATUS_ICONS


LATIN1_REPLACEMENTS = {"✔": "OK", "●": "*", "▲": "!", "✖": "X", "○": "o", "–": "-", "−": "-", "↑": "^", "↓": "v",
                       "→": "->", "·": "-", "\u00a0": " "}

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


# Okabe–Ito: distinguishable for colour-blind readers; lines also differ by dash pattern.
SERIES_STYLE = {"T": ("#0072B2", 0.0), "K": ("#D55E00", 1.2), "M": ("#009E73", 0.4)}


TARGET_COLOUR = "#555555"


GRID_COLOUR = "#DDDDDD"


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


def nice_range(low: float, high: float, count: int = 4) -> tuple[float, float, float]:
    """Axis limits and step on round numbers (1, 2, 2.5 or 5 times a power of ten)."""
    span = (high - low) or abs(high) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _decimals_of(step: float) -> int:
    return next(d for d in range(4) if abs(step * 10**d - round(step * 10**d)) < 1e-9 or d == 3)


def draw_sparkline(pdf: ReportPDF, x: float, y: float, w: float, h: float, values: Sequence[float],
                   colour: str = "#0072B2") -> None:
    """A small chart without axes: one line, the newest point marked (the meeting Underlag)."""
    if not values:
        return
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = w / max(len(values) - 1, 1)
    coords = [(x + i * step, y + h - (v - low) / span * h) for i, v in enumerate(values)]
    pdf.set_draw_color(*_rgb(colour))
    pdf.set_fill_color(*_rgb(colour))
    pdf.set_line_width(0.5)
    if len(coords) > 1:
        pdf.polyline(coords)
    pdf.circle(coords[-1][0], coords[-1][1], 0.9, style="F")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_line_width(0.2)


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

