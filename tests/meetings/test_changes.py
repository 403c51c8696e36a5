"""What changed since the previous meeting: new and changed values, statuses then and now,
actions told apart, and the view per focus area."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update

from db import crud
from db.engine import session_scope
from db.models import Action, Indicator, Measurement
from indicators.meetings import changes as meetings_view
from indicators.views import overview as dashboard
from indicators.unit_of_work import UnitOfWork


def _meeting_ids(engine) -> list[int]:
    return [int(i) for i in meetings_view.meetings(UnitOfWork(engine))["id"]]


def test_changes_since_previous_meeting(demo_engine):
    first, second = _meeting_ids(demo_engine)  # 2025-10-14, 2026-04-15
    result = meetings_view.changes(UnitOfWork(demo_engine), second)
    assert result["previous"]["id"] == first
    values = result["values"].set_index("code")
    assert values.loc["ARB01", "periods"] == "2025"  # yearly 2025 values arrived in February 2026
    assert values.loc["ARB01", "new"] > 0 and values.loc["ARB01", "updated"] == 0
    assert result["actions"].empty  # demo actions were created after both meetings
    # Every yearly value existed by the second meeting (reported in February), so their
    # statuses are today's; quarterly values for Q2/Q3 2026 arrived after it.
    overview = dashboard.overview(UnitOfWork(demo_engine))
    yearly = {r["code"] for r in overview if r["periodicity"] == "year"}
    now = {r["code"]: r["status"] for r in overview}
    at_meeting = result["status"].set_index("code")["status"]
    assert {c: at_meeting[c] for c in yearly} == {c: now[c] for c in yearly}
    quarterly = {r["code"] for r in overview if r["periodicity"] == "quarter"}
    assert any(at_meeting[c] != now[c] for c in quarterly)
    changed = result["status_changes"]
    assert not changed.empty and (changed["before"] != changed["after"]).all()


def test_first_meeting_counts_everything_before_it(demo_engine):
    first = _meeting_ids(demo_engine)[0]
    result = meetings_view.changes(UnitOfWork(demo_engine), first)
    assert result["previous"] is None
    assert set(result["status_changes"]["before"]) == {"saknar värde"}
    arb01 = result["values"].set_index("code").loc["ARB01"]
    assert arb01["periods"] == "2018–2024" and arb01["updated"] == 0  # 2025 arrived after this meeting


def test_changed_values_and_actions_are_told_apart(demo_engine):
    first, second = _meeting_ids(demo_engine)
    between = datetime(2026, 1, 10, 12, tzinfo=timezone.utc)
    early = datetime(2024, 5, 1, tzinfo=timezone.utc)
    with session_scope(demo_engine, write=True) as session:
        ind = crud.by_code(session, Indicator, "BRO01")
        session.execute(update(Measurement).where(Measurement.indicator_id == ind.id, Measurement.period == "2020")
                        .values(updated_at=between))
        names = list(session.execute(select(Action.name).order_by(Action.id)).scalars())[:2]
        session.execute(update(Action).where(Action.name == names[0]).values(created_at=between, updated_at=between))
        session.execute(update(Action).where(Action.name == names[1]).values(created_at=early, updated_at=between))
    result = meetings_view.changes(UnitOfWork(demo_engine), second)
    bro = result["values"].set_index("code").loc["BRO01"]
    assert bro["updated"] == 1 and bro["periods"] == "2020, 2025"
    assert meetings_view.describe_values(bro["new"], bro["updated"]) == "1 nytt och 1 ändrat värde"
    actions = result["actions"].set_index("name")["change"].to_dict()
    assert actions == {names[0]: meetings_view.NEW, names[1]: meetings_view.CHANGED}
    crime = meetings_view.for_focus_area(result, "brottslighet")
    assert set(crime["values"]["code"]) == {c for c in result["values"]["code"] if c.startswith("BRO")}
    assert sum(meetings_view.status_counts(crime["status"]).values()) == len(crime["status"]) == 5
    # Before the first meeting there is no earlier meeting: what existed then is new.
    assert meetings_view.changes(UnitOfWork(demo_engine), first)["actions"].set_index("name")["change"].to_dict() == {names[1]: meetings_view.NEW}
