"""AppTest: Hämta statistik shows the admin when each Kolada indicator was last fetched."""
from __future__ import annotations

import pytest

from indicators.sources.kolada_import import import_pages
from tests.utils.actors import ADMIN
from tests.utils.kolada import saved_pages
from indicators.unit_of_work import UnitOfWork

pytestmark = pytest.mark.usefixtures("kolada_env")


def test_page_shows_last_fetch_table_for_admin(engine):
    from streamlit.testing.v1 import AppTest

    from indicators.access.users import create_user
    from tests.utils.apptest import logged_in_app

    import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    create_user(UnitOfWork(engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    at: AppTest = logged_in_app("admin").run()
    at.switch_page("pages/hamta_statistik.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Hämta officiell statistik"]
    table = at.dataframe[-1].value
    assert "N00914" in set(table["kpi_id"]) and (table["senast_hamtat"] != "–").sum() == 2
    assert "Källa: Kolada" in "\n".join(c.value for c in at.caption)
