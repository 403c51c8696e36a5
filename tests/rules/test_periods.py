"""Reporting periods: which periods an indicator is expected to report."""
from __future__ import annotations


def test_expected_periods_skip_years_between_elections():
    from datetime import date

    from indicators.rules.periods import expected_periods

    election = {"periodicity": "year", "report_every_years": 4, "report_anchor_year": 2018}
    assert [p.code for p in expected_periods(election, date(2026, 11, 22))] == ["2022", "2018"]
    assert [p.code for p in expected_periods(election, date(2027, 1, 5))] == ["2026", "2022"]
    yearly = {"periodicity": "year", "report_every_years": 1, "report_anchor_year": None}
    assert [p.code for p in expected_periods(yearly, date(2026, 11, 22))] == ["2025", "2024"]
    quarterly = {"periodicity": "quarter", "report_every_years": float("nan"), "report_anchor_year": float("nan")}
    assert [p.code for p in expected_periods(quarterly, date(2026, 11, 22))] == ["2026Q3", "2026Q2"]
