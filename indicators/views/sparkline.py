"""A small chart for the meeting mode: one line, no axes, the newest point marked."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from indicators.rules.formatting import plotly_separators
from indicators.rules.vocabulary import STATUS_COLOURS, ON_TRACK

LINE_COLOUR = STATUS_COLOURS[ON_TRACK]  # Okabe–Ito blue


def sparkline_figure(points: Sequence[tuple[str, float, str]], height: int = 120) -> go.Figure:
    """``points``: (period label, value, value text), oldest first."""
    labels = [p[0] for p in points]
    values = [p[1] for p in points]
    texts = [f"{p[0]}: {p[2]}" for p in points]
    figure = go.Figure(go.Scatter(x=labels, y=values, mode="lines", line={"color": LINE_COLOUR, "width": 3},
                                  hovertext=texts, hoverinfo="text", showlegend=False))
    if points:
        figure.add_trace(go.Scatter(x=labels[-1:], y=values[-1:], mode="markers", hovertext=texts[-1:],
                                    hoverinfo="text", marker={"color": LINE_COLOUR, "size": 12}, showlegend=False))
    figure.update_layout(height=height, margin={"l": 4, "r": 12, "t": 8, "b": 8}, template="plotly_white",
                         separators=plotly_separators(), xaxis={"visible": False}, yaxis={"visible": False},
                         hoverlabel={"font": {"size": 18}})
    return figure
