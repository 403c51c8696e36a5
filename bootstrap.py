"""First start: migrate to the newest schema, load the structure, optionally demo data.

Shared by ``app.py`` (embedded default: an empty database gets everything) and
``cli.py init``. Safe to run any number of times.
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from db import crud
from db.engine import get_engine, session_scope
from db.migrate import upgrade_to_head
from seed.demo import load_demo
from seed.load import load_structure, working_group_seats


def drop_everything(engine: Engine) -> None:
    """``init --reset``: remove all tables, including Alembic's version table."""
    from sqlmodel import SQLModel
    import db.models  # noqa: F401

    with engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        if inspect(conn).has_table("alembic_version"):
            conn.exec_driver_sql("DROP TABLE alembic_version")


def initialise(engine: Optional[Engine] = None, *, demo: bool = False, today: Optional[date] = None) -> dict:
    engine = engine or get_engine()
    report = {"migrated": upgrade_to_head(engine)}
    with session_scope(engine, write=True) as session:
        report["structure"] = load_structure(session)
    if demo:
        with session_scope(engine, write=True) as session:
            report["demo"] = load_demo(session, today or date.today(), working_group_seats())
    return report


def database_is_empty(engine: Optional[Engine] = None) -> bool:
    engine = engine or get_engine()
    if not inspect(engine).has_table("program"):
        return True
    from db.models import Program
    with session_scope(engine) as session:
        return crud.count_rows(session, Program) == 0
