"""The published årsuppföljning in headless Chromium: axe-core finds no WCAG 2.1 AA violation
on any page, the pages work from the file system (offline), and the keyboard reaches the
skip link first. Screenshots of the start and an indicator page land in tests/artifacts/."""
from __future__ import annotations

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from bootstrap import initialise
from db.engine import make_engine
from indicators.annual import publication, snapshot
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN
from tests.utils.browser import ARTIFACTS
from tests.utils.demo import DEMO_TODAY, FOLLOW_UP_YEAR

pytestmark = pytest.mark.e2e
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("publicering")
    engine = make_engine(f"sqlite:///{root / 'demo.db'}")
    initialise(engine, demo=True, today=DEMO_TODAY)
    uow = UnitOfWork(engine)
    snapshot_id, _sha, _files = snapshot.create_snapshot(uow, ADMIN, FOLLOW_UP_YEAR, snapshot_date=date(2026, 2, 1))
    out = root / "site"
    publication.write_site(publication.build_site(*snapshot.frozen_material(uow, snapshot_id)), out)
    engine.dispose()
    return out


def test_axe_finds_no_violation_on_any_published_page(site_dir, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    axe = Axe()
    failures = {}
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        page.goto(path.as_uri())
        result = axe.run(page, options=WCAG_AA)
        if result.violations_count:
            failures[str(path.relative_to(site_dir))] = [v["id"] for v in result.response["violations"]]
    assert not failures


def test_the_site_reads_offline_and_the_keyboard_starts_at_the_skip_link(site_dir, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="sv-SE")
    page.goto((site_dir / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "publicering_start_1920.png"))
    page.goto((site_dir / "indikatorer" / "ARB01.html").as_uri())
    assert page.locator("svg.diagram title").text_content().startswith("Förvärvsarbetande")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(ARTIFACTS / "publicering_indikator_1366.png"), full_page=True)


def test_a_signed_out_browser_reads_the_published_year_and_nothing_else(browser, server):
    """Through the real app (st.App route beside Streamlit): published → readable without
    sign-in; a year not published and the app's own pages stay closed."""
    from db.engine import get_engine
    from indicators.annual import published

    uow = UnitOfWork(get_engine(server.env["DATABASE_URL"]))
    snapshot_id, _sha, _files = snapshot.create_snapshot(uow, ADMIN, FOLLOW_UP_YEAR, snapshot_date=date(2026, 2, 1))
    published.publish(uow, ADMIN, snapshot_id)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")  # no cookies
    page = context.new_page()
    response = page.goto(f"{server.base_url}/publicerat/{FOLLOW_UP_YEAR}/")
    assert response.status == 200 and page.locator("h1").inner_text() == f"Årsuppföljning {FOLLOW_UP_YEAR}"
    page.get_by_role("link", name="Skola").first.click()
    assert page.locator("h1").inner_text().endswith("Skola")
    assert page.goto(f"{server.base_url}/publicerat/").status == 200
    assert page.goto(f"{server.base_url}/publicerat/{FOLLOW_UP_YEAR - 1}/").status == 404
    page.goto(f"{server.base_url}/oversikt")
    assert "/logga-in" in page.url  # the app itself still asks for sign-in
    published.withdraw(uow, ADMIN, FOLLOW_UP_YEAR, "Test klart")
    assert page.goto(f"{server.base_url}/publicerat/{FOLLOW_UP_YEAR}/").status == 404
    context.close()
