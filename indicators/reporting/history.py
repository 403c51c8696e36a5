"""The value history of an indicator: every audited change, newest first, in Swedish."""
from __future__ import annotations

import pandas as pd

from db import crud, queries
from db.models import Indicator
from indicators.reporting.outcomes import ValuesError
from indicators.rules.formatting import SUPPRESSED, format_time, shown_text
from indicators.rules.periods import period_from_code
from indicators.rules.vocabulary import AUDIT_ACTION_LABELS, GENDER_LABELS, VALUE_FIELD_LABELS, label
from indicators.unit_of_work import UnitOfWork

HISTORY_HEADERS = ["Tid", "Användare", "Åtgärd", "Period", "Kön", "Område", "Fält", "Före", "Efter", "Skäl"]


def audit_words(events: pd.DataFrame) -> dict[str, list[str]]:
    """The columns every history table shares, as a person reads them: local time, the
    action and the field in words, empty before/after as blank (never "None"), stored
    numbers without float noise."""
    return {
        "Tid": [format_time(pd.Timestamp(at).to_pydatetime()) for at in events["at"]],
        "Användare": events["user_email"].fillna("").tolist(),
        "Åtgärd": [label(AUDIT_ACTION_LABELS, a) for a in events["action"]],
        "Fält": [label(VALUE_FIELD_LABELS, f) if f else SUPPRESSED for f in events["field"]],
        "Före": [shown_text(v) for v in events["old"].fillna("").astype(str)],
        "Efter": [shown_text(v) for v in events["new"].fillna("").astype(str)],
        "Skäl": events["reason"].fillna("").tolist(),
    }


def history(uow: UnitOfWork, indicator_code: str) -> pd.DataFrame:
    """Every audited change of the indicator's values, newest first."""
    with uow.read() as session:
        ind = crud.by_code(session, Indicator, indicator_code)
        if ind is None:
            raise ValuesError(f"'{indicator_code}' är ingen känd indikator")
        events = queries.measurement_history(session, ind.id)
    if events.empty:
        return pd.DataFrame(columns=HISTORY_HEADERS)
    return pd.DataFrame({
        **audit_words(events),
        "Period": [period_from_code(p).label for p in events["period"]],
        "Kön": [label(GENDER_LABELS, g) for g in events["gender"]],
        "Område": events["area_name"].tolist(),
    }, columns=HISTORY_HEADERS)
