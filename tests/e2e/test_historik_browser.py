"""Indikatorer → Historik in Chromium: the viewer sees "–" for a withheld cell's before/after, the
admin sees the real values marked "skyddas vid publicering" (screenshots historik_*)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from db import crud
from db.engine import get_engine, session_scope
from db.models import AuditEvent
from indicators.rules import disclosure
from indicators.rules.vocabulary import PROTECTED_MARK
from indicators.unit_of_work import UnitOfWork
from indicators.views import indicator_detail
from settings import get_settings
from tests.utils.browser import assert_no_exception, login, main_area, open_path_in_session, screenshot

pytestmark = pytest.mark.e2e
OLD, NEW = "4711,5", "4712,5"


def _rows(frame) -> list[dict]:
    """The grid's rows from the accessible table glide-data-grid keeps beside its canvas
    (hidden from sight, so read as text content)."""
    expect(frame.locator("[role='gridcell']").first).to_be_attached()
    header = [(c.text_content() or "").strip() for c in frame.locator("[role='columnheader']").all()]
    rows = frame.locator("[role='rowgroup']").last.locator("[role='row']").all()
    return [dict(zip(header, [(c.text_content() or "").strip() for c in row.locator("[role='gridcell']").all()]))
            for row in rows]


@pytest.fixture(scope="module")
def withheld_history(server):
    """A correction of a withheld UTB06 cell in the running app's database; its area's name."""
    engine = get_engine(server.env["DATABASE_URL"])
    values = indicator_detail.indicator_detail(UnitOfWork(engine), "UTB06")["values"]
    shown = disclosure.hide(values, get_settings().suppress_below)
    cell = shown[shown["suppressed"]].iloc[0]
    with session_scope(engine, write=True) as session:
        session.add(AuditEvent(at=datetime(2026, 1, 5, 10, tzinfo=timezone.utc), user_email="bn@exempel.invalid",
                               action="update", entity="measurement", entity_id=str(int(cell["id"])),
                               field="value", old=OLD, new=NEW, reason="rättat i e2e"))
        crud.bump_data_version(session)
    return cell["area_name"]


@pytest.mark.parametrize("role,sees", [("admin", True), ("viewer", False)])
def test_historik_shows_withheld_values_only_to_those_allowed(page, server, withheld_history, role, sees):
    login(page, *server.login(role))
    open_path_in_session(page, "/indikatorer?indikator=UTB06")
    main = main_area(page)
    expect(main.locator("h2").filter(has_text="UTB06")).to_be_visible()
    expander = main.locator("[data-testid='stExpander']").filter(has_text="Historik")
    expander.get_by_text("Historik").click()
    frame = expander.locator("[data-testid='stDataFrame']").first
    expect(frame).to_be_visible()
    rows = [r for r in _rows(frame) if r["Skäl"] == "rättat i e2e"]
    assert len(rows) == 1 and withheld_history in rows[0]["Värde"]
    if sees:
        assert (rows[0]["Före"], rows[0]["Efter"]) == (OLD, NEW) and rows[0]["Värde"].endswith(PROTECTED_MARK)
        expect(expander.get_by_text("visas bara för administratörer")).to_be_visible()
    else:
        assert (rows[0]["Före"], rows[0]["Efter"]) == ("–", "–") and PROTECTED_MARK not in rows[0]["Värde"]
    expander.scroll_into_view_if_needed()
    assert_no_exception(page)
    screenshot(page, f"historik_{'admin' if sees else 'lasare'}")
