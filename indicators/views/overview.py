"""Read models for the meeting dashboards: latest value, status and trend per indicator."""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

import pandas as pd
from sqlmodel import Session

from db import crud, queries
from indicators.rules.formatting import format_number
from indicators.rules.periods import period_from_code, sort_key
from indicators.rules.status import (
    Target, choose_target, compute_status, rule_from_settings, status_label, trend, trend_arrow,
)
from indicators.unit_of_work import UnitOfWork

OVERVIEW_COLUMNS = [
    "id", "code", "name", "focus_code", "focus_name", "focus_number", "org_code", "org_name", "unit",
    "decimals", "direction", "periodicity", "source_kind", "source_ref", "period", "period_label", "value", "value_text",
    "previous_value", "status", "status_label", "trend", "arrow", "trend_baseline", "target_year",
    "target_value", "program_goal_ids", "result_goal_ids",
]


def data_version(uow: UnitOfWork) -> str:
    """Changes on every write: the cache key for dashboards."""
    with uow.read() as session:
        return crud.data_version(session)


def is_demo(uow: UnitOfWork) -> bool:
    with uow.read() as session:
        return crud.is_demo(session)


def latest_two(series: pd.DataFrame) -> dict[int, list[tuple[str, Optional[float]]]]:
    """Per indicator: [(period, value)] newest first, present values only, from any frame
    with indicator_id/period/value (already filtered to the series wanted)."""
    out: dict[int, list[tuple[str, Optional[float]]]] = {}
    if series.empty:
        return out
    present = series[series["value"].notna()].copy()
    present["key"] = present["period"].map(sort_key)
    present = present.sort_values(["indicator_id", "key"], ascending=[True, False])
    for indicator_id, group in present.groupby("indicator_id", sort=False):
        out[int(indicator_id)] = list(zip(group["period"].head(2), group["value"].head(2)))
    return out


def _grouped(pairs) -> dict[int, list]:
    out: dict[int, list] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _clean(value):
    return None if isinstance(value, float) and value != value else value  # NaN → None


def assess(row: dict, latest: list[tuple[str, Optional[float]]], targets: list[Target], rule=None) -> dict:
    """Status, trend and target for one indicator (a row with direction, decimals, unit and
    baseline, NaN read as missing), from its newest values."""
    period, value = latest[0] if latest else (None, None)
    return assessment(_clean(row["direction"]), int(row["decimals"]), _clean(row["unit"]),
                      _clean(row.get("baseline_period")), _clean(row.get("baseline_value")), period, value,
                      latest[1][1] if len(latest) > 1 else None, targets, rule or rule_from_settings())


def assessment(direction: str, decimals: int, unit: str, baseline_period: Optional[str],
               baseline_value: Optional[float], period: Optional[str], value: Optional[float],
               previous: Optional[float], targets: list[Target], rule) -> dict:
    """The assessed columns of an overview row, in OVERVIEW_COLUMNS' order: the newest value
    (its period, Swedish label and text), the previous one, status, trends and target."""
    when = period_from_code(period) if period else None
    target = choose_target(targets, when.year if when else date.today().year)
    status = compute_status(
        direction=direction, value=value, when=when.position if when else None, baseline_value=baseline_value,
        baseline_when=period_from_code(baseline_period).position if baseline_period else None, target=target,
        rule=rule,
    )
    word = trend(direction, value, previous, rule)
    return {
        "period": period, "period_label": when.label if when else "–", "value": value,
        "value_text": format_number(value, decimals, unit) if value is not None else "–",
        "previous_value": previous, "status": status, "status_label": status_label(status), "trend": word,
        "arrow": trend_arrow(direction, word, None if value is None or previous is None else value > previous),
        "trend_baseline": trend(direction, value, baseline_value, rule),
        "target_year": target.year if target else None, "target_value": target.value if target else None,
    }


def overview(uow: UnitOfWork) -> list[dict]:
    """One row per active indicator (a dict keyed by OVERVIEW_COLUMNS), in the pages' order
    (focus area, code), with its latest whole-municipality value, status, trends and target.
    Plain rows from four statements on the driver connection, one pass to assess them."""
    with uow.read() as session:
        main, targets, program_goals, result_goals = queries.overview_rows(session)
    targets_by = _grouped((ind, Target(year, value)) for ind, year, value in targets)
    pg_by, rg_by = _grouped(program_goals), _grouped(result_goals)
    rule = rule_from_settings()
    rows = []
    for k, row in enumerate(main):
        ind = row[0]
        if k and main[k - 1][0] == ind:
            continue  # the second newest value, read with the newest
        previous = main[k + 1][17] if k + 1 < len(main) and main[k + 1][0] == ind else None
        rows.append({
            "id": ind, "code": row[1], "name": row[2], "focus_code": row[3], "focus_name": row[4],
            "focus_number": row[5], "org_code": row[6], "org_name": row[7], "unit": row[8], "decimals": row[9],
            "direction": row[10], "periodicity": row[11], "source_kind": row[12], "source_ref": row[13],
            **assessment(row[10], row[9], row[8], row[14], row[15], row[16], row[17], previous,
                         targets_by.get(ind, []), rule),
            "program_goal_ids": pg_by.get(ind, []), "result_goal_ids": rg_by.get(ind, []),
        })
    return rows


def structure(uow: UnitOfWork) -> dict[str, pd.DataFrame]:
    """Program, goals, focus areas, result goals and organisations for filters and trees."""
    with uow.read() as session:
        return structure_in(session)


def structure_in(session: Session, include_retired: bool = False) -> dict[str, Any]:
    """The program (as a dict) and its structure as frames, read in the caller's session: goals,
    focus areas, result goals, organisations, the indicators (retired ones only when asked for)
    and their links to the goals. The dashboards' filters and the annual follow-up read it."""
    prog = queries.program(session)
    return {
        "program": prog.model_dump() if prog else {},
        "program_goals": queries.program_goals(session),
        "focus_areas": queries.focus_areas(session),
        "result_goals": queries.result_goals(session),
        "organisations": queries.organisations(session),
        "indicators": queries.indicators(session, include_retired=include_retired),
        "indicator_program_goals": queries.indicator_program_goals(session),
        "indicator_result_goals": queries.indicator_result_goals(session),
    }


def filter_overview(rows: list[dict], program_goal: Optional[int] = None, result_goal: Optional[int] = None,
                    org_code: Optional[str] = None) -> list[dict]:
    """The overview rows linked to the program goal and the result goal and owned by the board asked for."""
    return [r for r in rows if (program_goal is None or program_goal in r["program_goal_ids"])
            and (result_goal is None or result_goal in r["result_goal_ids"])
            and (not org_code or r["org_code"] == org_code)]


def status_counts(rows: list[dict]) -> dict[str, int]:
    """How many rows have each status, in the fixed order of STATUSES."""
    from indicators.rules.vocabulary import STATUSES
    counts = dict.fromkeys(STATUSES, 0)
    for r in rows:
        counts[r["status"]] += 1
    return counts
