"""What every check of a reported value needs to know, read once per request: the
catalogue by code, the areas, the program years and the locked periods."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from db import crud, queries
from db.models import Area, BoardSubmission, Indicator, PeriodLock, ReportingRound
from indicators.rules import parsing, periods


@dataclass
class ReportingContext:
    indicators: dict[str, Indicator]
    areas: dict[str, Area]  # by code
    area_lookup: dict[str, str]
    total_code: str
    first_year: int
    last_year: int
    locks: set[str]
    # (indicator id, period code) approved in a reporting round: the board's values are locked.
    board_locks: set[tuple[int, str]] = field(default_factory=set)


def load_context(session) -> ReportingContext:
    program = queries.program(session)
    areas = crud.all_rows(session, Area, Area.sort_order)
    active = [a for a in areas if a.active]
    total = next(a for a in areas if a.is_total)
    indicators = {i.code: i for i in crud.all_rows(session, Indicator)}
    return ReportingContext(
        indicators=indicators,
        areas={a.code: a for a in areas},
        area_lookup=parsing.area_lookup((a.code, a.name) for a in active),
        total_code=total.code,
        first_year=program.start_year if program else 1900,
        last_year=program.end_year if program else 2200,
        locks=set(session.execute(select(PeriodLock.period)).scalars()),
        board_locks=approved_cells(session, indicators.values()),
    )


def approved_cells(session, indicators) -> set[tuple[int, str]]:
    """(indicator id, period code) of every board's approved round: Godkänn locks them."""
    stmt = (select(BoardSubmission.organisation_id, ReportingRound.period)
            .join(ReportingRound, ReportingRound.id == BoardSubmission.round_id)
            .where(BoardSubmission.state == "approved"))
    approved: dict[int, list[str]] = {}
    for org_id, period in session.execute(stmt):
        approved.setdefault(org_id, []).append(period)
    locked = set()
    for ind in indicators:
        for code in approved.get(ind.responsible_org_id, ()):
            locked.add((ind.id, periods.due_period(ind, periods.period_from_code(code), date.max).code))
    return locked


def valid_in(indicator: Indicator, year: int) -> bool:
    return indicator.active and (indicator.valid_from_year or year) <= year <= (indicator.valid_to_year or year)

