"""Migrations: an empty database reaches head without drift from the models, and an upgrade
from the first revision keeps the data."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from bootstrap import initialise
from db import crud
from db.engine import make_engine, session_scope
from db.migrate import current_revision, head_revision
from db.models import Area


def test_migration_from_empty_reaches_head_without_drift(db_url):
    engine = make_engine(db_url)
    initialise(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrade_from_first_revision_keeps_data(db_url):
    """An upgrade never loses data: fill a database at revision 0001, then upgrade."""
    from alembic import command
    from db.migrate import alembic_config

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO area (code, name, is_total, sort_order, active) VALUES ('X', 'Kvar', true, 0, true)")
    initialise(engine)
    with session_scope(engine) as session:
        assert crud.by_code(session, Area, "X").name == "Kvar"
    assert current_revision(engine) == head_revision(engine)
    engine.dispose()


def test_upgrade_to_0004_keeps_users_hashes_existing_files_and_guards_them(db_url):
    """0004 adds the session table and must_change_password, hashes the files already stored
    and from then on refuses UPDATE/DELETE on the audit trail and snapshots."""
    import hashlib

    import pytest
    from alembic import command
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from db.migrate import alembic_config

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO app_user (email, display_name, role, active, failed_logins, is_demo, version, "
                          "created_at) VALUES ('kvar@exempel.invalid', '', 'viewer', true, 0, false, 1, :now)"),
                     {"now": "2026-01-01 00:00:00"})
        conn.execute(text("INSERT INTO audit_event (at, user_email, action, entity, entity_id, field, reason) "
                          "VALUES (:now, 'kvar@exempel.invalid', 'login', 'user', '1', '', '')"),
                     {"now": "2026-01-01 00:00:00"})
        conn.execute(text("INSERT INTO snapshot (year, snapshot_date, sha256, content_json, created_by, created_at) "
                          "VALUES (2025, '2026-02-15', 'abc', '{}', 'x', :now)"), {"now": "2026-01-01 00:00:00"})
        snapshot_id = conn.execute(text("SELECT id FROM snapshot")).scalar_one()
        conn.execute(text("INSERT INTO snapshot_file (snapshot_id, filename, content) VALUES (:id, 'a.json', :c)"),
                     {"id": snapshot_id, "c": b"{}"})
    initialise(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT must_change_password FROM app_user WHERE email = 'kvar@exempel.invalid'")
                            ).scalar_one() in (False, 0)
        assert conn.execute(text("SELECT sha256 FROM snapshot_file")).scalar_one() == hashlib.sha256(b"{}").hexdigest()
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM login_session")).scalar_one() == 0
    for statement in ("DELETE FROM audit_event", "UPDATE snapshot SET year = 2024", "DELETE FROM snapshot_file"):
        with pytest.raises(DBAPIError):
            with engine.begin() as conn:
                conn.execute(text(statement))
    engine.dispose()
