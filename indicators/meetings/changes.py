"""'What changed since the previous meeting': values, statuses and actions between two
meetings of the working group. Set-based: a handful of queries, then frame operations.

The window of a meeting runs from the end of the previous meeting's day to the end of this
meeting's day (UTC). Status 'before' is the status computed from the values that existed
at the previous meeting; a value changed since then counts with its current number (the
earlier number is in the audit trail, not in the value table)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

import pandas as pd

from db import queries
from errors import NotFound
from indicators.views.overview import assess, latest_two
from indicators.rules.periods import period_from_code, sort_key
from indicators.rules.status import Target, rule_from_settings, status_label
from indicators.rules.vocabulary import STATUSES
from indicators.unit_of_work import UnitOfWork

VALUE_CHANGE_COLUMNS = ["indicator_id", "code", "name", "focus_code", "new", "updated", "periods"]
STATUS_COLUMNS = ["indicator_id", "code", "name", "focus_code", "status"]
STATUS_CHANGE_COLUMNS = ["indicator_id", "code", "name", "focus_code", "before", "after", "before_label",
                         "after_label"]
ACTION_CHANGE_COLUMNS = ["id", "name", "focus_code", "status", "change"]
NEW, CHANGED = "ny", "ändrad"


def end_of_day(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day + timedelta(days=1), time(0), tzinfo=timezone.utc))


def _utc(column: pd.Series) -> pd.Series:
    """Timestamps from either backend (naive UTC or aware) as aware UTC."""
    return pd.to_datetime(column, utc=True)


def meetings(uow: UnitOfWork) -> pd.DataFrame:
    """All meetings, oldest first, with the date as ISO text."""
    with uow.read() as session:
        rows = queries.meetings(session)
    return rows.assign(date_text=[d.isoformat() for d in rows["date"]]) if not rows.empty else rows.assign(date_text=[])


def _window(all_meetings: pd.DataFrame, meeting_id: int) -> tuple[dict, Optional[dict]]:
    ordered = all_meetings.sort_values(["date", "id"]).reset_index(drop=True)
    position = ordered.index[ordered["id"] == meeting_id]
    if len(position) == 0:
        raise NotFound(f"Mötet {meeting_id} finns inte")
    i = int(position[0])
    previous = ordered.iloc[i - 1].to_dict() if i > 0 else None
    return ordered.iloc[i].to_dict(), previous


def _statuses(inds: pd.DataFrame, totals: pd.DataFrame, targets: pd.DataFrame,
              cutoff: Optional[pd.Timestamp]) -> pd.DataFrame:
    """Each indicator's status from the whole-municipality values that existed at ``cutoff``
    (None: no values yet)."""
    known = totals.iloc[0:0] if cutoff is None else totals[totals["created_at"] < cutoff]
    latest = latest_two(known)
    targets_by = {int(k): [Target(int(y), float(v)) for y, v in zip(g["year"], g["value"])]
                  for k, g in targets.groupby("indicator_id")}
    rule = rule_from_settings()
    rows = [
        {"indicator_id": int(r["id"]), "code": r["code"], "name": r["name"], "focus_code": r["focus_code"],
         "status": assess(r, latest.get(int(r["id"]), []), targets_by.get(int(r["id"]), []), rule)["status"]}
        for r in inds.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def _value_changes(values: pd.DataFrame, inds: pd.DataFrame, start: Optional[pd.Timestamp],
                   end: pd.Timestamp) -> pd.DataFrame:
    """Per indicator: values created and values changed in the window, and their periods."""
    after_start = values["updated_at"] >= start if start is not None else True
    window = values[after_start & (values["updated_at"] < end)].copy()
    if window.empty:
        return pd.DataFrame(columns=VALUE_CHANGE_COLUMNS)
    window["is_new"] = window["created_at"] >= start if start is not None else True
    grouped = window.groupby("indicator_id").agg(
        new=("is_new", "sum"), total=("is_new", "size"), periods=("period", lambda p: sorted(set(p), key=sort_key)),
    ).reset_index()
    grouped["updated"] = grouped["total"] - grouped["new"]
    grouped["periods"] = grouped["periods"].map(period_span)
    info = inds[["id", "code", "name", "focus_code"]].rename(columns={"id": "indicator_id"})
    out = grouped.merge(info, on="indicator_id").sort_values("code")
    return out[VALUE_CHANGE_COLUMNS].astype({"new": int, "updated": int}).reset_index(drop=True)


def period_span(periods: list[str]) -> str:
    """'2025', '2024, 2025' or, for many, '2018 kv 1–2025 kv 4'."""
    labels = [period_from_code(p).label for p in periods]
    return ", ".join(labels) if len(labels) <= 3 else f"{labels[0]}–{labels[-1]}"


def _action_changes(acts: pd.DataFrame, start: Optional[pd.Timestamp], end: pd.Timestamp) -> pd.DataFrame:
    if acts.empty:
        return pd.DataFrame(columns=ACTION_CHANGE_COLUMNS)
    created_in = (acts["created_at"] < end) & ((acts["created_at"] >= start) if start is not None else True)
    updated_in = (acts["updated_at"] < end) & ((acts["updated_at"] >= start) if start is not None else True)
    out = acts[created_in | updated_in].copy()
    out["change"] = [NEW if c else CHANGED for c in created_in[created_in | updated_in]]
    return out[ACTION_CHANGE_COLUMNS].reset_index(drop=True)


def changes(uow: UnitOfWork, meeting_id: int) -> dict:
    """Everything the meeting mode shows for one meeting, as plain frames per kind."""
    all_meetings = meetings(uow)
    meeting, previous = _window(all_meetings, meeting_id)
    end = end_of_day(meeting["date"])
    start = end_of_day(previous["date"]) if previous else None
    with uow.read() as session:
        inds = queries.indicators(session, include_retired=False)
        values = queries.measurement_times(session)
        targets = queries.targets(session)
        acts = queries.action_times(session)
    for frame in (values, acts):
        for column in ("created_at", "updated_at"):
            frame[column] = _utc(frame[column])
    values = values[values["indicator_id"].isin(inds["id"])]
    totals = values[values["is_total"].astype(bool) & (values["gender"] == "T")]
    before = _statuses(inds, totals, targets, start)
    after = _statuses(inds, totals, targets, end)
    focus_of = inds.set_index("id")["focus_code"]
    return {
        "meeting": meeting,
        "previous": previous,
        "window": (start, end),
        "indicators": inds,
        "totals": totals[totals["created_at"] < end].assign(focus_code=lambda f: f["indicator_id"].map(focus_of)),
        "values": _value_changes(values, inds, start, end),
        "status": after,
        "status_changes": _status_changes(before, after),
        "actions": _action_changes(acts, start, end),
    }


def _status_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    both = after.merge(before[["indicator_id", "status"]], on="indicator_id", suffixes=("", "_before"))
    moved = both[both["status"] != both["status_before"]]
    out = moved.rename(columns={"status_before": "before", "status": "after"})
    out = out.assign(before_label=out["before"].map(status_label), after_label=out["after"].map(status_label))
    return out[STATUS_CHANGE_COLUMNS].reset_index(drop=True)


def describe_values(new: int, updated: int) -> str:
    """'3 nya värden', '1 ändrat värde', '3 nya och 1 ändrat värde'."""
    parts = [f"{new} {'nytt' if new == 1 else 'nya'}" if new else "",
             f"{updated} {'ändrat' if updated == 1 else 'ändrade'}" if updated else ""]
    noun = "värde" if (updated or new) == 1 else "värden"  # agrees with the last number
    return " och ".join(p for p in parts if p) + f" {noun}"


def status_counts(statuses: pd.DataFrame) -> dict[str, int]:
    counts = statuses["status"].value_counts().to_dict() if not statuses.empty else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}


def for_focus_area(result: dict, focus_code: str) -> dict:
    """The parts of ``changes`` that belong to one focus area."""
    return {
        key: (frame[frame["focus_code"] == focus_code].reset_index(drop=True) if isinstance(frame, pd.DataFrame) else frame)
        for key, frame in result.items()
    }
