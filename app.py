"""Uppföljning – entry point: first-start set-up, sign-in gate, role navigation.

`streamlit run app.py` finds the st.App below and serves it (Starlette + uvicorn): the
web sign-in routes and middleware of ui/web.py beside Streamlit, which runs this same file
as its script (there `__name__ == "__main__"`).
"""
from __future__ import annotations

import streamlit as st

from bootstrap import database_is_empty, initialise
from indicators.access import users
from indicators.views.overview import is_demo
from indicators.access.permissions import PAGES_BY_ROLE
from indicators.rules.vocabulary import ROLE_LABELS
from ui import auth
from ui.components import demo_banner
from indicators.unit_of_work import UnitOfWork

APP_NAME = "Uppföljning"

# The sidebar's sections group the pages by what people do there: section -> [(slug, title, icon)].
# The slugs are the pages' URLs.
SECTIONS = {
    "Uppföljning": [
        ("oversikt", "Översikt", ":material/dashboard:"),
        ("fokusomraden", "Fokusområden", ":material/view_module:"),
        ("indikatorer", "Indikatorer", ":material/monitoring:"),
        ("malmatris", "Målmatris", ":material/grid_on:"),
        ("ansvar", "Ansvar", ":material/account_tree:"),
        ("moten", "Möten", ":material/groups:"),
        ("mal", "Mål", ":material/flag:"),
    ],
    "Rapportering": [
        ("rapportera", "Rapportera", ":material/edit_note:"),
        ("importera", "Importera", ":material/upload_file:"),
        ("insatser", "Insatser", ":material/task_alt:"),
    ],
    "Administration": [
        ("arsuppfoljning", "Årsuppföljning", ":material/inventory_2:"),
        ("administration", "Administration", ":material/settings:"),
        ("hamta_statistik", "Hämta officiell statistik", ":material/cloud_download:"),
        ("rapportering", "Rapportering", ":material/event_available:"),
    ],
}
# slug -> (title, icon, section)
PAGES = {slug: (title, icon, section) for section, pages in SECTIONS.items() for slug, title, icon in pages}


@st.cache_resource(show_spinner="Förbereder databasen …")
def _startup(url: str) -> None:
    """Migrate on every start; an empty embedded database also gets demo data and accounts."""
    if database_is_empty():
        initialise(demo=True)
        created = users.create_demo_users(UnitOfWork.for_app())
        if created:
            print("Exempelkonton (lösenorden visas bara nu):", flush=True)
            for email, role, password in created:
                print(f"  {role:<9} {email:<32} {password}", flush=True)
    else:
        initialise()


def _implemented(slug: str) -> bool:
    from pathlib import Path
    return (Path(__file__).parent / "pages" / f"{slug}.py").exists()


def _navigation_for(role: str) -> dict[str, list]:
    """The role's pages; every other page's URL stays known (hidden), so a link to it answers
    in Swedish instead of Streamlit's English "Page not found"."""
    sections: dict[str, list] = {}
    for slug in PAGES_BY_ROLE[role]:
        if slug not in PAGES or not _implemented(slug):
            continue
        title, icon, section = PAGES[slug]
        sections.setdefault(section, []).append(
            st.Page(f"pages/{slug}.py", title=title, icon=icon, default=slug == "oversikt")
        )
    hidden = [st.Page(_not_for_role, title=PAGES[slug][0], url_path=slug, visibility="hidden")
              for slug in PAGES if slug not in PAGES_BY_ROLE[role] and _implemented(slug)]
    if hidden:
        next(iter(sections.values())).extend(hidden)
    return sections


def _not_for_role() -> None:
    st.title("Ingen behörighet")
    st.error("Ingen behörighet till den här sidan.")


def _signed_out_navigation(page, title: str = "Logga in") -> list:
    """Every page's URL shows the same page (sign-in prompt, new password): no English pop-up,
    and the URL is kept for after."""
    return [st.Page(page, title=title, icon=":material/login:", default=True)] + [
        st.Page(page, title=title, url_path=slug, visibility="hidden") for slug in PAGES]


def _run(navigation) -> None:
    """Each page has its own browser title."""
    st.set_page_config(page_title=f"{navigation.title} – {APP_NAME}", page_icon="📊", layout="wide")
    navigation.run()


def main() -> None:
    from settings import get_settings

    _startup(get_settings().database_url)
    actor = auth.current_actor()
    if actor is None:
        if auth.sso_configured() and getattr(st.user, "is_logged_in", False) and not st.session_state.get("logged_out"):
            _run(st.navigation(_signed_out_navigation(auth.no_access_page), position="hidden"))
        else:
            _run(st.navigation(_signed_out_navigation(auth.login_page), position="hidden"))
        return
    with st.sidebar:
        st.caption(f"Inloggad: {actor.email}")
        st.caption(ROLE_LABELS[actor.role])
        st.button("Logga ut", on_click=auth.logout, key="logout")
    if actor.must_change_password:
        _run(st.navigation(_signed_out_navigation(auth.change_password_page, "Byt lösenord"), position="hidden"))
        return
    demo_banner(is_demo(UnitOfWork.for_app()))
    with auth.checked_for_this_run(actor):
        _run(st.navigation(_navigation_for(actor.role), expanded=True))


if __name__ == "__main__":  # the Streamlit script run
    main()
else:  # imported by `streamlit run` / uvicorn: the ASGI app
    from ui import public_site, web

    app = st.App(__file__, routes=web.ROUTES + public_site.routes(), middleware=web.MIDDLEWARE)
