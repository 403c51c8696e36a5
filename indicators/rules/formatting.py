"""Swedish number formatting: decimal comma, (narrow) space as thousands separator."""
from __future__ import annotations

import math
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
