"""Settings read from the environment (documented in the README)."""
from __future__ import annotations

import os

from db.engine import database_url as _database_url
from indicators.rules.status import StatusRule


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def suppression_threshold() -> int:
    """Breakdown values whose count basis n is below this are shown as '–' and never plotted."""
    return int(_float("UPPFOLJNING_SUPPRESS_BELOW", 5))


def status_rule() -> StatusRule:
    return StatusRule(
        on_track=_float("UPPFOLJNING_ON_TRACK", 0.95),
        at_risk=_float("UPPFOLJNING_AT_RISK", 0.5),
        maintain_tolerance=_float("UPPFOLJNING_MAINTAIN_TOLERANCE", 0.05),
        trend_tolerance=_float("UPPFOLJNING_TREND_TOLERANCE", 0.01),
    )


def jump_factor() -> float:
    """A value more than this factor away from the previous one needs a comment."""
    return _float("UPPFOLJNING_JUMP_FACTOR", 1.5)


def database_url() -> str:
    """The configured database (DATABASE_URL or the embedded SQLite default)."""
    return _database_url()
