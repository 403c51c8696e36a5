"""AppTest: the Indikatorer page (definition, gaps, values, downloads, history)."""
from __future__ import annotations

from tests.utils.apptest import all_text, open_page, plotly_charts, trace_names


def test_indicator_page_shows_definition_gaps_values_and_downloads(viewer_app):
    at = open_page(viewer_app, "pages/indikatorer.py", indikator="UTB06")
    assert not at.exception
    text = all_text(at)
    assert "UTB06" in text and "Skillnad mellan kvinnor och män" in text and "Skillnad mellan områden" in text
    assert "underlaget är för litet" in text
    assert len(plotly_charts(at)) == 3
    assert [b.label for b in at.get("download_button")] == ["Ladda ned CSV", "Ladda ned Excel"]
    assert "Historik" in [e.label for e in at.expander]
    definition = at.table[0].value
    assert "Bildningsnämnden" in " ".join(map(str, definition.iloc[:, 0]))


def test_indicator_page_explains_why_counts_have_no_area_gap(viewer_app):
    at = open_page(viewer_app, "pages/indikatorer.py", indikator="DEM04")  # antal, by gender and area
    assert not at.exception
    assert "Indikatorn är ett antal" in all_text(at)
    assert len(plotly_charts(at)) == 2
    assert "Landsbygd" in trace_names(plotly_charts(at)[0])
