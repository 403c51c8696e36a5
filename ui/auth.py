"""Login gate: local e-mail/password form, or Streamlit's OIDC when secrets hold [auth]."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

import streamlit as st

from indicators.access import users
from indicators.access.permissions import Actor
from indicators.unit_of_work import UnitOfWork

ACTOR_KEY = "actor"  # set at login
LOGGED_IN_AT_KEY = "logged_in_at"


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def current_actor() -> Optional[Actor]:
    """The logged-in user, re-read from the database; None when not (or no longer) allowed."""
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        email = st.user.get("email") or ""
        actor = users.actor_for_email(UnitOfWork.for_app(), email)
        st.session_state["sso_email"] = email
        return actor
    actor: Optional[Actor] = st.session_state.get(ACTOR_KEY)
    if actor is None:
        return None
    logged_in_at: datetime = st.session_state.get(LOGGED_IN_AT_KEY) or datetime.now(timezone.utc)
    if users.session_expired(logged_in_at):
        logout()
        st.session_state["login_message"] = "Sessionen har gått ut. Logga in igen."
        return None
    fresh = users.refresh_actor(UnitOfWork.for_app(), actor)
    if fresh is None:
        logout()
    return fresh


def logout() -> None:
    for key in (ACTOR_KEY, LOGGED_IN_AT_KEY):
        st.session_state.pop(key, None)
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def login_page() -> None:
    st.title("Uppföljning")
    st.caption("Program för inkludering och social sammanhållning – logga in för att se uppföljningen.")
    if message := st.session_state.pop("login_message", None):
        st.info(message)
    if sso_configured():
        if getattr(st.user, "is_logged_in", False):
            no_access_page()
            return
        st.button("Logga in med organisationens konto", type="primary", on_click=st.login)
        st.divider()
        st.caption("Eller med lokalt konto:")
    with st.form("login"):
        email = st.text_input("E-post", autocomplete="username")
        password = st.text_input("Lösenord", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Logga in", type="primary")
    if submitted:
        result = users.authenticate(UnitOfWork.for_app(), email, password)
        if result.actor is None:
            st.error(result.message)
        else:
            st.session_state[ACTOR_KEY] = result.actor
            st.session_state[LOGGED_IN_AT_KEY] = datetime.now(timezone.utc)
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
    from the database, so a disabled account loses access at its next click."""
    actor = current_actor()
    if actor is None:
        st.info("Du är inte inloggad. Ladda om sidan och logga in.")
        st.stop()
    if roles is not None and actor.role not in roles:
        st.error("Ingen behörighet till den här sidan.")
        st.stop()
    return actor
