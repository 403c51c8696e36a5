"""Statements compiled once per dialect and run on the session's own driver cursor, in its
transaction: for a page's small tables SQLAlchemy's per-call work (cache key, result
objects) costs more than the database read. Only for statements built once (cached by
their builders): the compiled form is kept per statement object."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from sqlmodel import Session


@lru_cache(maxsize=128)
def _compiled(dialect, stmt):
    compiled = stmt.compile(dialect=dialect)
    return str(compiled), compiled, compiled.positiontup if compiled.positional else None


def driver_rows(session: Session, stmt, params: Optional[dict] = None) -> list[tuple]:
    """The statement's rows as the driver's own tuples (values as the driver gives them)."""
    connection = session.connection()
    sql, compiled, positions = _compiled(connection.dialect, stmt)
    values = compiled.construct_params(params or {}, _check=False) if compiled.binds else {}
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, tuple(values[name] for name in positions) if positions is not None else values)
        return cursor.fetchall()
    finally:
        cursor.close()
