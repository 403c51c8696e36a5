"""AppTest: the app runs, the login gate holds, and each page shows real data."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.access.permissions import Actor

APP = str(Path(__file__).resolve().parent.parent / "app.py")

FOCUS_AREAS = ["Etablering på arbetsmarknaden", "Skola", "Bostad och samhällsservice", "Brottslighet", "Demokrati och civilsamhälle"]
PROGRAM_GOALS = ["Ett gemensamt språk", "Egen försörjning", "Delaktighet i samhället", "Trygghet och säkerhet", "Jämställdhet"]


def logged_in_app(role: str = "admin", org_ids=frozenset()) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = Actor(email=f"{role}@exempel.invalid", role=role, org_ids=org_ids)
    at.session_state["logged_in_at"] = datetime.now(timezone.utc)
    return at


def all_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.subheader]
    parts += [e.value for e in at.header] + [e.label for e in at.expander] + [e.value for e in at.text]
    parts += [e.value for e in at.caption]
    return "\n".join(str(p) for p in parts)


def test_not_logged_in_sees_only_login(demo_engine):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["E-post", "Lösenord"]
    assert "Logga in" in [b.label for b in at.button]
    assert "Etablering på arbetsmarknaden" not in all_text(at)
    assert len(at.dataframe) == 0


@pytest.fixture
def admin_app(demo_engine):
    from indicators.access.users import create_user
    from tests.conftest import ADMIN
    create_user(ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord", engine=demo_engine)
    return logged_in_app("admin")


def test_overview_shows_five_focus_areas(admin_app):
    at = admin_app.run()
    assert not at.exception
    text = all_text(at)
    for name in FOCUS_AREAS:
        assert name in text
    assert len(at.table) == 5
    assert "Exempeldata" in "\n".join(w.value for w in at.warning)


def test_goal_page_shows_five_program_goals(admin_app):
    at = admin_app.run()
    at.switch_page("pages/mal.py").run()
    assert not at.exception
    text = all_text(at)
    for name in PROGRAM_GOALS:
        assert name in text
