"""AppTest: the Indikatorer page (definition, gaps, values, downloads, history); catalogue
text is escaped in its headers."""
from __future__ import annotations

from db import crud
from db.engine import session_scope
from db.models import Indicator
from tests.utils.actors import ADMIN
from tests.utils.apptest import all_text, logged_in_app, open_page, plotly_charts, trace_names
from indicators.unit_of_work import UnitOfWork


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


PAYLOAD = "Syss ![x](https://exempel.invalid/p.png) **FET**"


def test_catalogue_text_is_escaped_in_headers(demo_engine):
    from indicators.access import users
    users.create_user(UnitOfWork(demo_engine), ADMIN, "viewer@exempel.invalid", "viewer")
    with session_scope(demo_engine, write=True) as session:
        crud.by_code(session, Indicator, "ARB01").name = PAYLOAD
    at = logged_in_app("viewer").run()
    at.query_params["indikator"] = "ARB01"
    at.switch_page("pages/indikatorer.py").run()
    assert not at.exception
    headers = [h.value for h in at.header]
    assert any("ARB01" in h and "FET" in h for h in headers)
    assert not any("![x](" in h for h in headers)
