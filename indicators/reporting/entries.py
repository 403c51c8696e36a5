"""Parsing submitted entries (from the form, a file or the CLI) into typed rows, each
problem naming its row and field; duplicates within one batch are refused."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from db.models import VALUE_STATUSES, Area, Indicator
from errors import Problem
from indicators.files.long_format import plain_number
from indicators.reporting.context import ReportingContext
from indicators.reporting.outcomes import MAX_COMMENT
from indicators.rules import parsing, periods
from indicators.rules.periods import Period


@dataclass
class ParsedEntry:
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


def _parse_entry(index: int, entry: dict, ctx: ReportingContext, today: date) -> ParsedEntry | list[Problem]:
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
    return ParsedEntry(index, label, ind, period.value, gender.value, ctx.areas[area.value], value.value,
                   _typed(entry.get("value"), value.value), comment, status, entry.get("expected_version"))


def _typed(raw: object, value: float) -> str:
    """The value as the user wrote it (for messages); numbers from files as decimal comma."""
    return raw.strip() if isinstance(raw, str) else plain_number(value)


def parse_entries(entries: list[dict], ctx: ReportingContext, today: date) -> tuple[list[ParsedEntry], list[Problem]]:
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

