"""Reporting periods: the one place that parses, orders and checks them.

Canonical forms: ``2024`` (year), ``2024H1``/``2024H2`` (half-year), ``2024Q1``..``2024Q4``
(quarter). Accepted input also includes common Swedish forms: ``2024 kv 3``, ``kv3 2024``,
``2024 halvår 1``, ``2024-Q3``, ``Q3 2024``, ``H1 2024``, ``2024 T1``/``VT``/``HT``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import date
from typing import Optional

from indicators.rules.results import Err, Ok, Result
from indicators.rules.vocabulary import PERIODICITY_LABELS

MONTHS = {"year": 12, "halfyear": 6, "quarter": 3}  # length of each kind of period



@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "year" | "halfyear" | "quarter"
    part: int = 0  # 1-2 for half-years, 1-4 for quarters

    @property
    def code(self) -> str:
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}{'H' if self.kind == 'halfyear' else 'Q'}{self.part}"

    @property
    def label(self) -> str:
        """Swedish display form: 2024, 2024 halvår 1, 2024 kv 3."""
        if self.kind == "year":
            return str(self.year)
        return f"{self.year} {'halvår' if self.kind == 'halfyear' else 'kv'} {self.part}"

    @property
    def months(self) -> int:
        return MONTHS[self.kind]

    @property
    def start(self) -> date:
        month = 1 if self.kind == "year" else (self.part - 1) * self.months + 1
        return date(self.year, month, 1)

    @property
    def end(self) -> date:
        last_month = 12 if self.kind == "year" else self.part * self.months
        next_start = date(self.year + 1, 1, 1) if last_month == 12 else date(self.year, last_month + 1, 1)
        return date.fromordinal(next_start.toordinal() - 1)

    @property
    def position(self) -> float:
        """Mid-point in fractional years, to place periods of any kind on one time axis."""
        return self.year + ((self.part - 0.5) * self.months if self.kind != "year" else 6) / 12

    @lru_cache(maxsize=4096)  # imports ask for the previous period of every row
    def previous(self) -> "Period":
        if self.kind == "year":
            return Period(self.year - 1, "year")
        if self.part == 1:
            return Period(self.year - 1, self.kind, 12 // self.months)
        return Period(self.year, self.kind, self.part - 1)

    def next(self) -> "Period":
        if self.kind == "year":
            return Period(self.year + 1, "year")
        if self.part == 12 // self.months:
            return Period(self.year + 1, self.kind, 1)
        return Period(self.year, self.kind, self.part + 1)

    def __str__(self) -> str:
        return self.code


_CANONICAL = re.compile(r"^(\d{4})(?:([HQ])([1-4]))?$")
_QUARTER_WORDS = r"(?:q|kv|kvartal|k)"
_HALF_WORDS = r"(?:h|halvår|halvar|halvåret|t)"
_FORMS = [
    (re.compile(rf"^(?P<y>\d{{4}})\s*-?\s*{_QUARTER_WORDS}\s*\.?\s*(?P<p>\d)$"), "quarter"),
    (re.compile(rf"^{_QUARTER_WORDS}\s*\.?\s*(?P<p>\d)\s*-?\s*(?P<y>\d{{4}})$"), "quarter"),
    (re.compile(rf"^(?P<y>\d{{4}})\s*-?\s*{_HALF_WORDS}\s*\.?\s*(?P<p>\d)$"), "halfyear"),
    (re.compile(rf"^{_HALF_WORDS}\s*\.?\s*(?P<p>\d)\s*-?\s*(?P<y>\d{{4}})$"), "halfyear"),
    (re.compile(r"^(?P<y>\d{4})$"), "year"),
]
_TERMS = {"vt": 1, "ht": 2}


def parse_period(text: object) -> Result[Period]:
    """Parse any accepted period form; never raises."""
    if isinstance(text, str):
        return _parse_period_text(text)  # files repeat a handful of period texts
    return _parse_period(text)


@lru_cache(maxsize=4096)
def _parse_period_text(text: str) -> Result[Period]:
    return _parse_period(text)


def _parse_period(text: object) -> Result[Period]:
    if text is None:
        return Err("perioden saknas")
    raw = str(text).strip()
    if isinstance(text, float) and text.is_integer():
        raw = str(int(text))
    cleaned = re.sub(r"\s+", " ", raw.lower())
    if not cleaned:
        return Err("perioden saknas")
    term = re.match(r"^(vt|ht)\s*-?\s*(\d{4})$|^(\d{4})\s*-?\s*(vt|ht)$", cleaned)
    if term:
        word = term.group(1) or term.group(4)
        year = term.group(2) or term.group(3)
        return _build(int(year), "halfyear", _TERMS[word], raw)
    for pattern, kind in _FORMS:
        match = pattern.match(cleaned)
        if match:
            part = int(match.group("p")) if kind != "year" else 0
            return _build(int(match.group("y")), kind, part, raw)
    return Err(f"'{raw}' är ingen period; skriv t.ex. 2024, 2024H1 eller 2024Q3")


def _build(year: int, kind: str, part: int, raw: str) -> Result[Period]:
    if not 1900 <= year <= 2200:
        return Err(f"'{raw}': året {year} är inte rimligt")
    if kind == "quarter" and not 1 <= part <= 4:
        return Err(f"'{raw}': kvartal måste vara 1–4")
    if kind == "halfyear" and not 1 <= part <= 2:
        return Err(f"'{raw}': halvår måste vara 1 eller 2")
    return Ok(Period(year, kind, part))


@lru_cache(maxsize=4096)  # a few dozen codes recur across thousands of rows
def period_from_code(code: str) -> Period:
    """Parse a canonical period code stored in the database (trusted input)."""
    match = _CANONICAL.match(code)
    if not match:
        raise ValueError(f"not a canonical period code: {code!r}")
    year, letter, part = match.groups()
    if letter is None:
        return Period(int(year), "year")
    return Period(int(year), "halfyear" if letter == "H" else "quarter", int(part))


@lru_cache(maxsize=4096)
def sort_key(code: str) -> tuple[float, int]:
    """Order period codes chronologically (end of period), years after their quarters."""
    period = period_from_code(code)
    return (period.end.toordinal(), -period.months)


def check_period_for(period: Period, periodicity: str, first_year: int, last_year: int, today: date) -> Result[Period]:
    """A reported period must match the indicator's periodicity, lie within the program
    years and not be in the future (its first day must have passed)."""
    if period.kind != periodicity:
        expected = PERIODICITY_LABELS[periodicity]
        return Err(f"{period.label} är ett {PERIODICITY_LABELS[period.kind]}, indikatorn rapporteras per {expected}")
    if not first_year <= period.year <= last_year:
        return Err(f"{period.label} ligger utanför programperioden {first_year}–{last_year}")
    if period.start > today:
        return Err(f"{period.label} ligger i framtiden")
    return Ok(period)


def is_measurement_year(year: int, every_years: Optional[int], anchor_year: Optional[int]) -> bool:
    """Whether an indicator measured every N years from the anchor has a value this year."""
    every = int(every_years or 1)
    return every <= 1 or anchor_year is None or (year - int(anchor_year)) % every == 0


def last_completed(periodicity: str, today: date) -> Period:
    """The newest period of this kind that has ended before ``today``."""
    months = MONTHS[periodicity]
    current = Period(today.year, periodicity, 0 if periodicity == "year" else (today.month - 1) // months + 1)
    return current.previous()


def expected_period(periodicity: str, today: date, every_years: int = 1, anchor_year: Optional[int] = None) -> Period:
    """The newest completed period an indicator is expected to have a value for. Yearly
    indicators measured every N years (elections every 4 years from 2018) skip the years
    in between, counted from the anchor year."""
    period = last_completed(periodicity, today)
    if periodicity != "year" or every_years <= 1 or anchor_year is None:
        return period
    return Period(period.year - (period.year - anchor_year) % every_years, "year")


def expected_periods(indicator: object, today: date, count: int = 2) -> list[Period]:
    """The ``count`` newest periods an indicator (a mapping or an object with periodicity,
    report_every_years, report_anchor_year) is expected to have values for, newest first."""
    def field(name: str):
        value = indicator.get(name) if isinstance(indicator, dict) else getattr(indicator, name, None)
        return None if isinstance(value, float) and value != value else value  # NaN from pandas

    every = int(field("report_every_years") or 1)
    anchor = field("report_anchor_year")
    anchor = int(anchor) if anchor is not None else None
    newest = expected_period(field("periodicity"), today, every, anchor)
    out = [newest]
    while len(out) < count:
        previous = out[-1].previous()
        if newest.kind == "year" and every > 1 and anchor is not None:
            previous = Period(out[-1].year - every, "year")
        out.append(previous)
    return out


def due_period(indicator: object, chosen: Period, today: date) -> Period:
    """The chosen period for indicators of its kind; for other kinds the newest period
    that had ended when the chosen one ended (for the current quarter: the period due now),
    skipping the years between measurements for indicators measured every few years."""
    kind = indicator.get("periodicity") if isinstance(indicator, dict) else getattr(indicator, "periodicity")
    if chosen.kind == kind:
        return chosen
    as_of = min(today, date.fromordinal(chosen.end.toordinal() + 1))
    return expected_periods(indicator, as_of, 1)[0]


def covering_codes(period: Period) -> set[str]:
    """The period itself and the longer periods that contain it (a quarter lies in a
    half-year and a year): locking 2025 also locks 2025H1 and 2025Q3."""
    codes = {period.code, str(period.year)}
    if period.kind == "quarter":
        codes.add(f"{period.year}H{1 if period.part <= 2 else 2}")
    return codes


def is_locked(period: Period, locks: set[str]) -> bool:
    return bool(covering_codes(period) & locks)


def current_reporting_period(today: date) -> Period:
    """Officials report the quarter that has just ended."""
    return last_completed("quarter", today)


def reporting_period_for(periodicity: str, today: date) -> Period:
    return last_completed(periodicity, today)


def periods_between(first: Period, last: Period) -> list[Period]:
    out, current = [], first
    while current <= last and len(out) < 1000:
        out.append(current)
        current = current.next()
    return out
