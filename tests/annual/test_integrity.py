"""Records nobody can rewrite (issue 17): the database itself refuses UPDATE and DELETE on the
audit trail and on snapshot rows and files (triggers, both backends); a snapshot changed
anyway (the trigger dropped by someone with full rights) is detected by its hashes: it is not
served, and `cli.py verify` exits 1."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.engine import get_engine
from indicators.annual import snapshot
from indicators.unit_of_work import UnitOfWork
from tests.cli.test_cli import run_cli
from tests.utils.actors import ADMIN
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR

DAY = date(YEAR + 1, 2, 15)
STATEMENTS = {
    "audit_event": ["UPDATE audit_event SET new = 'ändrad' WHERE id = :id", "DELETE FROM audit_event WHERE id = :id"],
    "snapshot": ["UPDATE snapshot SET content_json = '{}' WHERE id = :id", "DELETE FROM snapshot WHERE id = :id"],
    "snapshot_file": ["UPDATE snapshot_file SET filename = 'x' WHERE id = :id", "DELETE FROM snapshot_file WHERE id = :id"],
}


def _first_id(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT min(id) FROM {table}")).scalar_one()


def _count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.mark.parametrize("table", list(STATEMENTS))
def test_plain_sql_cannot_change_or_delete(demo_engine, table):
    snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR, snapshot_date=DAY)
    row_id, before = _first_id(demo_engine, table), _count(demo_engine, table)
    assert row_id is not None
    for statement in STATEMENTS[table]:
        with pytest.raises(DBAPIError, match="får inte ändras eller raderas"):
            with demo_engine.begin() as conn:
                conn.execute(text(statement), {"id": row_id})
    assert _count(demo_engine, table) == before
    # Appending still works.
    snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR, snapshot_date=date(YEAR + 1, 3, 1))


def _tamper(engine, table: str, statement: str, **params) -> None:
    """What someone with full rights could do: switch the guard off, change, switch it on."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
            conn.execute(text(statement), params)
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))
        else:
            conn.execute(text(f"DROP TRIGGER {table}_no_update"))
            conn.execute(text(statement), params)


def test_a_changed_snapshot_is_refused_and_verify_fails(demo_engine, db_url):
    snapshot_id, sha, names = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR, snapshot_date=DAY)
    ok = run_cli("verify", env_url=db_url)
    assert ok.returncode == 0, ok.stderr
    assert "stämmer" in ok.stdout
    _tamper(demo_engine, "snapshot", "UPDATE snapshot SET content_json = replace(content_json, '\"year\"', "
            "'\"year\" ') WHERE id = :id", id=snapshot_id)
    with pytest.raises(snapshot.TamperedSnapshotError) as refused:
        snapshot.snapshot_content(UnitOfWork(demo_engine), snapshot_id)
    assert "ändrats i databasen" in refused.value.message
    with pytest.raises(snapshot.TamperedSnapshotError):
        snapshot.compare_with_now(UnitOfWork(demo_engine), snapshot_id)
    failed = run_cli("verify", env_url=db_url)
    assert failed.returncode == 1
    assert f"årsuppföljning {snapshot_id}" in failed.stderr and "innehåll" in failed.stderr


def test_a_changed_file_is_not_served(demo_engine, db_url):
    snapshot_id, sha, names = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR, snapshot_date=DAY)
    pdf = next(n for n in names if n.endswith(".pdf"))
    assert snapshot.snapshot_file(UnitOfWork(demo_engine), snapshot_id, pdf).startswith(b"%PDF")
    _tamper(demo_engine, "snapshot_file", "UPDATE snapshot_file SET content = :content WHERE filename = :name",
            content=b"%PDF-1.4 falsk", name=pdf)
    with pytest.raises(snapshot.TamperedSnapshotError):
        snapshot.snapshot_file(UnitOfWork(demo_engine), snapshot_id, pdf)
    json_name = next(n for n in names if n.endswith(".json"))
    assert snapshot.snapshot_file(UnitOfWork(demo_engine), snapshot_id, json_name)  # the untouched file still serves
    assert list(snapshot.verify_all(UnitOfWork(demo_engine))) == [snapshot_id]
    failed = run_cli("verify", env_url=db_url)
    assert failed.returncode == 1 and pdf in failed.stderr
    get_engine(db_url).dispose()
