"""Parallel writer processes through the real save path: no lost update, and no
"database is locked" error ever reaches a writer (SQLite busy timeout + BEGIN IMMEDIATE;
PostgreSQL row versions)."""
from __future__ import annotations

import loadtest


def test_parallel_writers_lose_no_update(demo_engine, db_url):
    demo_engine.dispose()
    result = loadtest.run_load(db_url, writers=4, writes_each=3, max_seconds=90)
    assert result.successes == 12
    assert result.lost_updates == 0
    assert result.locked_errors == 0 and result.other_errors == 0
