"""External statistics sources (Kolada) and how their values are attributed."""
from __future__ import annotations

# Kolada's terms of use ask for the attribution "Källa: Kolada" wherever its values are shown.
_ATTRIBUTIONS = {
    "kolada": "Källa: Kolada",
    "scb": "Källa: SCB",
}


def attribution(source: str) -> str:
    """The attribution line for a value's source ("kolada" -> "Källa: Kolada");
    empty for the municipality's own reporting, which needs none."""
    return _ATTRIBUTIONS.get(str(source or "").strip().lower(), "")
