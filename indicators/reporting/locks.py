"""Period locks: process support locks a reported period; afterwards only an admin who
gives a reason can change its values."""
from __future__ import annotations

from typing import Optional

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from db import crud, queries
from db.engine import session_scope
from db.models import PeriodLock
from indicators.access.permissions import Actor, require
from indicators.reporting.outcomes import ValuesError
from indicators.rules import periods


def _lock_request(actor: Actor, period: str, reason: str, verb: str, engine: Optional[Engine]) -> tuple[str, str]:
    """Shared checks of lock and unlock: the role, a valid period and a stated reason."""
    require(actor, "lock_periods", entity="period_lock", entity_id=period, engine=engine)
    parsed = periods.parse_period(period)
    if not parsed.ok:
        raise ValuesError(parsed.error)
    reason = (reason or "").strip()
    if not reason:
        raise ValuesError(f"Ange ett skäl för att {verb} perioden.")
    return parsed.value.code, reason


def lock_period(actor: Actor, period: str, reason: str, engine: Optional[Engine] = None) -> str:
    """Lock a period: afterwards only an admin giving a reason can change its values."""
    code, reason = _lock_request(actor, period, reason, "låsa", engine)
    with session_scope(engine, write=True) as session:
        if session.execute(select(PeriodLock).where(PeriodLock.period == code)).scalars().first():
            raise ValuesError(f"Perioden {code} är redan låst.")
        session.add(PeriodLock(period=code, locked_by=actor.email, reason=reason))
        crud.add_audit(session, user_email=actor.email, action="lock", entity="period_lock", entity_id=code, reason=reason)
    return code


def unlock_period(actor: Actor, period: str, reason: str, engine: Optional[Engine] = None) -> str:
    code, reason = _lock_request(actor, period, reason, "låsa upp", engine)
    with session_scope(engine, write=True) as session:
        lock = session.execute(select(PeriodLock).where(PeriodLock.period == code)).scalars().first()
        if lock is None:
            raise ValuesError(f"Perioden {code} är inte låst.")
        session.delete(lock)
        crud.add_audit(session, user_email=actor.email, action="unlock", entity="period_lock", entity_id=code, reason=reason)
    return code


def locked_periods(engine: Optional[Engine] = None) -> pd.DataFrame:
    with session_scope(engine) as session:
        locks = queries.period_locks(session)
    if locks.empty:
        return locks
    return locks.iloc[sorted(range(len(locks)), key=lambda i: periods.sort_key(locks["period"].iloc[i]), reverse=True)]

