"""The long format shared by export and import: ``indikator;period;kön;område;värde;kommentar``,
and in the export and the template the count basis n (``antal``) after the value.

CSV files are written the way Swedish Excel opens them cleanly: semicolon separated,
decimal comma, UTF-8 with BOM. Text cells are neutralised against formula injection and
withheld breakdown values (``indicators.rules.disclosure``: small counts and the cells that
would reveal them) are left out.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable, Optional, Sequence

import pandas as pd

from db import queries
from settings import get_settings
from indicators.rules import disclosure
from indicators.rules.formatting import decimal_text
from indicators.rules.periods import sort_key
from indicators.rules.vocabulary import GENDER_ORDER, PERIODICITY_LABELS
from indicators.files.safety import neutralise
from indicators.unit_of_work import UnitOfWork

LONG_COLUMNS = ["indikator", "period", "kön", "område", "värde", "kommentar"]
COUNT_COLUMN = "antal"  # the count basis n: optional on import, written by the export and the template
FILE_COLUMNS = LONG_COLUMNS[:5] + [COUNT_COLUMN] + LONG_COLUMNS[5:]
SUPPRESSED_NOTE = ("Värdet visas inte: underlaget är för litet (färre än {n}) "
                   "eller värdet skulle avslöja ett sådant värde.")


def plain_number(value: Optional[float]) -> str:
    """Exact decimal-comma text for a stored value (no rounding, no exponent): for files."""
    if value is None or pd.isna(value):
        return ""
    return decimal_text(value)


def count_text(count_n: object) -> str:
    """n as a whole number ("" for none)."""
    return "" if count_n is None or pd.isna(count_n) else str(int(count_n))


def long_rows(uow: UnitOfWork, indicator_ids: Optional[Iterable[int]] = None,
              until_period_end: Optional[str] = None) -> list[dict]:
    with uow.read() as session:
        inds = queries.indicators(session)
        ids = list(indicator_ids) if indicator_ids is not None else list(inds["id"])
        values = queries.measurements(session, ids)
    if values.empty:
        return []
    codes = dict(zip(inds["id"], inds["code"]))
    values["code"] = values["indicator_id"].map(codes)
    values["key"] = values["period"].map(sort_key)
    values["gender_order"] = values["gender"].map(GENDER_ORDER)
    values = values.sort_values(["code", "key", "sort_order", "gender_order"])
    threshold = get_settings().suppress_below
    values["suppressed"] = disclosure.withheld_mask(values, threshold)
    rows = []
    for v in values.to_dict("records"):
        suppressed = v["suppressed"]
        rows.append({
            "indikator": v["code"], "period": v["period"], "kön": v["gender"], "område": v["area_name"],
            "värde": "" if suppressed else plain_number(v["value"]),
            COUNT_COLUMN: "" if suppressed else count_text(v["count_n"]),
            "kommentar": SUPPRESSED_NOTE.format(n=threshold) if suppressed else (v["comment"] or ""),
        })
    return rows


def withheld_keys(uow: UnitOfWork, indicator_ids: Iterable[int]) -> set[tuple]:
    """(indicator_id, period, gender, area_id) of every withheld value of these indicators,
    decided on their full tables (a part of a table cannot be protected on its own)."""
    with uow.read() as session:
        values = queries.measurements(session, [int(i) for i in indicator_ids])
    if values.empty:
        return set()
    mask = disclosure.withheld_mask(values, get_settings().suppress_below)
    hidden = values[mask]
    return set(zip(hidden["indicator_id"], hidden["period"], hidden["gender"], hidden["area_id"]))


def to_csv_bytes(rows: Iterable[dict], columns: list[str] = LONG_COLUMNS) -> bytes:
    return cells_to_csv_bytes((tuple(row.get(k, "") for k in columns) for row in rows), columns)


def cells_to_csv_bytes(rows: Iterable[Sequence], columns: list[str] = LONG_COLUMNS) -> bytes:
    """The CSV of rows given as cells in ``columns`` order; every text but the value is
    neutralised (each distinct text once: codes, periods and areas repeat)."""
    out = io.BytesIO()
    # encoded as it is written (the wrapper's small buffer), not one text of the whole file and
    # then its bytes beside it; utf-8-sig writes the BOM once, newline="" keeps the \r\n
    buffer = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    number = columns.index("värde") if "värde" in columns else -1
    safe: dict[str, object] = {}

    def cell(col: int, value: object) -> object:
        if col == number or not isinstance(value, str):
            return value
        if (out := safe.get(value)) is None:
            out = safe[value] = neutralise(value)
        return out

    write = writer.writerow
    for row in rows:
        write([cell(col, value) for col, value in enumerate(row)])
    buffer.flush()
    return out.getvalue()


def export_csv(uow: UnitOfWork, path: Path) -> int:
    rows = long_rows(uow)
    Path(path).write_bytes(to_csv_bytes(rows, FILE_COLUMNS))
    return len(rows)


def catalogue_rows(uow: UnitOfWork) -> list[dict]:
    """The catalogue as `cli.py indicators` prints it."""
    with uow.read() as session:
        inds = queries.indicators(session)
        tgts = queries.targets(session)
    last_target = tgts.sort_values("year").groupby("indicator_id").last()
    rows = []
    for r in inds.to_dict("records"):
        t = last_target.loc[r["id"]] if r["id"] in last_target.index else None
        rows.append({
            "kod": r["code"], "namn": r["name"], "enhet": r["unit"], "periodicitet": PERIODICITY_LABELS[r["periodicity"]],
            "ansvarig": r["org_code"], "fokusområde": r["focus_name"], "riktning": r["direction"],
            "källa": r["source_kind"], "kolada_id": r["source_ref"] if r["source_kind"] == "kolada" else "",
            "målår": "" if t is None else int(t["year"]), "målvärde": "" if t is None else plain_number(t["value"]),
            "aktiv": "ja" if r["active"] else "nej",
        })
    return rows
