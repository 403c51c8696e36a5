"""AppTest: Rapportering (admin) opens a round and approves a board; Rapportera shows the round
and klarmarkerar; Ansvar shows completeness and timeliness."""
from __future__ import annotations

from datetime import date

from indicators.access.users import create_user
from indicators.reporting import rounds
from tests.utils.actors import ADMIN
from tests.utils.apptest import all_text, button, logged_in_app, open_page, plotly_charts
from tests.utils.measurements import org_id
from indicators.unit_of_work import UnitOfWork


def test_admin_opens_a_round_and_approves_after_klarmarkera(admin_app, demo_engine):
    at = open_page(admin_app, "pages/rapportering.py")
    assert not at.exception and "Ingen rapportomgång är öppnad ännu." in [i.value for i in at.info]
    period = at.selectbox(key="rapportering_period").value
    button(at, "Öppna omgången").click().run()
    assert not at.exception, at.exception
    assert any("är öppnad" in s.value for s in at.success)
    status = rounds.round_status(UnitOfWork(demo_engine), period)
    assert status.due_date == rounds.default_due_date(period)
    table = at.dataframe[0].value
    assert list(table["Nämnd"]) == [b.org_code for b in status.boards] and set(table["Status"]) == {"pågår"}
    assert len(plotly_charts(at)) == 1

    create_user(UnitOfWork(demo_engine), ADMIN, "official@exempel.invalid", "official", orgs=["SN"],
                password="ett-langt-losenord")
    create_user(UnitOfWork(demo_engine), ADMIN, "viewer@exempel.invalid", "viewer", password="ett-langt-losenord")
    official = logged_in_app("official", frozenset({org_id(demo_engine, "SN")}))
    official = open_page(official, "pages/rapportera.py")
    assert not official.exception and f"Rapportomgång {status.label}" in all_text(official)
    assert list(official.dataframe[0].value["Nämnd"]) == ["SN"]
    button(official, "Klarmarkera SN").click().run()
    assert not official.exception and any("klarmarkerad" in s.value for s in official.success)

    at.run()
    at.selectbox(key=f"rapportering_board|{period}").set_value("SN").run()
    button(at, "Godkänn").click().run()
    assert not at.exception and any("är godkänd" in s.value for s in at.success)
    assert rounds.round_status(UnitOfWork(demo_engine), period).board("SN").state == "approved"
    at.selectbox(key=f"rapportering_board|{period}").set_value("SN").run()
    button(at, "Återöppna").click().run()
    assert any("Ange ett skäl" in e.value for e in at.error)
    assert rounds.round_status(UnitOfWork(demo_engine), period).board("SN").state == "approved"

    ansvar = open_page(logged_in_app("viewer"), "pages/ansvar.py")
    assert not ansvar.exception and "fullständighet 100,0" in all_text(ansvar).replace("\u00a0", " ")
    assert "godkänd" in set(ansvar.dataframe[-1].value["Status"])
