"""Single sign-on end to end (issue 17): a real OIDC provider (oidc-provider-mock) on
loopback, `streamlit run app.py` configured for it through a secrets file, headless Chromium.
A mapped user gets their role, an unknown one "Ingen behörighet"; both are audited."""
from __future__ import annotations

import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import expect
from sqlalchemy import select

from db.engine import get_engine, session_scope
from db.models import AuditEvent
from tests.e2e.conftest import _cli, _free_port, serve
from tests.utils.browser import main_area, nav_titles, wait_for_app

pytestmark = pytest.mark.e2e

MAPPED = "sso-arbetsgrupp@exempel.invalid"
UNKNOWN = "sso-okand@exempel.invalid"


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory):
    import os

    workdir = tmp_path_factory.mktemp("sso")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'sso.db'}", "PYTHONUNBUFFERED": "1"}
    _cli(env, "init")
    _cli(env, "user", "add", MAPPED, "--role", "viewer")  # no password: SSO only
    with run_server_in_thread() as provider:
        port = _free_port()
        secrets = workdir / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "e2e-en-lang-slumpmassig-hemlighet-for-kakan"\n'
            'client_id = "uppfoljning"\n'
            'client_secret = "e2e-klienthemlighet"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n',
            encoding="utf-8")
        with serve(env, workdir, "--secrets.files", str(secrets), log_name="streamlit-sso.log", port=port) as url:
            yield url, env


def _sign_in_with_provider(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Logga in med organisationens konto").click()
    page.locator("input[name='sub']").fill(email)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base_url}/**")
    wait_for_app(page)


def _audit(env, email: str) -> list[tuple[str, str]]:
    engine = get_engine(env["DATABASE_URL"])
    with session_scope(engine) as session:
        rows = [(e.action, e.reason) for e in session.execute(
            select(AuditEvent).where(AuditEvent.user_email == email).order_by(AuditEvent.id)).scalars()]
    engine.dispose()
    return rows


def test_a_mapped_user_signs_in_with_their_role(browser, sso_server):
    base_url, env = sso_server
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    _sign_in_with_provider(page, base_url, MAPPED)
    expect(page.get_by_text(f"Inloggad: {MAPPED}")).to_be_visible()
    titles = nav_titles(page)
    assert "Översikt" in titles and "Administration" not in titles and "Rapportera" not in titles
    assert ("login", "SSO") in _audit(env, MAPPED)
    context.close()


def test_an_unknown_user_gets_no_access_and_is_audited(browser, sso_server):
    base_url, env = sso_server
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    _sign_in_with_provider(page, base_url, UNKNOWN)
    expect(main_area(page).locator("h1").filter(has_text="Ingen behörighet")).to_be_visible()
    assert "Etablering på arbetsmarknaden" not in page.locator("body").inner_text()
    assert page.get_by_text("Inloggad:").count() == 0
    assert _audit(env, UNKNOWN) == [("login_failed", "SSO: ingen behörighet")]
    context.close()
