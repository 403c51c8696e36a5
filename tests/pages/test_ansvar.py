"""AppTest: Ansvar shows who owns what and which values are missing."""
from __future__ import annotations

from tests.utils.apptest import all_text, open_page
from tests.utils.demo import FOCUS_AREAS


def test_responsibility_page_shows_owners_and_missing(viewer_app):
    at = open_page(viewer_app, "pages/ansvar.py")
    assert not at.exception
    owners = at.dataframe[0].value
    assert list(owners.columns) == FOCUS_AREAS and "BN – Bildningsnämnden" in owners.index
    assert "Värden som saknas för senaste rapportperioden" in all_text(at)
