"""Read models for the Fokusområden and Indikatorer pages: one indicator in full, one focus
area's indicators and actions, and display tables in Swedish (no Streamlit here)."""
from __future__ import annotations

from typing import Optional

import pandas as pd

from db import queries
from settings import get_settings
from indicators.views.charts import difference_unit
from indicators.files.long_format import SUPPRESSED_NOTE
from indicators.rules.formatting import SUPPRESSED, format_kronor, format_number
from indicators.views.gaps import apply_suppression
from indicators.rules.periods import period_from_code, sort_key
from indicators.rules.vocabulary import (
    DIRECTION_LABELS, GENDER_LABELS, GENDER_ORDER, NO_VALUE, NOT_ASSESSABLE, PERIODICITY_LABELS, PROTECTED_MARK,
    SOURCE_LABELS, VALUE_STATUS_LABELS, label,
)
from indicators.reporting.history import audit_words
from indicators.unit_of_work import UnitOfWork

HISTORY_TABLE_HEADERS = ["Tid", "Användare", "Åtgärd", "Värde", "Fält", "Före", "Efter", "Skäl"]



def indicator_detail(uow: UnitOfWork, code: str) -> Optional[dict]:
    """Definition, links, targets, values, comparisons and value history of one indicator:
    the definition as one plain row, its goal links in one statement, one query per table."""
    with uow.read() as session:
        row = queries.indicator_row(session, code)
        if row is None:
            return None
        ind_id = int(row["id"])
        links = queries.indicator_goal_names(session, ind_id)
        detail = {
            "indicator": row,
            "targets": queries.targets(session, ind_id),
            "values": queries.measurements(session, [ind_id], units={ind_id: row["unit"]}),
            "comparisons": queries.comparison_values(session, [ind_id]),
            "history": queries.measurement_history(session, ind_id),
            "definition_changes": queries.definition_changes(session, [ind_id]),
        }
    detail["program_goals"] = [f"{number}. {name}" for kind, number, name in links if kind == 0]
    detail["result_goals"] = [name for kind, _number, name in links if kind == 1]
    return detail


def headline(row: Optional[dict]) -> dict[str, str]:
    """How the indicator is doing, for the top of its page, from its overview row (latest
    whole-municipality value): value with unit, Swedish period, status, trend and target."""
    if row is None:
        return {"value": SUPPRESSED, "period": "inget värde ännu", "status": NO_VALUE, "trend": SUPPRESSED,
                "trend_baseline": SUPPRESSED, "target": "inget mål", "target_label": "Mål"}
    clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
    year, target = clean.get("target_year"), clean.get("target_value")
    decimals, unit = int(clean.get("decimals") or 0), clean.get("unit") or ""
    baseline = clean.get("trend_baseline")
    return {
        "value": clean.get("value_text") or SUPPRESSED,
        "period": clean.get("period_label") if clean.get("period") else "inget värde ännu",
        "status": clean.get("status") or NO_VALUE,
        "trend": f"{clean.get('arrow') or ''} {clean.get('trend') or NOT_ASSESSABLE}".strip(),
        "trend_baseline": baseline if baseline and baseline != NOT_ASSESSABLE else SUPPRESSED,
        "target": format_number(target, decimals, unit) if target is not None else "inget mål",
        "target_label": f"Mål {int(year)}" if year is not None else "Mål",
    }


def definition_rows(detail: dict, internal: bool = False) -> list[tuple[str, str]]:
    """The full definition as (label, text) pairs, for a two-column table. ``internal``
    (admins only) adds the notes for the process support, such as how sure a Kolada id is."""
    ind = detail["indicator"]
    decimals, unit = int(ind["decimals"]), ind["unit"] or ""
    source = SOURCE_LABELS.get(ind["source_kind"], ind["source_kind"])
    if ind["source_ref"]:
        source += f" ({'KPI-id ' if ind['source_kind'] == 'kolada' else ''}{ind['source_ref']})"
    baseline = "–"
    if ind.get("baseline_period") and pd.notna(ind.get("baseline_value")):
        baseline = f"{format_number(ind['baseline_value'], decimals, unit)} ({period_from_code(ind['baseline_period']).label})"
    targets = detail["targets"]
    target_text = "; ".join(f"{int(y)}: {format_number(v, decimals, unit)}" for y,
                            v in zip(targets["year"], targets["value"])) or "–"
    return [
        ("Kod", ind["code"]),
        ("Definition", ind["definition"] or "–"),
        ("Enhet", unit or "–"),
        ("Riktning", DIRECTION_LABELS.get(ind["direction"], ind["direction"])),
        ("Periodicitet", PERIODICITY_LABELS.get(ind["periodicity"], ind["periodicity"])),
        ("Källa", source),
        ("Ansvarig nämnd", f"{ind['org_code']} – {ind['org_name']}"),
        ("Fokusområde", ind["focus_name"]),
        ("Programmål", ", ".join(detail["program_goals"]) or "–"),
        ("Resultatmål", ", ".join(detail["result_goals"]) or "–"),
        ("Utgångsläge", baseline),
        ("Målvärden", target_text),
        ("Nedbrytning",
         ", ".join(w for w, on in (("kön", ind["by_gender"]), ("område", ind["by_area"])) if on) or "ingen"),
    ] + ([("Intern anmärkning om källan", ind["source_note"] or "–")] if internal else [])


def values_table(indicator: dict, values: pd.DataFrame, threshold: Optional[int] = None) -> pd.DataFrame:
    """Every value in Swedish display form, newest period first; suppressed values as '–'."""
    columns = ["Period", "Kön", "Område", "Värde", "Preliminär/slutlig", "Kommentar", "Ändrad av", "Dold"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    threshold = get_settings().suppress_below if threshold is None else threshold
    shown = apply_suppression(values, threshold)
    shown = shown.assign(_key=shown["period"].map(sort_key), _g=shown["gender"].map(GENDER_ORDER))
    shown = shown.sort_values(["_key", "sort_order", "_g"], ascending=[False, True, True])
    decimals, unit = int(indicator["decimals"]), indicator["unit"] or ""
    return pd.DataFrame({
        "Period": [period_from_code(p).label for p in shown["period"]],
        "Kön": shown["gender"].map(GENDER_LABELS).to_numpy(),
        "Område": shown["area_name"].to_numpy(),
        "Värde": [SUPPRESSED if s or pd.isna(v) else format_number(v, decimals, unit) for v,
                  s in zip(shown["value"], shown["suppressed"])],
        "Preliminär/slutlig": [label(VALUE_STATUS_LABELS, s) for s in shown["status"]],
        "Kommentar": [(SUPPRESSED_NOTE.format(n=threshold) if s else (c or "")) for c,
                      s in zip(shown["comment"], shown["suppressed"])],
        "Ändrad av": shown["updated_by"].to_numpy(),
        "Dold": shown["suppressed"].to_numpy(),
    }, columns=columns)


def gender_gap_table(indicator: dict, gaps: pd.DataFrame) -> pd.DataFrame:
    decimals, unit = int(indicator["decimals"]), indicator["unit"] or ""
    return pd.DataFrame({
        "Period": [period_from_code(p).label for p in gaps["period"]],
        "Kvinnor": [format_number(v, decimals, unit) for v in gaps["K"]],
        "Män": [format_number(v, decimals, unit) for v in gaps["M"]],
        "Kvinnor − män": [format_number(v, decimals, difference_unit(unit)) for v in gaps["difference"]],
        "Kvinnor/män": [format_number(v, 2) for v in gaps["ratio"]],
    })


def area_gap_table(indicator: dict, latest: pd.DataFrame) -> pd.DataFrame:
    decimals, unit = int(indicator["decimals"]), indicator["unit"] or ""
    return pd.DataFrame({
        "Område": latest["area_name"].to_numpy(),
        "Värde": [format_number(v, decimals, unit) for v in latest["value"]],
        "Hela kommunen": [format_number(v, decimals, unit) for v in latest["total"]],
        "Skillnad": [format_number(v, decimals, difference_unit(unit)) for v in latest["difference"]],
    })


def history_table(history: pd.DataFrame, values: Optional[pd.DataFrame] = None,
                  threshold: Optional[int] = None, unprotected: bool = False) -> pd.DataFrame:
    """Who changed which value, when and why, newest first. With the indicator's values,
    the before/after of every cell the disclosure rule withholds now reads '–' (value,
    count and comment alike), as in the values table; ``unprotected`` (the reader may see
    withheld values: ``permissions.sees_unprotected``) shows them, marked "skyddas vid publicering"."""
    if history.empty:
        return pd.DataFrame(columns=HISTORY_TABLE_HEADERS)
    mask = pd.Series(False, index=history.index, dtype=bool)
    if values is not None and not values.empty:
        shown = apply_suppression(values, threshold)
        hidden = set(zip(*(shown.loc[shown["suppressed"], c] for c in ("period", "gender", "area_id"))))
        mask = pd.Series([k in hidden for k in zip(history["period"], history["gender"], history["area_id"])],
                         index=history.index, dtype=bool)
        if not unprotected:
            history = history.assign(old=history["old"].where(~mask, SUPPRESSED),
                                     new=history["new"].where(~mask, SUPPRESSED))
    marks = [f" · {PROTECTED_MARK}" if unprotected and m else "" for m in mask]
    return pd.DataFrame({
        **audit_words(history),
        "Värde": [f"{period_from_code(p).label}, {GENDER_LABELS.get(g, g)}, {a}{mark}"
                  for p, g, a, mark in zip(history["period"], history["gender"], history["area_name"], marks)],
    }, columns=HISTORY_TABLE_HEADERS)


def focus_area_data(uow: UnitOfWork, code: str) -> Optional[dict]:
    """One focus area: its active indicators with values, targets and comparisons, and its
    actions; each table read for this focus area alone, with statements compiled once."""
    with uow.read() as session:
        focus = queries.focus_area_row(session, code)
        if focus is None:
            return None
        focus_id = int(focus["id"])
        inds = queries.focus_indicators(session, focus_id)
        ids = [int(i) for i in inds["id"]]
        return {
            "focus_area": focus,
            "indicators": inds,
            "values": queries.measurements(session, ids, units=dict(zip(ids, inds["unit"]))),
            "targets": queries.targets(session, focus_area_id=focus_id),
            "comparisons": queries.comparison_values(session, focus_area_id=focus_id),
            "actions": actions_table(session, focus_id),
            "definition_changes": queries.definition_changes(session, focus_area_id=focus_id),
        }


def actions_table(session, focus_area_id: int) -> pd.DataFrame:
    """The focus area's actions for display: name, status, responsible organisations,
    cost estimate in kronor and priority (one statement: each action with its organisations)."""
    actions: dict[int, list] = {}
    for action_id, name, status, cost, priority, org in queries.focus_actions(session, focus_area_id):
        entry = actions.setdefault(action_id, [name, status, cost, priority, []])
        if org is not None:
            entry[4].append(org)
    rows = list(actions.values())
    return pd.DataFrame({
        "Insats": [r[0] for r in rows],
        "Status": [r[1] for r in rows],
        "Ansvariga": [", ".join(sorted(r[4])) or "–" for r in rows],
        "Kostnad": [format_kronor(None if r[2] is None else int(r[2])) for r in rows],
        "Prioritet": [SUPPRESSED if r[3] is None else str(int(r[3])) for r in rows],
    }, columns=["Insats", "Status", "Ansvariga", "Kostnad", "Prioritet"])
