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


def test_visa_omraden_says_so_when_the_focus_area_has_no_area_values(viewer_app):
    at = open_page(viewer_app, "pages/fokusomraden.py", omrade="arbetsmarknad", omraden="1")
    assert not at.exception
    assert any("Inga av fokusområdets indikatorer har värden per område" in i.value for i in at.info)
    assert not at.multiselect


def test_visa_omraden_lets_the_room_choose_at_most_seven_areas(viewer_app):
    import json
    at = open_page(viewer_app, "pages/fokusomraden.py", omrade="bostad", omraden="1")
    assert not at.exception
    chooser = at.multiselect(key="fokus_omraden|bostad")
    assert 0 < len(chooser.value) <= 7
    for chart in plotly_charts(at):
        lines = [t for t in json.loads(chart.proto.spec)["data"] if t.get("mode") == "lines+markers"]
        assert len(lines) <= 8 and len({t["line"]["color"] for t in lines}) == len(lines)
    chooser.set_value(["Landsbygd"]).run()
    assert not at.exception
    names = {n for chart in plotly_charts(at) for n in trace_names(chart)}
    assert "Landsbygd" in names and "Centrum" not in names
