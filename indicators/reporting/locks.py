"""Period locks: process support locks a reported period; afterwards only an admin who
gives a reason can change its values."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from db import crud, queries
from db.models import PeriodLock
from indicators.access.permissions import Actor, require
from indicators.reporting.outcomes import ValuesError
from indicators.rules import periods
from indicators.rules.formatting import format_time
from indicators.unit_of_work import UnitOfWork


def _lock_request(uow: UnitOfWork, actor: Actor, period: str, reason: str, verb: str) -> tuple[str, str]:
    """Shared checks of lock and unlock: the role, a valid period and a stated reason."""
    require(uow, actor, "lock_periods", entity="period_lock", entity_id=period)
    parsed = periods.parse_period(period)
    if not parsed.ok:
        raise ValuesError(parsed.error)
    reason = (reason or "").strip()
    if not reason:
        raise ValuesError(f"Ange ett skäl för att {verb} perioden.")
    return parsed.value.code, reason


def lock_period(uow: UnitOfWork, actor: Actor, period: str, reason: str) -> str:
    """Lock a period: afterwards only an admin giving a reason can change its values."""
    code, reason = _lock_request(uow, actor, period, reason, "låsa")
    with uow.write() as session:
        if session.execute(select(PeriodLock).where(PeriodLock.period == code)).scalars().first():
            raise ValuesError(f"Perioden {periods.period_from_code(code).label} är redan låst.")
        session.add(PeriodLock(period=code, locked_by=actor.email, reason=reason))
        crud.add_audit(session, user_email=actor.email, action="lock", entity="period_lock", entity_id=code,
                       reason=reason)
    return code


def unlock_period(uow: UnitOfWork, actor: Actor, period: str, reason: str) -> str:
    code, reason = _lock_request(uow, actor, period, reason, "låsa upp")
    with uow.write() as session:
        lock = session.execute(select(PeriodLock).where(PeriodLock.period == code)).scalars().first()
        if lock is None:
            raise ValuesError(f"Perioden {periods.period_from_code(code).label} är inte låst.")
        session.delete(lock)
        crud.add_audit(session, user_email=actor.email, action="unlock", entity="period_lock", entity_id=code,
                       reason=reason)
    return code


def locked_periods(uow: UnitOfWork) -> pd.DataFrame:
    with uow.read() as session:
        locks = queries.period_locks(session)
    if locks.empty:
        return locks
    return locks.iloc[sorted(range(len(locks)), key=lambda i: periods.sort_key(locks["period"].iloc[i]), reverse=True)]



def locked_periods_table(locked: pd.DataFrame) -> pd.DataFrame:
    """The locks as a person reads them: period label, local time."""
    return pd.DataFrame({
        "Period": [periods.period_from_code(p).label for p in locked["period"]],
        "Låst av": locked["locked_by"].fillna("").tolist(),
        "Låst": [format_time(pd.Timestamp(t).to_pydatetime()) for t in locked["locked_at"]],
        "Skäl": locked["reason"].fillna("").tolist(),
    })
