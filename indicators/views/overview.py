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


def _group_pairs(keys, values) -> dict[int, list]:
    out: dict[int, list] = {}
    for key, value in zip(keys, values):
        out.setdefault(int(key), []).append(value)
    return out


def assess(row: dict, latest: list[tuple[str, Optional[float]]], targets: list[Target], rule=None) -> dict:
    """Status, trend and target for one indicator, from its newest values."""
    rule = rule or rule_from_settings()
    row = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}  # NaN → None
    period, value = latest[0] if latest else (None, None)
    previous = latest[1][1] if len(latest) > 1 else None
    when = period_from_code(period).position if period else None
    baseline_when = period_from_code(row["baseline_period"]).position if row.get("baseline_period") else None
    target = choose_target(targets, period_from_code(period).year if period else date.today().year)
    status = compute_status(
        direction=row["direction"], value=value, when=when, baseline_value=row.get("baseline_value"),
        baseline_when=baseline_when, target=target, rule=rule,
    )
    word = trend(row["direction"], value, previous, rule)
    up = None if value is None or previous is None else value > previous
    return {
        "period": period, "period_label": period_from_code(period).label if period else "–", "value": value, "previous_value": previous, "status": status,
        "status_label": status_label(status), "trend": word, "arrow": trend_arrow(row["direction"], word, up),
        "trend_baseline": trend(row["direction"], value, row.get("baseline_value"), rule),
        "target_year": target.year if target else None, "target_value": target.value if target else None,
        "value_text": format_number(value, int(row["decimals"]), row["unit"]) if value is not None else "–",
    }


def overview(uow: UnitOfWork) -> pd.DataFrame:
    """One row per active indicator with its latest whole-municipality value and status.
    Reads plain rows (five statements, no intermediate tables) and builds one table at the end."""
    with uow.read() as session:
        data = queries.overview_rows(session)
    if not data["indicators"]:
        return pd.DataFrame(columns=OVERVIEW_COLUMNS)
    latest: dict[int, list[tuple[str, Optional[float]]]] = {}
    for indicator_id, period, value in data["newest"]:
        latest.setdefault(int(indicator_id), []).append((period, float(value)))
    targets_by: dict[int, list[Target]] = {}
    for indicator_id, year, value in data["targets"]:
        targets_by.setdefault(int(indicator_id), []).append(Target(int(year), float(value)))
    pg_by = _group_pairs(*zip(*data["program_goals"])) if data["program_goals"] else {}
    rg_by = _group_pairs(*zip(*data["result_goals"])) if data["result_goals"] else {}
    rule = rule_from_settings()
    rows = []
    for row in data["indicators"]:
        key = int(row["id"])
        assessed = assess(row, latest.get(key, []), targets_by.get(key, []), rule)
        rows.append({**row, **assessed, "program_goal_ids": pg_by.get(key, []), "result_goal_ids": rg_by.get(key, [])})
    return pd.DataFrame({c: [r[c] for r in rows] for c in OVERVIEW_COLUMNS}, columns=OVERVIEW_COLUMNS)


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


def filter_overview(df: pd.DataFrame, program_goal: Optional[int] = None, result_goal: Optional[int] = None,
                    org_code: Optional[str] = None) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    if program_goal is not None:
        mask &= df["program_goal_ids"].map(lambda ids: program_goal in ids)
    if result_goal is not None:
        mask &= df["result_goal_ids"].map(lambda ids: result_goal in ids)
    if org_code:
        mask &= df["org_code"] == org_code
    return df[mask]


def status_counts(df: pd.DataFrame) -> dict[str, int]:
    from indicators.rules.vocabulary import STATUSES
    counts = df["status"].value_counts().to_dict() if not df.empty else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}
