"""The reporting sheet: the indicators an official reports for a chosen period, one cell
per gender and area, missing values first; and turning the form's inputs into entries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Optional

import pandas as pd
from sqlalchemy import select

from db import queries
from db.models import Area, Indicator, Measurement
from indicators.access.permissions import Actor, allowed
from indicators.rules.formatting import shown_number
from indicators.reporting.entries import ValueEntry
from indicators.reporting.context import ReportingContext, load_context, valid_in
from indicators.reporting.outcomes import ValuesError
from indicators.rules.ranges import range_text
from indicators.rules import disclosure, periods
from settings import get_settings
from indicators.rules.periods import Period
from indicators.rules.vocabulary import GENDER_LABELS
from indicators.unit_of_work import UnitOfWork


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
    protected: bool = False  # the stored value is withheld when published ("skyddas vid publicering")
    missing_reason: str = ""  # reported missing for this reason (no value)
    count_n: Optional[int] = None  # the count basis n stored with the value

    @property
    def count_text(self) -> str:
        return "" if self.count_n is None else str(self.count_n)

    @property
    def label(self) -> str:
        return f"{GENDER_LABELS[self.gender]}, {self.area_name}"

    @property
    def value_text(self) -> str:
        return shown_number(self.value) if self.value is not None else ""


@dataclass
class SheetItem:
    code: str
    name: str
    unit: str
    decimals: int
    periodicity: str
    period: str
    period_label: str
    previous_period: str  # its label, "2026 kv 2"
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
        return range_text(self.valid_min, self.valid_max)

    def cell_label(self, cell: SheetCell) -> str:
        return f"{self.code} {self.period_label} {cell.label}"


@dataclass
class Sheet:
    period: str
    items: list[SheetItem]


due_period = periods.due_period  # the period an indicator reports when this one is chosen


def responsible_indicators(actor: Actor, ctx: ReportingContext) -> list[Indicator]:
    return [i for i in ctx.indicators.values() if allowed(actor, "write_values", [i.responsible_org_id])]


def reporting_sheet(uow: UnitOfWork, actor: Actor, period_code: str, today: Optional[date] = None) -> Sheet:
    """The indicators the actor reports, for the chosen period (missing values first)."""
    today = today or date.today()
    chosen = periods.parse_period(period_code)
    if not chosen.ok:
        raise ValuesError(chosen.error)
    with uow.read() as session:
        ctx = load_context(session)
        org_frame = queries.organisations(session)
        orgs = dict(zip(org_frame["id"], org_frame["code"]))
        wanted: list[tuple[Indicator, Period]] = []
        for ind in responsible_indicators(actor, ctx):
            due = due_period(ind, chosen.value, today)
            check = periods.check_period_for(due, ind.periodicity, ctx.first_year, ctx.last_year, today)
            if check.ok and valid_in(ind, due.year):
                wanted.append((ind, due))
        rows = _rows_for(session,
                         [(i.id, p.code) for i, p in wanted] + [(i.id, p.previous().code) for i, p in wanted])
    areas = [a for a in ctx.areas.values() if a.active]
    items = [_sheet_item(ind, due, areas, rows, orgs.get(ind.responsible_org_id, ""), ctx.locks, ctx.board_locks) for ind,
             due in wanted]
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


def _withheld(ind: Indicator, period: str, areas: list[Area], rows: dict) -> set[tuple]:
    """(gender, area_id) of the indicator's stored values for the period that the disclosure
    rule withholds from anyone outside the reporting organisation."""
    total = {a.id for a in areas if a.is_total}
    cells = [disclosure.Cell(ind.id, period, m.gender, m.area_id, m.value, m.count_n, m.area_id in total,
                             disclosure.is_additive(ind.unit))
             for (i, p, _g, _a), m in rows.items() if i == ind.id and p == period]
    return {(g, a) for _i, _p, g, a in disclosure.withheld(cells, get_settings().suppress_below)}


def _sheet_item(ind: Indicator, due: Period, areas: list[Area], rows: dict, org_code: str,
                locks: set[str], board_locks: set[tuple[int, str]] = frozenset()) -> SheetItem:
    previous = due.previous().code
    protected = _withheld(ind, due.code, areas, rows)
    cells = []
    for gender, area in breakdown(ind, areas):
        row = rows.get((ind.id, due.code, gender, area.id))
        prev = rows.get((ind.id, previous, gender, area.id))
        cells.append(SheetCell(
            key=f"{gender}|{area.code}", gender=gender, area_code=area.code, area_name=area.name,
            is_total=area.is_total, value=row.value if row else None, comment=row.comment if row else "",
            status=row.status if row else "preliminär", version=row.version if row else None,
            previous_value=prev.value if prev else None, updated_by=row.updated_by if row else "",
            protected=(gender, area.id) in protected, missing_reason=row.missing_reason if row else "",
            count_n=row.count_n if row else None,
        ))
    return SheetItem(
        code=ind.code, name=ind.name, unit=ind.unit, decimals=ind.decimals, periodicity=ind.periodicity,
        period=due.code, period_label=due.label, previous_period=due.previous().label, valid_min=ind.valid_min,
        valid_max=ind.valid_max, org_code=org_code, locked=periods.is_locked(due, locks) or (ind.id, due.code) in board_locks,
        cells=cells,
    )


def sheet_overview(sheet: Sheet) -> pd.DataFrame:
    """One line per indicator for the page's summary table."""
    rows = []
    for it in sheet.items:
        total = next((c for c in it.cells if c.gender == "T" and c.is_total), None)
        rows.append({
            "Indikator": it.code, "Namn": it.name, "Period": it.period_label,
            "Saknas": f"{it.missing} av {len(it.cells)}", "Föregående (totalt)": shown_number(total.previous_value) if total else "",
            "Enhet": it.unit, "Giltigt intervall": it.range_text, "Ansvarig": it.org_code, "Låst": "ja" if it.locked else "",
        })
    return pd.DataFrame(rows, columns=["Indikator", "Namn", "Period", "Saknas", "Föregående (totalt)", "Enhet",
                                       "Giltigt intervall", "Ansvarig", "Låst"])


def entries_for_item(item: SheetItem, inputs: dict[str, dict],
                     seen_versions: dict[str, Optional[int]]) -> list[ValueEntry]:
    """Turn one indicator's form inputs into entries for ``save_values``. A cell left empty
    that had no value is not sent, unless it has a comment: then the value is reported
    missing with the comment as its reason. The count basis n ("count") is sent as typed: an
    empty field clears it. ``seen_versions`` are the versions shown."""
    entries = []
    for cell in item.cells:
        given = inputs.get(cell.key, {})
        text = str(given.get("value") or "").strip()
        comment = given.get("comment", cell.comment)
        reason = None
        if not text and cell.value is None:
            reason = str(comment or "").strip()
            if not reason or reason == cell.missing_reason:
                continue  # left empty, or the same reason as before: nothing to send
            comment = ""
        entries.append(ValueEntry(
            indicator=item.code, period=item.period, gender=cell.gender, area=cell.area_code, value=text,
            comment=comment, status=given.get("status", cell.status), missing_reason=reason,
            comment_review=given.get("review") if cell.comment else None,
            count_n=None if reason else given.get("count"),
            expected_version=seen_versions.get(cell.key, cell.version), label=item.cell_label(cell),
        ))
    return entries


def period_choices(uow: UnitOfWork, today: Optional[date] = None) -> list[str]:
    """Completed periods of every kind within the program, newest first."""
    today = today or date.today()
    with uow.read() as session:
        program = queries.program(session)
    first = program.start_year if program else today.year
    last_year = min(program.end_year if program else today.year, today.year)
    codes = []
    for kind in ("quarter", "halfyear", "year"):
        start = Period(first, kind, 0 if kind == "year" else 1)
        end = periods.last_completed(kind, today)
        codes += [p.code for p in periods.periods_between(start, end) if p.year <= last_year]
    return sorted(codes, key=periods.sort_key, reverse=True)

