"""AppTest: Målmatris shows the focus areas and marks empty cells."""
from __future__ import annotations

from indicators.views import matrices
from tests.utils.apptest import all_text, open_page
from tests.utils.demo import FOCUS_AREAS


def test_goal_matrix_page_shows_focus_areas_and_empty_cells(viewer_app):
    at = open_page(viewer_app, "pages/malmatris.py")
    assert not at.exception
    assert len(at.dataframe) == 3
    program_actions = at.dataframe[1].value
    assert list(program_actions.columns) == FOCUS_AREAS
    assert program_actions.loc["4. Trygghet och säkerhet", "Etablering på arbetsmarknaden"] == matrices.EMPTY_MARK
    assert "0 ⚠ = ingen indikator/insats" in all_text(at)
