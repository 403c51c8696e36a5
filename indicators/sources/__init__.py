"""External statistics sources (Kolada) and how their values are attributed."""
from __future__ import annotations

from indicators.rules.vocabulary import SOURCE_ATTRIBUTIONS


def attribution(source: str) -> str:
    """The attribution line for a value's source ("kolada" -> "Källa: Kolada");
    empty for the municipality's own reporting, which needs none."""
    return SOURCE_ATTRIBUTIONS.get(str(source or "").strip().lower(), "")
