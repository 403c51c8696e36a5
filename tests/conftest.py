"""Shared fixtures: a fresh database per test (SQLite file in a temp dir) with the
structure and, where asked, deterministic demo data."""
from __future__ import annotations

from datetime import date

import pytest

from bootstrap import initialise
from db.engine import get_engine
from indicators.permissions import Actor

DEMO_TODAY = date(2026, 11, 22)


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def engine(db_url):
    engine = get_engine(db_url)
    initialise(engine)
    return engine


@pytest.fixture
def demo_engine(db_url):
    engine = get_engine(db_url)
    initialise(engine, demo=True, today=DEMO_TODAY)
    return engine


ADMIN = Actor(email="admin@test.invalid", role="admin")
VIEWER = Actor(email="viewer@test.invalid", role="viewer")


def official(*org_ids: int) -> Actor:
    return Actor(email="official@test.invalid", role="official", org_ids=frozenset(org_ids))


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test means a missing tool: fail the run instead."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped:
        session.exitstatus = 1
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) skipped – a skip in CI is a failure.", red=True)
