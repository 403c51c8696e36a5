"""Coverage and responsibility matrices: which goals and focus areas have indicators and
actions, and who owns what (the audit asked for clear responsibility, seed 004)."""
from __future__ import annotations

from datetime import date
from typing import Optional

import pandas as pd

from db import queries
from indicators.rules.periods import expected_periods
from indicators.unit_of_work import UnitOfWork

EMPTY_MARK = "0 ⚠"
EMPTY_LEGEND = "0 ⚠ = ingen indikator/insats i cellen (en lucka i täckningen)."
TOTAL_ROW = "Totalt"
MISSING_COLUMNS = ["org_code", "org_name", "code", "name", "period"]


def _count(links: pd.DataFrame, row_key: str, col_key: str, rows: pd.DataFrame, cols: pd.DataFrame,
           row_label: str, col_label: str) -> pd.DataFrame:
    """Count links per (row, column); every row and column present, zeros included."""
    counts = links.groupby([row_key, col_key]).size() if not links.empty else pd.Series(dtype=int)
    table = counts.unstack(fill_value=0) if not counts.empty else pd.DataFrame()
    table = table.reindex(index=list(rows["id"]), columns=list(cols["id"]), fill_value=0).fillna(0).astype(int)
    table.index = list(rows[row_label])
    table.columns = list(cols[col_label])
    return table


def _goal_labels(goals: pd.DataFrame) -> pd.DataFrame:
    return goals.assign(label=[f"{n}. {name}" for n, name in zip(goals["number"], goals["name"])])


def _result_labels(goals: pd.DataFrame) -> pd.DataFrame:
    def span(row) -> str:
        end = "" if row.valid_to_year is None or pd.isna(row.valid_to_year) else int(row.valid_to_year)
        return f"{row.name} ({row.valid_from_year}–{end})"
    return goals.assign(label=[span(r) for r in goals.itertuples()])


def _load(uow: UnitOfWork) -> dict[str, pd.DataFrame]:
    with uow.read() as session:
        return {
            "indicators": queries.indicators(session, include_retired=False),
            "program_goals": queries.program_goals(session),
            "result_goals": queries.result_goals(session),
            "focus_areas": queries.focus_areas(session),
            "organisations": queries.organisations(session),
            "ind_goals": queries.indicator_program_goals(session),
            "ind_results": queries.indicator_result_goals(session),
            "actions": queries.actions(session),
            **{f"action_{k}": v for k, v in queries.action_links(session).items()},
        }


def goal_matrices(uow: UnitOfWork) -> dict[str, pd.DataFrame]:
    """Program goals × focus areas (indicators, actions) and result goals × focus areas
    (indicators). Active indicators only; an action counts in its own focus area under each
    program goal that motivates it."""
    data = _load(uow)
    areas = data["focus_areas"]
    inds = data["indicators"][["id", "focus_area_id"]].rename(columns={"id": "indicator_id"})
    ind_goals = data["ind_goals"].merge(inds, on="indicator_id")
    ind_results = data["ind_results"].merge(inds, on="indicator_id")
    acts = data["actions"][["id", "focus_area_id"]].rename(columns={"id": "action_id"})
    act_goals = data["action_goals"].merge(acts, on="action_id")
    goals = _goal_labels(data["program_goals"])
    results = _result_labels(data["result_goals"])
    return {
        "program_indicators": _count(ind_goals, "program_goal_id", "focus_area_id", goals, areas, "label", "name"),
        "program_actions": _count(act_goals, "program_goal_id", "focus_area_id", goals, areas, "label", "name"),
        "result_indicators": _count(ind_results, "result_goal_id", "focus_area_id", results, areas, "label", "name"),
    }


def mark_empty(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as text with empty cells marked by a sign as well as colour."""
    return table.apply(lambda col: col.map(lambda n: EMPTY_MARK if n == 0 else str(int(n))))


def missing_values(indicators: pd.DataFrame, totals: pd.DataFrame, today: date) -> pd.DataFrame:
    """Active indicators without a whole-municipality total (T) for the period that was due
    last (periods.expected_periods: the last completed period of its periodicity, or the
    last measurement year for indicators measured every few years)."""
    if indicators.empty:
        return pd.DataFrame(columns=MISSING_COLUMNS)
    due = indicators.assign(period=[expected_periods(row, today, 1)[0].code for row in indicators.to_dict("records")])
    present = totals[(totals["gender"] == "T") & totals["value"].notna()][["indicator_id", "period"]]
    present = set(zip(present["indicator_id"], present["period"]))
    lacking = due[[(i, p) not in present for i, p in zip(due["id"], due["period"])]]
    return lacking[MISSING_COLUMNS].reset_index(drop=True)


def responsibility(uow: UnitOfWork, today: Optional[date] = None) -> dict[str, pd.DataFrame]:
    """Organisations × focus areas (indicators owned, actions owned) and, per organisation,
    the indicators still lacking a value for the current reporting period."""
    today = today or date.today()
    data = _load(uow)
    with uow.read() as session:
        totals = queries.total_series(session)
    orgs, inds = data["organisations"], data["indicators"]
    # A deactivated organisation that still owns indicators or actions stays visible:
    # hiding it would show a false "nobody is responsible" gap.
    still_owns = orgs["id"].isin(inds["responsible_org_id"]) | orgs["id"].isin(data["action_orgs"]["organisation_id"])
    orgs = orgs[orgs["active"].astype(bool) | still_owns]
    areas = data["focus_areas"]
    owned = inds.rename(columns={"responsible_org_id": "organisation_id"})
    acts = data["actions"][["id", "focus_area_id"]].rename(columns={"id": "action_id"})
    act_orgs = data["action_orgs"].merge(acts, on="action_id")
    org_rows = orgs.assign(label=[f"{c} – {n}" for c, n in zip(orgs["code"], orgs["name"])])
    missing = missing_values(inds, totals, today)
    summary = org_rows[["code", "name"]].rename(columns={"code": "org_code", "name": "org_name"})
    summary["indicators"] = summary["org_code"].map(inds.groupby("org_code").size()).fillna(0).astype(int)
    summary["missing"] = summary["org_code"].map(missing.groupby("org_code").size()).fillna(0).astype(int)
    indicators = _count(owned, "organisation_id", "focus_area_id", org_rows, areas, "label", "name")
    actions = _count(act_orgs, "organisation_id", "focus_area_id", org_rows, areas, "label", "name")
    owners = (indicators.sum(axis=1) + actions.sum(axis=1)) > 0
    return {
        "indicators": with_total(indicators[owners]),
        "actions": with_total(actions[owners]),
        "without_ownership": [label for label, owns in owners.items() if not owns],
        "missing_summary": summary.reset_index(drop=True),
        "missing": missing,
    }


def with_total(table: pd.DataFrame) -> pd.DataFrame:
    """A last row 'Totalt' per focus area: a zero there means nobody owns anything in it."""
    return pd.concat([table, table.sum().to_frame(TOTAL_ROW).T]).astype(int)
