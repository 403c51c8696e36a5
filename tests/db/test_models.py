"""Model constraints: what the database and the invariants in db.crud refuse (duplicate
values, an indicator or action without a program goal, an indicator without a responsible
organisation)."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from db import crud
from db.engine import session_scope
from db.models import (
    Action, ActionProgramGoal, FocusArea, Indicator, IndicatorProgramGoal, Measurement, Organisation, ProgramGoal,
)


def _any(session, model):
    return crud.all_rows(session, model)[0]


def test_duplicate_measurement_refused(demo_engine):
    with pytest.raises(IntegrityError):
        with session_scope(demo_engine, write=True) as session:
            m = _any(session, Measurement)
            session.add(Measurement(indicator_id=m.indicator_id, period=m.period, gender=m.gender, area_id=m.area_id, value=1.0))


def test_indicator_without_program_goal_refused(engine):
    with pytest.raises(crud.InvariantError, match="programmål"):
        with session_scope(engine, write=True) as session:
            session.add(Indicator(code="X1", name="Utan mål", responsible_org_id=_any(session, Organisation).id,
                                  focus_area_id=_any(session, FocusArea).id))
    with session_scope(engine) as session:
        assert crud.by_code(session, Indicator, "X1") is None


def test_removing_last_program_goal_of_indicator_refused(engine):
    with pytest.raises(crud.InvariantError):
        with session_scope(engine, write=True) as session:
            ind = crud.by_code(session, Indicator, "ARB01")
            for link in crud.all_rows(session, IndicatorProgramGoal):
                if link.indicator_id == ind.id:
                    session.delete(link)


def test_indicator_without_responsible_organisation_refused(engine):
    with pytest.raises(IntegrityError):
        with session_scope(engine, write=True) as session:
            session.add(Indicator(code="X2", name="Utan ansvarig", focus_area_id=_any(session, FocusArea).id))


def test_action_without_program_goal_refused_and_with_goal_accepted(engine):
    with pytest.raises(crud.InvariantError, match="minst ett av programmets mål"):
        with session_scope(engine, write=True) as session:
            session.add(Action(name="Utan mål", focus_area_id=_any(session, FocusArea).id))
    with session_scope(engine, write=True) as session:
        action = Action(name="Med mål", focus_area_id=_any(session, FocusArea).id)
        session.add(action)
        session.flush()
        session.add(ActionProgramGoal(action_id=action.id, program_goal_id=_any(session, ProgramGoal).id))
    with session_scope(engine) as session:
        assert [a.name for a in crud.all_rows(session, Action)] == ["Med mål"]
