"""Reading database rows back: ids by code, audit events, whole-table dumps and counts."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import SQLModel

from db import crud
from db.engine import session_scope
from db.models import AuditEvent, Meta


def ids(engine, model, code: str) -> int:
    with session_scope(engine) as session:
        return crud.by_code(session, model, code).id


def audit_rows(engine, **where) -> list[AuditEvent]:
    with session_scope(engine) as session:
        stmt = select(AuditEvent)
        for column, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, column) == value)
        return list(session.execute(stmt).scalars())


def dump(engine) -> dict[str, list]:
    """Every row of every table except the audit trail and meta (the data version)."""
    skip = {AuditEvent.__tablename__, Meta.__tablename__}
    with session_scope(engine) as session:
        return {t.name: sorted(map(repr, session.execute(select(t)).all()))
                for t in SQLModel.metadata.sorted_tables if t.name not in skip}


def table_counts(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables}
