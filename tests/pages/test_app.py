"""AppTest: the app runs, the login gate holds, and each page shows real data."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.utils.apptest import APP, all_text, logged_in_app
from tests.utils.demo import FOCUS_AREAS

PROGRAM_GOALS = ["Ett gemensamt språk", "Egen försörjning", "Delaktighet i samhället", "Trygghet och säkerhet", "Jämställdhet"]


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
    from tests.utils.actors import ADMIN
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
