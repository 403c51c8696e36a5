"""Foundation: model constraints, seed idempotence, migrations without drift, CLI."""
from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from bootstrap import initialise
from db import crud
from db.engine import get_engine, make_engine, session_scope
from db.migrate import current_revision, head_revision
from db.models import (
    Action, ActionProgramGoal, Area, FocusArea, Indicator, IndicatorProgramGoal, Measurement,
    Organisation, ProgramGoal,
)
from tests.utils.paths import ROOT
from tests.utils.records import table_counts


def test_migration_from_empty_reaches_head_without_drift(db_url):
    engine = make_engine(db_url)
    initialise(engine)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())


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


def test_exactly_one_total_area(engine):
    with session_scope(engine) as session:
        assert [a.name for a in crud.all_rows(session, Area) if a.is_total] == ["Hela kommunen"]


def run_cli(*args, env_url: str, stdin: str = "") -> subprocess.CompletedProcess:
    import os
    env = {**os.environ, "DATABASE_URL": env_url}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_cli_init_twice_check_and_export(db_url, tmp_path):
    url = db_url
    first = run_cli("init", "--demo", env_url=url)
    assert first.returncode == 0, first.stderr
    assert "Exempelkonton" in first.stdout
    counts = table_counts(get_engine(url))
    second = run_cli("init", "--demo", env_url=url)
    assert second.returncode == 0 and "finns redan" in second.stdout
    assert table_counts(get_engine(url)) == counts
    assert run_cli("check", env_url=url).returncode == 0
    catalogue = run_cli("indicators", env_url=url).stdout.splitlines()
    assert catalogue[0].startswith("kod;namn;enhet;periodicitet;ansvarig")
    out = tmp_path / "values.csv"
    assert run_cli("export", "--out", str(out), env_url=url).returncode == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "indikator;period;kön;område;värde;kommentar"
    assert any("," in line.split(";")[4] for line in lines[1:50])


def test_cli_check_fails_on_incomplete_catalogue(engine):
    url = str(engine.url.render_as_string(hide_password=False))
    from db.models import Target
    with session_scope(engine, write=True) as session:
        ind = crud.by_code(session, Indicator, "ARB01")
        for t in crud.all_rows(session, Target):
            if t.indicator_id == ind.id:
                session.delete(t)
    result = run_cli("check", env_url=url)
    assert result.returncode == 1
    assert "ARB01: saknar målvärde" in result.stdout


def test_cli_user_add_list_disable(db_url):
    url = db_url
    assert run_cli("init", env_url=url).returncode == 0
    added = run_cli("user", "add", "Ny@Exempel.invalid", "--role", "official", "--org", "SN", "--password-stdin",
                    env_url=url, stdin="ett-langt-losenord\n")
    assert added.returncode == 0, added.stderr
    listed = run_cli("user", "list", env_url=url).stdout
    assert "ny@exempel.invalid;official;SN;True" in listed
    assert run_cli("user", "disable", "ny@exempel.invalid", env_url=url).returncode == 0
    assert "ny@exempel.invalid;official;SN;False" in run_cli("user", "list", env_url=url).stdout
    refused = run_cli("user", "add", "x@exempel.invalid", "--role", "official", "--password-stdin", env_url=url, stdin="ett-langt-losenord\n")
    assert refused.returncode == 1 and "organisation" in refused.stderr


def test_upgrade_from_first_revision_keeps_data(db_url):
    """An upgrade never loses data: fill a database at revision 0001, then upgrade."""
    from alembic import command
    from db.migrate import alembic_config

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO area (code, name, is_total, sort_order, active) VALUES ('X', 'Kvar', true, 0, true)")
    initialise(engine)
    with session_scope(engine) as session:
        assert crud.by_code(session, Area, "X").name == "Kvar"
    assert current_revision(engine) == head_revision(engine)
    engine.dispose()
