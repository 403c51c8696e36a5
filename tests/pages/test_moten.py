"""AppTest: Möten lists the meetings and meeting mode steps through the focus areas, telling
per indicator what changed (value, arrow + word, status before → now) and the focus area's
Analys och bedömning."""
from __future__ import annotations

from tests.utils.apptest import all_text, button, open_page, plotly_charts


def test_meeting_mode_moves_between_focus_areas(viewer_app):
    at = open_page(viewer_app, "pages/moten.py")
    assert not at.exception
    assert "Politisk arbetsgrupp, möte 2 (exempel)" in list(at.dataframe[0].value["title"])
    assert at.query_params["mote"] == "2"  # newest meeting first
    button(at, "Starta mötesläge").click().run()
    assert not at.exception
    assert at.title[0].value == "1. Etablering på arbetsmarknaden"
    text = all_text(at)
    assert "sedan mötet 2025-10-14" in text
    assert "Exempeldata: sysselsättningen ökar" in text and "version 2" in text  # the newest version
    assert "sedan förra mötet" in text and "sedan utgångsläget" in text and "Status:" in text
    assert any(word in text for word in ("▲ bättre", "▼ sämre", "→ oförändrat"))
    assert "ARB01" in text and "\u00a0%" in text  # values with their unit
    assert len(plotly_charts(at)) >= 1  # a small chart per indicator
    assert "None" not in text and "nan" not in text
    button(at, "Nästa ▶").click().run()
    assert at.title[0].value == "2. Skola" and at.query_params["fokus"] == "skola" and at.query_params["mote"] == "2"
    button(at, "5").click().run()
    assert at.title[0].value == "5. Demokrati och civilsamhälle"
    assert "Ingen analys och bedömning är skriven" in all_text(at)
    assert button(at, "Nästa ▶").disabled
    button(at, "◀ Föregående").click().run()
    assert at.title[0].value == "4. Brottslighet"
    button(at, "Avsluta mötesläge").click().run()
    assert at.title[0].value == "Möten" and "fokus" not in at.query_params and "steg" not in at.query_params


def test_leaving_the_meeting_mode_brings_the_sidebar_back(viewer_app, monkeypatch):
    """The meeting mode collapses the sidebar for the projector; the list asks for it again
    (the browser side is checked in tests/e2e/test_meeting_mode.py)."""
    import streamlit

    asked: list[object] = []
    original = streamlit.set_page_config

    def recording(*args, **kwargs):
        asked.append(kwargs.get("initial_sidebar_state"))
        return original(*args, **kwargs)

    monkeypatch.setattr(streamlit, "set_page_config", recording)
    at = open_page(viewer_app, "pages/moten.py")
    button(at, "Starta mötesläge").click().run()
    assert asked[-1] == "collapsed" and at.query_params["fokus"] == "arbetsmarknad"
    button(at, "Avsluta mötesläge").click().run()
    assert not at.exception and at.title[0].value == "Möten" and asked[-1] == "auto"


def test_the_old_step_links_still_open_their_focus_area_and_become_focus_links(viewer_app):
    at = open_page(viewer_app, "pages/moten.py", mote="2", steg="4")
    assert not at.exception and at.title[0].value == "4. Brottslighet"
    assert at.query_params["fokus"] == "brottslighet" and "steg" not in at.query_params
    at = open_page(viewer_app, "pages/moten.py", mote="2", fokus="finns-inte")
    assert not at.exception and at.title[0].value.startswith("1. ")


def test_meeting_mode_opens_on_the_focus_area_in_the_url(viewer_app):
    at = open_page(viewer_app, "pages/moten.py", mote="1", fokus="bostad")
    assert not at.exception
    assert at.title[0].value == "3. Bostad och samhällsservice"
    assert "inget tidigare möte" in all_text(at)  # the first meeting has no window start
