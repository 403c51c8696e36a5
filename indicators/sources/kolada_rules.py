"""Kolada's values pass the same value rules as a value typed in Rapportera or read from
a file (``indicators.reporting.value_checks``): valid range, period type and program
years, periods not yet started, measurement years, and no two conflicting rows for the
same key in one batch. A batch with rule breaks is refused whole, every row named; an
admin may explicitly skip those rows (the import audits which).

Rules that depend on what is stored (``stored_rules``): a new or changed own value in a
locked period, or one a board's approval locked, is a rule break like the others; so is a
percent about 100 times or a hundredth of the previous year's (the plausibility rule: Kolada
cannot answer "Menade du …?", so the row is refused or explicitly skipped). A jump beyond
the jump factor is a warning only: Kolada has no comment to explain it, and its official
statistics are not corrected by refusing them.

Kolada differs in one more respect, documented in the README: years from an indicator's
baseline up to the program start are accepted, because the fetch asks for them
(``default_years``) to show the trend before the program.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Optional

from db.models import Indicator
from errors import Problem
from indicators.rules.formatting import shown_number
from indicators.reporting.value_checks import percent_slip, period_problem, range_problem, slip_message
from indicators.reporting.value_rules import is_jump
from indicators.rules.periods import is_locked, period_from_code
from indicators.rules.vocabulary import GENDER_LABELS
from indicators.sources.kolada import KoladaValue


@dataclass(frozen=True)
class ProgramYears:
    first: int
    last: int


def label(item: KoladaValue) -> str:
    """How a Kolada row is named to a person: where it is in the response and what it is."""
    what = f"{item.kpi} {item.period} {GENDER_LABELS.get(item.gender, item.gender)}, kommun {item.municipality}"
    return f"{item.where} ({what})" if item.where else what


def _first_year(indicator: Indicator, years: ProgramYears) -> int:
    baseline = (indicator.baseline_period or "")[:4]
    return min(years.first, int(baseline)) if baseline.isdigit() else years.first


def _rule_breaks(item: KoladaValue, indicator: Indicator, years: ProgramYears, today: date) -> list[tuple[str, str]]:
    wrong = period_problem(indicator, period_from_code(item.period), _first_year(indicator, years), years.last, today)
    found = [("period", f"{indicator.code}: {wrong}")] if wrong else []
    if item.value is not None:
        out_of_range = range_problem(indicator, item.value, shown_number(item.value))
        if out_of_range:
            found.append(("värde", f"{indicator.code}: {out_of_range}"))
    return found


def check_values(values: list[KoladaValue], by_kpi: dict[str, list[Indicator]], years: ProgramYears,
                 today: date) -> list[Problem]:
    """Every rule break of the batch, one Problem per row and field (index: the value's position)."""
    problems: list[Problem] = []
    seen: dict[tuple, tuple[int, KoladaValue]] = {}
    for index, item in enumerate(values):
        name = label(item)
        key = (item.kpi, item.municipality, item.period, item.gender)
        if key in seen:
            _, first = seen[key]
            if (first.value, first.status) != (item.value, item.status):
                problems.append(Problem(index, name, "värde", f"samma KPI, kommun, år och kön som {label(first)} "
                                        f"men ett annat värde ({shown_number(first.value) or 'saknas'} och "
                                        f"{shown_number(item.value) or 'saknas'})"))
            continue
        seen[key] = (index, item)
        for indicator in by_kpi.get(item.kpi, []):
            if item.gender != "T" and not indicator.by_gender:
                continue  # not imported at all
            problems += [Problem(index, name, field, message) for field, message in
                         _rule_breaks(item, indicator, years, today)]
    return problems


def _previous_values(values: list[KoladaValue], own: str, by_kpi: dict[str, list[Indicator]],
                     existing: dict) -> Callable[[Indicator, KoladaValue], Optional[float]]:
    """The previous year's value for an own row: from this batch, else as stored."""
    batch = {(v.kpi, v.period, v.gender): v.value for v in values if v.municipality == own and v.value is not None}

    def previous(indicator: Indicator, item: KoladaValue) -> Optional[float]:
        year = str(int(item.period) - 1)
        if (item.kpi, year, item.gender) in batch:
            value = batch[(item.kpi, year, item.gender)]
            return None if range_problem(indicator, value, "") else value  # a broken row is no yardstick
        row = existing.get((indicator.id, year, item.gender))
        return row.value if row is not None else None
    return previous


def lock_reason(indicator: Indicator, period: str, locks: set[str], board_locks: set[tuple[int, str]]) -> Optional[str]:
    """The same locks as for hand-entered values: a locked period, or a board's approval."""
    if is_locked(period_from_code(period), locks):
        return f"perioden {period} är låst; lås upp perioden först"
    if (indicator.id, period) in board_locks:
        return f"{period} är godkänd i rapportomgången och låst; återöppna omgången först"
    return None


def stored_rules(values: list[KoladaValue], by_kpi: dict[str, list[Indicator]], own: str, existing: dict,
                 changes: Callable[[KoladaValue, object], bool], lock: Callable[[Indicator, str], Optional[str]],
                 factor: float) -> tuple[list[Problem], list[Problem]]:
    """(rule breaks, warnings) of the own municipality's new or changed values: locks and
    plausibility break the rules, a jump is a warning. ``existing``: stored values by
    (indicator id, period, gender); ``changes``: whether the item would change the row;
    ``lock``: why the indicator's period is locked, or None."""
    previous = _previous_values(values, own, by_kpi, existing)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for index, item in enumerate(values):
        if item.municipality != own:
            continue
        for indicator in by_kpi.get(item.kpi, []):
            if item.gender != "T" and not indicator.by_gender:
                continue
            if not changes(item, existing.get((indicator.id, item.period, item.gender))):
                continue
            locked = lock(indicator, item.period)
            if locked:
                problems.append(Problem(index, label(item), "period", f"{indicator.code}: {locked}"))
            before = previous(indicator, item)
            if item.value is None or range_problem(indicator, item.value, "") or before is None:
                continue  # nothing to compare, or the range rule has answered already
            meant = percent_slip(indicator, item.value, before)
            shown = shown_number(item.value)
            if meant is not None:
                problems.append(Problem(index, label(item), "värde", f"{indicator.code}: " + slip_message(
                    item.value, shown, meant, before, str(int(item.period) - 1))))
            elif is_jump(before, item.value, factor):
                warnings.append(Problem(index, label(item), "värde", (
                    f"{indicator.code}: '{shown}' är mer än {shown_number(factor)} gånger större eller mindre än "
                    f"värdet för {int(item.period) - 1} ({shown_number(before)}) (språngregeln: gränsen är "
                    f"{shown_number(factor)} gånger); kontrollera värdet i Kolada"), "varning"))
    return problems, warnings


def refusal_message(problems: list[Problem], admin: bool) -> str:
    rows = len({p.index for p in problems})
    text = f"Koladas svar har {rows} rader som bryter mot reglerna för värden; inget har sparats."
    if admin:
        text += " Rätta källan, eller välj uttryckligen att hoppa över dessa rader (det loggas)."
    return text


def skipped_note(problems: list[Problem]) -> Optional[str]:
    """The audit text for rows an admin chose to skip."""
    if not problems:
        return None
    return "Överhoppade rader: " + "; ".join(str(p) for p in problems)
