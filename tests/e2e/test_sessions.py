"""Sign-in as a real web login (issue 17), in headless Chromium against `streamlit run app.py`:
reload keeps the user and the view, a deep link returns after sign-in, logout then Back
shows nothing, the cookie's flags, CSRF, expiry, lang="sv" and a title per page."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import update

from db.engine import get_engine, session_scope
from db.models import LoginSession
from tests.utils.browser import login, main_area, wait_for_app

pytestmark = pytest.mark.e2e

COOKIE = "uppfoljning_session"


def _signed_in_as(page, email: str) -> None:
    expect(page.get_by_text(f"Inloggad: {email}")).to_be_visible()
    assert page.get_by_text("Page not found").count() == 0


def _kept_the_query(page, server) -> None:
    """The page and every query parameter of the link are kept (the page may add its own,
    such as the chosen period of Analys och bedömning)."""
    from urllib.parse import parse_qsl, urlsplit

    url = urlsplit(page.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{server.base_url}/fokusomraden", page.url
    assert {("omrade", "skola"), ("kon", "1")} <= set(parse_qsl(url.query)), page.url


def test_reload_keeps_the_user_the_page_and_its_query(page, server):
    email, password = server.login("viewer")
    login(page, email, password)
    page.goto(f"{server.base_url}/fokusomraden?omrade=skola&kon=1")
    wait_for_app(page)
    expect(main_area(page).locator("h1").filter(has_text="Fokusområden")).to_be_visible()
    page.reload()
    wait_for_app(page)
    _signed_in_as(page, email)
    _kept_the_query(page, server)
    expect(main_area(page).locator("h1").filter(has_text="Fokusområden")).to_be_visible()
    expect(main_area(page).get_by_role("heading", name="Skola").first).to_be_visible()
    # The served page is Swedish and each page has its own title.
    assert page.locator("html").get_attribute("lang") == "sv"
    expect(page).to_have_title("Fokusområden – Uppföljning")


def test_a_link_opened_signed_out_returns_to_it_after_sign_in(page, server):
    page.goto(f"{server.base_url}/fokusomraden?omrade=skola&kon=1")
    expect(page).to_have_url(re.compile(r"/logga-in\?nasta="))
    assert page.locator("html").get_attribute("lang") == "sv"
    expect(page).to_have_title("Logga in – Uppföljning")
    email, password = server.login("admin")
    login(page, email, password)
    _kept_the_query(page, server)
    expect(main_area(page).locator("h1").filter(has_text="Fokusområden")).to_be_visible()


def test_logout_then_back_shows_nothing(page, server):
    email, password = server.login("admin")
    login(page, email, password)
    page.goto(f"{server.base_url}/indikatorer")
    wait_for_app(page)
    expect(main_area(page).locator("h1").filter(has_text="Indikatorer")).to_be_visible()
    token = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    for move in (page.go_back, page.reload):  # Back (in the page or a fresh load), then a reload
        move()
        page.wait_for_load_state()
        page.wait_for_timeout(1000)
        assert page.get_by_text("Inloggad:").count() == 0
        body = page.locator("body").inner_text()
        assert "Etablering på arbetsmarknaden" not in body and "Indikator" not in body
    expect(page.get_by_label("Lösenord")).to_be_visible()
    # The revoked token is refused by the server, whoever presents it.
    answer = requests.get(f"{server.base_url}/indikatorer", cookies={COOKIE: token}, headers={"Accept": "text/html"},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/logga-in")


def test_session_cookie_is_httponly_lax_and_secure_behind_https(page, server):
    login(page, *server.login("viewer"))
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http on loopback
    assert page.evaluate("document.cookie").find(COOKIE) == -1  # scripts cannot read it
    # Behind an https proxy (X-Forwarded-Proto from loopback) the cookie is also Secure.
    web = requests.Session()
    form = web.get(f"{server.base_url}/logga-in", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
    email, password = server.login("viewer")
    answer = web.post(f"{server.base_url}/logga-in", data={"csrf": csrf, "email": email, "password": password},
                      headers={"X-Forwarded-Proto": "https"}, cookies={"uppfoljning_csrf": csrf},
                      allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    set_cookie = answer.headers["set-cookie"]
    assert f"{COOKIE}=" in set_cookie and "HttpOnly" in set_cookie and "Secure" in set_cookie
    assert "SameSite=lax" in set_cookie


def test_a_post_without_the_csrf_token_is_refused(page, server):
    email, password = server.login("admin")
    for data, cookies in (({"email": email, "password": password}, {}),
                          ({"email": email, "password": password, "csrf": "gissat"}, {"uppfoljning_csrf": "annat"})):
        answer = requests.post(f"{server.base_url}/logga-in", data=data, cookies=cookies, allow_redirects=False,
                               timeout=10)
        assert answer.status_code == 403
        assert COOKIE not in answer.cookies
        assert "Formuläret hade gått ut" in answer.text
    # The browser's own form still works.
    login(page, email, password)


@pytest.mark.parametrize("column", ["last_seen_at", "expires_at"])
def test_an_expired_session_signs_out(page, server, column):
    email, password = server.login("official")
    login(page, email, password)
    token_count = len([c for c in page.context.cookies() if c["name"] == COOKIE])
    assert token_count == 1
    long_ago = datetime.now(timezone.utc) - timedelta(days=1)
    engine = get_engine(server.env["DATABASE_URL"])
    with session_scope(engine, write=True) as session:  # idle too long, or past the absolute end
        session.execute(update(LoginSession).where(LoginSession.revoked_at.is_(None)).values({column: long_ago}))
    engine.dispose()
    page.reload()
    page.wait_for_load_state()
    expect(page.get_by_text("Sessionen har gått ut. Logga in igen.")).to_be_visible()
    assert page.get_by_text("Inloggad:").count() == 0
    login(page, email, password)  # a new session works at once


def test_unknown_and_locked_accounts_get_the_same_answer(server):
    def attempt(email: str, password: str) -> requests.Response:
        web = requests.Session()
        csrf = re.search(r'name="csrf" value="([^"]+)"', web.get(f"{server.base_url}/logga-in", timeout=10).text)[1]
        return web.post(f"{server.base_url}/logga-in", data={"csrf": csrf, "email": email, "password": password},
                        allow_redirects=False, timeout=10)

    email = "e2e-spärr@exempel.invalid"
    from tests.e2e.conftest import _cli
    _cli(server.env, "user", "add", "e2e-sparr@exempel.invalid", "--role", "viewer", "--password-stdin",
         stdin="ett-langt-losenord-x\n")
    email = "e2e-sparr@exempel.invalid"
    for _ in range(4):
        assert attempt(email, "fel-losenord-igen").status_code == 401
    locked = attempt(email, "ett-langt-losenord-x")  # the right password while locked
    unknown = attempt("finns-inte@exempel.invalid", "ett-langt-losenord-x")
    assert locked.status_code == unknown.status_code == 401

    def message(answer):
        return re.search(r'role="alert">([^<]*)<', answer.text)[1]
    assert message(locked) == message(unknown) == "Fel e-post eller lösenord."
