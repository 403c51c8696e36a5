"""Data access helpers and the cross-row invariants the schema cannot declare.

Every session gets two hooks (registered once, below):
- any change to indicators, actions or their program-goal links is checked at commit:
  an active indicator or any action without a program goal is refused (the program says
  every action must be motivated by one or more program goals);
- any change to data bumps ``meta.data_version`` so dashboards can cache on it.
"""
from __future__ import annotations

import uuid
from typing import Iterable, Optional, Sequence, Type, TypeVar

from sqlalchemy import event, exists, func, insert, select, update
from sqlmodel import Session, SQLModel

from errors import Invalid
from db.models import (
    Action,
    ActionProgramGoal,
    AuditEvent,
    Indicator,
    IndicatorProgramGoal,
    Meta,
    utcnow,
)

T = TypeVar("T", bound=SQLModel)

DATA_VERSION_KEY = "data_version"
DEMO_KEY = "demo_data"
_UNVERSIONED = (AuditEvent, Meta)
_GOAL_BEARING = (Indicator, Action, IndicatorProgramGoal, ActionProgramGoal)


class InvariantError(Invalid):
    """A rule spanning several rows was broken; nothing was written."""


# --- meta ---------------------------------------------------------------------------

def get_meta(session: Session, key: str) -> Optional[str]:
    row = session.get(Meta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value


def data_version(session: Session) -> str:
    return get_meta(session, DATA_VERSION_KEY) or "0"


def bump_data_version(session: Session) -> None:
    """Called automatically for ORM writes; call it yourself after bulk statements."""
    new = uuid.uuid4().hex
    result = session.execute(update(Meta).where(Meta.key == DATA_VERSION_KEY).values(value=new))
    if result.rowcount == 0:
        session.add(Meta(key=DATA_VERSION_KEY, value=new))


def is_demo(session: Session) -> bool:
    return get_meta(session, DEMO_KEY) == "true"


# --- generic lookups ----------------------------------------------------------------

def by_code(session: Session, model: Type[T], code: str) -> Optional[T]:
    return session.execute(select(model).where(model.code == code)).scalars().first()


def all_rows(session: Session, model: Type[T], *order_by) -> list[T]:
    stmt = select(model)
    if order_by:
        stmt = stmt.order_by(*order_by)
    return list(session.execute(stmt).scalars().all())


def count_rows(session: Session, model: Type[SQLModel]) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def add_audit(
    session: Session,
    *,
    user_email: str,
    action: str,
    entity: str,
    entity_id: object = "",
    field: str = "",
    old: object = None,
    new: object = None,
    reason: str = "",
) -> AuditEvent:
    event_row = AuditEvent(
        at=utcnow(),
        user_email=user_email,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        field=field,
        old=None if old is None else str(old),
        new=None if new is None else str(new),
        reason=reason,
    )
    session.add(event_row)
    return event_row


def add_audits(session: Session, events: list[dict]) -> None:
    """Many audit rows in one executemany (imports write thousands). Keys as in add_audit.
    A Core insert on the table: the ORM's bulk insert splits the batch into one statement per
    row whenever consecutive rows have ``None`` in different columns (old/new values)."""
    if not events:
        return
    now = utcnow()
    rows = [{
        "at": e.get("at", now), "user_email": e["user_email"], "action": e["action"], "entity": e["entity"],
        "entity_id": str(e.get("entity_id", "")), "field": e.get("field", ""),
        "old": None if e.get("old") is None else str(e["old"]), "new": None if e.get("new") is None else str(e["new"]),
        "reason": e.get("reason", ""),
    } for e in events]
    session.connection().execute(insert(AuditEvent.__table__), rows)


AUDIT_COLUMNS = ("user_email", "action", "entity", "entity_id", "field", "old", "new", "reason")


def add_audit_rows(session: Session, rows: list[tuple], at) -> None:
    """Audit rows already in their stored form (``AUDIT_COLUMNS``: texts or None), all at
    ``at``, in one executemany (imports write tens of thousands)."""
    write_rows(session, AuditEvent.__table__, AUDIT_COLUMNS, rows, {"at": at})


def write_rows(session: Session, table, columns: Sequence[str], rows: list[tuple],
               constants: Optional[dict] = None, by_id: bool = False) -> None:
    """INSERT many rows of plain values (texts, numbers, None) in one DBAPI executemany, or
    with ``by_id`` UPDATE them (each row's last value is its id). SQLAlchemy's per-row
    parameter processing costs more than the write itself for the tens of thousands of rows
    of an import, so ``constants`` (the same in every row, such as the time) go through
    their column's bind processor once, and only the columns that have one (SQLite's float)
    through it row by row."""
    if not rows:
        return
    connection = session.connection()
    dialect, constants = connection.dialect, constants or {}
    fixed = tuple(_bound(table.c[name], value, dialect) for name, value in constants.items())
    processed = [(i, process) for i, name in enumerate(columns)
                 if (process := table.c[name].type._cached_bind_processor(dialect))]
    if processed:
        rows = [_processed(row, processed) for row in rows]
    names = [*columns, *constants]
    quote = dialect.identifier_preparer.quote
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}[dialect.paramstyle]
    if by_id:
        sql = (f"UPDATE {quote(table.name)} SET {', '.join(f'{quote(n)} = {mark}' for n in names)} "
               f"WHERE {quote('id')} = {mark}")
        params = [row[:-1] + fixed + row[-1:] for row in rows]
    else:
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
               f"VALUES ({', '.join([mark] * len(names))})")
        params = [row + fixed for row in rows] if fixed else rows
    connection.exec_driver_sql(sql, params)


def _processed(row: tuple, processed: list) -> tuple:
    values = list(row)
    for i, process in processed:
        values[i] = process(values[i])
    return tuple(values)


def _bound(column, value, dialect):
    process = column.type._cached_bind_processor(dialect)
    return process(value) if process else value


# --- invariants ---------------------------------------------------------------------

def goal_less_indicators(session: Session) -> list[str]:
    stmt = select(Indicator.code).where(
        Indicator.active,
        ~exists().where(IndicatorProgramGoal.indicator_id == Indicator.id),
    )
    return list(session.execute(stmt).scalars().all())


def goal_less_actions(session: Session) -> list[str]:
    stmt = select(Action.name).where(~exists().where(ActionProgramGoal.action_id == Action.id))
    return list(session.execute(stmt).scalars().all())


def _touched(objects: Iterable[object], kinds: tuple[type, ...]) -> bool:
    return any(isinstance(obj, kinds) for obj in objects)


@event.listens_for(Session, "before_flush")
def _track_changes(session: Session, _flush_context, _instances) -> None:
    changed = list(session.new) + list(session.dirty) + list(session.deleted)
    if _touched(changed, _GOAL_BEARING):
        session.info["check_goals"] = True
    if any(not isinstance(obj, _UNVERSIONED) for obj in changed):
        session.info["bump_version"] = True


@event.listens_for(Session, "before_commit")
def _check_invariants(session: Session) -> None:
    session.flush()
    if session.info.pop("check_goals", False):
        problems = [f"indikator {code}" for code in goal_less_indicators(session)]
        problems += [f"insats '{name}'" for name in goal_less_actions(session)]
        if problems:
            raise InvariantError(
                "Varje indikator och insats måste motiveras av minst ett av programmets mål; "
                "saknar programmål: " + ", ".join(problems)
            )
    if session.info.pop("bump_version", False):
        bump_data_version(session)
        session.flush()


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop("check_goals", None)
    session.info.pop("bump_version", None)
