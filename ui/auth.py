"""Sign-in gate inside the Streamlit script: the session cookie (set by ui/web.py's POST
/logga-in) is read through st.context.cookies and checked against the session table on every
run; or Streamlit's OIDC (st.login) when secrets hold [auth]."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Optional
from urllib.parse import quote, urlsplit

import streamlit as st

from indicators.access import sessions, users
from indicators.access.permissions import Actor
from indicators.unit_of_work import UnitOfWork

ACTOR_KEY = "actor"  # set only by the AppTest harness (tests/utils/apptest.py): a browser has the cookie
LOGIN_PATH = "/logga-in"
_this_run = threading.local()  # each session's script runs on its own thread


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def _token() -> Optional[str]:
    token = st.context.cookies.get(sessions.COOKIE_NAME)
    return token if isinstance(token, str) else None  # AppTest has no browser, hence no cookies


def current_actor() -> Optional[Actor]:
    """The signed-in user, re-read from the database; None when not (or no longer) allowed."""
    if st.session_state.get("logged_out"):
        return None
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        email = st.user.get("email") or ""
        if st.session_state.get("sso_email") != email:  # first run of this sign-in: audited once
            st.session_state["sso_email"] = email
            return users.sso_sign_in(UnitOfWork.for_app(), email)
        return users.actor_for_email(UnitOfWork.for_app(), email)
    token = _token()
    if token:
        return sessions.actor_for_token(UnitOfWork.for_app(), token)
    actor: Optional[Actor] = st.session_state.get(ACTOR_KEY)
    return users.refresh_actor(UnitOfWork.for_app(), actor) if actor is not None else None


@contextmanager
def checked_for_this_run(actor: Actor) -> Iterator[None]:
    """app.py has just read the session from the database at the start of this script run:
    the page it runs next (same run, same thread) uses that actor instead of reading the
    session a second time. Cleared when the page ends, also by st.stop/st.rerun."""
    _this_run.actor = actor
    try:
        yield
    finally:
        _this_run.actor = None


def logout() -> None:
    """Revoke the server-side session: the cookie never works again, not even after Back."""
    sessions.revoke(UnitOfWork.for_app(), _token())
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state["logged_out"] = True
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def _here() -> str:
    """The current page and query, for returning there after sign-in."""
    url = st.context.url
    path = (urlsplit(url).path if isinstance(url, str) else "") or "/"
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in st.query_params.items())
    return path + (f"?{query}" if query else "")


def login_page() -> None:
    """Shown when the script runs without a live session (expired, revoked, logged out)."""
    st.title("Uppföljning")
    if st.session_state.get("logged_out"):
        st.info("Du är utloggad.")
        target = LOGIN_PATH + "?utloggad=1"
    else:
        st.info("Du är inte inloggad, eller så har sessionen gått ut.")
        target = f"{LOGIN_PATH}?nasta={quote(_here(), safe='')}"
    st.link_button("Logga in", target, type="primary")


def change_password_page() -> None:
    """After an admin's reset: the user must choose a new password before anything else."""
    actor = current_actor()
    st.title("Byt lösenord")
    st.info(f"Lösenordet har återställts. Välj ett nytt lösenord med minst {users.MIN_PASSWORD_LENGTH} tecken.")
    with st.form("change_password"):
        current = st.text_input("Nuvarande lösenord", type="password", autocomplete="current-password")
        new = st.text_input("Nytt lösenord", type="password", autocomplete="new-password")
        again = st.text_input("Upprepa nytt lösenord", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Byt lösenord", type="primary")
    if submitted and actor is not None:
        if new != again:
            st.error("De två nya lösenorden är inte lika.")
            return
        from ui.components import attempt

        done, _ = attempt(lambda: users.change_own_password(UnitOfWork.for_app(), actor, current, new))
        if done:
            st.rerun()


def no_access_page() -> None:
    st.title("Ingen behörighet")
    email = st.session_state.get("sso_email") or st.user.get("email", "")
    st.error("Ingen behörighet: ditt konto finns inte i Uppföljning eller är inaktiverat.")
    st.text(f"Inloggad som: {email}")
    st.write("Kontakta processtödet på kommunledningsförvaltningen för att få ett konto.")
    st.button("Logga ut", on_click=st.logout)


def page_actor(roles: Optional[set[str]] = None) -> Actor:
    """First line of every page: the logged-in actor, or stop. Defence in depth: the
    navigation already hides pages a role may not see; this also holds when a page is
    reached some other way (a stale URL after logout, a test harness). Re-reads the user
    from the database (once per script run: app.py's check), so a disabled account loses
    access at its next click."""
    actor = getattr(_this_run, "actor", None) or current_actor()
    if actor is None:
        login_page()
        st.stop()
    if roles is not None and actor.role not in roles:
        st.error("Ingen behörighet till den här sidan.")
        st.stop()
    return actor
