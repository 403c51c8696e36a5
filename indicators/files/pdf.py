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

from indicators.rules.vocabulary import STATUS_COLOURS, STATUS_ICONS


LATIN1_REPLACEMENTS = {"✔": "OK", "●": "*", "▲": "!", "✖": "X", "○": "o", "–": "-", "−": "-", "↑": "^", "↓": "v",
                       "→": "->", "·": "-", "\u00a0": " "}

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


# Okabe–Ito: distinguishable for colour-blind readers; lines also differ by dash pattern.


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
