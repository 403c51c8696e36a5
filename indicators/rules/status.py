"""The status rule: the one function every page, export and snapshot uses.

Modelled on Open SDG's progress measure (observed change divided by the change required
to reach the target on a straight path from the baseline) and on Malmö's plain trend
words (förbättring / oförändrat / försämring / kan inte bedömas). See README, "Statusregeln".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from settings import Settings, get_settings

from indicators.rules.vocabulary import (
    AT_RISK, DECREASE, IMPROVED, INCREASE, MET, NO_TARGET, NO_VALUE, NOT_ASSESSABLE, OFF_TRACK, ON_TRACK, STATUS_ICONS, TREND_ARROWS, UNCHANGED, WORSENED,
)

# Ordered from worst to best, for the monotonicity property and for sorting.
RANK = {OFF_TRACK: 0, AT_RISK: 1, ON_TRACK: 2, MET: 3}

EXPLANATIONS = {
    MET: "Senaste värdet når målvärdet.",
    ON_TRACK: "Utvecklingen sedan utgångsläget följer minst {on_track:.0%} av den takt som krävs för att nå målet.",
    AT_RISK: "Utvecklingen går åt rätt håll men i lägre takt än som krävs ({at_risk:.0%}–{on_track:.0%}).",
    OFF_TRACK: "Utvecklingen är för långsam (under {at_risk:.0%} av takten) eller går åt fel håll.",
    NO_VALUE: "Det finns inget värde att bedöma.",
    NO_TARGET: "Indikatorn saknar målvärde eller målriktning.",
}

@dataclass(frozen=True)
class StatusRule:
    """Tolerances: share of the required progress that counts as on track / at risk, the
    relative shortfall for 'hold the level' targets, and the relative change treated as
    unchanged by the trend arrow."""
    on_track: float = 0.95
    at_risk: float = 0.5
    maintain_tolerance: float = 0.05
    trend_tolerance: float = 0.01

    def explain(self, status: str) -> str:
        return EXPLANATIONS[status].format(on_track=self.on_track, at_risk=self.at_risk)


DEFAULT_RULE = StatusRule()


def rule_from_settings(settings: Optional[Settings] = None) -> StatusRule:
    """The rule with the configured tolerances (UPPFOLJNING_ON_TRACK, _AT_RISK,
    _MAINTAIN_TOLERANCE, _TREND_TOLERANCE); the one place a rule is built from settings."""
    s = settings or get_settings()
    return StatusRule(on_track=s.on_track, at_risk=s.at_risk,
                      maintain_tolerance=s.maintain_tolerance, trend_tolerance=s.trend_tolerance)


@dataclass(frozen=True)
class Target:
    year: int
    value: float


def choose_target(targets: Sequence[Target], year: int) -> Optional[Target]:
    """The first target for this year or later; after the last target year, the last one."""
    if not targets:
        return None
    ordered = sorted(targets, key=lambda t: t.year)
    upcoming = [t for t in ordered if t.year >= year]
    return upcoming[0] if upcoming else ordered[-1]


def _sign(direction: str) -> int:
    return {"higher": 1, "lower": -1}.get(direction, 0)


def compute_status(
    *,
    direction: str,
    value: Optional[float],
    when: Optional[float],
    baseline_value: Optional[float],
    baseline_when: Optional[float],
    target: Optional[Target],
    rule: StatusRule = DEFAULT_RULE,
) -> str:
    """Status of the latest value.

    ``when`` and ``baseline_when`` are positions in fractional years (period mid-points);
    the target is due at the end of its year. Without a baseline, the path cannot be
    drawn, so only 'mål nått' or 'saknar mål' can be said.
    """
    if value is None:
        return NO_VALUE
    sign = _sign(direction)
    if sign == 0 or target is None:
        return NO_TARGET
    if sign * (value - target.value) >= 0:
        return MET
    if baseline_value is None or baseline_when is None or when is None:
        return NO_TARGET
    required_total = sign * (target.value - baseline_value)
    if required_total <= 0:
        # The target only asks to hold (or is below) the baseline level: judge the shortfall.
        shortfall = sign * (target.value - value)
        scale = max(abs(target.value), 1e-9)
        return AT_RISK if shortfall / scale <= rule.maintain_tolerance else OFF_TRACK
    observed = sign * (value - baseline_value)
    due = target.year + 1.0
    span = due - baseline_when
    elapsed = 0.0 if span <= 0 else min(max((when - baseline_when) / span, 0.0), 1.0)
    if elapsed == 0.0:
        if observed >= 0:
            return ON_TRACK
        return AT_RISK if -observed <= rule.maintain_tolerance * required_total else OFF_TRACK
    ratio = observed / (required_total * elapsed)
    if ratio >= rule.on_track:
        return ON_TRACK
    if ratio >= rule.at_risk:
        return AT_RISK
    return OFF_TRACK


def trend(direction: str, value: Optional[float], previous: Optional[float], rule: StatusRule = DEFAULT_RULE) -> str:
    """Change against an earlier value, read in the indicator's direction."""
    if value is None or previous is None:
        return NOT_ASSESSABLE
    change = value - previous
    if abs(change) <= rule.trend_tolerance * max(abs(previous), 1e-9):
        return UNCHANGED
    sign = _sign(direction)
    if sign == 0:
        return UNCHANGED if change == 0 else (INCREASE if change > 0 else DECREASE)
    return IMPROVED if sign * change > 0 else WORSENED


def trend_arrow(direction: str, trend_word: str, change_up: Optional[bool] = None) -> str:
    """Arrow showing the direction of change (up/down), whatever its meaning."""
    if trend_word in (INCREASE, DECREASE):
        return "↑" if trend_word == INCREASE else "↓"
    if trend_word in (IMPROVED, WORSENED) and change_up is not None:
        return "↑" if change_up else "↓"
    return TREND_ARROWS.get(trend_word, "·")


def status_label(status: str) -> str:
    return f"{STATUS_ICONS[status]} {status}"
