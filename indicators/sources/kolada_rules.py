"""Kolada's values pass the same value rules as a value typed in Rapportera or read from
a file (``indicators.reporting.value_checks``): valid range, period type and program
years, periods not yet started, measurement years, and no two conflicting rows for the
same key in one batch. A batch with rule breaks is refused whole, every row named; an
admin may explicitly skip those rows (the import audits which).

Kolada differs in one respect, documented in the README: years from an indicator's
baseline up to the program start are accepted, because the fetch asks for them
(``default_years``) to show the trend before the program.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from db.models import Indicator
from errors import Problem
from indicators.rules.formatting import shown_number
from indicators.reporting.value_checks import period_problem, range_problem
from indicators.rules.periods import period_from_code
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
