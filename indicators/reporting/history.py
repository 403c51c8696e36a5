"""The value history of an indicator: every audited change, newest first."""
from __future__ import annotations

import pandas as pd

from db import crud, queries
from db.models import Indicator
from indicators.reporting.outcomes import ValuesError
from indicators.rules.formatting import shown_text
from indicators.rules.vocabulary import AUDIT_ACTION_LABELS, VALUE_FIELD_LABELS, label
from indicators.unit_of_work import UnitOfWork


HISTORY_COLUMNS = {
    "at": "tid", "user_email": "användare", "action": "åtgärd", "period": "period", "gender": "kön",
    "area_name": "område", "field": "fält", "old": "före", "new": "efter", "reason": "skäl",
}


def history(uow: UnitOfWork, indicator_code: str) -> pd.DataFrame:
    """Every audited change of the indicator's values, newest first."""
    with uow.read() as session:
        ind = crud.by_code(session, Indicator, indicator_code)
        if ind is None:
            raise ValuesError(f"'{indicator_code}' är ingen känd indikator")
        events = queries.measurement_history(session, ind.id)
    events = events.assign(field=[label(VALUE_FIELD_LABELS, f) for f in events["field"]],
                           action=[label(AUDIT_ACTION_LABELS, a) for a in events["action"]],
                           old=[shown_text(v) for v in events["old"].fillna("").astype(str)],
                           new=[shown_text(v) for v in events["new"].fillna("").astype(str)])
    return events.rename(columns=HISTORY_COLUMNS)[list(HISTORY_COLUMNS.values())]

