"""What every check of a reported value needs to know, read once per request: the
catalogue by code, the areas, the program years and the locked periods."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db import crud, queries
from db.models import Area, Indicator, PeriodLock
from indicators.rules import parsing


@dataclass
class ReportingContext:
    indicators: dict[str, Indicator]
    areas: dict[str, Area]  # by code
    area_lookup: dict[str, str]
    total_code: str
    first_year: int
    last_year: int
    locks: set[str]


def load_context(session) -> ReportingContext:
    program = queries.program(session)
    areas = crud.all_rows(session, Area, Area.sort_order)
    active = [a for a in areas if a.active]
    total = next(a for a in areas if a.is_total)
    return ReportingContext(
        indicators={i.code: i for i in crud.all_rows(session, Indicator)},
        areas={a.code: a for a in areas},
        area_lookup=parsing.area_lookup((a.code, a.name) for a in active),
        total_code=total.code,
        first_year=program.start_year if program else 1900,
        last_year=program.end_year if program else 2200,
        locks=set(session.execute(select(PeriodLock.period)).scalars()),
    )


def valid_in(indicator: Indicator, year: int) -> bool:
    return indicator.active and (indicator.valid_from_year or year) <= year <= (indicator.valid_to_year or year)

