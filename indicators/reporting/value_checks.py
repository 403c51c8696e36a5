"""The value rules every door applies (Rapportera, file import, CLI, Kolada): one function
per rule, pure, returning the Swedish message or None. ``entries`` and ``value_rules`` use
them for reported values, ``indicators.sources.kolada_rules`` for Kolada's values."""
from __future__ import annotations

import math
import unicodedata
from datetime import date
from typing import Optional

from db.models import Indicator
from indicators.files.long_format import plain_number
from indicators.rules import periods
from indicators.rules.periods import Period


def period_problem(ind: Indicator, period: Period, first_year: int, last_year: int, today: date) -> Optional[str]:
    """Periodicity, program years, not yet started, measurement years (every N years)."""
    checked = periods.check_period_for(period, ind.periodicity, first_year, last_year, today)
    if not checked.ok:
        return checked.error
    if not periods.is_measurement_year(period.year, ind.report_every_years, ind.report_anchor_year):
        return (f"{ind.code} mäts vart {ind.report_every_years}:e år (t.ex. {ind.report_anchor_year}); "
                f"{period.label} är inget mätår")
    return None


def range_text(low: Optional[float], high: Optional[float]) -> str:
    if low is None and high is None:
        return ""
    return f"{plain_number(low) if low is not None else '−∞'}–{plain_number(high) if high is not None else '∞'}"


def range_problem(ind: Indicator, value: float, value_text: str) -> Optional[str]:
    """The indicator's valid range (both ends included)."""
    low = ind.valid_min if ind.valid_min is not None else -math.inf
    high = ind.valid_max if ind.valid_max is not None else math.inf
    if low <= value <= high:
        return None
    return f"'{value_text}' ligger utanför det giltiga intervallet {range_text(ind.valid_min, ind.valid_max)}"


def control_character(text: object, allow_line_breaks: bool = False) -> Optional[str]:
    """NUL and other control characters are refused in every text field (PostgreSQL cannot
    store NUL; the others are invisible); line breaks are allowed where ``allow_line_breaks``."""
    if not isinstance(text, str):
        return None
    for char in text:
        if unicodedata.category(char) == "Cc" and not (allow_line_breaks and char in "\n\r"):
            name = "NUL" if char == "\0" else f"U+{ord(char):04X}"
            return f"innehåller ett osynligt styrtecken ({name}); ta bort det"
    return None
