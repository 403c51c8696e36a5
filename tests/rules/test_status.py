"""The status rule: worked examples from the README and properties that must always hold."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from indicators.rules.status import (
    AT_RISK, MET, NO_TARGET, NO_VALUE, OFF_TRACK, ON_TRACK, RANK, IMPROVED, UNCHANGED, WORSENED,
    NOT_ASSESSABLE, StatusRule, Target, choose_target, compute_status, trend,
)


def status(direction, value, when=2022.5, baseline=76.0, target=Target(2027, 80.0), baseline_when=2018.5, rule=StatusRule()):
    return compute_status(direction=direction, value=value, when=when, baseline_value=baseline,
                          baseline_when=baseline_when, target=target, rule=rule)


@pytest.mark.parametrize("direction,baseline,target,value,when,expected", [
    ("higher", 76.0, 80.0, 78.0, 2022.5, ON_TRACK),
    ("higher", 76.0, 80.0, 77.0, 2022.5, AT_RISK),
    ("higher", 76.0, 80.0, 75.0, 2022.5, OFF_TRACK),
    ("lower", 8.5, 6.0, 6.0, 2025.5, MET),
    ("lower", 8.5, 6.0, 8.0, 2025.5, OFF_TRACK),
])
def test_readme_worked_examples(direction, baseline, target, value, when, expected):
    assert status(direction, value, when, baseline, Target(2027, target)) == expected


def test_missing_value_target_or_direction():
    assert status("higher", None) == NO_VALUE
    assert status("higher", 78.0, target=None) == NO_TARGET
    assert status("none", 78.0) == NO_TARGET
    assert status("higher", 81.0, baseline=None) == MET  # met needs no baseline
    assert status("higher", 78.0, baseline=None) == NO_TARGET  # no path without a baseline


def test_hold_the_level_target():
    # Target equal to the baseline: judge the shortfall only.
    assert status("higher", 79.0, baseline=80.0) == AT_RISK
    assert status("higher", 70.0, baseline=80.0) == OFF_TRACK


def test_value_at_baseline_time():
    assert status("higher", 76.5, when=2018.5) == ON_TRACK
    assert status("higher", 70.0, when=2018.5) == OFF_TRACK


def test_tolerances_are_configurable():
    strict = StatusRule(on_track=1.5, at_risk=1.0)
    assert status("higher", 78.0) == ON_TRACK
    assert status("higher", 78.0, rule=strict) == AT_RISK


def test_choose_target():
    targets = [Target(2023, 78.0), Target(2027, 80.0)]
    assert choose_target(targets, 2021).year == 2023
    assert choose_target(targets, 2024).year == 2027
    assert choose_target(targets, 2030).year == 2027
    assert choose_target([], 2024) is None


def test_trend_words():
    assert trend("higher", 10.0, 9.0) == IMPROVED
    assert trend("lower", 10.0, 9.0) == WORSENED
    assert trend("higher", 10.0, 10.05) == UNCHANGED
    assert trend("higher", 10.0, None) == NOT_ASSESSABLE


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
years = st.floats(min_value=2018.0, max_value=2027.9)


@given(direction=st.sampled_from(["higher", "lower"]), baseline=finite, target=finite,
       a=finite, b=finite, when=years)
def test_status_is_monotone_in_the_value(direction, baseline, target, a, b, when):
    low, high = sorted([a, b])
    better, worse = (high, low) if direction == "higher" else (low, high)
    s_better = status(direction, better, when, baseline, Target(2027, target))
    s_worse = status(direction, worse, when, baseline, Target(2027, target))
    assert RANK[s_better] >= RANK[s_worse]


@given(direction=st.sampled_from(["higher", "lower"]), baseline=finite, target=finite, value=finite, when=years)
def test_met_iff_target_met(direction, baseline, target, value, when):
    met = value >= target if direction == "higher" else value <= target
    assert (status(direction, value, when, baseline, Target(2027, target)) == MET) == met
