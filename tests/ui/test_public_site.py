"""The public routes answer over real HTTP (uvicorn on a loopback port) without sign-in, and
only with what an admin has published; live data and unpublished years are never served."""
from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from datetime import date

import pytest
import uvicorn
from starlette.applications import Starlette

from indicators.annual import published, snapshot
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR
from ui.public_site import routes


@pytest.fixture
def base_url(demo_engine):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=routes()), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        # a minute: the first request builds the year's site, slow on a loaded machine
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_only_published_years_are_served_without_sign_in(demo_engine, base_url):
    uow = UnitOfWork(demo_engine)
    snapshot_id, _sha, _files = snapshot.create_snapshot(uow, ADMIN, YEAR, snapshot_date=date(2026, 2, 1))
    status, _type, body = _get(f"{base_url}/publicerat/{YEAR}/")
    assert status == 404 and "Sidan finns inte".encode() in body  # frozen but not published
    published.publish(uow, ADMIN, snapshot_id)
    status, content_type, body = _get(f"{base_url}/publicerat/{YEAR}/")
    assert status == 200 and content_type.startswith("text/html") and b'lang="sv"' in body
    status, _type, body = _get(f"{base_url}/publicerat/")
    assert status == 200 and f'{YEAR}/index.html'.encode() in body
    for path in ("indikatorer/ARB01.html", "stil.css", f"data/arsuppfoljning-{YEAR}.csv"):
        assert _get(f"{base_url}/publicerat/{YEAR}/{path}")[0] == 200, path
    for unpublished in (f"/publicerat/{YEAR - 1}/", f"/publicerat/{YEAR}/../../app.py", "/publicerat/2025/data.db",
                        f"/publicerat/{YEAR}/indikatorer/FINNS_INTE.html"):
        assert _get(base_url + unpublished)[0] == 404, unpublished
    published.withdraw(uow, ADMIN, YEAR, "Rättelse")
    assert _get(f"{base_url}/publicerat/{YEAR}/")[0] == 404
