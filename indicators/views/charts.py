"""Plotly figures for the working-group dashboards (no Streamlit here).

Conventions: Okabe–Ito colours (safe for colour-blind viewers), the whole-municipality
line drawn strongest, comparison series (Riket etc.) thin, dashed and grey, Swedish number
formatting (decimal comma, space for thousands) in axes and hover texts, and suppressed
breakdown values never plotted.
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import pandas as pd
import plotly.graph_objects as go

from indicators.rules.formatting import format_number, plotly_separators
from indicators.views.gaps import apply_suppression
from indicators.rules.vocabulary import GENDER_LABELS, SOURCE_ATTRIBUTIONS
from indicators.rules.periods import Period, period_from_code, sort_key

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
TOTAL_COLOUR = OKABE_ITO["blue"]
GENDER_COLOURS = {"K": OKABE_ITO["purple"], "M": OKABE_ITO["green"]}
# At most MAX_SERIES lines in one chart, each told apart by colour AND dash AND marker:
# seven area colours that never repeat (Okabe–Ito and Tol's colour-blind-safe sets, yellow
# left out as too faint on white), avoiding the total's blue and the genders' colours.
MAX_SERIES = 8
AREA_COLOURS = [OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"], "#882255", "#999933",
                "#44AA99", "#332288"]
AREA_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"]
AREA_MARKERS = ["square", "diamond", "triangle-up", "cross", "x", "triangle-down", "pentagon"]
COMPARISON_COLOUR = "#8C8C8C"
COMPARISON_COLOURS = [COMPARISON_COLOUR, "#4D4D4D", "#B3B3B3"]  # greys: a second comparison still reads apart
TARGET_COLOUR = OKABE_ITO["black"]
KOLADA_NOTE = SOURCE_ATTRIBUTIONS["kolada"]
HOVER = "%{customdata[0]}<br>%{fullData.name}: %{customdata[1]}<extra></extra>"


def plain(text):
    """Plotly reads a subset of HTML in every label (<a href>, <b>, <br>); text from the
    database (names, units, areas) is escaped so it is shown literally, never as markup."""
    if not isinstance(text, str):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain_figure(figure: go.Figure) -> go.Figure:
    """Every label a user can have written, escaped once: titles, axis titles, legend names,
    hover data, category labels and annotations (the hover template itself is ours)."""
    for trace in figure.data:
        if trace.name:
            trace.name = plain(trace.name)
        if trace.customdata is not None:
            trace.customdata = [[plain(cell) for cell in row] for row in trace.customdata]
        for axis in ("x", "y"):
            points = getattr(trace, axis, None)
            if points is not None and any(isinstance(p, str) for p in points):
                setattr(trace, axis, [plain(p) for p in points])
    layout = figure.layout
    if layout.title.text:
        layout.title.text = plain(layout.title.text)
    for axis in (layout.xaxis, layout.yaxis):
        if axis.title.text:
            axis.title.text = plain(axis.title.text)
        if axis.categoryarray is not None:
            axis.categoryarray = [plain(c) for c in axis.categoryarray]
    for note in layout.annotations:
        note.text = plain(note.text)
    return figure


def difference_unit(unit: str) -> str:
    """A difference between two percentages is in percentage points."""
    return "procentenheter" if unit == "%" else unit


def _position(period: str) -> float:
    return period_from_code(period).position


def _points(frame: pd.DataFrame, decimals: int, unit: str) -> dict:
    """x, y and hover data for one series; blank (suppressed or missing) values stay gaps."""
    frame = frame.assign(_key=frame["period"].map(sort_key)).sort_values("_key")
    labels = [period_from_code(p).label for p in frame["period"]]
    texts = [format_number(v, decimals, unit) if pd.notna(v) else "–" for v in frame["value"]]
    return {
        "x": [_position(p) for p in frame["period"]],
        "y": [None if pd.isna(v) else float(v) for v in frame["value"]],
        "customdata": list(zip(labels, texts)),
    }


def _line(frame: pd.DataFrame, name: str, colour: str, decimals: int, unit: str, *, width: float = 2,
          dash: str = "solid", marker_size: int = 6, legendgroup: str = "", symbol: str = "circle") -> go.Scatter:
    return go.Scatter(
        **_points(frame, decimals, unit), name=name, mode="lines+markers", connectgaps=False,
        line={"color": colour, "width": width, "dash": dash},
        marker={"size": marker_size, "color": colour, "symbol": symbol},
        hovertemplate=HOVER, legendgroup=legendgroup or name,
    )


def _targets_frame(targets) -> pd.DataFrame:
    if targets is None:
        return pd.DataFrame(columns=["year", "value"])
    if isinstance(targets, pd.DataFrame):
        return targets[["year", "value"]].sort_values("year")
    return pd.DataFrame([{"year": t.year, "value": t.value} for t in targets], columns=["year", "value"]).sort_values("year")


def _target_traces(indicator: Mapping, targets: pd.DataFrame, decimals: int, unit: str) -> list[go.Scatter]:
    """Target markers at their years and the straight path from the baseline (the path the
    status rule measures progress against)."""
    if targets.empty:
        return []
    traces = []
    baseline_period, baseline_value = indicator.get("baseline_period"), indicator.get("baseline_value")
    last = targets.iloc[-1]
    if baseline_period and baseline_value is not None and pd.notna(baseline_value):
        traces.append(go.Scatter(
            x=[_position(baseline_period), Period(int(last["year"]), "year").position],
            y=[float(baseline_value), float(last["value"])], mode="lines", name="Målbana",
            line={"color": TARGET_COLOUR, "width": 1, "dash": "dot"}, hoverinfo="skip",
        ))
    traces.append(go.Scatter(
        x=[Period(int(y), "year").position for y in targets["year"]], y=[float(v) for v in targets["value"]],
        mode="markers", name="Mål", marker={"symbol": "star", "size": 14, "color": TARGET_COLOUR},
        customdata=[(f"Mål {int(y)}", format_number(v, decimals, unit)) for y, v in zip(targets["year"], targets["value"])],
        hovertemplate=HOVER,
    ))
    return traces


def _baseline_trace(indicator: Mapping, decimals: int, unit: str) -> list[go.Scatter]:
    period, value = indicator.get("baseline_period"), indicator.get("baseline_value")
    if not period or value is None or pd.isna(value):
        return []
    return [go.Scatter(
        x=[_position(period)], y=[float(value)], mode="markers", name="Utgångsläge",
        marker={"symbol": "diamond-open", "size": 13, "color": TARGET_COLOUR, "line": {"width": 2}},
        customdata=[(f"Utgångsläge {period_from_code(period).label}", format_number(value, decimals, unit))],
        hovertemplate=HOVER,
    )]


def _comparison_traces(comparisons: Optional[pd.DataFrame], decimals: int, unit: str) -> list[go.Scatter]:
    if comparisons is None or comparisons.empty:
        return []
    rows = comparisons[comparisons["gender"] == "T"]
    return [
        _line(group, f"{name} (jämförelse)", COMPARISON_COLOURS[i % 3], decimals, unit, width=1.5,
              dash=("dash", "dot", "dashdot")[i % 3], marker_size=5, symbol=("circle-open", "square-open", "diamond-open")[i % 3])
        for i, (name, group) in enumerate(rows.groupby("unit_name", sort=True))
    ]


def _year_axis(figure: go.Figure) -> None:
    xs = [x for trace in figure.data for x in (trace.x or []) if x is not None]
    if not xs:
        return
    years = list(range(int(min(xs)), int(max(xs)) + 1))
    figure.update_xaxes(tickvals=[y + 0.5 for y in years], ticktext=[str(y) for y in years],
                        range=[years[0] - 0.1, years[-1] + 1.1], showgrid=False)


def _layout(figure: go.Figure, title: str, unit: str, compact: bool, source_note: str = "") -> go.Figure:
    figure.update_layout(
        title={"text": title, "font": {"size": 14 if compact else 18}},
        separators=plotly_separators(), template="plotly_white", height=320 if compact else 460,
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": 11 if compact else 13}},
        hoverlabel={"namelength": -1}, yaxis_title=unit or None,
        font={"size": 14 if compact else 16},  # axis ticks that read from across the room
    )
    # ",~f": thousands as a space also for four-digit numbers, no trailing zeros.
    figure.update_yaxes(tickformat=",~f")
    if source_note:
        figure.add_annotation(text=source_note, xref="paper", yref="paper", x=1, y=1.02, yanchor="bottom",
                              showarrow=False, xanchor="right", font={"size": 11, "color": "#555555"})
    return figure


CHANGE_WORDS = {"definition": "definition ändrad", "unit": "enhet ändrad"}


def _mark_definition_changes(figure: go.Figure, indicator: Mapping, changes: Optional[pd.DataFrame]) -> None:
    """A dotted vertical line "definition ändrad <datum>" where the series may break."""
    if changes is None or changes.empty:
        return
    for at, field in zip(changes.loc[changes["indicator_id"] == indicator["id"], "at"],
                         changes.loc[changes["indicator_id"] == indicator["id"], "field"]):
        day = pd.Timestamp(at).date()
        position = day.year + (day.timetuple().tm_yday - 0.5) / 366
        figure.add_vline(x=position, line_dash="dot", line_color="#555555", line_width=1,
                         annotation_text=f"{CHANGE_WORDS.get(field, 'ändrad')} {day.isoformat()}",
                         annotation_position="top left", annotation_font_size=11)


def trend_figure(
    indicator: Mapping,
    values: pd.DataFrame,
    targets=None,
    comparisons: Optional[pd.DataFrame] = None,
    *,
    show_gender: bool = False,
    show_areas: bool = False,
    compact: bool = False,
    title: Optional[str] = None,
    threshold: Optional[int] = None,
    definition_changes: Optional[pd.DataFrame] = None,
    areas: Optional[Sequence[str]] = None,
) -> go.Figure:
    """The trend of one indicator: whole municipality, optional gender and area lines,
    baseline, targets and comparison series. ``areas``: the area lines wanted (names; all
    by default); never more than MAX_SERIES lines in all (``area_budget``)."""
    decimals, unit = int(indicator.get("decimals", 1)), indicator.get("unit", "") or ""
    shown = apply_suppression(values[values["indicator_id"] == indicator["id"]], threshold) if not values.empty else values
    figure = go.Figure()
    figure.add_traces(_comparison_traces(comparisons, decimals, unit))
    if not shown.empty:
        totals = shown[shown["is_total"].astype(bool)]
        if show_areas:
            budget = area_budget(show_gender, comparisons)
            regional = shown[~shown["is_total"].astype(bool) & (shown["gender"] == "T")]
            if areas is not None:
                regional = regional[regional["area_name"].isin(list(areas))]
            groups = list(regional.sort_values("sort_order").groupby("area_name", sort=False))[:budget]
            for i, (name, group) in enumerate(groups):
                figure.add_trace(_line(group, str(name), AREA_COLOURS[i], decimals, unit, dash=AREA_DASHES[i],
                                       width=2, marker_size=8, symbol=AREA_MARKERS[i]))
        if show_gender:
            for gender, dash in zip(("K", "M"), ("dash", "dot")):  # women dashed, men dotted
                rows = totals[totals["gender"] == gender]
                if not rows.empty:
                    figure.add_trace(_line(rows, GENDER_LABELS[gender], GENDER_COLOURS[gender], decimals, unit, width=2.5,
                                           dash=dash, marker_size=7))
        total = totals[totals["gender"] == "T"]
        if not total.empty:
            name = str(total["area_name"].iloc[0]) if "area_name" in total else "Hela kommunen"
            figure.add_trace(_line(total, name, TOTAL_COLOUR, decimals, unit, width=4, marker_size=9))
    figure.add_traces(_baseline_trace(indicator, decimals, unit))
    figure.add_traces(_target_traces(indicator, _targets_frame(targets), decimals, unit))
    _year_axis(figure)
    _mark_definition_changes(figure, indicator, definition_changes)
    shows_kolada = indicator.get("source_kind") == "kolada" or (comparisons is not None and not comparisons.empty)
    return _plain_figure(_layout(figure, title if title is not None else f"{indicator['code']} {indicator['name']}",
                                 unit, compact, KOLADA_NOTE if shows_kolada else ""))


def gender_gap_figure(indicator: Mapping, gaps: pd.DataFrame) -> go.Figure:
    """Bars of K − M per period; periods with a suppressed value have no bar."""
    decimals, unit = int(indicator.get("decimals", 1)), difference_unit(indicator.get("unit", "") or "")
    rows = gaps[gaps["difference"].notna()] if not gaps.empty else gaps
    labels = [period_from_code(p).label for p in rows.get("period", [])]
    figure = go.Figure(go.Bar(
        x=labels, y=[float(v) for v in rows.get("difference", [])], name="Kvinnor − män",
        marker_color=GENDER_COLOURS["K"],
        customdata=[(label, format_number(v, decimals, unit)) for label, v in zip(labels, rows.get("difference", []))],
        hovertemplate=HOVER,
    ))
    figure.add_hline(y=0, line_color="#555555", line_width=1)
    figure.update_xaxes(type="category")
    return _plain_figure(_layout(figure, "Skillnad kvinnor − män (hela kommunen)", unit, compact=False))


def area_gap_figure(indicator: Mapping, latest: pd.DataFrame) -> go.Figure:
    """Each area's difference from Hela kommunen for one period, in the areas' fixed order
    (never ranked) and in one neutral colour."""
    decimals, unit = int(indicator.get("decimals", 1)), difference_unit(indicator.get("unit", "") or "")
    rows = latest[latest["difference"].notna()] if not latest.empty else latest
    period = period_from_code(latest["period"].iloc[0]).label if not latest.empty else ""
    names = [str(n) for n in rows.get("area_name", [])]
    figure = go.Figure(go.Bar(
        y=names, x=[float(v) for v in rows.get("difference", [])], orientation="h", name="Skillnad",
        marker_color=OKABE_ITO["sky_blue"],
        customdata=[(name, format_number(v, decimals, unit)) for name, v in zip(names, rows.get("difference", []))],
        hovertemplate=HOVER,
    ))
    figure.add_vline(x=0, line_color="#555555", line_width=1)
    figure.update_yaxes(type="category", autorange="reversed", categoryorder="array", categoryarray=names)
    figure = _layout(figure, f"Skillnad mot hela kommunen, {period}".rstrip(", "), "", compact=False)
    figure.update_xaxes(tickformat=",~f")
    return _plain_figure(figure.update_layout(xaxis_title=unit or None, showlegend=False))


def area_budget(show_gender: bool, comparisons: Optional[pd.DataFrame] = None) -> int:
    """How many area lines fit beside the whole municipality, the genders and the comparison
    series within MAX_SERIES (at most the seven area colours)."""
    others = 1 + (2 if show_gender else 0)
    if comparisons is not None and not comparisons.empty:
        others += comparisons[comparisons["gender"] == "T"]["unit_name"].nunique()
    return max(0, min(len(AREA_COLOURS), MAX_SERIES - others))


def area_names(values: pd.DataFrame) -> list[str]:
    """The areas (not the whole municipality) that have values, in the areas' fixed order."""
    if values.empty:
        return []
    regional = values[~values["is_total"].astype(bool) & values["value"].notna()]
    return list(dict.fromkeys(regional.sort_values("sort_order")["area_name"].astype(str)))


def breakdown_gaps(indicator: Mapping, values: pd.DataFrame) -> dict[str, bool]:
    """Whether the indicator has values to show per gender and per area (so a page can say
    so plainly when a toggle has nothing to add)."""
    mine = values[(values["indicator_id"] == indicator["id"]) & values["value"].notna()] if not values.empty else values
    return {
        "gender": bool(indicator.get("by_gender")) and not mine.empty and bool((mine["gender"] != "T").any()),
        "areas": bool(indicator.get("by_area")) and not mine.empty and bool((~mine["is_total"].astype(bool)).any()),
    }


def focus_area_figures(data: Mapping, *, show_gender: bool, show_areas: bool,
                       areas: Optional[Sequence[str]] = None) -> list[tuple[dict, go.Figure]]:
    """(indicator, figure) for each indicator of a focus area, in order."""
    targets, comparisons = data["targets"], data["comparisons"]
    out = []
    for indicator in data["indicators"].to_dict("records"):
        figure = trend_figure(
            indicator, data["values"], targets[targets["indicator_id"] == indicator["id"]],
            comparisons[comparisons["indicator_id"] == indicator["id"]], compact=True, title="",
            show_gender=show_gender and bool(indicator["by_gender"]),
            show_areas=show_areas and bool(indicator["by_area"]),
            definition_changes=data.get("definition_changes"), areas=areas,
        )
        out.append((indicator, figure))
    return out
