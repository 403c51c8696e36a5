"""AppTest: Indikatorer → Historik shows the before/after of a withheld cell as "–" to viewers
and to officials of other boards; admins and the officials of the responsible board see the
real values, marked "skyddas vid publicering" (permissions.sees_unprotected decides)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from streamlit.testing.v1 import AppTest

from db.engine import session_scope
from db.models import AuditEvent
from indicators.access.permissions import Actor
from indicators.access.users import create_user
from indicators.rules import disclosure
from indicators.rules.vocabulary import PROTECTED_MARK
from indicators.unit_of_work import UnitOfWork
from indicators.views import indicator_detail
from settings import get_settings
from tests.utils.actors import ADMIN
from tests.utils.apptest import APP, open_page

# UTB06 (a rate by gender and area) belongs to BN.
ROLES = {"admin": ("admin", ()), "official_own": ("official", ("BN",)), "official_other": ("official", ("SN",)),
         "viewer": ("viewer", ())}
SEES_REAL = {"admin": True, "official_own": True, "official_other": False, "viewer": False}
OLD, NEW = "4711,5", "4712,5"  # numbers that appear nowhere else on the page


def _history_of_a_withheld_and_a_shown_cell(engine) -> tuple[str, str]:
    values = indicator_detail.indicator_detail(UnitOfWork(engine), "UTB06")["values"]
    shown = disclosure.hide(values, get_settings().suppress_below)
    withheld = shown[shown["suppressed"]].iloc[0]
    visible = shown[~shown["suppressed"] & ~shown["is_total"].astype(bool)].iloc[0]
    with session_scope(engine, write=True) as session:
        for row, old, new in ((withheld, OLD, NEW), (visible, "1,5", "2,5")):
            session.add(AuditEvent(at=datetime(2026, 1, 5, 10, tzinfo=timezone.utc), user_email="bn@exempel.invalid",
                                   action="update", entity="measurement", entity_id=str(int(row["id"])),
                                   field="value", old=old, new=new, reason="rättat"))
    return withheld["area_name"], visible["area_name"]


@pytest.mark.parametrize("who", list(ROLES))
def test_historik_shows_withheld_values_only_to_those_allowed(demo_engine, who):
    withheld_area, _visible_area = _history_of_a_withheld_and_a_shown_cell(demo_engine)
    role, orgs = ROLES[who]
    email = f"{who.replace('_', '-')}@exempel.invalid"
    create_user(UnitOfWork(demo_engine), ADMIN, email, role, orgs=orgs, password="ett-langt-losenord")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = Actor(email=email, role=role)
    at.session_state["logged_in_at"] = datetime.now(timezone.utc)
    at = open_page(at, "pages/indikatorer.py", indikator="UTB06")
    assert not at.exception
    history = at.dataframe[-1].value  # the last table on the page is Historik's
    assert list(history.columns)[:3] == ["Tid", "Användare", "Åtgärd"] and set(history["Fält"]) >= {"värde"}
    assert set(history["Åtgärd"]) >= {"ändrad"} and "2026-01-05 11:00" in set(history["Tid"])  # local time
    shown = history[history["Skäl"] == "rättat"]
    assert len(shown) == 2
    secret = shown[shown["Före"].isin([OLD, "–"])].iloc[0]
    plain = shown[shown["Före"] == "1,5"].iloc[0]  # a published cell: the same for everyone
    assert plain["Efter"] == "2,5" and PROTECTED_MARK not in plain["Värde"]
    if SEES_REAL[who]:
        assert (secret["Före"], secret["Efter"]) == (OLD, NEW)
        assert secret["Värde"].endswith(PROTECTED_MARK) and withheld_area in secret["Värde"]
        assert any("visas bara för administratörer" in c.value for c in at.caption)
    else:
        assert (secret["Före"], secret["Efter"]) == ("–", "–")
        assert PROTECTED_MARK not in secret["Värde"]
        assert OLD not in history.to_string() and NEW not in history.to_string()
        assert not any("visas bara för administratörer" in c.value for c in at.caption)
