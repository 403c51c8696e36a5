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
