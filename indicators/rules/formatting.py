"""Swedish number formatting: decimal comma, (narrow) space as thousands separator."""
from __future__ import annotations

import math
import re
from decimal import Decimal
from datetime import datetime
from typing import Optional

THOUSANDS = "\u00a0"  # no-break space keeps "1 234" on one line in tables
SUPPRESSED = "–"


def format_number(value: Optional[float], decimals: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SUPPRESSED
    text = f"{value:,.{max(decimals, 0)}f}".replace(",", "\u0000").replace(".", ",").replace("\u0000", THOUSANDS)
    if text.startswith("-"):
        text = "\u2212" + text[1:]  # typographic minus reads better on a projector
    if unit == "%":
        return f"{text}\u00a0%"
    if unit and unit not in ("antal",):
        return f"{text} {unit}"
    return text


def format_plain(value: Optional[float], decimals: int = 1) -> str:
    """For files that Excel reads: decimal comma, no thousands separator, ASCII minus."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:.{max(decimals, 0)}f}".replace(".", ",")
    return text


_EXACT = re.compile(r"^-?\d+(?:,\d+)?$")
SHOWN_DIGITS = 15  # significant digits on screen: all a float holds reliably, none of its noise


def decimal_text(value: Optional[float], significant: Optional[int] = None) -> str:
    """Decimal-comma text without rounding or exponent: the shortest text that reads back as
    the same float (files: lossless). With ``significant`` rounded to that many significant
    digits first, for screens and messages: 0,1 + 0,2 shows as 0,3, not 0,30000000000000004."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    if significant is not None and number != 0 and math.isfinite(number):
        number = float(f"{number:.{significant}g}")
    text = repr(number)
    if "e" in text or "n" in text:  # an exponent (or inf/nan): written out in full
        text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if text not in ("-0", "") else "0"


def shown_number(value: Optional[float]) -> str:
    """A stored value on a page or in a message: as typed, without float noise (storage and
    exports keep full precision: ``decimal_text``)."""
    return decimal_text(value, SHOWN_DIGITS)


def shown_text(text: object) -> object:
    """An exact number kept as text (the audit trail) as a screen shows it; other text as it is."""
    if isinstance(text, str) and _EXACT.match(text):
        return shown_number(float(text.replace(",", ".")))
    return text


def format_kronor(value: Optional[int]) -> str:
    if value is None:
        return SUPPRESSED
    return format_number(float(value), 0) + " kr"


def plotly_separators() -> str:
    """Plotly's ``separators`` layout setting: decimal comma, space for thousands."""
    return ", "


LOCAL_ZONE = "Europe/Stockholm"


def local_time(moment) -> Optional[datetime]:
    """A stored moment (UTC; naive values from SQLite are UTC) in Swedish local time."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(LOCAL_ZONE))


def format_time(moment) -> str:
    """'2026-10-12 14:05' in local time, '–' for none."""
    local = local_time(moment)
    return local.strftime("%Y-%m-%d %H:%M") if local else SUPPRESSED
