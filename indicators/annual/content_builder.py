"""The content of an årsuppföljning: one year's follow-up as plain data.

The content is plain data (no wall-clock time except the snapshot's own ``year`` and
``snapshot_date``), serialised as canonical JSON and hashed with SHA-256, so the same data
and the same date always give the same bytes and the same hash. The rendered files (JSON,
CSV in the long format, XLSX, PDF) are stored beside it and never updated: a later
correction of a value changes today's dashboards, not a delivered annual follow-up.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
from datetime import date, datetime
from typing import Any, Iterator, Optional

import numpy as np
import pandas as pd

from db import crud, queries
from settings import get_settings
from indicators.views import overview
from indicators.files import long_format
from indicators.reporting.assessments import latest_by_focus_area
from indicators.rules.formatting import local_time
from indicators.rules import disclosure
from indicators.rules.periods import period_from_code, sort_key
from indicators.rules.status import Target, choose_target, rule_from_settings
from indicators.rules.vocabulary import GENDER_ORDER, STATUSES
from indicators.unit_of_work import UnitOfWork


FORMAT = "uppfoljning-arsuppfoljning/1"


INDICATOR_FIELDS = [
    "code", "name", "definition", "unit", "decimals", "direction", "periodicity", "source_kind", "source_ref",
    "source_note", "by_gender", "by_area", "valid_min", "valid_max", "baseline_period", "baseline_value",
    "active", "version", "valid_from_year", "valid_to_year",
]


STATUS_FIELDS = ["period", "value", "previous_value", "status", "trend", "trend_baseline", "target_year",
                 "target_value"]


def plain(value: Any) -> Any:
    """A JSON-safe Python value: NaN -> None, numpy scalars -> int/float/bool, dates -> ISO."""
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _dumps(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_LONG_LISTS = ("values", "comments")  # the lists that grow with the data
_CHUNK = 20_000


def canonical_json(content: dict) -> bytes:
    """``json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` as
    UTF-8, byte for byte, built without one text copy of the whole: the long lists are
    dumped a chunk at a time (a year of a county is about 100 MB of JSON)."""
    marks = {key: f"\u0000{key}\u0000" for key in _LONG_LISTS if isinstance(content.get(key), list)}
    out = io.BytesIO()
    rest = _dumps({**content, **marks})
    # '"values":"\u0000values\u0000"' cannot stand inside a string (its quotes would be escaped)
    spots = {key: _dumps(key) + b":" + _dumps(mark) for key, mark in marks.items()}
    for key in sorted(marks, key=lambda k: rest.index(spots[k])):
        before, rest = rest.split(spots[key], 1)
        out.write(before + _dumps(key) + b":[")
        items = content[key]
        for start in range(0, len(items), _CHUNK):
            if start:
                out.write(b",")
            out.write(_dumps(items[start:start + _CHUNK])[1:-1])
        out.write(b"]")
    out.write(rest)
    return out.getvalue()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: plain(r[c]) for c in columns} for r in df.to_dict("records")]


def _number(value: Any) -> Optional[float]:
    value = plain(value)
    return None if value is None else float(value)


def read_all(uow: UnitOfWork, until_year: Optional[int] = None) -> dict[str, Any]:
    """Everything a snapshot is made of (``until_year``: only the values of periods of that year
    and earlier, and only the columns a snapshot reads)."""
    with uow.read() as session:
        frames = overview.structure_in(session, include_retired=True)
        ids = list(frames["indicators"]["id"])
        return {
            **frames,
            "demo": crud.is_demo(session),
            "areas": queries.areas(session),
            "validity": queries.indicator_validity(session),
            "targets": queries.targets(session),
            "values": queries.measurements(session, ids) if until_year is None else
            queries.values_until(session, ids, until_year),
            "actions": queries.actions(session),
            "action_links": queries.action_links(session),
        }


def published_values(raw: dict, last_day: date, threshold: int) -> list[dict]:
    """All values whose period ends by ``last_day``; withheld breakdowns (the disclosure
    rule: small counts and the cells that would reveal them) carry no value, count, comment
    or missing reason."""
    df = raw.pop("values")  # the largest table: not held beside its filtered, sorted copy
    if df.empty:
        return []
    periods = {p: period_from_code(p) for p in df["period"].unique()}
    # take, not [mask].copy(): one filtered copy, never two beside the whole table
    df = df.take(np.flatnonzero(df["period"].isin([p for p, period in periods.items() if period.end <= last_day])))
    codes = dict(zip(raw["indicators"]["id"], raw["indicators"]["code"]))
    df["indicator"] = df["indicator_id"].map(codes)
    df["key"] = df["period"].map({p: sort_key(p) for p in periods})
    df["gender_order"] = df["gender"].map(GENDER_ORDER)
    df = df.sort_values(["indicator", "key", "sort_order", "area_code", "gender_order"])
    df["hidden"] = disclosure.withheld_mask(df, threshold)
    names = ["indicator", "period", "gender", "area_code", "value", "count_n", "missing_reason", "comment", "status",
             "source", "hidden"]
    rows = []
    same = {}.setdefault  # one object per distinct code, period, area, status and source, not one per value
    # the published columns cut into chunks and the table let go: each chunk is freed once its
    # values are built, so the table and all the values never stand side by side
    parts = [df.iloc[start:start + _CHUNK][names].copy() for start in range(0, len(df), _CHUNK)][::-1]
    del df
    for indicator, period, gender, area, value, count_n, reason, comment, status, source, hidden in (
            row for part in _popped(parts) for row in zip(*(part[c].tolist() for c in names))):
        hidden = bool(hidden)
        rows.append(_Value(
            same(indicator, indicator), same(period, period), same(gender, gender), same(area, area),
            None if hidden else value if type(value) is float and value == value else _number(value),
            None if hidden else plain(count_n), "" if hidden else (reason or ""), "" if hidden else (comment or ""),
            same(status, status), same(source, source), hidden,
        ).__dict__)
    return rows


def _popped(parts: list) -> Iterator:
    """The items of a reversed list, each taken out of it (and so freed once used)."""
    while parts:
        yield parts.pop()


class _Value:
    """One published value. Only its ``__dict__`` is kept: an ordinary dict whose key table is
    shared by every value (CPython's key-sharing instance dicts), about a third of the memory
    of one dict literal per value."""
    __slots__ = ("__dict__",)

    def __init__(self, indicator, period, gender, area, value, count_n, missing_reason, comment, status, source,
                 suppressed):
        self.indicator, self.period, self.gender, self.area = indicator, period, gender, area
        self.value, self.count_n, self.missing_reason, self.comment = value, count_n, missing_reason, comment
        self.status, self.source, self.suppressed = status, source, suppressed


def _indicators(raw: dict) -> list[dict]:
    inds = raw["indicators"].merge(raw["validity"], on="id", how="left")
    goal_numbers = dict(zip(raw["program_goals"]["id"], raw["program_goals"]["number"]))
    result_codes = dict(zip(raw["result_goals"]["id"], raw["result_goals"]["code"]))
    pg = raw["indicator_program_goals"].groupby("indicator_id")["program_goal_id"].apply(list).to_dict()
    rg = raw["indicator_result_goals"].groupby("indicator_id")["result_goal_id"].apply(list).to_dict()
    tg = raw["targets"]
    out = []
    for row in inds.sort_values(["focus_number", "code"]).to_dict("records"):
        item = {f: plain(row[f]) for f in INDICATOR_FIELDS}
        item["decimals"] = int(item["decimals"])
        for f in ("baseline_value", "valid_min", "valid_max"):
            item[f] = _number(item[f])
        item.update({
            "responsible": row["org_code"], "focus_area": row["focus_code"],
            "program_goals": sorted(int(goal_numbers[g]) for g in pg.get(row["id"], [])),
            "result_goals": sorted(result_codes[g] for g in rg.get(row["id"], [])),
            "targets": [{"year": int(y), "value": float(v)}
                        for y, v in tg[tg["indicator_id"] == row["id"]].sort_values("year")[["year", "value"]].itertuples(index=False)],
        })
        out.append(item)
    return out


def _statuses(indicators: list[dict], total_values: list[dict], year: int) -> list[dict]:
    """overview.assess on the whole-municipality totals (gender T) up to the year."""
    number = {ind["code"]: i for i, ind in enumerate(indicators)}  # latest_two keys on integers
    series = pd.DataFrame(
        [{"indicator_id": number[v["indicator"]], "period": v["period"], "value": v["value"]}
         for v in total_values if v["gender"] == "T" and v["value"] is not None],
        columns=["indicator_id", "period", "value"],
    )
    latest = overview.latest_two(series)
    rule = rule_from_settings()
    out = []
    for i, ind in enumerate(indicators):
        targets = [Target(t["year"], t["value"]) for t in ind["targets"]]
        assessed = overview.assess(ind, latest.get(i, []), targets, rule)
        item = {f: plain(assessed[f]) for f in STATUS_FIELDS}
        if item["period"] is None:  # no value: judge against the snapshot year, not today
            target = choose_target(targets, year)
            item["target_year"], item["target_value"] = (target.year, target.value) if target else (None, None)
        for f in ("value", "previous_value", "target_value"):
            item[f] = _number(item[f])
        out.append({"indicator": ind["code"], **item})
    return out


def _totals(values: list[dict], areas: list[dict]) -> list[dict]:
    total_code = next((a["code"] for a in areas if a["is_total"]), None)
    return [v for v in values if v["area"] == total_code]


def status_as_of(uow: UnitOfWork, last_day: date) -> dict:
    """Status per indicator and counts per focus area from values for periods ending by
    ``last_day`` (used by the meeting documents: the state a meeting could know)."""
    raw = read_all(uow)
    focus_areas = _records(raw["focus_areas"].sort_values("number"),
                           ["code", "number", "name", "short_name", "description"])
    areas = _records(raw["areas"], ["code", "is_total"])
    indicators = _indicators(raw)
    values = published_values(raw, last_day, get_settings().suppress_below)
    statuses = _statuses(indicators, _totals(values, areas), last_day.year)
    return {"focus_areas": focus_areas, "indicators": indicators, "statuses": statuses,
            "summary": _summary(indicators, statuses, focus_areas)}


def _actions(raw: dict) -> list[dict]:
    acts = raw["actions"]
    links = raw["action_links"]
    goal_numbers = dict(zip(raw["program_goals"]["id"], raw["program_goals"]["number"]))
    org_codes = dict(zip(raw["organisations"]["id"], raw["organisations"]["code"]))
    ind_codes = dict(zip(raw["indicators"]["id"], raw["indicators"]["code"]))
    focus = raw["focus_areas"].set_index("id")
    by = {k: df.groupby("action_id").agg(list).iloc[:, 0].to_dict() if not df.empty else {} for k,
          df in links.items()}
    out = []
    for a in acts.to_dict("records"):
        out.append({
            "id": int(a["id"]), "name": a["name"], "description": a["description"] or "",
            "focus_area": focus.loc[a["focus_area_id"],
                                    "code"], "focus_number": int(focus.loc[a["focus_area_id"], "number"]),
            "status": a["status"], "start_date": plain(a["start_date"]), "end_date": plain(a["end_date"]),
            "cost_estimate": plain(a["cost_estimate"]), "priority": plain(a["priority"]),
            "program_goals": sorted(int(goal_numbers[g]) for g in by["goals"].get(a["id"], [])),
            "organisations": sorted(org_codes[o] for o in by["orgs"].get(a["id"], [])),
            "indicators": sorted(ind_codes[i] for i in by["indicators"].get(a["id"], [])),
        })
    for a in out:
        a["cost_estimate"] = None if a["cost_estimate"] is None else int(a["cost_estimate"])
        a["priority"] = None if a["priority"] is None else int(a["priority"])
    out.sort(key=lambda a: (a["focus_number"], a["priority"] is None, a["priority"] or 0, a["name"], a["id"]))
    return out


def _responsibility(indicators: list[dict], actions: list[dict], focus_areas: list[dict]) -> list[dict]:
    """Organisation × focus area: the indicators it answers for and the actions it takes part in."""
    cells: dict[tuple[str, str], dict] = {}

    def cell(org: str, area: str) -> dict:
        return cells.setdefault((org, area),
                                {"organisation": org, "focus_area": area, "indicators": [], "actions": []})

    for ind in indicators:
        if ind["active"]:
            cell(ind["responsible"], ind["focus_area"])["indicators"].append(ind["code"])
    for act in actions:
        for org in act["organisations"]:
            cell(org, act["focus_area"])["actions"].append(act["name"])
    order = {f["code"]: f["number"] for f in focus_areas}
    rows = sorted(cells.values(), key=lambda c: (order.get(c["focus_area"], 99), c["organisation"]))
    for row in rows:
        row["indicators"].sort()
        row["actions"].sort()
    return rows


def _summary(indicators: list[dict], statuses: list[dict], focus_areas: list[dict]) -> list[dict]:
    status_of = {s["indicator"]: s["status"] for s in statuses}
    out = []
    for area in focus_areas:
        counts = {s: 0 for s in STATUSES}
        for ind in indicators:
            if ind["active"] and ind["focus_area"] == area["code"]:
                counts[status_of[ind["code"]]] += 1
        out.append({"focus_area": area["code"], "counts": counts})
    return out


def _assessments(uow: UnitOfWork, year: int, focus_areas: list[dict]) -> list[dict]:
    """Per focus area its "Analys och bedömning" for the year: the newest version of the
    latest period in the year (who wrote it stays in the audit trail, not in the publication)."""
    latest = latest_by_focus_area(uow, year=year)
    return [{"focus_area": a.focus_code, "period": a.period, "period_label": a.period_label, "version": a.version,
             "text": a.text, "written_on": local_time(a.written_at).date().isoformat()}
            for a in (latest.get(f["code"]) for f in focus_areas) if a is not None]


def _method(year: int, threshold: int) -> dict:
    rule = rule_from_settings()
    return {
        "status_rule": {
            "on_track": rule.on_track, "at_risk": rule.at_risk, "maintain_tolerance": rule.maintain_tolerance,
            "trend_tolerance": rule.trend_tolerance, "texts": {s: rule.explain(s) for s in STATUSES},
        },
        "status_basis": (f"Status bedöms på det senaste värdet för hela kommunen (totalt) bland perioder som "
                         f"slutar senast {year}-12-31, mot målet för det året eller närmast följande målår."),
        "suppression_threshold": threshold,
        "suppression_text": (f"Värden uppdelade på kön eller område med ett underlag (n) under {threshold} "
                             "visas inte, så att ingen enskild person kan identifieras. Därtill döljs de "
                             "värden som annars skulle avslöja dem (till exempel kvinnor när totalen och "
                             "män visas)."),
        "period_rule": f"Med i årsuppföljningen: alla värden för perioder som slutar senast {year}-12-31.",
        "long_format": long_format.LONG_COLUMNS,
    }


def build_content(uow: UnitOfWork, year: int, snapshot_date: Optional[date] = None) -> dict:
    """The snapshot's data; the same database state and snapshot date give the same dict."""
    raw = read_all(uow, until_year=year)
    threshold = get_settings().suppress_below
    structure = {
        "program_goals": _records(raw["program_goals"].sort_values("number"), ["number", "name", "description"]),
        "focus_areas": _records(raw["focus_areas"].sort_values("number"),
                                ["code", "number", "name", "short_name", "description"]),
        "result_goals": _records(raw["result_goals"].sort_values("code"),
                                 ["code", "name", "description", "valid_from_year", "valid_to_year"]),
        "organisations": _records(raw["organisations"].sort_values("code"), ["code", "name", "kind", "active"]),
        "areas": _records(raw["areas"].sort_values(["sort_order", "code"]),
                          ["code", "name", "is_total", "sort_order", "active"]),
    }
    program = {k: plain(raw["program"].get(k)) for k in ("name", "start_year", "end_year", "adopted_date", "decision_ref", "description")}
    indicators = _indicators(raw)
    values = published_values(raw, date(year, 12, 31), threshold)  # takes raw["values"] out of raw
    statuses = _statuses(indicators, _totals(values, structure["areas"]), year)
    actions = _actions(raw)
    return {
        "format": FORMAT,
        "year": int(year),
        "snapshot_date": (snapshot_date or date.today()).isoformat(),
        "demo": bool(raw["demo"]),
        "program": program,
        **structure,
        "indicators": indicators,
        "values": values,
        "statuses": statuses,
        "summary": _summary(indicators, statuses, structure["focus_areas"]),
        "assessments": _assessments(uow, year, structure["focus_areas"]),
        "comments": [
            {"indicator": v["indicator"], "period": v["period"], "gender": v["gender"], "area": v["area"],
             "text": v["comment"]}
            for v in values if v["comment"]
        ],
        "actions": actions,
        "responsibility": _responsibility(indicators, actions, structure["focus_areas"]),
        "method": _method(year, threshold),
    }
