"""Migration 0011 (Analys och bedömning) on a database full of values: down past it and up
again keeps every value and meeting; after the upgrade the versions table is append-only."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bootstrap import initialise
from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.utils.demo import DEMO_TODAY


def _counts(engine) -> tuple:
    with engine.connect() as conn:
        return (conn.execute(text("SELECT count(*), sum(value) FROM measurement")).one(),
                conn.execute(text("SELECT count(*) FROM meeting")).scalar_one())


def test_upgrade_to_0011_with_data_keeps_it_and_guards_the_versions(db_url):
    engine = make_engine(db_url)
    initialise(engine, demo=True, today=DEMO_TODAY)
    before = _counts(engine)
    assert before[0][0] > 1000 and before[1] == 2
    command.downgrade(alembic_config(engine), "0011")
    command.downgrade(alembic_config(engine), "-1")  # the revision before 0011
    assert _counts(engine) == before
    command.upgrade(alembic_config(engine), "head")
    assert current_revision(engine) == head_revision(engine) and _counts(engine) == before
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO focus_area_assessment (focus_area_id, period, version, text, written_by, "
                          "written_at) SELECT id, '2025', 1, 'Kvar', 'x', :now FROM focus_area WHERE number = 1"),
                     {"now": "2026-01-01 00:00:00"})
    with pytest.raises(DBAPIError):
        with engine.begin() as conn:
            conn.execute(text("UPDATE focus_area_assessment SET text = 'ändrad'"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM focus_area_assessment")).scalars().all() == ["Kvar"]
    engine.dispose()
