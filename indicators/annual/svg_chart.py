"""Line charts as SVG drawn on the server: no chart script, no CDN, the same bytes for the
same data. Each chart carries a title and a description for screen readers; the page puts
the same numbers in a data table right after it (a chart is never the only way to read them).
"""
from __future__ import annotations

import math
from html import escape
from typing import Optional, Sequence

from indicators.rules.formatting import format_number

WIDTH, HEIGHT = 640, 300
COMPACT_HEIGHT = 220  # the print version: lower, three value lines, at most five period labels
LEFT, RIGHT, TOP, BOTTOM = 64, 28, 40, 40
# Okabe–Ito colours with at least 4.5:1 contrast on white; dashes tell the series apart without colour.
SERIES_STYLES = [("#0072B2", ""), ("#B35900", "6 4"), ("#007A5A", "2 3"), ("#8A3F72", "10 4 2 4")]
TARGET_STYLE = ("#333333", "4 4")


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round steps (1, 2, 2,5 or 5 times a power of ten) covering low..high."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [math.floor(low / step) * step]
    while ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Optional[float]]]], *,
               decimals: int = 1, unit: str = "", target: Optional[tuple[str, float]] = None,
               element_id: str = "diagram", compact: bool = False) -> str:
    """``series``: (name, one value per label; None for a gap). ``target``: (label, value) drawn
    dashed. ``element_id`` keeps the title and description ids unique on a page. ``compact``:
    fewer labels and a lower plot (the print version, where every text costs layout time)."""
    values = [v for _name, points in series for v in points if v is not None]
    if target:
        values.append(target[1])
    if not values or not labels:
        return ""
    height = COMPACT_HEIGHT if compact else HEIGHT
    ticks = _ticks(min(values), max(values), 2 if compact else 4)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / max(len(labels) - 1, 1))

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    description = _description(labels, series, decimals, unit)
    if compact:  # a PDF's alternative text is the title alone: it carries the description too
        title, description = f"Diagram: {title}. {description}", ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="{element_id}-t{f" {element_id}-d" if description else ""}" class="diagram">'
             f'<title id="{element_id}-t">{escape(title)}</title>'
             + (f'<desc id="{element_id}-d">{escape(description)}</desc>' if description else "")]
    for tick in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e0e0e0" class="grid"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{escape(format_number(tick, max(decimals, 0)))}</text>')
    for i, text in (_year_labels(labels, 5) if compact else _period_labels(labels, 8)):
        parts.append(f'<text x="{x(i):.1f}" y="{height - 14}" text-anchor="middle">{escape(text)}</text>')
    if target:
        colour, dash = TARGET_STYLE
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(target[1]):.1f}" y2="{y(target[1]):.1f}" '
                     f'stroke="{colour}" stroke-dasharray="{dash}" stroke-width="1.5"/>')
    parts.append(_legend([name for name, _points in series], target is not None))
    for (name, points), (colour, dash) in zip(series, SERIES_STYLES):
        path, pen_down = [], False
        for i, v in enumerate(points):
            if v is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x(i):.1f},{y(v):.1f}")
            pen_down = True
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
    parts.append("</svg>")
    return "".join(parts)


def _period_labels(labels: Sequence[str], most: int) -> list[tuple[int, str]]:
    """Every step-th period from the first, ``most`` labels at the most (they never overlap)."""
    return [(i, labels[i]) for i in range(0, len(labels), max(1, -(-len(labels) // most)))]


def _year_labels(labels: Sequence[str], most: int) -> list[tuple[int, str]]:
    """The year alone, at its first period ("2018" over "2018 kv 1"): short labels under a
    small printed chart."""
    firsts: dict[str, int] = {}
    for i, text in enumerate(labels):
        firsts.setdefault(text[:4], i)
    years = list(firsts.items())
    return [(i, year) for year, i in years[::max(1, -(-len(years) // most))]]


def _legend(names: Sequence[str], with_target: bool) -> str:
    """Line samples with names above the plot: each series told apart by colour and dash."""
    entries = list(zip(names, SERIES_STYLES)) + ([("Mål", TARGET_STYLE)] if with_target else [])
    out, x = [], LEFT
    for name, (colour, dash) in entries:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" x2="{x + 28}" y1="16" y2="16" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
                   f'<text x="{x + 34}" y="20">{escape(name)}</text>')
        x += 48 + 9 * len(name)
    return "".join(out)


def _description(labels: Sequence[str], series, decimals: int, unit: str) -> str:
    described = []
    for name, points in series:
        known = [(label, v) for label, v in zip(labels, points) if v is not None]
        if known:
            (first_label, first), (last_label, last) = known[0], known[-1]
            described.append(f"{name}: {format_number(first, decimals, unit)} {first_label}, "
                             f"{format_number(last, decimals, unit)} {last_label}")
    return "; ".join(described) + ". Alla värden står i tabellen under diagrammet."
