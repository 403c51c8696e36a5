"""Playwright helpers for the end-to-end scenarios in tests/e2e: waiting for a Streamlit run,
logging in, navigating, reading dataframes and downloads, and screenshots."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.utils.paths import TESTS

ARTIFACTS = TESTS / "artifacts"
VIEWPORT = {"width": 1920, "height": 1080}  # a projector in the meeting room


def wait_for_app(page) -> None:
    """Wait until the websocket is connected and the script run has finished.

    Streamlit sets data-test-script-state on the app root; a short pause first lets a rerun
    triggered by the last click start, so we do not mistake the previous idle state for done.
    """
    page.wait_for_timeout(250)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", state="attached")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
    page.wait_for_selector("[data-testid='stStatusWidget'] >> text=Running", state="detached")


def expect_text(page, text: str) -> None:
    expect(page.get_by_text(text, exact=False).first).to_be_visible()


def main_area(page):
    return page.locator("[data-testid='stMain']")


def sidebar_nav(page):
    return page.locator("[data-testid='stSidebarNav']")


def expand_navigation(page) -> None:
    """Streamlit shows only the first pages of a long navigation behind "View N more"."""
    more = sidebar_nav(page).get_by_role("button", name=re.compile(r"View \d+ more"))
    if more.count():
        more.first.click()
        expect_text(page, "View less")


def nav_titles(page) -> list[str]:
    """Page titles in the sidebar (the link text also holds the icon's ligature name)."""
    wait_for_app(page)
    expand_navigation(page)
    labels = sidebar_nav(page).locator("[data-testid='stSidebarNavLink'] span[label]")
    return [labels.nth(i).get_attribute("label") for i in range(labels.count())]


def nav_link(page, title: str):
    return sidebar_nav(page).locator(f"[data-testid='stSidebarNavLink']:has(span[label='{title}'])")


def login(page, email: str, password: str) -> None:
    """Sign in on the web form at /logga-in (a POST); the browser returns to the page asked for."""
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text(f"Inloggad: {email}")).to_be_visible()
    wait_for_app(page)


def goto_page(page, title: str) -> None:
    """Click the sidebar link whose text is exactly `title` and wait for its title heading."""
    link = nav_link(page, title)
    if not link.count():
        expand_navigation(page)
    link.click()
    expect(main_area(page).locator("h1").filter(has_text=title).first).to_be_visible()
    wait_for_app(page)


def assert_no_exception(page) -> None:
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, f"Python-undantag på sidan:\n{errors.first.inner_text()}"


def screenshot(page, name: str) -> Path:
    """Whole page: Streamlit scrolls inside stMain, so grow the viewport to its height first.
    The web sign-in form (/logga-in) is a plain page and is taken as it is."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if not page.locator("[data-testid='stApp']").count():
        page.screenshot(path=str(path), full_page=True)
        return path
    wait_for_app(page)
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], min(height, 12_000))})
    page.wait_for_timeout(300)  # let the charts and grids re-layout to the taller window
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


def open_path_in_session(page, path: str) -> None:
    """Change the URL path the way Streamlit's own navigation does (history + popstate), so the
    websocket session, and with it the login, is kept. page.goto would start a new session."""
    page.evaluate("path => { history.pushState({}, '', path); window.dispatchEvent(new PopStateEvent('popstate')); }", path)
    wait_for_app(page)


def selectbox(page, label: str):
    """A Streamlit selectbox's input; its value is the chosen option's text."""
    return main_area(page).get_by_role("combobox", name=label)


def choose(page, label: str, option_text: str, attempts: int = 3) -> None:
    """Open a Streamlit selectbox, type to filter, and click the first matching option. On a
    loaded machine the box can be redrawn between the click and the typing (the list then
    never opens): close it and try again, a few times, before failing."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        box = selectbox(page, label)
        box.click()
        page.keyboard.type(option_text)
        option = page.get_by_role("option").filter(has_text=option_text).first
        try:
            option.wait_for(state="visible", timeout=15_000)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            wait_for_app(page)
            continue
        option.click()
        break
    wait_for_app(page)


def download(page, button_name: str):
    """Click a download button and return the downloaded file's bytes and its name."""
    with page.expect_download() as info:
        main_area(page).get_by_role("button", name=button_name).click()
    download = info.value
    return Path(download.path()).read_bytes(), download.suggested_filename


def dataframe_rows(page, frame) -> list[dict]:
    """A st.dataframe's rows, via its own toolbar's "Download as CSV" (the grid is a canvas)."""
    frame.hover()
    with page.expect_download() as info:
        frame.get_by_role("button", name="Download as CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
