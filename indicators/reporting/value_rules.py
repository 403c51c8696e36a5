"""The rules a new or changed value must pass: permission per indicator, optimistic
locking, valid range, the count basis for breakdowns (when the indicator asks for it), the
jump rule and period locks."""
from __future__ import annotations

import math
from typing import Optional

from db.models import Measurement
from errors import Problem
from indicators.access.permissions import Actor, PermissionDenied, require
from indicators.rules.formatting import shown_number
from indicators.reporting.context import ReportingContext, valid_in
from indicators.reporting.entries import ParsedEntry
from indicators.reporting.outcomes import (
    CONFLICT, CREATED, DENIED, JUMP, LOCKED, OVERWRITE, REVIEW, SLIP, UNCHANGED, UPDATED, RowOutcome,
)
from indicators.reporting.value_checks import percent_slip, range_problem, slip_message
from indicators.rules import periods
from indicators.rules.vocabulary import COMMENT_EDIT, COMMENT_KEEP, COMMENT_REMOVE
from indicators.unit_of_work import UnitOfWork


def check_permissions(uow: UnitOfWork, actor: Actor, parsed: list[ParsedEntry], permission: str) -> list[Problem]:
    """One check (and one audited refusal) per indicator; every row of a refused indicator fails."""
    refused: dict[int, str] = {}
    for ind in {p.indicator.id: p.indicator for p in parsed}.values():
        try:
            require(uow, actor, permission, [ind.responsible_org_id], entity="indicator", entity_id=ind.code)
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


def needs_count(p: ParsedEntry, count_n: Optional[int]) -> bool:
    """The indicator setting "antal krävs för uppdelningar": a breakdown value (by gender or
    area) without a count basis n is refused."""
    breakdown = p.gender != "T" or not p.area.is_total
    return bool(p.indicator.breakdown_needs_count) and breakdown and count_n is None


def count_for(p: ParsedEntry, row: Optional[Measurement]) -> Optional[int]:
    """The n to store: the one entered (empty clears it); when none was given (a file without
    the antal column), the stored n stays with an unchanged value and is cleared with a
    changed one: the old n described the old value."""
    if p.count_given:
        return p.count_n
    return row.count_n if row is not None and same_value(row.value, p.value) else None


def same_value(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def reviewed_comment(p: ParsedEntry, row: Optional[Measurement]) -> tuple[str, list[Problem]]:
    """The comment the value will carry. A comment written for a value is not carried over
    silently to a corrected value: when the value changes and the stored comment would stay
    as it is, the entry must say whether to keep, edit or remove it (else a REVIEW problem).
    The choice applies only to a changed value."""
    stored = row.comment if row is not None else ""
    comment = p.comment if p.comment is not None else stored
    if row is None or same_value(row.value, p.value):
        return comment, []
    if p.comment_review == COMMENT_KEEP:
        return stored, []
    if p.comment_review == COMMENT_REMOVE:
        return "", []
    if p.comment_review == COMMENT_EDIT:
        return p.comment or "", []
    if not stored or comment != stored:
        return comment, []
    old = shown_number(row.value) if row.value is not None else "tomt"
    message = (f"värdet ändras från {old} till {p.value_text or 'tomt'}: välj om den tidigare kommentaren "
               f"”{stored}” ska behållas, ändras eller tas bort")
    return comment, [Problem(p.index, p.label, "kommentar", message, REVIEW)]


def _conflict(p: ParsedEntry, row: Optional[Measurement]) -> Optional[str]:
    expected = p.expected_version
    if expected == OVERWRITE:
        return None
    if row is None:
        return None if expected is None else f"Värdet har tagits bort sedan du läste det (ditt värde: {p.value_text})"
    if expected is None and same_value(row.value, p.value) and p.comment in (None, row.comment):
        return None  # the same new value saved twice: nothing of the first is lost
    if expected is not None and row.version == expected:
        return None
    who = row.updated_by or "någon annan"
    return f"Värdet har ändrats av {who} till {shown_number(row.value) or 'tomt'} sedan du läste det (ditt värde: {p.value_text})"


def classify(p: ParsedEntry, row: Optional[Measurement], previous: Optional[Measurement], actor: Actor,
              ctx: ReportingContext, lock_reason: str, factor: float) -> tuple[Optional[RowOutcome], list[Problem], list[Problem]]:
    conflict = _conflict(p, row)
    if conflict:
        return None, [Problem(p.index, p.label, "värde", conflict, CONFLICT)], []
    comment, review = reviewed_comment(p, row)
    status = p.status or (row.status if row else "preliminär")
    count_n = count_for(p, row)
    if (row is not None and same_value(row.value, p.value) and row.comment == comment and row.status == status
            and row.missing_reason == p.missing_reason and row.count_n == count_n):
        action = UNCHANGED
    else:
        action = UPDATED if row is not None else CREATED
    outcome = RowOutcome(p.index, p.label, p.indicator.code, p.period.code, p.gender, p.area.code, action,
                         row.value if row else None, p.value, comment, status, row.version if row else None,
                         row.id if row else None, missing_reason=p.missing_reason, count_n=count_n,
                         old_comment=(row.comment or "") if row else "")
    if action == UNCHANGED:
        return outcome, [], []
    cleared = [] if p.count_given or row is None or row.count_n is None or count_n is not None else [
        Problem(p.index, p.label, "antal", f"antal i underlaget (n = {row.count_n}) togs bort: det gällde det "
                f"tidigare värdet {shown_number(row.value)}; ange antal för det nya värdet")]
    # A jump is explained only by a comment written with this value, not by the old one.
    fresh_comment = comment if comment and (row is None or comment != row.comment) else ""
    errors, warnings = _value_rules(p, row, previous, fresh_comment, factor, count_n)
    warnings += cleared
    errors += review + _lock_rule(p, actor, ctx, lock_reason)
    if not valid_in(p.indicator, p.period.year):
        errors.append(Problem(p.index, p.label, "indikator", f"{p.indicator.code} är inte aktiv för {p.period.label}"))
    return outcome, errors, warnings


def _value_rules(p: ParsedEntry, row, previous, comment: str, factor: float,
                 count_n: Optional[int]) -> tuple[list[Problem], list[Problem]]:
    if p.value is None:  # reported missing, with its reason: no number to check
        return [], []
    out_of_range = range_problem(p.indicator, p.value, p.value_text)
    if out_of_range:
        return [Problem(p.index, p.label, "värde", out_of_range)], []
    value_changes = row is None or not same_value(row.value, p.value)
    if (value_changes or count_n != row.count_n) and needs_count(p, count_n):
        message = (f"{p.indicator.code} kräver antal i underlaget (n) för värden per kön eller område, "
                   "så att små tal kan skyddas vid publicering")
        return [Problem(p.index, p.label, "antal", message)], []
    prev = previous.value if previous else None
    suggested = slip(p, previous) if value_changes else None
    if suggested is not None:
        message = slip_message(p.value, p.value_text, suggested, prev, p.period.previous().label)
        return [Problem(p.index, p.label, "värde", message, SLIP)], []
    if not value_changes or not is_jump(prev, p.value, factor):
        return [], []
    factor_text = shown_number(factor)
    message = (f"'{p.value_text}' är mer än {factor_text} gånger större eller mindre än värdet för föregående "
               f"period {p.period.previous().label} ({shown_number(prev)}) (språngregeln: gränsen är "
               f"{factor_text} gånger)")
    if comment:
        return [], [Problem(p.index, p.label, "värde", message + "; kommentaren förklarar förändringen", JUMP)]
    return [Problem(p.index, p.label, "kommentar", message + "; skriv en kommentar som förklarar förändringen", JUMP)], []


def slip(p: ParsedEntry, previous: Optional[Measurement]) -> Optional[float]:
    """The plausibility question's other choice, unless the user already chose this value."""
    if p.confirmed or previous is None:
        return None
    return percent_slip(p.indicator, p.value, previous.value)


def is_locked(p: ParsedEntry, ctx: ReportingContext) -> bool:
    """A locked period, or the board's values approved in a reporting round (Godkänn)."""
    return periods.is_locked(p.period, ctx.locks) or (p.indicator.id, p.period.code) in ctx.board_locks


def _lock_rule(p: ParsedEntry, actor: Actor, ctx: ReportingContext, lock_reason: str) -> list[Problem]:
    if not is_locked(p, ctx):
        return []
    what = (f"perioden {p.period.label} är låst" if periods.is_locked(p.period, ctx.locks)
            else f"{p.indicator.code} {p.period.label} är godkänd i rapportomgången och låst")
    if not actor.is_admin:
        return [Problem(p.index, p.label, "period", f"{what}; kontakta processtödet", LOCKED)]
    if not lock_reason:
        return [Problem(p.index, p.label, "period", f"{what}; ange ett skäl för att ändra", LOCKED)]
    return []

