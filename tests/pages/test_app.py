"""AppTest of app.py: the login gate holds, password and SSO login, logout, a disabled user is
logged out; and no page or UI module renders unsafe HTML. Each page has its own test module."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from indicators.access import users
from tests.utils.actors import ADMIN as ADMIN_ACTOR
from tests.utils.apptest import APP, all_text, logged_in_app
from tests.utils.paths import ROOT
from indicators.unit_of_work import UnitOfWork


def test_not_logged_in_sees_only_the_way_to_sign_in(demo_engine):
    """Without a session the script shows a link to the web sign-in (/logga-in, tested in
    tests/e2e/test_sessions.py) and no data, on every page's URL."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == []
    assert "Etablering på arbetsmarknaden" not in all_text(at)
    assert len(at.dataframe) == 0
    assert any(b.proto.url.startswith("/logga-in?nasta=") for b in at.get("link_button"))


def test_logout_shows_nothing(demo_engine):
    users.create_user(UnitOfWork(demo_engine), ADMIN_ACTOR, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    at = logged_in_app("admin").run()
    assert "Etablering på arbetsmarknaden" in all_text(at)
    at.button(key="logout").click().run()
    assert "actor" not in at.session_state
    assert "Etablering på arbetsmarknaden" not in all_text(at)
    assert "Du är utloggad." in [e.value for e in at.info]


def test_sso_maps_verified_email_to_user(demo_engine):
    users.create_user(UnitOfWork(demo_engine), ADMIN_ACTOR, "sso@test.invalid", "viewer")  # no password: SSO only
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "s", "server_metadata_url": "https://login.invalid/.well-known"}
    at.user = {"is_logged_in": True, "email": "SSO@test.invalid"}
    at.run()
    assert not at.exception
    assert "Etablering på arbetsmarknaden" in all_text(at)
    at.run()  # audited once per sign-in, not per click
    assert _audit(demo_engine, "sso@test.invalid") == [("login", "SSO")]


def test_sso_unknown_email_gets_no_access_page(demo_engine):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "s", "server_metadata_url": "https://login.invalid/.well-known"}
    at.user = {"is_logged_in": True, "email": "okand@test.invalid"}
    at.run()
    assert "Ingen behörighet" in all_text(at)
    assert "Etablering på arbetsmarknaden" not in all_text(at)
    assert _audit(demo_engine, "okand@test.invalid") == [("login_failed", "SSO: ingen behörighet")]


def _audit(engine, email: str) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from db.engine import session_scope
    from db.models import AuditEvent
    with session_scope(engine) as session:
        return [(e.action, e.reason) for e in session.execute(
            select(AuditEvent).where(AuditEvent.user_email == email).order_by(AuditEvent.id)).scalars()]


def test_disabled_user_is_logged_out_on_next_run(demo_engine):
    users.create_user(UnitOfWork(demo_engine), ADMIN_ACTOR, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    at = logged_in_app("admin").run()
    assert "Etablering på arbetsmarknaden" in all_text(at)
    users.update_user(UnitOfWork(demo_engine), ADMIN_ACTOR, "admin@exempel.invalid", active=False)
    at.run()
    assert "Etablering på arbetsmarknaden" not in all_text(at)


def test_no_unsafe_html_anywhere_in_the_ui():
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]:
        assert "unsafe_allow_html=True" not in path.read_text(encoding="utf-8"), path


def test_each_script_run_reads_the_sign_in_once(admin_app, monkeypatch):
    """app.py checks the session at the start of a run; the page it runs uses that check
    instead of reading the user again (a second database read per page view)."""
    calls = []
    real = users.refresh_actor
    monkeypatch.setattr(users, "refresh_actor", lambda uow, actor: calls.append(actor.email) or real(uow, actor))
    at = admin_app.run()
    assert not at.exception and "Översikt" in [t.value for t in at.title]
    assert calls == ["admin@exempel.invalid"]
    at.switch_page("pages/fokusomraden.py").run()
    assert not at.exception and "Fokusområden" in [t.value for t in at.title]
    assert calls == ["admin@exempel.invalid"] * 2
