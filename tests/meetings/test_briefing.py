"""The meeting briefing without Streamlit: arrow + word per desired direction, change since
the previous meeting and since the baseline, status before → now with the values, from
hand-made series with known report times."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, select

from db import crud
from db.engine import session_scope
from db.models import Area, Indicator, Measurement, Meeting
from indicators.meetings import briefing as meeting_briefing
from indicators.meetings.briefing import change
from indicators.reporting import assessments
from indicators.rules.status import StatusRule
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN

RULE = StatusRule(trend_tolerance=0.01)


@pytest.mark.parametrize("direction, value, earlier, expected", [
    ("higher", 12.0, 10.0, "▲ bättre"),
    ("higher", 8.0, 10.0, "▼ sämre"),
    ("lower", 12.0, 10.0, "▼ sämre"),   # more is worse when lower is better
    ("lower", 8.0, 10.0, "▲ bättre"),
    ("higher", 10.05, 10.0, "→ oförändrat"),  # within the trend tolerance (1 %)
    ("lower", 9.95, 10.0, "→ oförändrat"),
    ("none", 12.0, 10.0, "▲ ökning"),
    ("none", 8.0, 10.0, "▼ minskning"),
    ("higher", 12.0, None, "· kan inte bedömas"),
    ("higher", None, 10.0, "· kan inte bedömas"),
])
def test_arrow_and_word_follow_the_desired_direction(direction, value, earlier, expected):
    assert change(direction, value, earlier, RULE).text == expected


def test_colour_only_repeats_the_word():
    assert change("higher", 12.0, 10.0, RULE).colour == "green"
    assert change("lower", 12.0, 10.0, RULE).colour == "red"
    assert change("none", 12.0, 10.0, RULE).colour == "gray"


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)


def _series(session, code: str, points: list[tuple[str, float, date, str]]) -> None:
    """Replace an indicator's values with hand-made ones: (period, value, reported on, comment)."""
    indicator = crud.by_code(session, Indicator, code)
    total = session.execute(select(Area).where(Area.is_total)).scalars().one()
    session.execute(delete(Measurement).where(Measurement.indicator_id == indicator.id))
    for period, value, day, comment in points:
        session.add(Measurement(indicator_id=indicator.id, period=period, area_id=total.id, value=value,
                                comment=comment, created_at=_at(day), updated_at=_at(day)))


def _meetings(engine) -> tuple[Meeting, Meeting]:
    with session_scope(engine) as session:
        first, second = session.execute(select(Meeting).order_by(Meeting.date)).scalars().all()
        return first, second


def _brief(result, code: str):
    return next(i for area in result.focus_areas for i in area.indicators if i.code == code)


def test_changes_since_the_meeting_and_the_baseline_with_the_status_values(demo_engine):
    first, second = _meetings(demo_engine)
    before, between = first.date.replace(day=1), first.date.replace(day=20)
    with session_scope(demo_engine, write=True) as session:
        # ARB02 (higher is better, baseline 52,0 % in 2018): 58 at the first meeting, then 54 reported.
        _series(session, "ARB02", [("2023", 55.0, before, ""), ("2024", 58.0, before, "Äldre kommentar."),
                                   ("2025", 54.0, between, "")])
        # ARB04 (lower is better): 4,0 then 3,0 reported between the meetings.
        _series(session, "ARB04", [("2024", 4.0, before, ""), ("2025", 3.0, between, "Färre långtidsarbetslösa.")])
        baseline = crud.by_code(session, Indicator, "ARB02").baseline_value
    result = meeting_briefing.briefing(UnitOfWork(demo_engine), second.id)
    assert result.since_text == f"sedan mötet {first.date.isoformat()}"

    arb02 = _brief(result, "ARB02")
    assert (arb02.value_text, arb02.period_label) == ("54,0\u00a0%", "2025")
    assert arb02.since_meeting.text == "▼ sämre" and arb02.meeting_value_text == "58,0\u00a0%, 2024"
    assert arb02.since_baseline.text == ("▲ bättre" if 54.0 > baseline else "▼ sämre")
    assert arb02.value_news == "1 nytt värde (2025)"
    assert [p[1] for p in arb02.sparkline] == [55.0, 58.0, 54.0]
    assert (arb02.comment, arb02.comment_period_label) == ("Äldre kommentar.", "2024")  # the newest said
    assert arb02.before_text.endswith("(58,0\u00a0%, 2024)") and arb02.now_text.endswith("(54,0\u00a0%, 2025)")

    arb04 = _brief(result, "ARB04")
    assert arb04.since_meeting.text == "▲ bättre" and arb04.comment == "Färre långtidsarbetslösa."


def test_status_before_and_now_and_the_focus_area_text_known_at_the_meeting(demo_engine):
    first, second = _meetings(demo_engine)
    uow = UnitOfWork(demo_engine)
    result = meeting_briefing.briefing(uow, second.id)
    area = next(a for a in result.focus_areas if a.code == "skola")
    assert sum(area.counts.values()) == 7
    for brief in area.indicators:
        assert brief.value_news or brief.status_changed  # only what changed is listed
    moved = [b for b in area.indicators if b.status_changed]
    assert [m.split(" ")[0] for m in area.status_moves] == [b.code for b in moved]
    assert area.assessment is not None and area.assessment.text.startswith("Exempeldata")
    # A text written after the meeting is not part of that meeting's briefing.
    assessments.save_assessment(uow, ADMIN, "bostad", "2026H1", "Skriven efteråt.", expected_version=0)
    later = meeting_briefing.briefing(uow, second.id)
    assert next(a for a in later.focus_areas if a.code == "bostad").assessment is None
    assert meeting_briefing.briefing(uow, first.id).previous is None
