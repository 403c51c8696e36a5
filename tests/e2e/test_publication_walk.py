"""The whole publishing walk in Chromium: the admin freezes 2025 and presses Publicera on the
Årsuppföljning page; a signed-out browser (no cookies) then reads /publicerat/2025/, follows
its links and gets the tagged print PDF; the admin withdraws it with a reason and the public
address answers 404 again. Screenshots: arsuppfoljning_publicerad, publicerat_start_1920."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.utils.browser import VIEWPORT, ARTIFACTS, assert_no_exception, goto_page, login, main_area, screenshot, \
    wait_for_app
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR

pytestmark = pytest.mark.e2e


def _signed_out(browser):
    return browser.new_context(viewport=VIEWPORT, locale="sv-SE")  # a fresh context: no session cookie


def test_admin_publishes_the_year_and_a_signed_out_browser_reads_it(page, browser, server):
    login(page, *server.login("admin"))
    goto_page(page, "Årsuppföljning")
    main = main_area(page)
    main.get_by_role("button", name="Skapa årsuppföljning").click()  # the form's year is the last full year
    expect(main.get_by_text(f"Årsuppföljning {YEAR} är sparad")).to_be_visible(timeout=90_000)
    wait_for_app(page)
    main.get_by_role("button", name=f"Publicera årsuppföljning {YEAR}").click()
    expect(main.get_by_text(f"Årsuppföljning {YEAR} är publicerad")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "arsuppfoljning_publicerad")

    context = _signed_out(browser)
    reader = context.new_page()
    response = reader.goto(f"{server.base_url}/publicerat/{YEAR}/")
    assert response.status == 200
    expect(reader.locator("h1")).to_have_text(f"Årsuppföljning {YEAR}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=str(ARTIFACTS / "publicerat_start_1920.png"), full_page=True)
    reader.get_by_role("link", name="Etablering på arbetsmarknaden").first.click()
    expect(reader.locator("h1")).to_have_text("1. Etablering på arbetsmarknaden")
    reader.get_by_role("link", name="Förvärvsarbetande invånare 20–64 år, andel (%)").first.click()
    expect(reader.locator("p.mening")).to_contain_text(f"{YEAR} var värdet")
    reader.get_by_role("link", name="Ladda ner", exact=True).click()
    expect(reader.locator("h1")).to_have_text("Ladda ner")
    pdf = context.request.get(f"{server.base_url}/publicerat/{YEAR}/arsuppfoljning-{YEAR}.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    document = PdfReader(io.BytesIO(pdf.body()))
    root = document.trailer["/Root"]
    assert root["/Lang"] == "sv" and "/StructTreeRoot" in root  # the tagged print version, frozen with the year
    assert f"Årsuppföljning {YEAR}" in document.pages[0].extract_text()

    reason = main.get_by_label("Skäl för att dra tillbaka publiceringen")
    reason.fill("Provpublicering klar")
    main.get_by_role("button", name="Dra tillbaka publiceringen").click()
    expect(main.get_by_role("button", name=f"Publicera årsuppföljning {YEAR}")).to_be_visible(timeout=60_000)
    assert reader.goto(f"{server.base_url}/publicerat/{YEAR}/").status == 404
    expect(reader.get_by_text("Sidan finns inte")).to_be_visible()
    context.close()
