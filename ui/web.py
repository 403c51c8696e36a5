"""The HTTP side of sign-in, served by Starlette beside Streamlit (app.py's st.App):

- GET/POST /logga-in: a plain HTML form (E-post, Lösenord, Logga in) with a CSRF token
  (double submit: a SameSite=Strict cookie and a hidden field that must match);
  success sets the HttpOnly, SameSite=Lax session cookie and returns to the link asked for;
- a middleware that sends a browser without a live session from any page to
  /logga-in?nasta=<that page and query>, answers HTML pages with lang="sv" and no-store.

The Streamlit script still checks the session itself on every run (ui/auth.py); this layer
only makes the web login, deep links and reloads work.
"""
from __future__ import annotations

import html
import secrets
from typing import Optional
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from indicators.access import sessions, users
from indicators.unit_of_work import UnitOfWork
from settings import get_settings

LOGIN_PATH = "/logga-in"
CSRF_COOKIE = "uppfoljning_csrf"
SSO_COOKIE = "_streamlit_user"  # Streamlit's own signed cookie after st.login
FAILED = "Fel e-post eller lösenord."
REFUSED_CSRF = "Formuläret hade gått ut eller kom inte från den här sidan. Försök igen."
_OPEN_PREFIXES = ("/_stcore", "/static", "/media", "/component", "/app/static", "/auth", "/oauth2callback",
                  "/favicon", "/manifest", "/robots", LOGIN_PATH, "/publicerat/")  # the published years are public

_PAGE = """<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logga in – Uppföljning</title>
<style>
body {{ font-family: "Source Sans Pro", system-ui, sans-serif; background: #f6f7f9; color: #262730; margin: 0; }}
main {{ max-width: 26rem; margin: 10vh auto; background: #fff; padding: 2rem 2.5rem; border-radius: .6rem;
        box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ margin-top: 0; }} label {{ display: block; margin: 1rem 0 .3rem; font-weight: 600; }}
input {{ width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem; border: 1px solid #bbb;
         border-radius: .4rem; }}
button, .sso {{ margin-top: 1.4rem; padding: .6rem 1.2rem; font-size: 1rem; border-radius: .4rem; border: 0;
          background: #0072B2; color: #fff; cursor: pointer; display: inline-block; text-decoration: none; }}
.fel {{ background: #fde8e8; color: #7a1010; padding: .7rem; border-radius: .4rem; }}
.info {{ background: #e8f1fb; padding: .7rem; border-radius: .4rem; }}
p.liten {{ color: #555; font-size: .9rem; }}
</style></head>
<body><main>
<h1>Uppföljning</h1>
<p class="liten">Program för inkludering och social sammanhållning – logga in för att se uppföljningen.</p>
{message}
{sso}
<form method="post" action="{action}">
<input type="hidden" name="csrf" value="{csrf}">
<input type="hidden" name="nasta" value="{next}">
<label for="email">E-post</label>
<input id="email" name="email" type="email" autocomplete="username" required value="{email}">
<label for="password">Lösenord</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Logga in</button>
</form>
</main></body></html>
"""


def _safe_next(target: Optional[str]) -> str:
    """Only a path on this site: '/fokusomraden?omrade=skola', never '//evil' or 'https://…'."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target or target.startswith(LOGIN_PATH):
        return "/"
    return target


def _sso_configured() -> bool:
    import streamlit as st
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _secure(request: Request) -> bool:
    return get_settings().cookie_secure or request.url.scheme == "https"


def _form_page(request: Request, *, next_path: str, message: str = "", kind: str = "fel", email: str = "",
               status: int = 200) -> Response:
    csrf = secrets.token_urlsafe(24)
    sso = ""
    if _sso_configured():  # Streamlit's own OIDC route, with the signed provider token st.login would send
        from streamlit.auth_util import encode_provider_token

        sso = (f'<p><a class="sso" href="/auth/login?provider={quote(encode_provider_token("default"))}">'
               'Logga in med organisationens konto</a></p><p class="liten">Eller med lokalt konto:</p>')
    body = _PAGE.format(
        message=f'<p class="{kind}" role="alert">{html.escape(message)}</p>' if message else "",
        sso=sso, action=LOGIN_PATH, csrf=csrf, next=html.escape(next_path), email=html.escape(email))
    response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request), path=LOGIN_PATH)
    return response


async def login_form(request: Request) -> Response:
    message, kind = "", "info"
    if request.query_params.get("utloggad"):
        message = "Du är utloggad."
    elif request.cookies.get(sessions.COOKIE_NAME):
        live = await run_in_threadpool(sessions.is_live, UnitOfWork.for_app(), request.cookies[sessions.COOKIE_NAME])
        if live:
            return RedirectResponse(_safe_next(request.query_params.get("nasta")), status_code=303)
        message = "Sessionen har gått ut. Logga in igen."
    response = _form_page(request, next_path=_safe_next(request.query_params.get("nasta")), message=message, kind=kind)
    if request.cookies.get(sessions.COOKIE_NAME):
        response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response


async def login_submit(request: Request) -> Response:
    form = {key: values[0] for key, values in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    next_path = _safe_next(form.get("nasta"))
    cookie_token = request.cookies.get(CSRF_COOKIE, "")
    if not cookie_token or not secrets.compare_digest(cookie_token, form.get("csrf", "")):
        return _form_page(request, next_path=next_path, message=REFUSED_CSRF, status=403)
    uow = UnitOfWork.for_app()
    result = await run_in_threadpool(users.authenticate, uow, form.get("email", ""), form.get("password", ""))
    if result.actor is None:
        return _form_page(request, next_path=next_path, message=FAILED, email=form.get("email", ""), status=401)
    token = await run_in_threadpool(sessions.open_session, uow, result.actor)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(sessions.COOKIE_NAME, token, httponly=True, samesite="lax", secure=_secure(request), path="/",
                        max_age=get_settings().session_max_hours * 3600)
    response.delete_cookie(CSRF_COOKIE, path=LOGIN_PATH)
    return response


class SignInMiddleware:
    """Pure ASGI: pages need a live session (or Streamlit's SSO cookie); HTML is Swedish."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(_OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if "text/html" not in request.headers.get("accept", ""):
            await self.app(scope, receive, send)
            return
        token = request.cookies.get(sessions.COOKIE_NAME)
        live = token and await run_in_threadpool(sessions.is_live, UnitOfWork.for_app(), token)
        if not live and not request.cookies.get(SSO_COOKIE):
            target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
            response = RedirectResponse(f"{LOGIN_PATH}?nasta={quote(target, safe='')}", status_code=303,
                                        headers={"Cache-Control": "no-store"})
            await response(scope, receive, send)
            return
        # Uncompressed, so the page's language can be set; pages are never cached (Back after logout).
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] 
                           if k not in (b"accept-encoding", b"if-none-match", b"if-modified-since")]}
        await self.app(scope, receive, _swedish(send))


def _swedish(send):
    """Rewrite <html lang="en"> of Streamlit's index.html to lang="sv" and forbid caching."""
    state = {"html": False, "start": None}

    async def wrapped(message):
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            state["html"] = headers.get(b"content-type", b"").startswith(b"text/html")
            if not state["html"]:
                await send(message)
                return
            state["start"] = message
            state["body"] = b""
            return
        if message["type"] == "http.response.body" and state["html"]:
            state["body"] += message.get("body", b"")
            if message.get("more_body"):
                return
            body = state["body"].replace(b'<html lang="en">', b'<html lang="sv">', 1)
            start = state["start"]
            headers = [(k, v) for k, v in start.get("headers", [])
                       if k not in (b"content-length", b"cache-control", b"etag", b"last-modified")]
            headers += [(b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return wrapped


ROUTES = [Route(LOGIN_PATH, login_form, methods=["GET"]), Route(LOGIN_PATH, login_submit, methods=["POST"])]
MIDDLEWARE = [Middleware(SignInMiddleware)]
