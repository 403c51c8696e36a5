"""An indicator's valid range (both ends included), checked the same way for reported values
(every door) and for the catalogue's baseline and target values, with one Swedish message."""
from __future__ import annotations

import math
from typing import Optional

from indicators.rules.formatting import shown_number


def range_text(low: Optional[float], high: Optional[float]) -> str:
    """'0–100', '−∞–10', '' when there are no limits."""
    if low is None and high is None:
        return ""
    return f"{shown_number(low) if low is not None else '−∞'}–{shown_number(high) if high is not None else '∞'}"


def outside_range(value: float, low: Optional[float], high: Optional[float]) -> Optional[str]:
    """'ligger utanför det giltiga intervallet 0–100', or None inside the range."""
    if (-math.inf if low is None else low) <= value <= (math.inf if high is None else high):
        return None
    return f"ligger utanför det giltiga intervallet {range_text(low, high)}"
