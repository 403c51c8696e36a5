"""The value rules every door applies (Rapportera, file import, CLI, Kolada): one function
per rule, pure, returning the Swedish message or None. ``entries`` and ``value_rules`` use
them for reported values, ``indicators.sources.kolada_rules`` for Kolada's values."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Optional

from db.models import Indicator
from indicators.rules.formatting import shown_number
from indicators.rules import periods
from indicators.rules.ranges import outside_range
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


def range_problem(ind: Indicator, value: float, value_text: str) -> Optional[str]:
    """The indicator's valid range (both ends included)."""
    outside = outside_range(value, ind.valid_min, ind.valid_max)
    return f"'{value_text}' {outside}" if outside else None


# Plausibility for percent indicators: a value about 100 times, or a hundredth of, the
# previous one was most likely typed in the wrong unit (0,369 for 36,9 %). "About": between
# 30 and 300 times. A comment cannot silence it: the user chooses the value explicitly.
PERCENT = "%"
SLIP_BAND = (30, 300)


def percent_slip(ind: Indicator, value: Optional[float], previous: Optional[float]) -> Optional[float]:
    """The value probably meant, when ``value`` looks like a percent typed in the wrong unit."""
    if ind.unit != PERCENT or value is None or previous is None or value == 0 or previous == 0:
        return None
    if (previous < 0) != (value < 0):
        return None
    ratio = abs(value / previous)
    low, high = SLIP_BAND
    if low <= ratio <= high:
        return float(Decimal(repr(value)) / 100)
    if 1 / high <= ratio <= 1 / low:
        return float(Decimal(repr(value)) * 100)
    return None


def slip_message(value: float, value_text: str, suggested: float, previous: float, previous_period: str) -> str:
    """'Menade du 36,9 %? …' naming the rule and its threshold."""
    low, high = SLIP_BAND
    how = "ungefär 100 gånger" if abs(value) > abs(previous) else "ungefär en hundradel av"
    return (f"Menade du {shown_number(suggested)} %? '{value_text}' är {how} värdet för föregående period "
            f"{previous_period} ({shown_number(previous)} %). Rimlighetsregeln för procent: ett värde {low}–{high} "
            "gånger större eller mindre än förra värdet ser ut som fel enhet; välj uttryckligen vilket värde "
            "som ska sparas (en kommentar räcker inte)")


def control_character(text: object, allow_line_breaks: bool = False) -> Optional[str]:
    """NUL and other control characters are refused in every text field (PostgreSQL cannot
    store NUL; the others are invisible); line breaks are allowed where ``allow_line_breaks``."""
    if not isinstance(text, str):
        return None
    found = (_CONTROL_BUT_BREAKS if allow_line_breaks else _CONTROL).search(text)
    if found is None:
        return None
    char = found.group()
    name = "NUL" if char == "\0" else f"U+{ord(char):04X}"
    return f"innehåller ett osynligt styrtecken ({name}); ta bort det"


# Unicode's category Cc, exactly: U+0000–U+001F and U+007F–U+009F (a test compares with unicodedata).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_BREAKS = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")
