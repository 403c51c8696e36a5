"""The public routes beside Streamlit: /publicerat/ lists the published years and
/publicerat/<år>/<fil> serves a published year's site, without sign-in. Only what an admin
has published answers; everything else is a Swedish "finns inte" page (404)."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from indicators.annual import published
from indicators.unit_of_work import UnitOfWork

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "Referrer-Policy": "same-origin",
}
NOT_FOUND = ('<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Sidan finns inte</title></head>'
             '<body><main><h1>Sidan finns inte</h1><p>Det finns ingen publicerad sida här. '
             '<a href="/publicerat/">Se de publicerade årsuppföljningarna</a>.</p></main></body></html>')


async def _index(_request: Request) -> Response:
    page = await run_in_threadpool(published.public_index, UnitOfWork.for_app())
    return HTMLResponse(page, headers=SECURITY_HEADERS)


async def _year_root(request: Request) -> Response:
    return RedirectResponse(f"/publicerat/{request.path_params['year']}/", status_code=301)


async def _file(request: Request) -> Response:
    year, path = request.path_params["year"], request.path_params.get("path", "")
    found = await run_in_threadpool(published.public_file, UnitOfWork.for_app(), year, path)
    if found is None:
        return HTMLResponse(NOT_FOUND, status_code=404, headers=SECURITY_HEADERS)
    data, media_type = found
    return Response(data, media_type=media_type, headers=SECURITY_HEADERS)


def routes() -> list[Route]:
    return [
        Route("/publicerat/", _index),
        Route("/publicerat/{year:int}", _year_root),
        Route("/publicerat/{year:int}/", _file),
        Route("/publicerat/{year:int}/{path:path}", _file),
    ]
