"""Seeding: structure, starter catalogue and demo data are idempotent, the catalogue covers
every focus area and program goal, and a catalogue row deleted by an admin is not seeded again."""
from __future__ import annotations

from sqlalchemy import func, select

from bootstrap import initialise
from db import crud
from db.engine import session_scope
from db.models import Area, FocusArea, Indicator, IndicatorProgramGoal, ProgramGoal
from indicators.catalogue import indicators as catalogue_indicators
from tests.utils.actors import ADMIN
from tests.utils.records import table_counts
from indicators.unit_of_work import UnitOfWork


def test_seed_and_demo_are_idempotent(demo_engine):
    from tests.utils.demo import DEMO_TODAY
    before = table_counts(demo_engine)
    initialise(demo_engine, demo=True, today=DEMO_TODAY)
    assert table_counts(demo_engine) == before
    assert before["indicator"] >= 25
    assert before["measurement"] > 1000


def test_catalogue_covers_all_focus_areas_and_goals(engine):
    with session_scope(engine) as session:
        inds = crud.all_rows(session, Indicator)
        assert {i.focus_area_id for i in inds} == {f.id for f in crud.all_rows(session, FocusArea)}
        linked = {l.program_goal_id for l in crud.all_rows(session, IndicatorProgramGoal)}
        assert linked == {g.id for g in crud.all_rows(session, ProgramGoal)}
        assert all(i.responsible_org_id for i in inds)


def test_exactly_one_total_area(engine):
    with session_scope(engine) as session:
        assert [a.name for a in crud.all_rows(session, Area) if a.is_total] == ["Hela kommunen"]


def indicator_count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Indicator)).scalar_one()


def test_deleted_catalogue_row_stays_deleted_after_restart(engine):
    with session_scope(engine) as session:
        ind_id = crud.by_code(session, Indicator, "ARB01").id
    before = indicator_count(engine)
    catalogue_indicators.delete_indicator(UnitOfWork(engine), ADMIN, ind_id)
    initialise(engine)
    assert indicator_count(engine) == before - 1
