"""AppTest: Möten and meeting mode show no value the disclosure rule withholds, to anyone (the
shared screen shows counts and statuses from the whole-municipality totals only): giving every
withheld breakdown value an absurd number changes nothing on any screen, for any role."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from db import crud, queries
from db.engine import session_scope
from db.models import Measurement
from indicators.access.permissions import Actor
from indicators.access.users import create_user
from indicators.rules import disclosure
from indicators.unit_of_work import UnitOfWork
from settings import get_settings
from tests.utils.actors import ADMIN
from tests.utils.apptest import APP, all_text, open_page

MARKER = 98765.4321
ROLES = {"admin": ("admin", ()), "official": ("official", ("BN",)), "viewer": ("viewer", ())}


def _screens(at: AppTest) -> list[str]:
    """The text, tables and metrics of the meeting list and of every meeting-mode step."""
    def seen(at):
        parts = [all_text(at)] + [d.value.to_string() for d in at.dataframe]
        return "\n".join(parts + [f"{m.label}={m.value}" for m in at.metric])
    screens = [seen(at)]
    next(b for b in at.button if b.label == "Starta mötesläge").click().run()
    while True:
        assert not at.exception
        screens.append(seen(at))
        forward = next(b for b in at.button if b.label.startswith("Nästa"))
        if forward.disabled:
            return screens
        forward.click().run()


def _primary_withheld_ids(engine) -> list[int]:
    uow = UnitOfWork(engine)
    with uow.read() as session:
        values = queries.measurements(session, [int(i) for i in queries.indicators(session)["id"]])
    threshold = get_settings().suppress_below
    cells = disclosure.cells_from_frame(values)
    primary = {c.key for c in cells if c.published and disclosure.is_primary(c, threshold)}
    keys = zip(values["indicator_id"], values["period"], values["gender"], values["area_id"])
    return [int(i) for i, k in zip(values["id"], keys) if k in primary]


@pytest.mark.parametrize("who", list(ROLES))
def test_meeting_screens_do_not_change_with_withheld_values(demo_engine, who):
    role, orgs = ROLES[who]
    email = f"{who}@exempel.invalid"
    create_user(UnitOfWork(demo_engine), ADMIN, email, role, orgs=orgs, password="ett-langt-losenord")

    def run() -> list[str]:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["actor"] = Actor(email=email, role=role)
        at.session_state["logged_in_at"] = datetime.now(timezone.utc)
        return _screens(open_page(at, "pages/moten.py"))

    before = run()
    ids = _primary_withheld_ids(demo_engine)
    assert len(ids) > 10
    with session_scope(demo_engine, write=True) as session:  # the same moment: only the numbers change
        session.execute(update(Measurement).where(Measurement.id.in_(ids))
                        .values(value=MARKER, updated_at=Measurement.updated_at, version=Measurement.version))
        crud.bump_data_version(session)  # a bulk statement: the pages' caches must see the new numbers
    after = run()
    assert len(after) == 6 and after == before
    assert not any("98" + "\u00a0765" in s or "98765" in s for s in after)
