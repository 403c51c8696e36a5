"""Reading stored values (measurements) back, and the organisation ids they belong to."""
from __future__ import annotations

from sqlalchemy import select

from db import crud
from db.engine import session_scope
from db.models import Area, Indicator, Measurement, Organisation


def org_id(engine, code: str) -> int:
    with session_scope(engine) as session:
        return crud.by_code(session, Organisation, code).id


def dump(engine) -> list[tuple]:
    """Every measurement as a comparable tuple: equal dumps mean nothing was written."""
    with session_scope(engine) as session:
        rows = session.execute(select(Measurement)).scalars().all()
        return sorted((m.indicator_id, m.period, m.gender, m.area_id, m.value, m.count_n, m.comment, m.status, m.version)
                      for m in rows)


def stored(engine, code: str, period: str, gender: str = "T", area: str = "HELA") -> Measurement | None:
    with session_scope(engine) as session:
        stmt = (select(Measurement).join(Indicator, Indicator.id == Measurement.indicator_id)
                .join(Area, Area.id == Measurement.area_id)
                .where(Indicator.code == code, Measurement.period == period, Measurement.gender == gender,
                       Area.code == area))
        return session.execute(stmt).scalars().first()


def measurement(session, code: str, period: str, gender: str = "T", area_code: str = "HELA") -> Measurement:
    """The one stored value, inside the caller's session (so the caller may change it)."""
    indicator = crud.by_code(session, Indicator, code)
    area = crud.by_code(session, Area, area_code)
    return session.execute(select(Measurement).where(
        Measurement.indicator_id == indicator.id, Measurement.period == period,
        Measurement.gender == gender, Measurement.area_id == area.id)).scalars().one()
