"""AppTest: the Administration page (catalogue health panel, indicator form, meetings)."""
from __future__ import annotations

from db.models import Indicator
from indicators.access.users import LEAST_PRIVILEGED_ROLE
from indicators.catalogue import indicators as catalogue_indicators
from indicators.meetings import records as meeting_records
from tests.utils.apptest import all_text, button
from tests.utils.records import ids
from indicators.unit_of_work import UnitOfWork


def test_administration_page_health_panel_and_indicator_form(admin_app, demo_engine):
    at = admin_app.run()
    at.switch_page("pages/administration.py").run()
    assert not at.exception
    assert "Katalogens hälsa" in all_text(at)
    metrics = {m.label: m.value for m in at.metric}
    assert {"Utan målvärde", "Utan ansvarig organisation", "Utan värde för de två senaste perioderna",
            "Mål utan indikatorer"} <= set(metrics)
    tabs = [t.label for t in at.tabs]
    for label in ("Indikatorer", "Mål och fokusområden", "Organisationer", "Områden", "Jämförelseenheter",
                  "Användare", "Möten", "Katalog"):
        assert label in tabs
    ind_id = ids(demo_engine, Indicator, "ARB01")
    at.selectbox(key="adm_ind").set_value(ind_id).run()
    next(t for t in at.text_input if t.label == "Namn").set_value("Förvärvsarbetande 20–64 år (ny)")
    button(at, "Spara indikatorn").click().run()
    assert not at.exception and not at.error
    assert "Indikatorn ARB01 sparades." in [s.value for s in at.success]
    assert catalogue_indicators.indicator_data(UnitOfWork(demo_engine), ind_id)[0].name == "Förvärvsarbetande 20–64 år (ny)"
    button(at, "Avveckla").click().run()
    assert catalogue_indicators.indicator_data(UnitOfWork(demo_engine), ind_id)[0].active is False
    button(at, "Ta bort").click().run()
    assert "avveckla (inaktivera) den i stället" in at.error[0].value
    meetings = len(meeting_records.meeting_list(UnitOfWork(demo_engine)))
    button(at, "Spara mötet").click().run()
    assert not at.exception and len(meeting_records.meeting_list(UnitOfWork(demo_engine))) == meetings + 1
    data, _version = meeting_records.meeting_data(UnitOfWork(demo_engine), int(meeting_records.meeting_list(UnitOfWork(demo_engine))["id"].max()))
    assert len(data.attendees) == 7 and data.distribution == sorted(["KS", "BN", "SBN", "SN", "TSN", "VAN"])


def test_add_user_form_defaults_to_the_least_privileged_role(admin_app):
    at = admin_app.run()
    at.switch_page("pages/administration.py").run()
    role = next(s for s in at.selectbox if s.label == "Roll")
    assert role.value == LEAST_PRIVILEGED_ROLE == "viewer"
