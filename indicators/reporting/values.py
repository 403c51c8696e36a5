"""Reporting values: the reporting sheet, validated all-or-nothing saving with optimistic
locking, period locks and the value history. Used by the Rapportera and Importera pages,
the file import and the CLI alike.

Rules applied to every value that would be created or changed (unchanged rows pass):
valid range, plausibility (a jump of more than ``get_settings().jump_factor`` against the
previous period needs a comment), period locks (only an admin, giving a reason). Every
row is parsed with ``parsing``/``periods`` and checked for permission and for changes
made by someone else since it was read (``expected_version``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable, Optional

import pandas as pd
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from db import crud, queries
from db.engine import session_scope
from db.models import VALUE_STATUSES, Area, Indicator, Measurement, PeriodLock, utcnow
from settings import get_settings
from indicators.rules import parsing
from indicators.rules import periods
from indicators.files.long_format import plain_number
from indicators.access.permissions import Actor, PermissionDenied, allowed, require
from indicators.rules.periods import Period

STATUSES = VALUE_STATUSES  # a value's status: preliminär / slutlig
OVERWRITE = "current"  # expected_version for an explicit overwrite (import preview)
CREATED, UPDATED, UNCHANGED = "ny", "ändrad", "oförändrad"
ERROR, CONFLICT, JUMP, LOCKED, DENIED = "fel", "konflikt", "språng", "låst", "behörighet"
GENDER_ORDER = {"T": 0, "K": 1, "M": 2}
MAX_COMMENT = 2000


class ValuesError(ValueError):
    """A refused request with a Swedish message (locks and similar)."""


# --- result types -------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One error or warning, naming the row and field: 'Rad 7, värde: ...'."""
    index: int  # position in the entries list, -1 for the whole request
    label: str
    field: str
    message: str
    kind: str = ERROR

    def __str__(self) -> str:
        return f"{self.label}, {self.field}: {self.message}" if self.field else f"{self.label}: {self.message}"


@dataclass
class RowOutcome:
    index: int
    label: str
    indicator: str
    period: str
    gender: str
    area_code: str
    action: str  # ny / ändrad / oförändrad
    old_value: Optional[float]
    new_value: float
    comment: str
    status: str
    current_version: Optional[int]  # version when read, None for a new row
    measurement_id: Optional[int] = None


@dataclass
class SaveResult:
    outcomes: list[RowOutcome] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def _with(self, action: str) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action == action]

    @property
    def created(self) -> list[RowOutcome]:
        return self._with(CREATED)

    @property
    def updated(self) -> list[RowOutcome]:
        return self._with(UPDATED)

    @property
    def unchanged(self) -> list[RowOutcome]:
        return self._with(UNCHANGED)

    def counts(self) -> dict[str, int]:
        return {CREATED: len(self.created), UPDATED: len(self.updated), UNCHANGED: len(self.unchanged)}

    def needs_lock_reason(self) -> bool:
        return any(p.kind == LOCKED for p in self.errors)


class _Abort(Exception):
    """Roll back the write transaction: a check inside it failed."""


# --- shared context -----------------------------------------------------------------

@dataclass
class _Context:
    indicators: dict[str, Indicator]
    areas: dict[str, Area]  # by code
    area_lookup: dict[str, str]
    total_code: str
    first_year: int
    last_year: int
    locks: set[str]


def _context(session) -> _Context:
    program = queries.program(session)
    areas = crud.all_rows(session, Area, Area.sort_order)
    active = [a for a in areas if a.active]
    total = next(a for a in areas if a.is_total)
    return _Context(
        indicators={i.code: i for i in crud.all_rows(session, Indicator)},
        areas={a.code: a for a in areas},
        area_lookup=parsing.area_lookup((a.code, a.name) for a in active),
        total_code=total.code,
        first_year=program.start_year if program else 1900,
        last_year=program.end_year if program else 2200,
        locks=set(session.execute(select(PeriodLock.period)).scalars()),
    )


def _valid_in(indicator: Indicator, year: int) -> bool:
    return indicator.active and (indicator.valid_from_year or year) <= year <= (indicator.valid_to_year or year)


# --- the reporting sheet ------------------------------------------------------------

@dataclass
class SheetCell:
    key: str  # "gender|area_code", unique within an item
    gender: str
    area_code: str
    area_name: str
    is_total: bool
    value: Optional[float]
    comment: str
    status: str
    version: Optional[int]
    previous_value: Optional[float]
    updated_by: str = ""

    @property
    def label(self) -> str:
        return f"{parsing.GENDER_LABELS[self.gender]}, {self.area_name}"

    @property
    def value_text(self) -> str:
        return plain_number(self.value) if self.value is not None else ""


@dataclass
class SheetItem:
    code: str
    name: str
    unit: str
    decimals: int
    periodicity: str
    period: str
    period_label: str
    previous_period: str
    valid_min: Optional[float]
    valid_max: Optional[float]
    org_code: str
    locked: bool
    cells: list[SheetCell]

    @property
    def missing(self) -> int:
        return sum(c.value is None for c in self.cells)

    @property
    def range_text(self) -> str:
        return _range_text(self.valid_min, self.valid_max)

    def cell_label(self, cell: SheetCell) -> str:
        return f"{self.code} {self.period} {cell.label}"


@dataclass
class Sheet:
    period: str
    items: list[SheetItem]


def _range_text(low: Optional[float], high: Optional[float]) -> str:
    if low is None and high is None:
        return ""
    return f"{plain_number(low) if low is not None else '−∞'}–{plain_number(high) if high is not None else '∞'}"


def due_period(indicator: Indicator, chosen: Period, today: date) -> Period:
    """The chosen period for indicators of its kind; for other kinds the newest period
    that had ended when the chosen one ended (for the current quarter: the period due now),
    skipping the years between measurements for indicators measured every few years."""
    if chosen.kind == indicator.periodicity:
        return chosen
    as_of = min(today, chosen.end + timedelta(days=1))
    return periods.expected_periods(indicator, as_of, 1)[0]


def responsible_indicators(actor: Actor, ctx: _Context) -> list[Indicator]:
    return [i for i in ctx.indicators.values() if allowed(actor, "write_values", [i.responsible_org_id])]


def reporting_sheet(actor: Actor, period_code: str, engine: Optional[Engine] = None,
                    today: Optional[date] = None) -> Sheet:
    """The indicators the actor reports, for the chosen period (missing values first)."""
    today = today or date.today()
    chosen = periods.parse_period(period_code)
    if not chosen.ok:
        raise ValuesError(chosen.error)
    with session_scope(engine) as session:
        ctx = _context(session)
        org_frame = queries.organisations(session)
        orgs = dict(zip(org_frame["id"], org_frame["code"]))
        wanted: list[tuple[Indicator, Period]] = []
        for ind in responsible_indicators(actor, ctx):
            due = due_period(ind, chosen.value, today)
            check = periods.check_period_for(due, ind.periodicity, ctx.first_year, ctx.last_year, today)
            if check.ok and _valid_in(ind, due.year):
                wanted.append((ind, due))
        rows = _rows_for(session, [(i.id, p.code) for i, p in wanted] + [(i.id, p.previous().code) for i, p in wanted])
    areas = [a for a in ctx.areas.values() if a.active]
    items = [_sheet_item(ind, due, areas, rows, orgs.get(ind.responsible_org_id, ""), ctx.locks) for ind, due in wanted]
    items.sort(key=lambda it: (it.missing == 0, it.code))
    return Sheet(period=chosen.value.code, items=items)


def _rows_for(session, pairs: Iterable[tuple[int, str]]) -> dict[tuple, Measurement]:
    """Measurements for (indicator_id, period) pairs, keyed (indicator_id, period, gender, area_id)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    ids = {i for i, _ in pairs}
    codes = {p for _, p in pairs}
    stmt = select(Measurement).where(Measurement.indicator_id.in_(ids), Measurement.period.in_(codes))
    found = session.execute(stmt).scalars().all()
    return {(m.indicator_id, m.period, m.gender, m.area_id): m for m in found if (m.indicator_id, m.period) in pairs}


def breakdown(ind: Indicator, areas: list[Area]) -> list[tuple[str, Area]]:
    """The cells to fill: T/K/M when by gender, every area when by area, cross product."""
    genders = ["T", "K", "M"] if ind.by_gender else ["T"]
    used = [a for a in areas if ind.by_area or a.is_total]
    return [(g, a) for a in sorted(used, key=lambda a: a.sort_order) for g in genders]


def _sheet_item(ind: Indicator, due: Period, areas: list[Area], rows: dict, org_code: str, locks: set[str]) -> SheetItem:
    previous = due.previous().code
    cells = []
    for gender, area in breakdown(ind, areas):
        row = rows.get((ind.id, due.code, gender, area.id))
        prev = rows.get((ind.id, previous, gender, area.id))
        cells.append(SheetCell(
            key=f"{gender}|{area.code}", gender=gender, area_code=area.code, area_name=area.name,
            is_total=area.is_total, value=row.value if row else None, comment=row.comment if row else "",
            status=row.status if row else "preliminär", version=row.version if row else None,
            previous_value=prev.value if prev else None, updated_by=row.updated_by if row else "",
        ))
    return SheetItem(
        code=ind.code, name=ind.name, unit=ind.unit, decimals=ind.decimals, periodicity=ind.periodicity,
        period=due.code, period_label=due.label, previous_period=previous, valid_min=ind.valid_min,
        valid_max=ind.valid_max, org_code=org_code, locked=periods.is_locked(due, locks), cells=cells,
    )


def sheet_overview(sheet: Sheet) -> pd.DataFrame:
    """One line per indicator for the page's summary table."""
    rows = []
    for it in sheet.items:
        total = next((c for c in it.cells if c.gender == "T" and c.is_total), None)
        rows.append({
            "Indikator": it.code, "Namn": it.name, "Period": it.period_label,
            "Saknas": f"{it.missing} av {len(it.cells)}", "Föregående (totalt)": plain_number(total.previous_value) if total else "",
            "Enhet": it.unit, "Giltigt intervall": it.range_text, "Ansvarig": it.org_code, "Låst": "ja" if it.locked else "",
        })
    return pd.DataFrame(rows, columns=["Indikator", "Namn", "Period", "Saknas", "Föregående (totalt)", "Enhet",
                                       "Giltigt intervall", "Ansvarig", "Låst"])


def entries_for_item(item: SheetItem, inputs: dict[str, dict], seen_versions: dict[str, Optional[int]]) -> list[dict]:
    """Turn one indicator's form inputs into entries for ``save_values``. Cells left empty
    that had no value are not sent; ``seen_versions`` are the versions shown in the form."""
    entries = []
    for cell in item.cells:
        given = inputs.get(cell.key, {})
        text = str(given.get("value") or "").strip()
        if not text and cell.value is None:
            continue
        entries.append({
            "indicator": item.code, "period": item.period, "gender": cell.gender, "area": cell.area_code,
            "value": text, "comment": given.get("comment", cell.comment), "status": given.get("status", cell.status),
            "expected_version": seen_versions.get(cell.key, cell.version), "label": item.cell_label(cell),
        })
    return entries


def period_choices(today: Optional[date] = None, engine: Optional[Engine] = None) -> list[str]:
    """Completed periods of every kind within the program, newest first."""
    today = today or date.today()
    with session_scope(engine) as session:
        program = queries.program(session)
    first = program.start_year if program else today.year
    last_year = min(program.end_year if program else today.year, today.year)
    codes = []
    for kind in ("quarter", "halfyear", "year"):
        start = Period(first, kind, 0 if kind == "year" else 1)
        end = periods.last_completed(kind, today)
        codes += [p.code for p in periods.periods_between(start, end) if p.year <= last_year]
    return sorted(codes, key=periods.sort_key, reverse=True)


# --- parsing entries ----------------------------------------------------------------

@dataclass
class _Parsed:
    index: int
    label: str
    indicator: Indicator
    period: Period
    gender: str
    area: Area
    value: float
    value_text: str
    comment: Optional[str]
    status: Optional[str]
    expected_version: Any

    @property
    def key(self) -> tuple:
        return (self.indicator.id, self.period.code, self.gender, self.area.id)


def _status(text: object) -> Optional[str] | Problem:
    if text is None or str(text).strip() == "":
        return None
    key = str(text).strip().lower()
    for status in VALUE_STATUSES:
        if key in (status, status.replace("ä", "a"), status[:4]):
            return status
    return Problem(-1, "", "status", f"'{text}' är ingen status; använd preliminär eller slutlig")


def _label(entry: dict, index: int) -> str:
    return str(entry.get("label") or f"Rad {index + 1}")


def _parse_entry(index: int, entry: dict, ctx: _Context, today: date) -> _Parsed | list[Problem]:
    label = _label(entry, index)
    problems: list[Problem] = []

    def err(field_name: str, message: str) -> None:
        problems.append(Problem(index, label, field_name, message))

    code = str(entry.get("indicator") or "").strip()
    ind = ctx.indicators.get(code) or ctx.indicators.get(code.upper())
    if ind is None:
        err("indikator", f"'{code}' är ingen känd indikator" if code else "indikatorn saknas")
    period = periods.parse_period(entry.get("period"))
    if not period.ok:
        err("period", period.error)
    elif ind is not None:
        checked = periods.check_period_for(period.value, ind.periodicity, ctx.first_year, ctx.last_year, today)
        if not checked.ok:
            err("period", checked.error)
        elif not periods.is_measurement_year(period.value.year, ind.report_every_years, ind.report_anchor_year):
            err("period", f"{ind.code} mäts vart {ind.report_every_years}:e år (t.ex. {ind.report_anchor_year}); "
                          f"{period.value.code} är inget mätår")
    gender = parsing.parse_gender(entry.get("gender"))
    if not gender.ok:
        err("kön", gender.error)
    elif ind is not None and gender.value != "T" and not ind.by_gender:
        err("kön", f"{ind.code} redovisas inte per kön; lämna kön tomt eller skriv T")
    area = parsing.parse_area(entry.get("area"), ctx.area_lookup, ctx.total_code)
    if not area.ok:
        err("område", area.error)
    elif ind is not None and area.value != ctx.total_code and not ind.by_area:
        err("område", f"{ind.code} redovisas inte per område; lämna området tomt")
    value = parsing.parse_number(entry.get("value"))
    if not value.ok:
        err("värde", value.error)
    status = _status(entry.get("status"))
    if isinstance(status, Problem):
        err("status", status.message)
    comment = entry.get("comment")
    comment = None if comment is None else str(comment).strip()
    if comment is not None and len(comment) > MAX_COMMENT:
        err("kommentar", f"kommentaren är för lång (högst {MAX_COMMENT} tecken)")
    if problems:
        return problems
    return _Parsed(index, label, ind, period.value, gender.value, ctx.areas[area.value], value.value,
                   _typed(entry.get("value"), value.value), comment, status, entry.get("expected_version"))


def _typed(raw: object, value: float) -> str:
    """The value as the user wrote it (for messages); numbers from files as decimal comma."""
    return raw.strip() if isinstance(raw, str) else plain_number(value)


def _parse_all(entries: list[dict], ctx: _Context, today: date) -> tuple[list[_Parsed], list[Problem]]:
    parsed, problems, first_seen = [], [], {}
    for index, entry in enumerate(entries):
        result = _parse_entry(index, entry, ctx, today)
        if isinstance(result, list):
            problems += result
            continue
        if result.key in first_seen:
            problems.append(Problem(index, result.label, "", "samma indikator, period, kön och område som "
                                    f"{first_seen[result.key]}"))
            continue
        first_seen[result.key] = result.label
        parsed.append(result)
    return parsed, problems


# --- checks -------------------------------------------------------------------------

def _check_permissions(actor: Actor, parsed: list[_Parsed], permission: str, engine: Optional[Engine]) -> list[Problem]:
    """One check (and one audited refusal) per indicator; every row of a refused indicator fails."""
    refused: dict[int, str] = {}
    for ind in {p.indicator.id: p.indicator for p in parsed}.values():
        try:
            require(actor, permission, [ind.responsible_org_id], entity="indicator", entity_id=ind.code, engine=engine)
        except PermissionDenied as exc:
            refused[ind.id] = str(exc)
    return [Problem(p.index, p.label, "indikator", f"{p.indicator.code}: {refused[p.indicator.id]}", DENIED)
            for p in parsed if p.indicator.id in refused]


def is_jump(previous: Optional[float], value: float, factor: float) -> bool:
    """More than ``factor`` times larger or smaller than the previous value (either way)."""
    if previous is None:
        return False
    if (previous < 0) != (value < 0):
        return True
    low, high = sorted((abs(previous), abs(value)))
    if high == 0:
        return False
    return low == 0 or high / low > factor


def same_value(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _conflict(p: _Parsed, row: Optional[Measurement]) -> Optional[str]:
    expected = p.expected_version
    if expected == OVERWRITE:
        return None
    if row is None:
        return None if expected is None else f"Värdet har tagits bort sedan du läste det (ditt värde: {p.value_text})"
    if expected is None and same_value(row.value, p.value):
        return None
    if expected is not None and row.version == expected:
        return None
    who = row.updated_by or "någon annan"
    return f"Värdet har ändrats av {who} till {plain_number(row.value) or 'tomt'} sedan du läste det (ditt värde: {p.value_text})"


def _classify(p: _Parsed, row: Optional[Measurement], previous: Optional[Measurement], actor: Actor,
              ctx: _Context, lock_reason: str, factor: float) -> tuple[Optional[RowOutcome], list[Problem], list[Problem]]:
    conflict = _conflict(p, row)
    if conflict:
        return None, [Problem(p.index, p.label, "värde", conflict, CONFLICT)], []
    comment = p.comment if p.comment is not None else (row.comment if row else "")
    status = p.status or (row.status if row else "preliminär")
    if row is not None and same_value(row.value, p.value) and row.comment == comment and row.status == status:
        action = UNCHANGED
    else:
        action = UPDATED if row is not None else CREATED
    outcome = RowOutcome(p.index, p.label, p.indicator.code, p.period.code, p.gender, p.area.code, action,
                         row.value if row else None, p.value, comment, status, row.version if row else None,
                         row.id if row else None)
    if action == UNCHANGED:
        return outcome, [], []
    # A jump is explained only by a comment written with this value, not by the old one.
    fresh_comment = comment if comment and (row is None or comment != row.comment) else ""
    errors, warnings = _value_rules(p, row, previous, fresh_comment, factor)
    errors += _lock_rule(p, actor, ctx, lock_reason)
    if not _valid_in(p.indicator, p.period.year):
        errors.append(Problem(p.index, p.label, "indikator", f"{p.indicator.code} är inte aktiv för {p.period.code}"))
    return outcome, errors, warnings


def _value_rules(p: _Parsed, row, previous, comment: str, factor: float) -> tuple[list[Problem], list[Problem]]:
    ind = p.indicator
    low = ind.valid_min if ind.valid_min is not None else -math.inf
    high = ind.valid_max if ind.valid_max is not None else math.inf
    if not low <= p.value <= high:
        message = f"'{p.value_text}' ligger utanför det giltiga intervallet {_range_text(ind.valid_min, ind.valid_max)}"
        return [Problem(p.index, p.label, "värde", message)], []
    value_changes = row is None or not same_value(row.value, p.value)
    prev = previous.value if previous else None
    if not value_changes or not is_jump(prev, p.value, factor):
        return [], []
    factor_text = plain_number(factor)
    message = (f"'{p.value_text}' skiljer sig mer än {factor_text} gånger från föregående period "
               f"{p.period.previous().code} ({plain_number(prev)})")
    if comment:
        return [], [Problem(p.index, p.label, "värde", message + "; kommentaren förklarar förändringen", JUMP)]
    return [Problem(p.index, p.label, "kommentar", message + "; skriv en kommentar som förklarar förändringen", JUMP)], []


def _lock_rule(p: _Parsed, actor: Actor, ctx: _Context, lock_reason: str) -> list[Problem]:
    if not periods.is_locked(p.period, ctx.locks):
        return []
    if not actor.is_admin:
        return [Problem(p.index, p.label, "period", f"perioden {p.period.code} är låst; kontakta processtödet", LOCKED)]
    if not lock_reason:
        return [Problem(p.index, p.label, "period", f"perioden {p.period.code} är låst; ange ett skäl för att ändra", LOCKED)]
    return []


# --- saving -------------------------------------------------------------------------

def save_values(actor: Actor, entries: list[dict], engine: Optional[Engine] = None, today: Optional[date] = None,
                lock_reason: Optional[str] = None, *, dry_run: bool = False, permission: str = "write_values",
                source: str = "manuell", note: str = "") -> SaveResult:
    """Validate every entry, then write all of them in one transaction or none at all.

    ``entries``: dicts with indicator, period, gender, area, value (text or number),
    comment (None keeps the stored one), status (None keeps / preliminär), expected_version
    (the version read; None for a new value; ``OVERWRITE`` to take the stored one) and an
    optional label used in messages ("Rad 7"). ``dry_run`` validates without writing.
    """
    today = today or date.today()
    lock_reason = (lock_reason or "").strip()
    with session_scope(engine) as session:
        ctx = _context(session)
    parsed, errors = _parse_all(entries, ctx, today)
    errors += _check_permissions(actor, parsed, permission, engine)
    denied = {e.index for e in errors if e.kind == DENIED}
    parsed = [p for p in parsed if p.index not in denied]
    result = SaveResult(errors=errors)
    if not entries:
        result.errors.append(Problem(-1, "Inmatningen", "", "inga värden att spara"))
    try:
        with session_scope(engine, write=not (dry_run or result.errors)) as session:
            _plan_and_write(session, actor, parsed, result, lock_reason, dry_run, source, note)
    except _Abort:
        pass
    except IntegrityError:
        result.errors.append(Problem(-1, "Sparandet", "", "någon annan sparade samma värde samtidigt; läs in sidan på nytt", CONFLICT))
        result.written = False
    result.errors.sort(key=lambda e: e.index)
    return result


def _plan_and_write(session, actor: Actor, parsed: list[_Parsed], result: SaveResult, lock_reason: str,
                    dry_run: bool, source: str, note: str) -> None:
    ctx = _context(session)  # locks re-read inside the transaction
    wanted = {(p.indicator.id, p.period.code) for p in parsed}
    wanted |= {(p.indicator.id, p.period.previous().code) for p in parsed}
    rows = _locked_rows(session, wanted)
    factor = get_settings().jump_factor
    plan = []
    for p in parsed:
        prev_key = (p.indicator.id, p.period.previous().code, p.gender, p.area.id)
        outcome, errors, warnings = _classify(p, rows.get(p.key), rows.get(prev_key), actor, ctx, lock_reason, factor)
        result.errors += errors
        result.warnings += warnings
        if outcome:
            result.outcomes.append(outcome)
            plan.append((p, outcome))
    if result.errors or dry_run:
        raise _Abort()
    now = utcnow()
    audits: list[dict] = []
    creates, updates = [], []
    for p, outcome in plan:
        if outcome.action == UNCHANGED:
            continue
        reason = "; ".join(r for r in (note, lock_reason if periods.is_locked(p.period, ctx.locks) else "") if r)
        row = rows.get(p.key)
        if row is None:
            creates.append((p, outcome, reason))
        else:
            updates.append(_update(actor, outcome, row, now, source, reason, audits))
    _create_rows(session, actor, creates, now, source, audits)
    _update_rows(session, updates)
    crud.add_audits(session, audits)
    result.written = any(o.action != UNCHANGED for _, o in plan)


_ROW_COLUMNS = (Measurement.id, Measurement.indicator_id, Measurement.period, Measurement.gender, Measurement.area_id,
                Measurement.value, Measurement.comment, Measurement.status, Measurement.version, Measurement.updated_by)


def _locked_rows(session, pairs: set[tuple[int, str]]) -> dict[tuple, object]:
    """The stored rows (plain result rows, not ORM objects: imports read thousands),
    locked for update where the database supports it (PostgreSQL)."""
    if not pairs:
        return {}
    stmt = (select(*_ROW_COLUMNS)
            .where(Measurement.indicator_id.in_({i for i, _ in pairs}), Measurement.period.in_({p for _, p in pairs}))
            .with_for_update())
    return {(m.indicator_id, m.period, m.gender, m.area_id): m for m in session.execute(stmt)}


def _fields(outcome: RowOutcome) -> dict:
    return {"value": outcome.new_value, "comment": outcome.comment, "status": outcome.status}


def _audit(actor: Actor, action: str, measurement_id: int, name: str, old, new, reason: str) -> dict:
    return {"user_email": actor.email, "action": action, "entity": "measurement", "entity_id": measurement_id,
            "field": name, "old": _audit_text(old), "new": _audit_text(new), "reason": reason}


def _create_rows(session, actor: Actor, creates: list, now, source: str, audits: list[dict]) -> None:
    """New values in one INSERT … RETURNING (executemany), then their audit rows."""
    if not creates:
        return
    params = [{"indicator_id": p.indicator.id, "period": p.period.code, "gender": p.gender, "area_id": p.area.id,
               "source": source, "created_by": actor.email, "created_at": now, "updated_by": actor.email,
               "updated_at": now, "version": 1, "missing_reason": "", **_fields(outcome)} for p, outcome, _ in creates]
    stmt = insert(Measurement).returning(Measurement.id, sort_by_parameter_order=True)
    ids = session.execute(stmt, params).scalars().all()
    crud.bump_data_version(session)
    for (p, outcome, reason), new_id in zip(creates, ids):
        outcome.measurement_id = new_id
        for name, value in _fields(outcome).items():
            if value not in ("", None):
                audits.append(_audit(actor, "create", new_id, name, None, value, reason))


def _update(actor: Actor, outcome: RowOutcome, row, now, source: str, reason: str, audits: list[dict]) -> dict:
    """The UPDATE parameters for one stored row, and its audit rows."""
    fields = _fields(outcome)
    changes = {k: (getattr(row, k), v) for k, v in fields.items()
               if not (same_value(row.value, v) if k == "value" else getattr(row, k) == v)}
    outcome.measurement_id = row.id
    audits.extend(_audit(actor, "update", row.id, name, old, new, reason) for name, (old, new) in changes.items())
    return {"_id": row.id, **fields, "_version": row.version + 1, "_by": actor.email, "_at": now, "_source": source}


def _update_rows(session, updates: list[dict]) -> None:
    """All updates in one executemany; the rows are already locked (FOR UPDATE / BEGIN IMMEDIATE)."""
    if not updates:
        return
    stmt = (update(Measurement).where(Measurement.id == bindparam("_id"))
            .values(value=bindparam("value"), comment=bindparam("comment"), status=bindparam("status"),
                    version=bindparam("_version"), updated_by=bindparam("_by"), updated_at=bindparam("_at"),
                    source=bindparam("_source")))
    session.connection().execute(stmt, updates)
    crud.bump_data_version(session)


def _audit_text(value: object) -> Optional[str]:
    if value is None:
        return None
    return plain_number(value) if isinstance(value, float) else str(value)


# --- period locks -------------------------------------------------------------------

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


# --- history ------------------------------------------------------------------------

HISTORY_COLUMNS = {
    "at": "tid", "user_email": "användare", "action": "åtgärd", "period": "period", "gender": "kön",
    "area_name": "område", "field": "fält", "old": "före", "new": "efter", "reason": "skäl",
}

def history(indicator_code: str, engine: Optional[Engine] = None) -> pd.DataFrame:
    """Every audited change of the indicator's values, newest first."""
    with session_scope(engine) as session:
        ind = crud.by_code(session, Indicator, indicator_code)
        if ind is None:
            raise ValuesError(f"'{indicator_code}' är ingen känd indikator")
        events = queries.measurement_history(session, ind.id)
    return events.rename(columns=HISTORY_COLUMNS)[list(HISTORY_COLUMNS.values())]
