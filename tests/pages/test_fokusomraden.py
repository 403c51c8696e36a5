"""AppTest: Fokusområden shows one chart per indicator, the actions, and the gender toggle."""
from __future__ import annotations

from tests.utils.apptest import all_text, open_page, plotly_charts, trace_names


def test_focus_area_page_shows_charts_and_actions(viewer_app):
    at = open_page(viewer_app, "pages/fokusomraden.py", omrade="skola")
    assert not at.exception
    assert "2. Skola" in all_text(at)
    charts_before = plotly_charts(at)
    assert len(charts_before) == 7  # the seven active Skola indicators
    actions = at.dataframe[-1].value
    assert "Läxhjälp och studiero på mötesplatser" in list(actions["Insats"])
    assert "300\u00a0000 kr" in list(actions["Kostnad"])
    assert "Kvinnor" not in trace_names(charts_before[0])
    at.toggle(key="toggle_kon").set_value(True).run()
    assert not at.exception
    assert at.query_params["kon"] == "1"
    assert "Kvinnor" in trace_names(plotly_charts(at)[0])  # UTB01 is reported by gender
