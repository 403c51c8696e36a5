"""AppTest: the Mål page shows the program's five goals."""
from __future__ import annotations

from tests.utils.apptest import all_text


PROGRAM_GOALS = ["Ett gemensamt språk", "Egen försörjning", "Delaktighet i samhället", "Trygghet och säkerhet", "Jämställdhet"]


def test_goal_page_shows_five_program_goals(admin_app):
    at = admin_app.run()
    at.switch_page("pages/mal.py").run()
    assert not at.exception
    text = all_text(at)
    for name in PROGRAM_GOALS:
        assert name in text
