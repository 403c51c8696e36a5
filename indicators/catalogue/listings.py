"""The Administration page's lists in Swedish: headers a person reads, codes as words,
yes/no for flags, local time, and never "None" (no Streamlit here)."""
from __future__ import annotations

import pandas as pd

from indicators.rules.formatting import SUPPRESSED, format_time
from indicators.rules.vocabulary import ORG_KIND_LABELS, ROLE_LABELS, YES_NO, label

# Column → header, in the order shown; a column a list does not have is left out.
REFERENCE_HEADERS = {
    "code": "Kod", "name": "Namn", "kind": "Typ", "is_total": "Hela kommunen", "sort_order": "Ordning",
    "active": "Aktiv",
}


def _text(value) -> str:
    return SUPPRESSED if value is None or (isinstance(value, float) and value != value) else str(value)


def reference_listing(frame: pd.DataFrame) -> pd.DataFrame:
    """Organisations, areas or comparison units as the page lists them."""
    shown = {}
    for column, header in REFERENCE_HEADERS.items():
        if column not in frame:
            continue
        cells = frame[column].tolist()
        if column == "kind":
            shown[header] = [label(ORG_KIND_LABELS, c) for c in cells]
        elif column in ("active", "is_total"):
            shown[header] = [YES_NO[bool(c)] for c in cells]
        elif column == "sort_order":
            shown[header] = [_text(None if c is None or c != c else int(c)) for c in cells]
        else:
            shown[header] = [_text(c) for c in cells]
    return pd.DataFrame(shown, columns=[h for c, h in REFERENCE_HEADERS.items() if c in frame])


def users_listing(rows: list[dict]) -> pd.DataFrame:
    """The accounts (from ``users.list_users``): role in words, last sign-in in local time."""
    columns = ["E-post", "Roll", "Organisationer", "Aktiv", "Senast inloggad", "Exempelkonto"]
    return pd.DataFrame([{
        "E-post": row["e-post"], "Roll": label(ROLE_LABELS, row["roll"]),
        "Organisationer": row["organisationer"] or SUPPRESSED, "Aktiv": YES_NO[bool(row["aktiv"])],
        "Senast inloggad": format_time(row["senast inloggad"]), "Exempelkonto": YES_NO[bool(row["exempelkonto"])],
    } for row in rows], columns=columns)
