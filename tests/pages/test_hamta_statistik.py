"""AppTest: Hämta statistik shows the admin when each Kolada indicator was last fetched."""
from __future__ import annotations

import pytest

from indicators.sources.kolada_import import import_pages
from tests.utils.actors import ADMIN
from tests.utils.apptest import open_page
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


OUT_OF_RANGE = {"values": [
    {"kpi": "N03926", "municipality": "0583", "period": 2023, "values": [{"gender": "T", "status": "", "value": 4.1}]},
    {"kpi": "N03926", "municipality": "0583", "period": 2022, "values": [{"gender": "T", "status": "", "value": 150}]},
]}


def test_rule_breaks_are_refused_with_rows_named_and_skipped_only_on_explicit_choice(engine, monkeypatch):
    """Every data request answers with a page whose 2022 row breaks the valid range 0–100."""
    from indicators.access.users import create_user
    from tests.utils.apptest import button, logged_in_app

    def get_json(self, url: str) -> dict:
        if url.endswith("/kpi/N03926"):
            return {"values": [{"id": "N03926", "title": "Långtidsarbetslöshet (test)"}]}
        return OUT_OF_RANGE if "/data/kpi/N03926/" in url else {"values": []}

    monkeypatch.setattr("indicators.sources.kolada.KoladaClient.get_json", get_json)
    create_user(UnitOfWork(engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    at = logged_in_app("admin").run()
    at.switch_page("pages/hamta_statistik.py").run()
    button(at, "Hämta nu").click().run()
    assert not at.exception
    assert "1 rader som bryter mot reglerna" in at.error[0].value
    shown = "\n".join(str(e.value) for e in at.text)
    assert "sida 1, rad 2 (N03926 2022 Totalt, kommun 0583), värde: ARB04: '150' ligger utanför" in shown
    assert not at.success
    at.checkbox(key="kolada_skip_invalid").check().run()
    button(at, "Hämta nu").click().run()
    assert not at.exception
    assert "1 rader som bröt mot reglerna hoppades över (loggade)" in at.success[0].value


def test_without_network_the_page_says_so_in_plain_swedish(admin_app, monkeypatch):
    """Hämta nu with Kolada out of reach: a plain Swedish message and the way out (a saved
    response file), no library words such as ConnectionError or NameResolutionError."""
    from settings import reload_settings
    monkeypatch.setenv("KOLADA_BASE_URL", "http://kolada.invalid/v3")
    monkeypatch.setattr("indicators.sources.kolada.BACKOFF_SECONDS", 0)
    reload_settings()
    at = open_page(admin_app, "pages/hamta_statistik.py")
    at.button(key="kolada_fetch").click().run()
    assert not at.exception
    shown = "\n".join([e.value for e in at.error] + [t.value for t in at.text] + [i.value for i in at.info])
    assert "Kunde inte nå Kolada (kolada.invalid): ingen förbindelse" in shown
    assert "Läs in sparad svarsfil" in shown
    for word in ("ConnectionError", "NameResolutionError", "Traceback", "HTTPConnectionPool", "Errno"):
        assert word not in shown
