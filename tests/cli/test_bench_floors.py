"""The benchmark's honest floors give the project's own results (at size XS, on both
backends), and a floor that differed would be caught by its check."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import benchmark
import benchmark_floors as floors
from benchmark_writes import import_file_bytes
from db import crud
from db.engine import session_scope
from db.models import FocusArea, Indicator, Measurement
from indicators.access.permissions import Actor
from indicators.annual import snapshot
from indicators.reporting import file_import
from indicators.unit_of_work import UnitOfWork
from indicators.views import overview
from indicators.views.indicator_detail import focus_area_data, indicator_detail

ADMIN = Actor(email="bench@exempel.invalid", role="admin")


@pytest.fixture
def xs(engine):
    benchmark.generate(engine, "XS")
    with session_scope(engine) as session:
        focus = session.execute(select(FocusArea).order_by(FocusArea.number)).scalars().first()
        indicator = session.execute(select(Indicator).where(Indicator.code.like("B%-%"))
                                    .order_by(Indicator.id)).scalars().first()
        return engine, (focus.id, focus.code), (indicator.id, indicator.code)


def test_overview_floor_gives_the_projects_rows_and_statuses(xs):
    engine, _, _ = xs
    ours, floor = overview.overview(UnitOfWork(engine)), floors.overview_floor(engine)
    floors.check_overview(ours, floor)
    assert len(floor) == len(ours) > 4  # the bench's indicators and the starter catalogue
    assert any(r["previous_value"] is not None and r["target_year"] for r in floor)
    for column, other in (("value_text", "inte samma"), ("previous_value", -1.0), ("result_goal_ids", [0])):
        with pytest.raises(AssertionError, match="samma rader"):
            floors.check_overview(ours, [{**floor[0], column: other}] + floor[1:])
    with pytest.raises(AssertionError, match="samma rader"):
        floors.check_overview(ours, floor[::-1])
    status = floors.status_floor(engine)
    floors.check_status(ours, status)
    some = next(iter(status))
    with pytest.raises(AssertionError, match="samma status"):
        floors.check_status(ours, {**status, some: "inte en status"})


def test_page_data_floors_read_the_same_value_rows(xs):
    engine, (focus_id, focus_code), (ind_id, ind_code) = xs
    focus = focus_area_data(UnitOfWork(engine), focus_code)
    tables = floors.focus_floor(engine, focus_id)
    floors.check_page(focus, tables, "fokusområdessidan")
    assert len(tables["values"]) == len(focus["values"]) > 0
    assert len(floors.focus_values_floor(engine, focus_id)) == len(focus["values"])
    floors.check_page(indicator_detail(UnitOfWork(engine), ind_code), floors.indicator_floor(engine, ind_id),
                      "indikatorsidan")
    with pytest.raises(AssertionError, match="samma värden"):
        floors.check_values(focus["values"], tables["values"][1:], "fokusområdessidan")


def test_page_floors_read_every_table_the_pages_show(demo_engine):
    """On the demo data (actions, comparisons, targets, value history): the floors read the
    same rows of every table, and a floor missing a row of any of them is caught."""
    uow = UnitOfWork(demo_engine)
    with session_scope(demo_engine, write=True) as session:  # a changed value and a changed definition
        value = session.execute(select(Measurement).order_by(Measurement.id)).scalars().first()
        crud.add_audit(session, user_email="handlaggare@exempel.invalid", action="update", entity="measurement",
                       entity_id=value.id, field="value", old="70,1", new="70,4", reason="Rättad")
        crud.add_audit(session, user_email="handlaggare@exempel.invalid", action="update", entity="indicator",
                       entity_id=value.indicator_id, field="definition", old="förr", new="nu", reason="Ny källa")
    with session_scope(demo_engine) as session:
        focus_areas = [(f.id, f.code) for f in session.execute(select(FocusArea)).scalars()]
        indicators = [(i.id, i.code) for i in session.execute(select(Indicator).order_by(Indicator.id)).scalars()]
    seen = {"actions": 0, "comparisons": 0, "targets": 0, "history": 0, "goals": 0, "definition_changes": 0}
    for focus_id, code in focus_areas:
        data, tables = focus_area_data(uow, code), floors.focus_floor(demo_engine, focus_id)
        floors.check_page(data, tables, "fokusområdessidan")
        for name in ("actions", "comparisons", "targets"):
            seen[name] += len(tables[name])
            if tables[name]:
                with pytest.raises(AssertionError, match="golvet för fokusområdessidan"):
                    floors.check_page(data, {**tables, name: tables[name][1:]}, "fokusområdessidan")
    for ind_id, code in indicators:
        data, tables = indicator_detail(uow, code), floors.indicator_floor(demo_engine, ind_id)
        floors.check_page(data, tables, "indikatorsidan")
        for name in ("history", "goals", "targets", "definition_changes"):
            seen[name] += len(tables[name])
            if tables[name]:
                with pytest.raises(AssertionError, match="golvet för indikatorsidan"):
                    floors.check_page(data, {**tables, name: tables[name][1:]}, "indikatorsidan")
    assert all(seen.values()), seen  # the demo data exercises every table


def test_import_floor_parses_the_same_rows(xs):
    engine, _, _ = xs
    data = import_file_bytes(engine, rows=200)
    read, parsed = file_import.read_file("bench.xlsx", data), floors.calamine_rows(data)
    floors.check_import(read, parsed)
    assert len(read.rows) == len(parsed) - 1 == 200
    with pytest.raises(AssertionError, match="samma rader"):
        floors.check_import(read, parsed[:-1])


def test_import_write_floor_stores_what_the_project_stores_and_leaves_nothing_behind(xs):
    engine, _, _ = xs
    data = import_file_bytes(engine, rows=200)
    before = floors.raw_rows(engine, "SELECT id, value, comment, count_n, version FROM measurement ORDER BY id")
    written = floors.import_write_floor(engine, data, ADMIN.email, "import av bench.xlsx")
    assert floors.raw_rows(engine, "SELECT id, value, comment, count_n, version FROM measurement ORDER BY id") == before
    assert len(written.rows) == 200 and len(written.audits) == 600  # value, comment and the cleared n per row

    _prepared, result = file_import.import_file(UnitOfWork(engine), ADMIN, "bench.xlsx", data, today=benchmark.BENCH_TODAY)
    assert result.ok and result.counts()["ändrad"] == 200
    floors.check_import_write(floors.stored_import(engine, sorted(written.rows), "import av bench.xlsx"), written)
    wrong = floors.WrittenImport(written.rows, written.audits[1:])
    with pytest.raises(AssertionError, match="samma rader och samma logg"):
        floors.check_import_write(floors.stored_import(engine, sorted(written.rows), "import av bench.xlsx"), wrong)


def test_snapshot_floor_writes_the_same_bytes(xs):
    from benchmark_writes import _files_without_pdf

    engine, _, _ = xs
    uow = UnitOfWork(engine)
    snapshot_id, _sha, _ = snapshot.create_snapshot(uow, ADMIN, 2019, snapshot_date=date(2026, 2, 1))
    stored = snapshot.frozen_material(uow, snapshot_id)[1]
    files = _files_without_pdf(uow, 2019)
    floor = floors.snapshot_floor(files)
    floors.check_snapshot(stored, floor)
    assert sorted(n.rsplit(".", 1)[-1] for n in floor) == ["csv", "json", "xlsx"]
    with pytest.raises(AssertionError, match="samma bytes"):
        floors.check_snapshot(stored, {**floor, next(iter(floor)): "0" * 64})
