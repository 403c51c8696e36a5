"""What saving values reports back: one outcome per row (ny / ändrad / oförändrad) and
the problems that stopped it, each naming its row and field."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from db.models import VALUE_STATUSES
from errors import Invalid, Problem
from indicators.rules.results import CollectedErrors

STATUSES = VALUE_STATUSES  # a value's status: preliminär / slutlig
OVERWRITE = "current"  # expected_version for an explicit overwrite (import preview)
CREATED, UPDATED, UNCHANGED = "ny", "ändrad", "oförändrad"
# Kinds of problems, so a page can offer the right way out (a lock reason, a reload …).
ERROR, CONFLICT, JUMP, LOCKED, DENIED = "fel", "konflikt", "språng", "låst", "behörighet"
REVIEW = "granska kommentar"  # a corrected value's stored comment needs a choice: keep, edit or remove
SLIP = "rimlighet"  # "Menade du 36,9 %?": answered by an explicit choice, never by a comment
MAX_COMMENT = 2000


class ValuesError(Invalid):
    """A refused reporting request (locks and similar)."""


@dataclass
class RowOutcome:
    index: int
    label: str
    indicator: str
    period: str
    gender: str
    area_code: str
    action: str  # ny / ändrad / oförändrad
    old_value: Optional[float]
    new_value: float
    comment: str
    status: str
    current_version: Optional[int]  # version when read, None for a new row
    measurement_id: Optional[int] = None
    missing_reason: str = ""  # the value is reported missing (new_value is None) for this reason
    old_comment: str = ""  # the comment stored before (shown for review when the value is corrected)
    count_n: Optional[int] = None  # the count basis n stored with the value


@dataclass
class SaveResult(CollectedErrors[Problem]):
    outcomes: list[RowOutcome] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False
    # "Menade du …?": entry index -> the value probably meant (the entry's own value is the other choice)
    questions: dict[int, float] = field(default_factory=dict)

    def _with(self, action: str) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action == action]

    @property
    def created(self) -> list[RowOutcome]:
        return self._with(CREATED)

    @property
    def updated(self) -> list[RowOutcome]:
        return self._with(UPDATED)

    @property
    def unchanged(self) -> list[RowOutcome]:
        return self._with(UNCHANGED)

    def counts(self) -> dict[str, int]:
        return {CREATED: len(self.created), UPDATED: len(self.updated), UNCHANGED: len(self.unchanged)}

    def needs_lock_reason(self) -> bool:
        return any(p.kind == LOCKED for p in self.errors)

