"""End-to-end: a reporting round in Chromium. The admin opens it on Rapportering, the BN official
sees it on Rapportera and klarmarkerar, the admin approves, and `cli.py remind` delivers the
e-mails to a real SMTP server on loopback (aiosmtpd): a confirmation to BN, and to the SN
official (whose values were removed by the harness) a message listing what is missing."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from indicators.rules import periods
from tests.e2e.conftest import RUN_TIMEOUT_MS, _cli
from tests.utils.browser import (VIEWPORT, assert_no_exception, choose, expect_text, goto_page, login, main_area,
                                 screenshot, wait_for_app)
from tests.utils.smtp import SmtpServer

pytestmark = pytest.mark.e2e


def _new_page(browser, server):
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    page.goto(server.base_url)  # without a session: the web sign-in form at /logga-in
    page.wait_for_load_state()
    return context, page


def _remove_one_sn_value(server, period_code: str) -> str:
    """Delete one expected SN value of the round (not one another scenario writes), so SN has
    something missing whatever ran before; returns its indicator code."""
    from sqlalchemy import delete

    from db import crud
    from db.engine import get_engine, session_scope
    from db.models import Measurement, Organisation
    from indicators.reporting.context import load_context
    from indicators.reporting.rounds import expected_cells

    engine = get_engine(server.env["DATABASE_URL"])
    with session_scope(engine, write=True) as session:
        sn = crud.by_code(session, Organisation, "SN")
        cells = expected_cells(session, load_context(session), periods.period_from_code(period_code))[sn.id]
        ind, due, gender, area = next(c for c in cells if c[0].code not in (server.plan.report_code,
                                                                              server.plan.import_code))
        session.execute(delete(Measurement).where(Measurement.indicator_id == ind.id, Measurement.period == due.code,
                                                  Measurement.gender == gender, Measurement.area_id == area.id))
    engine.dispose()
    return ind.code


def test_round_opened_submitted_approved_and_reminders_delivered(page, browser, server):
    period = periods.current_reporting_period(date.today())
    label = period.label
    missing_code = _remove_one_sn_value(server, period.code)
    login(page, *server.login("admin"))
    goto_page(page, "Rapportering")
    expect_text(page, "Ingen rapportomgång är öppnad ännu.")
    main_area(page).get_by_role("button", name="Öppna omgången").click()
    wait_for_app(page)
    expect_text(page, f"Rapportomgången {label} är öppnad")
    assert_no_exception(page)

    context, official = _new_page(browser, server)
    try:
        login(official, *server.login("official_bn"))
        goto_page(official, "Rapportera")
        expect_text(official, f"Rapportomgång {label}")
        main_area(official).get_by_role("button", name="Klarmarkera BN").click()
        wait_for_app(official)
        expect_text(official, f"BN är klarmarkerad för {label}.")
        screenshot(official, "21_rapportera_omgang")
    finally:
        context.close()

    goto_page(page, "Översikt")
    goto_page(page, "Rapportering")
    choose(page, "Nämnd", "BN – ")
    main_area(page).get_by_role("button", name="Godkänn").click()
    wait_for_app(page)
    expect_text(page, f"BN är godkänd för {label}; värdena är låsta.")
    assert_no_exception(page)

    smtp = SmtpServer()
    smtp.start()
    try:
        env = {**server.env, "UPPFOLJNING_SMTP_HOST": "127.0.0.1", "UPPFOLJNING_SMTP_PORT": str(smtp.port),
               "UPPFOLJNING_SMTP_STARTTLS": "false", "UPPFOLJNING_SMTP_SENDER": "uppfoljning@exempel.invalid"}
        first = _cli(env, "remind")
        again = _cli(env, "remind")
    finally:
        smtp.stop()
    assert "0 nya meddelanden köade" in again and "0 skickade" in again
    by_recipient = {}
    for message in smtp.messages:
        for to in message["to"]:
            by_recipient.setdefault(to, []).append(message)
    assert [m["subject"] for m in by_recipient[server.accounts["official_bn"].email]] == [f"Godkänt: BN {label}"]
    sn = by_recipient[server.accounts["official"].email]
    assert f"Rapportera {label}: SN" in [m["subject"] for m in sn], first
    assert all(missing_code in m["body"] and "/rapportera" in m["body"] for m in sn)

    page.reload()  # still signed in (the session survives a reload): the outbox as it is now
    wait_for_app(page)
    goto_page(page, "Rapportering")
    expect(main_area(page).get_by_text("E-post", exact=True)).to_be_visible()
    screenshot(page, "20_rapportering")
    assert_no_exception(page)
