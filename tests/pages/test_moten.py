"""AppTest: Möten lists the meetings and meeting mode steps through the focus areas."""
from __future__ import annotations

from tests.utils.apptest import all_text, open_page


def test_meeting_mode_moves_between_focus_areas(viewer_app):
    at = open_page(viewer_app, "pages/moten.py")
    assert not at.exception
    assert "Politisk arbetsgrupp, möte 2 (exempel)" in list(at.dataframe[0].value["title"])
    assert at.query_params["mote"] == "2"  # newest meeting first
    next(b for b in at.button if b.label == "Starta mötesläge").click().run()
    assert not at.exception
    assert at.title[0].value == "1. Etablering på arbetsmarknaden"
    assert "Nya och ändrade värden sedan mötet 2025-10-14" in all_text(at)
    next(b for b in at.button if b.label == "Nästa").click().run()
    assert at.title[0].value == "2. Skola" and at.query_params["steg"] == "2"
    next(b for b in at.button if b.label == "Föregående").click().run()
    assert at.title[0].value == "1. Etablering på arbetsmarknaden"
    assert next(b for b in at.button if b.label == "Föregående").disabled
