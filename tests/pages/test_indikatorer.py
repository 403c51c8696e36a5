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
    assert len(plotly_charts(at)) == 4  # trend, per area, gender gap, area gap
    assert [b.label for b in at.get("download_button")] == ["Ladda ned CSV", "Ladda ned Excel"]
    assert "Historik" in [e.label for e in at.expander]
    definition = at.table[0].value
    assert "Bildningsnämnden" in " ".join(map(str, definition.iloc[:, 0]))


def test_indicator_page_explains_why_counts_have_no_area_gap(viewer_app):
    at = open_page(viewer_app, "pages/indikatorer.py", indikator="DEM04")  # antal, by gender and area
    assert not at.exception
    assert "Indikatorn är ett antal" in all_text(at)
    assert len(plotly_charts(at)) == 3
    assert "Centrum" not in trace_names(plotly_charts(at)[0]) and "Centrum" in trace_names(plotly_charts(at)[1])


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


def test_historik_shows_a_dash_for_withheld_cells_to_a_viewer(demo_engine, viewer_app):
    """The values table hides a cell; Historik on the same page does not give its before/after away."""
    from db.models import AuditEvent
    from indicators.files.long_format import withheld_keys
    from indicators.views import indicator_detail
    from settings import get_settings

    detail = indicator_detail.indicator_detail(UnitOfWork(demo_engine), "UTB06")
    values = detail["values"]
    hidden = withheld_keys(UnitOfWork(demo_engine), [int(detail["indicator"]["id"])])
    is_hidden = [k in hidden for k in zip(values["indicator_id"], values["period"], values["gender"], values["area_id"])]
    secret, open_ = values[is_hidden].iloc[0], values[[not h for h in is_hidden]].iloc[0]
    assert get_settings().suppress_below == 5
    with session_scope(demo_engine, write=True) as session:
        for row, old, new in ((secret, "71,3", "72,9"), (open_, "64,1", "65,2")):
            session.add(AuditEvent(user_email="official@exempel.invalid", action="update", entity="measurement",
                                   entity_id=str(int(row["id"])), field="value", old=old, new=new))
    at = open_page(viewer_app, "pages/indikatorer.py", indikator="UTB06")
    assert not at.exception
    history = next(df.value for df in at.dataframe if "Före" in df.value.columns)
    assert set(zip(history["Före"], history["Efter"])) == {("–", "–"), ("64,1", "65,2")}


def test_indicator_page_starts_with_how_the_indicator_is_doing(viewer_app, demo_engine):
    """Headline first: latest value with unit and Swedish period, status, trend and target;
    the value status column is "Preliminär/slutlig"; the internal note on the source only
    for admins."""
    from indicators.views.overview import overview
    row = next(r for r in overview(UnitOfWork(demo_engine)) if r["code"] == "ARB01")
    at = open_page(viewer_app, "pages/indikatorer.py", indikator="ARB01")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Senaste värde"] == row["value_text"] and "%" in metrics["Senaste värde"]
    assert metrics["Status"].endswith(row["status"]) and row["trend"] in metrics["Trend sedan förra värdet"]
    assert f"Mål {int(row['target_year'])}" in metrics
    assert row["period_label"] in [c.value for c in at.caption]
    values = next(d.value for d in at.dataframe if "Preliminär/slutlig" in d.value.columns)
    assert "Status" not in values.columns
    assert "Intern anmärkning om källan" not in " ".join(map(str, at.table[0].value.index))


def test_only_admins_see_the_internal_note_on_the_source(admin_app):
    at = open_page(admin_app, "pages/indikatorer.py", indikator="ARB01")
    assert not at.exception
    assert "Intern anmärkning om källan" in " ".join(map(str, at.table[0].value.index))
