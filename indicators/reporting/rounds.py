"""Reporting rounds: a period (2026 kv 3) opened by an admin with a due date; per board the
expected values, Klarmarkera (the board's official), Godkänn (admin; locks the board's
values for the round) and Återöppna (admin, with a reason); completeness and timeliness.

The expected cells follow from the catalogue: every active indicator valid in the period it
reports for the round (``periods.due_period``: a yearly indicator reports the year that had
ended by the round's end, skipping the years between measurements), one cell per gender and
area of its breakdown. A cell counts as present when it has a value or a missing reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Optional

import pandas as pd
from sqlalchemy import select

from db import crud
from db.models import BoardSubmission, Measurement, Organisation, ReportingRound, utcnow
from errors import Conflict, Invalid, NotFound, Problem
from indicators.access.permissions import Actor, require
from indicators.reporting.context import ReportingContext, load_context, valid_in
from indicators.reporting.sheets import breakdown
from indicators.rules import periods
from indicators.rules.formatting import format_number, format_time, local_time
from indicators.rules.vocabulary import GENDER_LABELS, SUBMISSION_STATE_LABELS
from indicators.unit_of_work import UnitOfWork
from settings import get_settings

OPEN, SUBMITTED, APPROVED = "open", "submitted", "approved"


@dataclass
class BoardProgress:
    """One board in one round."""
    org_id: int
    org_code: str
    org_name: str
    expected: int
    present: int
    missing: list[str]  # "SN01 Namn, 2026 kv 3: Kvinnor, Hela kommunen"
    state: str = OPEN
    submitted_at: Optional[datetime] = None
    first_submitted_at: Optional[datetime] = None
    submitted_by: str = ""
    approved_at: Optional[datetime] = None
    approved_by: str = ""
    reopen_reason: str = ""

    @property
    def completeness(self) -> float:
        """Share of the expected values entered (1.0 when nothing is expected)."""
        return self.present / self.expected if self.expected else 1.0

    @property
    def complete(self) -> bool:
        return self.present >= self.expected


@dataclass
class RoundStatus:
    id: int
    period: str
    due_date: date
    opened_by: str
    opened_at: datetime
    boards: list[BoardProgress] = field(default_factory=list)

    @property
    def label(self) -> str:
        return periods.period_from_code(self.period).label

    def board(self, org_code: str) -> BoardProgress:
        found = next((b for b in self.boards if b.org_code == org_code), None)
        if found is None:
            raise NotFound(f"{org_code} har inga indikatorer att rapportera i omgången {self.label}")
        return found


def default_due_date(period_code: str) -> date:
    """The configured number of days (``UPPFOLJNING_ROUND_DUE_DAYS``) after the period ends."""
    return periods.period_from_code(period_code).end + timedelta(days=get_settings().round_due_days)


def on_time(moment: Optional[datetime], due: date) -> bool:
    """Submitted by the end of the due date, Swedish local time."""
    local = local_time(moment)
    return local is not None and local.date() <= due


def timeliness(boards: list[BoardProgress], due: date) -> float:
    """Share of the round's boards whose first Klarmarkera came by the due date."""
    if not boards:
        return 1.0
    return sum(on_time(b.first_submitted_at, due) for b in boards) / len(boards)


def completeness(boards: list[BoardProgress]) -> float:
    """Share of all expected values of the round that are entered."""
    expected = sum(b.expected for b in boards)
    return sum(b.present for b in boards) / expected if expected else 1.0


# --- reading ---------------------------------------------------------------------------------

def _parse(period_code: str) -> periods.Period:
    parsed = periods.parse_period(period_code)
    if not parsed.ok:
        raise Invalid(parsed.error)
    return parsed.value


def expected_cells(session, ctx: ReportingContext, period: periods.Period) -> dict[int, list[tuple]]:
    """Per board (organisation id): (indicator, due period, gender, area) of every expected cell."""
    as_of = period.end + timedelta(days=1)
    areas = [a for a in ctx.areas.values() if a.active]
    cells: dict[int, list[tuple]] = {}
    for ind in sorted(ctx.indicators.values(), key=lambda i: i.code):
        due = periods.due_period(ind, period, as_of)
        check = periods.check_period_for(due, ind.periodicity, ctx.first_year, ctx.last_year, as_of)
        if not (check.ok and valid_in(ind, due.year)):
            continue
        cells.setdefault(ind.responsible_org_id, []).extend((ind, due, g, a) for g, a in breakdown(ind, areas))
    return cells


def _present(session, cells: list[tuple]) -> set[tuple]:
    ids = {ind.id for ind, *_ in cells}
    codes = {due.code for _, due, *_ in cells}
    if not ids:
        return set()
    stmt = (select(Measurement.indicator_id, Measurement.period, Measurement.gender, Measurement.area_id)
            .where(Measurement.indicator_id.in_(ids), Measurement.period.in_(codes),
                   (Measurement.value.is_not(None)) | (Measurement.missing_reason != "")))
    return set(session.execute(stmt).all())


def _round_row(session, period_code: str) -> ReportingRound:
    row = session.execute(select(ReportingRound).where(ReportingRound.period == period_code)).scalars().first()
    if row is None:
        raise NotFound(f"Ingen rapportomgång är öppnad för {periods.period_from_code(period_code).label}")
    return row


def _status(session, ctx: ReportingContext, row: ReportingRound) -> RoundStatus:
    cells = expected_cells(session, ctx, periods.period_from_code(row.period))
    present = _present(session, [c for board in cells.values() for c in board])
    orgs = {o.id: o for o in crud.all_rows(session, Organisation)}
    subs = {s.organisation_id: s for s in session.execute(
        select(BoardSubmission).where(BoardSubmission.round_id == row.id)).scalars()}
    status = RoundStatus(row.id, row.period, row.due_date, row.opened_by, row.opened_at)
    for org_id, board in cells.items():
        missing = [f"{ind.code} {ind.name}, {due.label}: {GENDER_LABELS[g]}, {a.name}"
                   for ind, due, g, a in board if (ind.id, due.code, g, a.id) not in present]
        sub = subs.get(org_id)
        progress = BoardProgress(org_id, orgs[org_id].code, orgs[org_id].name, len(board), len(board) - len(missing),
                                 missing)
        if sub is not None:
            for name in ("state", "submitted_at", "first_submitted_at", "submitted_by", "approved_at", "approved_by",
                         "reopen_reason"):
                setattr(progress, name, getattr(sub, name))
        status.boards.append(progress)
    status.boards.sort(key=lambda b: b.org_code)
    return status


def round_status(uow: UnitOfWork, period_code: str) -> RoundStatus:
    with uow.read() as session:
        return _status(session, load_context(session), _round_row(session, _parse(period_code).code))


def all_rounds(uow: UnitOfWork) -> list[RoundStatus]:
    """Every round with its boards' progress, newest period first."""
    with uow.read() as session:
        ctx = load_context(session)
        rows = session.execute(select(ReportingRound)).scalars().all()
        out = [_status(session, ctx, row) for row in rows]
    return sorted(out, key=lambda r: periods.sort_key(r.period), reverse=True)


def current_round(uow: UnitOfWork) -> Optional[RoundStatus]:
    """The newest round, or None when no round has been opened."""
    rounds = all_rounds(uow)
    return rounds[0] if rounds else None


def history(rounds: list[RoundStatus]) -> pd.DataFrame:
    """One row per round and board: completeness and timeliness in per cent (for tables and charts)."""
    rows = [{"period": r.period, "Omgång": r.label, "Nämnd": b.org_code, "Fullständighet (%)": 100 * b.completeness,
             "I tid (%)": 100.0 * on_time(b.first_submitted_at, r.due_date), "sort": periods.sort_key(r.period)}
            for r in rounds for b in r.boards]
    rows += [{"period": r.period, "Omgång": r.label, "Nämnd": "Alla", "Fullständighet (%)": 100 * completeness(r.boards),
              "I tid (%)": 100 * timeliness(r.boards, r.due_date), "sort": periods.sort_key(r.period)}
             for r in rounds]
    columns = ["period", "Omgång", "Nämnd", "Fullständighet (%)", "I tid (%)", "sort"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["sort", "Nämnd"]).drop(columns="sort").reset_index(drop=True)


def board_table(status: RoundStatus, org_ids: Optional[set[int]] = None) -> pd.DataFrame:
    """The boards of a round in Swedish, for Rapportering, Rapportera and Ansvar."""
    rows = [{
        "Nämnd": b.org_code, "Namn": b.org_name, "Värden": f"{b.present} av {b.expected}",
        "Fullständighet": format_number(100 * b.completeness, 1, "%"), "Status": SUBMISSION_STATE_LABELS[b.state],
        "Klarmarkerad": format_time(b.submitted_at),
        "I tid": ("ja" if on_time(b.first_submitted_at, status.due_date) else "nej") if b.first_submitted_at else "–",
        "Godkänd": format_time(b.approved_at),
    } for b in status.boards if org_ids is None or b.org_id in org_ids]
    return pd.DataFrame(rows, columns=["Nämnd", "Namn", "Värden", "Fullständighet", "Status", "Klarmarkerad",
                                       "I tid", "Godkänd"])


# --- writing ---------------------------------------------------------------------------------

def open_round(uow: UnitOfWork, actor: Actor, period_code: str, due_date: Optional[date] = None,
               today: Optional[date] = None) -> RoundStatus:
    """Open the round for a period that has ended; the due date defaults to ``default_due_date``."""
    period = _parse(period_code)
    require(uow, actor, "manage_rounds", entity="reporting_round", entity_id=period.code)
    today = today or date.today()
    if period.end >= today:
        raise Invalid(f"Perioden {period.label} har inte tagit slut än; en omgång öppnas när perioden är slut")
    due = due_date or default_due_date(period.code)
    if due <= period.end:
        raise Invalid(f"Sista dag för rapportering måste ligga efter periodens slut ({period.end.isoformat()})")
    with uow.write() as session:
        if session.execute(select(ReportingRound.id).where(ReportingRound.period == period.code)).first():
            raise Conflict(f"Rapportomgången för {period.label} är redan öppnad")
        session.add(ReportingRound(period=period.code, due_date=due, opened_by=actor.email))
        crud.add_audit(session, user_email=actor.email, action="open_round", entity="reporting_round",
                       entity_id=period.code, field="due_date", new=due.isoformat())
    return round_status(uow, period.code)


def _board_change(uow: UnitOfWork, actor: Actor, period_code: str, org_code: str, permission: str,
                  change, action: str, reason: str = "") -> RoundStatus:
    """Load the round and board inside one write, check, change the submission row and audit."""
    code = _parse(period_code).code
    with uow.write() as session:
        org = crud.by_code(session, Organisation, org_code)
        if org is None:
            raise NotFound(f"Okänd nämnd: {org_code}")
        require(uow, actor, permission, [org.id], entity="board_submission", entity_id=f"{code}/{org_code}")
        row = _round_row(session, code)
        board = _status(session, load_context(session), row).board(org_code)
        sub = session.execute(select(BoardSubmission).where(
            BoardSubmission.round_id == row.id, BoardSubmission.organisation_id == org.id)).scalars().first()
        if sub is None:
            sub = BoardSubmission(round_id=row.id, organisation_id=org.id)
            session.add(sub)
        old = sub.state
        change(sub, board, periods.period_from_code(code).label)
        crud.bump_data_version(session)  # the board's lock changes what the reporting pages show
        crud.add_audit(session, user_email=actor.email, action=action, entity="board_submission",
                       entity_id=f"{code}/{org_code}", field="state", old=old, new=sub.state, reason=reason)
    return round_status(uow, code)


def submit(uow: UnitOfWork, actor: Actor, period_code: str, org_code: str) -> RoundStatus:
    """Klarmarkera: the board's official says its values for the round are complete."""
    def change(sub: BoardSubmission, board: BoardProgress, label: str) -> None:
        if sub.state != OPEN:
            raise Conflict(f"{board.org_code} är redan klarmarkerad för {label}")
        if not board.complete:
            problems = [Problem(i, board.org_code, "värde", f"saknas: {text}") for i, text in enumerate(board.missing)]
            raise Invalid(f"{board.org_code} kan inte klarmarkeras: {len(board.missing)} av {board.expected} "
                          "värden saknas (ange värdet eller ett skäl till att det saknas)", problems)
        now = utcnow()
        sub.state, sub.submitted_at, sub.submitted_by = SUBMITTED, now, actor.email
        sub.first_submitted_at = sub.first_submitted_at or now
    return _board_change(uow, actor, period_code, org_code, "write_values", change, "submit")


def approve(uow: UnitOfWork, actor: Actor, period_code: str, org_code: str) -> RoundStatus:
    """Godkänn: locks the board's values for the round (changes then need an admin's reason)."""
    def change(sub: BoardSubmission, board: BoardProgress, label: str) -> None:
        if sub.state != SUBMITTED:
            raise Conflict(f"{board.org_code} måste vara klarmarkerad för {label} innan den kan godkännas")
        sub.state, sub.approved_at, sub.approved_by = APPROVED, utcnow(), actor.email
    return _board_change(uow, actor, period_code, org_code, "manage_rounds", change, "approve")


def reopen(uow: UnitOfWork, actor: Actor, period_code: str, org_code: str, reason: str) -> RoundStatus:
    """Återöppna: the board can change and klarmarkera again; the lock is lifted."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Ange ett skäl för att återöppna")

    def change(sub: BoardSubmission, board: BoardProgress, label: str) -> None:
        if sub.state == OPEN:
            raise Conflict(f"{board.org_code} är inte klarmarkerad för {label}")
        sub.state, sub.submitted_at, sub.approved_at, sub.approved_by = OPEN, None, None, ""
        sub.reopen_reason = reason
    return _board_change(uow, actor, period_code, org_code, "manage_rounds", change, "reopen", reason)
