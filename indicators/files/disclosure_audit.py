"""Audit an output file for withheld values a reader could work out (``cli.py disclosure-check``).

Reads what the app writes: the long format as CSV or XLSX (the export, the page downloads,
the snapshot's ``-radata.csv`` and its *Rådata* sheet) and the snapshot's JSON. A row with
an empty value and the withheld note is withheld; a row with an empty value otherwise is
missing (unknown to a reader too). The cells are then audited with
``indicators.rules.disclosure.audit``: for counts every withheld value the published cells
determine (T = K + M, Hela kommunen = Σ areas) is recomputed, and for every indicator a
withheld cell that is the only unknown of its group is named.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Optional

from openpyxl import load_workbook

from db import queries
from errors import Invalid
from indicators.files.long_format import LONG_COLUMNS, SUPPRESSED_NOTE
from indicators.rules import disclosure
from indicators.rules.parsing import parse_number
from indicators.unit_of_work import UnitOfWork

_NO_HEADER = "ingen tabell med kolumnerna " + ";".join(LONG_COLUMNS)
WITHHELD_PREFIX = SUPPRESSED_NOTE.split(":")[0]  # "Värdet visas inte"


@dataclass(frozen=True)
class Catalogue:
    """What the file does not say: each indicator's unit and the names/codes of the total area."""
    units: dict
    total_areas: set


def _number(value) -> Optional[float]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    parsed = parse_number(str(value))
    if not parsed.ok:
        raise ValueError(parsed.error)
    return parsed.value


def _long_cells(rows: list[dict], catalogue: Catalogue) -> tuple[list, set]:
    cells, hidden = [], set()
    for row in rows:
        code, area = str(row["indikator"]).lstrip("'"), str(row["område"]).lstrip("'")
        value = _number(row["värde"])
        cell = disclosure.Cell(code, str(row["period"]), str(row["kön"]), area, value, None,
                               area in catalogue.total_areas, disclosure.is_additive(catalogue.units.get(code, "antal")))
        cells.append(cell)
        if value is None and str(row.get("kommentar") or "").startswith(WITHHELD_PREFIX):
            hidden.add(cell.key)
    return cells, hidden


def _csv_rows(data: bytes) -> list[dict]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    if not set(LONG_COLUMNS[:5]) <= {(h or "").strip().lower() for h in reader.fieldnames or []}:
        raise ValueError(_NO_HEADER)
    return [{(k or "").strip().lower(): v for k, v in row.items()} for row in reader]


def _xlsx_rows(data: bytes) -> list[dict]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows, found = [], False
    for ws in workbook.worksheets:
        lines = ws.iter_rows(values_only=True)
        header = [str(h).strip().lower() if h is not None else "" for h in next(lines, ())]
        if all(c in header for c in LONG_COLUMNS[:5]):
            found = True
            rows += [dict(zip(header, line)) for line in lines if any(v is not None for v in line)]
    if not found:
        raise ValueError(_NO_HEADER)
    return rows


def _json_cells(data: bytes) -> tuple[list, set]:
    content = json.loads(data.decode("utf-8"))
    units = {i["code"]: i.get("unit") for i in content.get("indicators", [])}
    totals = {a["code"] for a in content.get("areas", []) if a.get("is_total")}
    cells, hidden = [], set()
    for v in content.get("values", []):
        cell = disclosure.Cell(v["indicator"], v["period"], v["gender"], v["area"], v["value"], None,
                               v["area"] in totals, disclosure.is_additive(units.get(v["indicator"], "antal")))
        cells.append(cell)
        if v.get("suppressed"):
            hidden.add(cell.key)
    return cells, hidden


def audit_file(name: str, data: bytes, catalogue: Catalogue) -> list[disclosure.Finding]:
    """Findings for one file (empty: nothing withheld can be worked out)."""
    suffix = name.lower().rsplit(".", 1)[-1]
    if suffix not in ("json", "csv", "xlsx"):
        raise Invalid(f"{name}: bara CSV, XLSX och årsuppföljningens JSON kan granskas "
                      "(PDF-filerna ritas från samma innehåll som JSON-filen).")
    try:
        if suffix == "json":
            cells, hidden = _json_cells(data)
        else:
            rows = _csv_rows(data) if suffix == "csv" else _xlsx_rows(data)
            cells, hidden = _long_cells(rows, catalogue)
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        raise Invalid(f"{name}: filen kan inte läsas som långformat eller årsuppföljning ({exc}).") from exc
    return disclosure.audit(cells, hidden)


def catalogue_of(uow: UnitOfWork) -> Catalogue:
    """Units and total area from the database (the snapshot JSON carries its own)."""
    with uow.read() as session:
        inds = queries.indicators(session)
        areas = queries.areas(session)
    totals = areas[areas["is_total"].astype(bool)]
    return Catalogue(dict(zip(inds["code"], inds["unit"])), set(totals["name"]) | set(totals["code"]))
