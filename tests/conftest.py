"""Shared fixtures. Every test that asks for a database runs once per backend: SQLite
(a file in a temp dir) and PostgreSQL (a real server this conftest starts on loopback).

Fresh databases are cloned from per-session templates (a copied SQLite file; PostgreSQL's
CREATE DATABASE … TEMPLATE), so each test starts from the same state quickly:
- ``db_url``: an empty database (DATABASE_URL is set to it);
- ``engine``: migrated, with the program structure and starter catalogue;
- ``demo_engine``: the same plus deterministic demo data (as of DEMO_TODAY).
Set UPPFOLJNING_TEST_BACKENDS=sqlite to run one backend while developing.

Settings are read once and cached (settings.get_settings): a test that changes the
environment calls ``reload_settings()`` afterwards; every test starts and ends with settings
read from its environment.

Only fixtures live here; helpers shared by the tests (actors, demo facts, builders) are in
``tests/utils``.
"""
from __future__ import annotations

import os
import shutil
import uuid

import pytest

from bootstrap import initialise
from db.engine import get_engine, make_engine
from settings import reload_settings
from tests.utils.demo import DEMO_TODAY
from tests.utils.pg_server import PostgresServer

BACKENDS = [b for b in os.environ.get("UPPFOLJNING_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def _fill(engine, template: str) -> None:
    initialise(engine, demo=template == "demo", today=DEMO_TODAY)


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Settings as the test's environment says: read anew before the test and again after it
    (this fixture is set up first and torn down last, after monkeypatch has restored the
    environment), so a change made by one test never leaks into the next."""
    reload_settings()
    yield
    reload_settings()


@pytest.fixture(scope="session")
def pg_server():
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


class _Templates:
    """Builds each (backend, template) once per session, then clones it per test."""

    def __init__(self, tmp_dir, request):
        self.tmp_dir = tmp_dir
        self.request = request
        self.built: dict[tuple[str, str], str] = {}

    def template(self, backend: str, kind: str) -> str:
        key = (backend, kind)
        if key not in self.built:
            if backend == "sqlite":
                path = self.tmp_dir / f"template_{kind}.db"
                engine = make_engine(f"sqlite:///{path}")
                _fill(engine, kind)
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                engine.dispose()
                self.built[key] = str(path)
            else:
                server = self.request.getfixturevalue("pg_server")
                name = f"template_{kind}"
                server.create_database(name)
                engine = make_engine(server.url(name))
                _fill(engine, kind)
                engine.dispose()
                self.built[key] = name
        return self.built[key]

    def fresh(self, backend: str, kind: str | None, tmp_path) -> str:
        if backend == "sqlite":
            path = tmp_path / "test.db"
            if kind:
                shutil.copyfile(self.template(backend, kind), path)
            return f"sqlite:///{path}"
        server = self.request.getfixturevalue("pg_server")
        name = f"t_{uuid.uuid4().hex[:12]}"
        server.create_database(name, template=self.template(backend, kind) if kind else None)
        return server.url(name)


@pytest.fixture(scope="session")
def _templates(tmp_path_factory, request):
    return _Templates(tmp_path_factory.mktemp("templates"), request)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, request, tmp_path, monkeypatch, _templates) -> str:
    names = request.fixturenames
    kind = "demo" if "demo_engine" in names else "structure" if "engine" in names else None
    url = _templates.fresh(backend, kind, tmp_path)
    server = request.getfixturevalue("pg_server") if backend == "postgresql" else None
    monkeypatch.setenv("DATABASE_URL", url)
    reload_settings()
    yield url
    get_engine(url).dispose()
    if server is not None:
        server.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture
def engine(db_url):
    return get_engine(db_url)


@pytest.fixture
def demo_engine(db_url):
    return get_engine(db_url)


@pytest.fixture
def kolada_env(monkeypatch):
    """No Kolada settings from the environment: the saved responses decide."""
    for name in ("KOLADA_BASE_URL", "KOLADA_MUNICIPALITY", "KOLADA_COMPARE"):
        monkeypatch.delenv(name, raising=False)
    reload_settings()


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test means a missing tool: fail the run instead."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped:
        session.exitstatus = 1
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) skipped – a skip in CI is a failure.", red=True)


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server (aiosmtpd) on a loopback port; the settings point at it."""
    from tests.utils.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    monkeypatch.setenv("UPPFOLJNING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("UPPFOLJNING_SMTP_PORT", str(server.port))
    monkeypatch.setenv("UPPFOLJNING_SMTP_STARTTLS", "false")
    monkeypatch.setenv("UPPFOLJNING_SMTP_SENDER", "uppfoljning@exempel.invalid")
    monkeypatch.setenv("UPPFOLJNING_APP_URL", "http://uppfoljning.exempel.invalid")
    reload_settings()
    yield server
    server.stop()
