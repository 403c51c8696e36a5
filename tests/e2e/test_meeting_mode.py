"""The meeting mode on a projector, in Chromium: at 1920×1080 every text is at least 24 px and
the sidebar is collapsed; at 1366×768 the summary (title, navigation, status counts, what
changed) fits the screen without scrolling. Screenshots of both go to tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.utils.browser import ARTIFACTS, assert_no_exception, goto_page, login, main_area, wait_for_app

pytestmark = pytest.mark.e2e

SMALL = {"width": 1366, "height": 768}
TEXT = ("[data-testid='stMain'] p, [data-testid='stMain'] li, [data-testid='stMain'] h1, "
        "[data-testid='stMain'] h2, [data-testid='stMain'] h3, [data-testid='stMetricValue']")


def _smallest_font(page) -> tuple[float, str]:
    return page.evaluate("""selector => {
        let smallest = [1000, ''];
        for (const el of document.querySelectorAll(selector)) {
            const box = el.getBoundingClientRect();
            if (!box.width || !box.height || !el.innerText.trim()) continue;
            const size = parseFloat(getComputedStyle(el).fontSize);
            if (size < smallest[0]) smallest = [size, el.innerText.slice(0, 60)];
        }
        return smallest;
    }""", TEXT)


def _viewport_shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # let the charts re-layout
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_meeting_mode_reads_from_across_the_room(page, server):
    login(page, *server.login("viewer"))
    goto_page(page, "Möten")
    main_area(page).get_by_role("button", name="Starta mötesläge").click()
    heading = main_area(page).locator("h1")
    expect(heading.filter(has_text="Etablering på arbetsmarknaden")).to_be_visible()
    wait_for_app(page)
    assert_no_exception(page)

    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    size, text = _smallest_font(page)
    assert size >= 24, f"text på {size} px vid 1920×1080: {text!r}"
    expect(main_area(page).get_by_text("sedan förra mötet").first).to_be_visible()
    expect(main_area(page).get_by_text("Analys och bedömning").first).to_be_visible()
    _viewport_shot(page, "motesläge_1920x1080")

    page.set_viewport_size(SMALL)
    page.wait_for_timeout(400)
    summary = page.locator(".st-key-motesammanfattning")
    box = summary.bounding_box()
    assert box is not None and box["y"] >= 0
    assert box["y"] + box["height"] <= SMALL["height"], f"sammanfattningen slutar på {box['y'] + box['height']} px"
    assert page.evaluate("document.querySelector('[data-testid=stMain]').scrollTop") == 0
    _viewport_shot(page, "motesläge_1366x768")

    # Keyboard: focus "Nästa ▶" and press Enter; the URL keeps the focus area.
    main_area(page).get_by_role("button", name="Nästa ▶").focus()
    page.keyboard.press("Enter")
    expect(heading.filter(has_text="Skola")).to_be_visible()
    wait_for_app(page)
    assert "fokus=skola" in page.url and "steg" not in page.url
    _viewport_shot(page, "motesläge_skola_1366x768")
    assert_no_exception(page)

    # Leaving the meeting mode brings the sidebar back, with the pages to go to.
    page.set_viewport_size({"width": 1920, "height": 1080})
    main_area(page).get_by_role("button", name="Avsluta mötesläge").click()
    expect(main_area(page).locator("h1").filter(has_text="Möten")).to_be_visible()
    wait_for_app(page)
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    expect(sidebar.get_by_text("Översikt").first).to_be_visible()
    assert "fokus" not in page.url
    _viewport_shot(page, "möten_efter_mötesläge_1920x1080")
    assert_no_exception(page)
