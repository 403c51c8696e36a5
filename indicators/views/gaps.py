"""Gaps between groups: women and men, each area and the whole municipality.

Input is a measurements frame as ``db.queries.measurements`` returns it. Withheld values
(``indicators.rules.disclosure``: small counts and the cells that would reveal them) are
blanked, flagged ``suppressed``, and never reach a chart or a table as a number (one rule
for files, tables and charts).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from settings import get_settings
from indicators.rules import disclosure
from indicators.rules.periods import sort_key

GENDER_GAP_COLUMNS = ["period", "K", "M", "difference", "ratio", "suppressed"]
AREA_GAP_COLUMNS = ["period", "area_code", "area_name", "sort_order", "value", "total", "difference", "suppressed"]


def apply_suppression(values: pd.DataFrame, threshold: Optional[int] = None) -> pd.DataFrame:
    """A copy with ``suppressed`` set and the value blanked (NaN) where the disclosure rule
    withholds it."""
    return disclosure.hide(values, get_settings().suppress_below if threshold is None else threshold)


def _by_period(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.assign(_key=frame["period"].map(sort_key)).sort_values("_key").drop(columns="_key")


def gender_gap(values: pd.DataFrame, threshold: Optional[int] = None) -> pd.DataFrame:
    """Per period for the whole municipality: women's value, men's value, K − M and K/M.

    If either value is suppressed, the gap is left blank and flagged: a gap computed from
    a hidden value would reveal it."""
    shown = apply_suppression(values, threshold)
    totals = shown[shown["is_total"].astype(bool) & shown["gender"].isin(["K", "M"])] if not shown.empty else shown
    if totals.empty:
        return pd.DataFrame(columns=GENDER_GAP_COLUMNS)
    wide = totals.pivot_table(index="period", columns="gender", values="value", aggfunc="first", dropna=False)
    hidden = totals.pivot_table(index="period", columns="gender", values="suppressed", aggfunc="any")
    wide = wide.reindex(columns=["K", "M"])
    hidden = hidden.reindex(columns=["K", "M"]).fillna(False).astype(bool)
    out = pd.DataFrame({"period": wide.index, "K": wide["K"].to_numpy(), "M": wide["M"].to_numpy()})
    out["suppressed"] = hidden.any(axis=1).to_numpy()
    out["difference"] = out["K"] - out["M"]
    out["ratio"] = out["K"] / out["M"].where(out["M"] != 0)  # no ratio against zero
    out.loc[out["suppressed"], ["difference", "ratio"]] = np.nan
    return _by_period(out)[GENDER_GAP_COLUMNS].reset_index(drop=True)


def area_gap(values: pd.DataFrame, threshold: Optional[int] = None) -> pd.DataFrame:
    """Per period and area (all genders together): the area's value minus Hela kommunen's.

    Areas keep their administrative order; they are never ranked (see DOMAIN, tone)."""
    shown = apply_suppression(values, threshold)
    if shown.empty:
        return pd.DataFrame(columns=AREA_GAP_COLUMNS)
    both = shown[shown["gender"] == "T"]
    totals = both[both["is_total"].astype(bool)].set_index("period")["value"]
    parts = both[~both["is_total"].astype(bool)].copy()
    if parts.empty:
        return pd.DataFrame(columns=AREA_GAP_COLUMNS)
    parts["total"] = parts["period"].map(totals).astype(float)
    parts["difference"] = parts["value"] - parts["total"]
    parts = parts.assign(_key=parts["period"].map(sort_key)).sort_values(["_key", "sort_order"])
    return parts[AREA_GAP_COLUMNS].reset_index(drop=True)


def area_gap_meaningful(unit: str) -> bool:
    """Counts add up over areas, so an area's count minus the whole municipality's says
    nothing; rates, shares and indexes can be compared."""
    return unit != "antal"


def latest_area_gap(gaps: pd.DataFrame) -> pd.DataFrame:
    """The area gaps of the newest period that has a whole-municipality value."""
    if gaps.empty:
        return gaps
    present = gaps[gaps["total"].notna()]
    if present.empty:
        return present
    newest = max(present["period"], key=sort_key)
    return present[present["period"] == newest].sort_values("sort_order").reset_index(drop=True)
