"""Översikt, Indikatorer and Fokusområden as the room sees them on the projector: the five
focus areas' summaries on one screen at 1920×1080 (screenshots at 1920×1080 and 1366×768 in
tests/artifacts/), projector-sized type, and the area chooser on Fokusområden."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.utils.browser import (ARTIFACTS, VIEWPORT, assert_no_exception, choose, goto_page, login, main_area,
                                 open_path_in_session, screenshot, wait_for_app)

pytestmark = pytest.mark.e2e


def _shot(page, name: str) -> None:
    """What fits on the screen, as the room sees it (no growing of the window)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wait_for_app(page)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_overview_shows_five_summaries_on_one_screen(page, server):
    login(page, *server.login("viewer"))
    main = main_area(page)
    expect(main.locator("h1").filter(has_text="Översikt")).to_be_visible()
    cards = main.locator("[class*='st-key-oversikt_kort_']")
    expect(cards).to_have_count(5)
    for i in range(5):
        box = cards.nth(i).bounding_box()
        assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"], (i, box)
    first_table = main.locator("[data-testid='stTable']").first.bounding_box()
    assert first_table["y"] > max(cards.nth(i).bounding_box()["y"] for i in range(5))
    size = cards.first.locator("[data-testid='stMarkdownContainer'] p").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 24, size
    cell = main.locator("[data-testid='stTable'] td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert cell >= 18, cell
    assert_no_exception(page)
    _shot(page, "oversikt_1920x1080")
    page.set_viewport_size({"width": 1366, "height": 768})
    _shot(page, "oversikt_1366x768")
    page.set_viewport_size(VIEWPORT)


def test_indicator_page_headline_and_focus_area_chooser(page, server):
    login(page, *server.login("viewer"))
    open_path_in_session(page, "/indikatorer?indikator=UTB06")
    main = main_area(page)
    expect(main.get_by_text("Senaste värde").first).to_be_visible()
    expect(main.get_by_text("Utveckling per område")).to_be_visible()
    assert_no_exception(page)
    _shot(page, "indikatorer_1920x1080")
    goto_page(page, "Fokusområden")
    main.get_by_text("Visa områden").click()
    wait_for_app(page)
    expect(main.get_by_text("Inga av fokusområdets indikatorer har värden per område")).to_be_visible()
    choose(page, "Fokusområde", "Bostad")
    expect(main.get_by_text("Områden i diagrammen")).to_be_visible()
    assert_no_exception(page)
    _shot(page, "fokusomraden_omraden_1920x1080")
    screenshot(page, "fokusomraden_omraden_hela_sidan")
