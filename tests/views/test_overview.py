"""The overview's rows (the Översikt page's data): plain dicts read through the driver, the
same assessment as the generic path the annual follow-up uses, in the pages' order."""
from __future__ import annotations

from sqlalchemy import delete, select

from db import queries
from db.engine import session_scope
from db.models import Indicator, IndicatorProgramGoal, Measurement
from indicators.rules.status import Target, rule_from_settings
from indicators.unit_of_work import UnitOfWork
from indicators.views.overview import OVERVIEW_COLUMNS, assess, filter_overview, latest_two, overview, status_counts


def generic_rows(engine) -> dict[str, dict]:
    """Each active indicator assessed the generic way (pandas frames, latest_two, assess)."""
    with session_scope(engine) as session:
        indicators = queries.indicators(session)
        newest = queries.newest_total_values(session, 10)
        targets = session.execute(select(queries.Target.indicator_id, queries.Target.year, queries.Target.value)).all()
    latest = latest_two(newest)
    rule = rule_from_settings()
    out = {}
    for row in indicators.to_dict("records"):
        mine = [Target(y, v) for i, y, v in targets if i == row["id"]]
        out[row["code"]] = assess(row, latest.get(int(row["id"]), []), mine, rule)
    return out


def test_overview_rows_match_the_generic_assessment_in_page_order(demo_engine):
    rows = overview(UnitOfWork(demo_engine))
    with session_scope(demo_engine) as session:
        active = set(session.execute(select(Indicator.code).where(Indicator.active)).scalars())
        links = session.execute(select(IndicatorProgramGoal.indicator_id, IndicatorProgramGoal.program_goal_id)).all()
    assert [r["code"] for r in rows] == sorted(active, key=lambda c: (next(r["focus_number"] for r in rows
                                                                           if r["code"] == c), c))
    assert all(list(r) == OVERVIEW_COLUMNS for r in rows)
    generic = generic_rows(demo_engine)
    assert any(r["previous_value"] is not None for r in rows) and any(r["target_year"] for r in rows)
    for r in rows:
        assert {k: r[k] for k in generic[r["code"]]} == generic[r["code"]], r["code"]
        assert r["program_goal_ids"] == sorted(g for i, g in links if i == r["id"])


def test_an_indicator_without_values_reads_in_swedish_and_filters_count(demo_engine):
    with session_scope(demo_engine, write=True) as session:
        ind = session.execute(select(Indicator).where(Indicator.code == "ARB01")).scalar_one()
        session.execute(delete(Measurement).where(Measurement.indicator_id == ind.id))
    rows = overview(UnitOfWork(demo_engine))
    row = next(r for r in rows if r["code"] == "ARB01")
    assert (row["period"], row["period_label"], row["value"], row["value_text"], row["status"], row["trend"]) == (
        None, "–", None, "–", "saknar värde", "kan inte bedömas")
    mine = filter_overview(rows, org_code=row["org_code"])
    assert row in mine and all(r["org_code"] == row["org_code"] for r in mine)
    goal = row["program_goal_ids"][0]
    assert filter_overview(rows, program_goal=goal) == [r for r in rows if goal in r["program_goal_ids"]]
    counts = status_counts(rows)
    assert sum(counts.values()) == len(rows) and counts["saknar värde"] >= 1
