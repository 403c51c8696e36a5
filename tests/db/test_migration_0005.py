"""Migration 0005 ('antal krävs för uppdelningar') on a database full of values: down to 0003
and up again keeps every indicator and value; the new setting starts off."""
from __future__ import annotations

from alembic import command
from sqlalchemy import text

from bootstrap import initialise
from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.utils.demo import DEMO_TODAY


def _counts(engine) -> tuple:
    with engine.connect() as conn:
        return (conn.execute(text("SELECT count(*) FROM indicator")).scalar_one(),
                conn.execute(text("SELECT count(*), sum(value) FROM measurement")).one())


def test_upgrade_to_0005_with_values_keeps_them(db_url):
    engine = make_engine(db_url)
    initialise(engine, demo=True, today=DEMO_TODAY)
    before = _counts(engine)
    assert before[1][0] > 1000
    command.downgrade(alembic_config(engine), "0003")
    assert _counts(engine) == before
    command.upgrade(alembic_config(engine), "head")
    assert current_revision(engine) == head_revision(engine) and _counts(engine) == before
    with engine.connect() as conn:
        flags = conn.execute(text("SELECT DISTINCT breakdown_needs_count FROM indicator")).scalars().all()
    assert [bool(f) for f in flags] == [False]
    engine.dispose()
