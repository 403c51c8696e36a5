"""Output safety in charts (issue 17): text from the database never becomes Plotly markup –
not in titles, legends, axes, category labels or hover texts."""
from __future__ import annotations

import json

import pandas as pd
import plotly.io

from indicators.views import charts, gaps
from tests.views.test_dashboards import INDICATOR, value_row

LINK = '<a href="https://exempel.invalid">klicka</a>'
BOLD_UNIT = "<b>st</b>"


def _frame() -> pd.DataFrame:
    rows = []
    for period, value in (("2020", 50.0), ("2021", 52.0)):
        rows += [value_row(period, "T", "Hela kommunen", value, 900, total=True),
                 value_row(period, "K", "Hela kommunen", value + 1, 450, total=True),
                 value_row(period, "M", "Hela kommunen", value - 1, 450, total=True),
                 value_row(period, "T", LINK, value - 5, 300, order=1)]
    return pd.DataFrame(rows)


def _labels(figure) -> str:
    """Everything Plotly would read as text, as the browser receives it."""
    spec = json.loads(plotly.io.to_json(figure))
    texts = [spec["layout"].get("title", {}).get("text", "")]
    for axis in ("xaxis", "yaxis"):
        texts.append(spec["layout"].get(axis, {}).get("title", {}).get("text", "") or "")
        texts += [str(c) for c in spec["layout"].get(axis, {}).get("categoryarray", []) or []]
    texts += [a.get("text", "") for a in spec["layout"].get("annotations", [])]
    for trace in spec["data"]:
        texts.append(trace.get("name", "") or "")
        texts += [str(cell) for row in trace.get("customdata", []) or [] for cell in row]
        texts += [p for axis in ("x", "y") for p in trace.get(axis, []) or [] if isinstance(p, str)]
    return "\n".join(texts)


def test_names_units_and_areas_are_shown_literally():
    indicator = INDICATOR | {"name": LINK, "unit": BOLD_UNIT}
    comparisons = pd.DataFrame([{"indicator_id": 1, "period": "2020", "gender": "T", "value": 48.0,
                                 "source_status": "", "source": "kolada", "unit_code": "X",
                                 "unit_name": "<i>Grannkommun</i>"}])
    figures = [
        charts.trend_figure(indicator, _frame(), comparisons=comparisons, show_gender=True, show_areas=True,
                            threshold=5),
        charts.gender_gap_figure(indicator, gaps.gender_gap(_frame(), threshold=5)),
        charts.area_gap_figure(indicator, gaps.latest_area_gap(gaps.area_gap(_frame(), threshold=5))),
    ]
    for figure in figures:
        text = _labels(figure)
        assert "<a " not in text and "<b>" not in text and "<i>" not in text, text
    trend = _labels(figures[0])
    assert "&lt;a href=\"https://exempel.invalid\"&gt;klicka&lt;/a&gt;" in trend  # shown as typed
    assert "&lt;i&gt;Grannkommun&lt;/i&gt;" in trend
    assert "&lt;b&gt;st&lt;/b&gt;" in _labels(figures[2])


def test_plain_leaves_ordinary_text_alone():
    assert charts.plain("Andel 20–64 år, %") == "Andel 20–64 år, %"
    assert charts.plain("A & B") == "A &amp; B"
    assert charts.plain(3.5) == 3.5
