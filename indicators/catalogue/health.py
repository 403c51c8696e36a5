"""Catalogue health: what `cli.py check` and the Administration start page report."""
from __future__ import annotations

from datetime import date
from typing import Optional

from db import queries
from indicators.rules.periods import expected_periods
from indicators.unit_of_work import UnitOfWork


def catalogue_problems(uow: UnitOfWork) -> list[str]:
    """Blocking problems: every active indicator needs a program goal, a responsible
    organisation, a focus area and a target (context indicators without direction are
    exempt from the target rule: they have nothing to aim for)."""
    with uow.read() as session:
        inds = queries.indicators(session, include_retired=False)
        pgoals = queries.indicator_program_goals(session)
        tgts = queries.targets(session)
    with_goal = set(pgoals["indicator_id"])
    with_target = set(tgts["indicator_id"])
    problems = []
    for row in inds.to_dict("records"):
        code = row["code"]
        if row["id"] not in with_goal:
            problems.append(f"{code}: saknar programmål")
        if not row["org_code"]:
            problems.append(f"{code}: saknar ansvarig organisation")
        if not row["focus_code"]:
            problems.append(f"{code}: saknar fokusområde")
        if row["direction"] != "none" and row["id"] not in with_target:
            problems.append(f"{code}: saknar målvärde")
        if row["source_kind"] == "kolada" and not row["source_ref"]:
            problems.append(f"{code}: källa Kolada men inget KPI-id")
    return problems


def health(uow: UnitOfWork, today: Optional[date] = None) -> dict[str, list[str]]:
    """The Administration health panel: blocking problems plus gaps worth a look."""
    today = today or date.today()
    with uow.read() as session:
        inds = queries.indicators(session, include_retired=False)
        series = queries.total_series(session)
        pgoals = queries.indicator_program_goals(session)
        rgoals = queries.indicator_result_goals(session)
        goals = queries.program_goals(session)
        results = queries.result_goals(session)
    stale = []
    present = series[series["value"].notna()]
    periods_by = present.groupby("indicator_id")["period"].apply(set).to_dict()
    for row in inds.to_dict("records"):
        last, before = expected_periods(row, today)
        if not {last.code, before.code} & periods_by.get(row["id"], set()):
            stale.append(f"{row['code']}: inget värde för {before.code} eller {last.code}")
    goals_without = [f"Programmål {g['number']}. {g['name']}" for g in goals.to_dict("records")
                     if g["id"] not in set(pgoals["program_goal_id"])]
    goals_without += [f"Resultatmål {g['name']}" for g in results.to_dict("records")
                      if g["id"] not in set(rgoals["result_goal_id"])]
    return {"problems": catalogue_problems(uow), "stale": stale, "goals_without_indicators": goals_without}
