"""AppTest: the Insatser page refuses an action without a program goal and limits officials
to their own organisation's actions."""
from __future__ import annotations

from db.models import Organisation
from indicators.catalogue import actions
from tests.utils.actors import ADMIN
from tests.utils.apptest import all_text, button, logged_in_app
from tests.utils.records import ids
from indicators.unit_of_work import UnitOfWork


def test_insatser_refuses_action_without_goal_and_limits_officials(demo_engine):
    from indicators.access.users import create_user
    create_user(UnitOfWork(demo_engine), ADMIN, "official@exempel.invalid", "official", orgs=["SN"], password="ett-langt-losenord")
    sn = ids(demo_engine, Organisation, "SN")
    at = logged_in_app("official", frozenset({sn})).run()
    at.switch_page("pages/insatser.py").run()
    assert not at.exception
    text = all_text(at)
    assert "Per fokusområde" in text and "Per organisation" in text and "Total kostnadsberäkning" in text
    assert len(at.dataframe) == 3
    editable = at.selectbox(key="insatser_pick").options
    listed = actions.action_list(UnitOfWork(demo_engine))
    own = listed[listed["org_ids"].map(lambda org_ids: sn in org_ids)]
    assert len(editable) == len(own) + 1 < len(listed) + 1
    next(t for t in at.text_input if t.label == "Namn").set_value("Ny insats utan mål")
    button(at, "Spara insatsen").click().run()
    assert at.error[0].value == "Inget sparades."
    assert "Varje åtgärd ska motiveras av ett eller flera av programmets mål" in "\n".join(t.value for t in at.text)
    assert "Ny insats utan mål" not in set(actions.action_list(UnitOfWork(demo_engine))["name"])
