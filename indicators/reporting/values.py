"""Saving reported values: the one write path for values from the form, a file, the CLI.

Every entry is parsed (``entries``), checked for permission, conflicts, range, jumps and
locks (``value_rules``) and then all of them are written in one transaction or none at
all; every changed field gets an audit row.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping, Optional, Sequence

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from db import crud
from db.models import Measurement, utcnow
from errors import Problem
from settings import get_settings
from indicators.access.permissions import Actor
from indicators.batch import collector_paused
from indicators.files.long_format import plain_number  # noqa: F401 (read from here by scripts and tests)
from indicators.rules.formatting import decimal_text
from indicators.reporting.context import load_context
from indicators.reporting.entries import ParsedEntry, ValueEntry, as_entries, parse_entries
from indicators.reporting.outcomes import CONFLICT, DENIED, SLIP, UNCHANGED, RowOutcome, SaveResult
from indicators.reporting.value_rules import check_permissions, classify, is_locked, same_value, slip
from indicators.unit_of_work import UnitOfWork


class _Abort(Exception):
    """Roll back the write transaction: a check inside it failed."""




def save_values(uow: UnitOfWork, actor: Actor, entries: Sequence[ValueEntry | Mapping], today: Optional[date] = None,
                lock_reason: Optional[str] = None, *, dry_run: bool = False, permission: str = "write_values",
                source: str = "manuell", note: str = "") -> SaveResult:
    """Validate every entry, then write all of them in one transaction or none at all.

    ``entries``: ``ValueEntry`` s (a mapping with the same keys is converted, for scripts).
    ``dry_run`` validates without writing.
    """
    with collector_paused():
        return _save_values(uow, actor, as_entries(entries), today, lock_reason, dry_run, permission, source, note)


def _save_values(uow: UnitOfWork, actor: Actor, entries: list[ValueEntry], today: Optional[date],
                 lock_reason: Optional[str], dry_run: bool, permission: str, source: str, note: str) -> SaveResult:
    today = today or date.today()
    lock_reason = (lock_reason or "").strip()
    with uow.read() as session:
        ctx = load_context(session)
    parsed, errors = parse_entries(entries, ctx, today)
    errors += check_permissions(uow, actor, parsed, permission)
    denied = {e.index for e in errors if e.kind == DENIED}
    parsed = [p for p in parsed if p.index not in denied]
    if not entries:
        errors.append(Problem(-1, "Inmatningen", "", "inga värden att spara"))
    for attempt in range(2):
        result = SaveResult(errors=list(errors))
        try:
            with uow.transaction(write=not (dry_run or result.errors)) as session:
                _plan_and_write(session, actor, parsed, result, lock_reason, dry_run, source, note)
        except _Abort:
            pass
        except IntegrityError:
            # Someone created the same new value between our read and our insert (PostgreSQL
            # does not lock rows that do not exist yet): check again against what is stored
            # now, so the answer is the same conflict an edit gets, naming both values.
            result.written = False
            if attempt == 0:
                continue
            result.errors.append(Problem(-1, "Sparandet", "", "någon annan sparade samma värde samtidigt; "
                                         "läs in sidan på nytt", CONFLICT))
        break
    result.errors.sort(key=lambda e: e.index)
    return result


def _plan_and_write(session, actor: Actor, parsed: list[ParsedEntry], result: SaveResult, lock_reason: str,
                    dry_run: bool, source: str, note: str) -> None:
    ctx = load_context(session)  # locks re-read inside the transaction
    wanted = {(p.indicator.id, p.period.code) for p in parsed}
    wanted |= {(p.indicator.id, p.period.previous().code) for p in parsed}
    rows = _locked_rows(session, wanted)
    factor = get_settings().jump_factor
    plan = []
    for p in parsed:
        outcome, errors, warnings = classify(p, rows.get(p.key), rows.get(p.previous_key), actor, ctx, lock_reason,
                                             factor)
        if any(e.kind == SLIP for e in errors):
            result.questions[p.index] = slip(p, rows.get(p.previous_key))
        result.errors += errors
        result.warnings += warnings
        if outcome:
            result.outcomes.append(outcome)
            plan.append((p, outcome))
    if result.errors or dry_run:
        raise _Abort()
    now = utcnow()
    audits: list[tuple] = []
    creates, updates = [], []
    for p, outcome in plan:
        if outcome.action == UNCHANGED:
            continue
        reason = "; ".join(r for r in (note, lock_reason if is_locked(p, ctx) else "") if r)
        row = rows.get(p.key)
        if row is None:
            creates.append((p, outcome, reason))
        else:
            updates.append(_update(actor, outcome, row, source, reason, audits))
    _create_rows(session, actor, creates, now, source, audits)
    _update_rows(session, updates, now)
    crud.add_audit_rows(session, audits, now)
    result.written = any(o.action != UNCHANGED for _, o in plan)


_ROW_COLUMNS = (Measurement.id, Measurement.indicator_id, Measurement.period, Measurement.gender, Measurement.area_id,
                Measurement.value, Measurement.comment, Measurement.status, Measurement.version, Measurement.updated_by,
                Measurement.missing_reason, Measurement.count_n)


def _locked_rows(session, pairs: set[tuple[int, str]]) -> dict[tuple, object]:
    """The stored rows (plain result rows, not ORM objects: imports read thousands),
    locked for update where the database supports it (PostgreSQL)."""
    if not pairs:
        return {}
    stmt = (select(*_ROW_COLUMNS)
            .where(Measurement.indicator_id.in_({i for i, _ in pairs}), Measurement.period.in_({p for _, p in pairs}))
            .with_for_update())
    return {(m.indicator_id, m.period, m.gender, m.area_id): m for m in session.connection().execute(stmt)}


def _fields(outcome: RowOutcome) -> dict:
    return {"value": outcome.new_value, "comment": outcome.comment, "status": outcome.status,
            "missing_reason": outcome.missing_reason, "count_n": outcome.count_n}


def _audit(actor: Actor, action: str, measurement_id: int, name: str, old, new, reason: str) -> tuple:
    """An audit row as stored (``crud.AUDIT_COLUMNS``); ``at`` is added when they are written."""
    return actor.email, action, "measurement", str(measurement_id), name, _audit_text(old), _audit_text(new), reason


def _create_rows(session, actor: Actor, creates: list, now, source: str, audits: list[tuple]) -> None:
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


_UPDATED = ("value", "comment", "status", "missing_reason", "count_n", "version", "updated_by", "source")


def _update(actor: Actor, outcome: RowOutcome, row, source: str, reason: str, audits: list[tuple]) -> tuple:
    """The UPDATE values for one stored row (``_UPDATED``, then its id), and its audit rows."""
    fields = _fields(outcome)
    changes = {k: (getattr(row, k), v) for k, v in fields.items()
               if not (same_value(row.value, v) if k == "value" else getattr(row, k) == v)}
    outcome.measurement_id = row.id
    audits.extend(_audit(actor, "update", row.id, name, old, new, reason) for name, (old, new) in changes.items())
    return (fields["value"], fields["comment"], fields["status"], fields["missing_reason"], fields["count_n"],
            row.version + 1, actor.email, source, row.id)


def _update_rows(session, updates: list[tuple], now) -> None:
    """All updates in one executemany; the rows are already locked (FOR UPDATE / BEGIN IMMEDIATE)."""
    if not updates:
        return
    crud.write_rows(session, Measurement.__table__, _UPDATED, updates, {"updated_at": now}, by_id=True)
    crud.bump_data_version(session)


def _audit_text(value: object) -> Optional[str]:
    if value is None:
        return None
    return decimal_text(value) if isinstance(value, float) else str(value)  # as long_format.plain_number



