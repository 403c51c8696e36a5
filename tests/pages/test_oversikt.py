"""AppTest: Översikt shows the five focus areas with real (demo) data."""
from __future__ import annotations

from tests.utils.apptest import all_text
from tests.utils.demo import FOCUS_AREAS


def test_overview_shows_five_focus_areas(admin_app):
    at = admin_app.run()
    assert not at.exception
    text = all_text(at)
    for name in FOCUS_AREAS:
        assert name in text
    assert len(at.table) == 5
    assert "Exempeldata" in "\n".join(w.value for w in at.warning)
