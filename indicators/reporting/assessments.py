""""Analys och bedömning": a focus area's written assessment for a period.

Written by officials of the boards responsible in the focus area (a board answers for one
of its indicators or takes part in one of its actions) and by process support. Every save
is a new version (the table is append-only), audited, and checked like a value: a save
made on an older version than the stored one is a conflict naming both texts, and the text
passes the rules of a comment (no control characters, Unicode NFC, a length limit).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from sqlalchemy import select, union
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import crud, queries
from db.models import Action, ActionOrganisation, FocusArea, FocusAreaAssessment, Indicator
from errors import Conflict, Invalid, NotFound, Problem
from indicators.access.audit import audit
from indicators.access.permissions import Actor, allowed, require
from indicators.rules.text import control_character
from indicators.rules import periods
from indicators.rules.formatting import format_time
from indicators.unit_of_work import UnitOfWork

MAX_ASSESSMENT = 4000
ENTITY = "focus_area_assessment"
FIELD = "analys och bedömning"


@dataclass(frozen=True)
class Assessment:
    focus_code: str
    period: str
    version: int
    text: str
    written_by: str
    written_at: datetime

    @property
    def period_label(self) -> str:
        return periods.period_from_code(self.period).label

    @property
    def byline(self) -> str:
        """'version 2 · skriven av x@… 2026-04-08 11:00' (local time)."""
        return f"version {self.version} · skriven av {self.written_by} {format_time(self.written_at)}"


def _focus_area(session: Session, focus_code: str) -> FocusArea:
    focus = crud.by_code(session, FocusArea, focus_code)
    if focus is None:
        raise NotFound(f"Fokusområdet {focus_code} finns inte")
    return focus


def responsible_org_ids(session: Session, focus_area_id: int) -> set[int]:
    """The boards responsible in a focus area: those answering for one of its active
    indicators and those taking part in one of its actions."""
    by_indicator = select(Indicator.responsible_org_id).where(Indicator.focus_area_id == focus_area_id,
                                                              Indicator.active)
    by_action = (select(ActionOrganisation.organisation_id)
                 .join(Action, Action.id == ActionOrganisation.action_id)
                 .where(Action.focus_area_id == focus_area_id))
    return {int(i) for i in session.execute(union(by_indicator, by_action)).scalars()}


def may_write(uow: UnitOfWork, actor: Actor, focus_code: str) -> bool:
    """Whether the page offers the editor (the save checks again, and audits a refusal)."""
    with uow.read() as session:
        return allowed(actor, "write_assessments", responsible_org_ids(session, _focus_area(session, focus_code).id))


def _row(row: FocusAreaAssessment, focus_code: str) -> Assessment:
    return Assessment(focus_code, row.period, row.version, row.text, row.written_by, row.written_at)


def _clean(text: object, what: str) -> str:
    def refuse(message: str) -> Invalid:
        return Invalid(f"Analysen sparades inte: {message}", [Problem(-1, what, FIELD, message)])

    if text is None or not str(text).strip():
        raise refuse("texten är tom; skriv en analys och bedömning")
    wrong = control_character(str(text), allow_line_breaks=True)
    if wrong:
        raise refuse(f"texten {wrong}")
    cleaned = unicodedata.normalize("NFC", str(text)).strip()
    if len(cleaned) > MAX_ASSESSMENT:
        raise refuse(f"texten är för lång ({len(cleaned)} tecken, högst {MAX_ASSESSMENT})")
    return cleaned


def _period(session: Session, text: object, what: str) -> periods.Period:
    parsed = periods.parse_period(text)
    if not parsed.ok:
        raise Invalid(f"Analysen sparades inte: {parsed.error}", [Problem(-1, what, "period", parsed.error)])
    program = queries.program(session)
    if program and not program.start_year <= parsed.value.year <= program.end_year:
        message = f"{parsed.value.label} ligger utanför programperioden {program.start_year}–{program.end_year}"
        raise Invalid(f"Analysen sparades inte: {message}", [Problem(-1, what, "period", message)])
    return parsed.value


def _current(session: Session, focus_area_id: int, period: str) -> Optional[FocusAreaAssessment]:
    stmt = (select(FocusAreaAssessment)
            .where(FocusAreaAssessment.focus_area_id == focus_area_id, FocusAreaAssessment.period == period)
            .order_by(FocusAreaAssessment.version.desc()).limit(1))
    return session.execute(stmt).scalars().first()


def _conflict(what: str, stored: FocusAreaAssessment, mine: str) -> Conflict:
    message = (f"{what} har ändrats av {stored.written_by} {format_time(stored.written_at)} sedan du läste den "
               f"(nu version {stored.version}). Inget sparades; jämför texterna och spara igen.")
    return Conflict(message, [Problem(-1, what, "sparad text", stored.text),
                              Problem(-1, what, "din text", mine)])


def save_assessment(uow: UnitOfWork, actor: Actor, focus_code: str, period: object, text: object, *,
                    expected_version: int) -> Assessment:
    """Save a new version. ``expected_version`` is the version the writer read (0: none
    yet). The same text as the stored version saves nothing and returns the stored one."""
    with uow.read() as session:
        focus = _focus_area(session, focus_code)
        what = f"Analys och bedömning för {focus.name}"
        chosen = _period(session, period, what)
    what = f"{what} {chosen.label}"
    cleaned = _clean(text, what)
    try:
        with uow.write() as session:
            require(uow, actor, "write_assessments", responsible_org_ids(session, focus.id), entity=ENTITY,
                    entity_id=f"{focus.code} {chosen.code}")
            stored = _current(session, focus.id, chosen.code)
            current_version = stored.version if stored else 0
            if expected_version != current_version:
                raise _conflict(what, stored, cleaned) if stored else Conflict(f"{what} finns inte i den version du läste")
            if stored is not None and stored.text == cleaned:
                return _row(stored, focus.code)
            row = FocusAreaAssessment(focus_area_id=focus.id, period=chosen.code, version=current_version + 1,
                                      text=cleaned, written_by=actor.email)
            session.add(row)
            session.flush()
            audit(session, actor, "create" if stored is None else "update", ENTITY, row.id,
                  FIELD, stored.text if stored else None, cleaned, reason=f"{focus.code} {chosen.label}")
            return _row(row, focus.code)
    except IntegrityError:
        # Someone saved the same version between our read and our insert.
        with uow.read() as session:
            raise _conflict(what, _current(session, focus.id, chosen.code), cleaned) from None


def history(uow: UnitOfWork, focus_code: str, period: str) -> list[Assessment]:
    """Every version for the focus area and period, newest first."""
    with uow.read() as session:
        focus = _focus_area(session, focus_code)
        rows = session.execute(select(FocusAreaAssessment)
                               .where(FocusAreaAssessment.focus_area_id == focus.id,
                                      FocusAreaAssessment.period == period)
                               .order_by(FocusAreaAssessment.version.desc())).scalars().all()
        return [_row(r, focus.code) for r in rows]


def written_periods(uow: UnitOfWork, focus_code: str) -> list[str]:
    """The periods the focus area has an assessment for, newest first."""
    with uow.read() as session:
        focus = _focus_area(session, focus_code)
        codes = session.execute(select(FocusAreaAssessment.period).distinct()
                                .where(FocusAreaAssessment.focus_area_id == focus.id)).scalars().all()
    return sorted(codes, key=periods.sort_key, reverse=True)


def period_choices(uow: UnitOfWork, focus_code: str, today: date) -> list[str]:
    """Periods to write for, newest first: the half-years and years of the program up to
    today's, and any other period already written for."""
    with uow.read() as session:
        program = queries.program(session)
    first = program.start_year if program else today.year
    last = min(program.end_year if program else today.year, today.year)
    codes = {f"{year}{half}" for year in range(first, last + 1) for half in ("", "H1", "H2")
             if half != "H2" or year < today.year or today.month > 6}
    return sorted(codes | set(written_periods(uow, focus_code)), key=periods.sort_key, reverse=True)


def latest_by_focus_area(uow: UnitOfWork, *, written_before: Optional[datetime] = None,
                         year: Optional[int] = None) -> dict[str, Assessment]:
    """Per focus area code: the newest version of its newest period's assessment, counting
    only versions written before ``written_before`` (what was known at a meeting) and only
    periods of ``year`` (the annual follow-up)."""
    with uow.read() as session:
        stmt = (select(FocusAreaAssessment, FocusArea.code)
                .join(FocusArea, FocusArea.id == FocusAreaAssessment.focus_area_id))
        if written_before is not None:
            stmt = stmt.where(FocusAreaAssessment.written_at < written_before)
        rows = [(_row(row, code)) for row, code in session.execute(stmt).all()]
    if year is not None:
        rows = [r for r in rows if periods.period_from_code(r.period).year == year]
    best: dict[str, Assessment] = {}
    for row in rows:
        key = (periods.sort_key(row.period), row.version)
        held = best.get(row.focus_code)
        if held is None or key > (periods.sort_key(held.period), held.version):
            best[row.focus_code] = row
    return best
