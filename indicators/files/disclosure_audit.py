"""Audit an output file for withheld values a reader could work out (``cli.py disclosure-check``).

Reads what the app writes: the long format as CSV or XLSX (the export, the page downloads,
the snapshot's ``-radata.csv`` and its *Rådata* sheet), as JSON (the publication's open data),
the snapshot's JSON, and the tables of a PDF (``pdf_tables``: the tagged print version, the
fpdf2 snapshot PDF and meeting documents). A row with an empty value and the withheld note
is withheld; a row with an empty value otherwise is missing (unknown to a reader too). In a
PDF table "–" is withheld (it may also mean "no value": the stricter reading). The cells
are then audited with ``indicators.rules.disclosure.audit``: for counts every withheld
value the published cells determine (T = K + M, Hela kommunen = Σ areas) is recomputed, for
every indicator a withheld cell that is the only unknown of its group is named, and every
published breakdown cell whose count basis is below the threshold is named.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field, replace
from typing import Optional

from openpyxl import load_workbook

from db import queries
from errors import Invalid
from indicators.files import pdf_tables
from indicators.files.long_format import LONG_COLUMNS, SUPPRESSED_NOTE
from indicators.rules import disclosure
from indicators.rules.formatting import SUPPRESSED
from indicators.rules.parsing import parse_number
from indicators.rules.periods import parse_period
from indicators.rules.vocabulary import GENDER_LABELS, GENDER_WORDS
from indicators.unit_of_work import UnitOfWork
from settings import get_settings

_NO_HEADER = "ingen tabell med kolumnerna " + ";".join(LONG_COLUMNS)
WITHHELD_PREFIX = SUPPRESSED_NOTE.split(":")[0]  # "Värdet visas inte"


@dataclass(frozen=True)
class Catalogue:
    """What the file does not say: each indicator's unit, the names/codes of the total area,
    the indicators by name (a PDF table names its indicator in its caption) and the stored
    count basis of every cell, to find a published cell whose *n* is below the threshold."""
    units: dict
    total_areas: set
    names: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    threshold: Optional[int] = None
    total_area: str = ""  # the name a PDF's whole-municipality table stands for


_NUMBER = re.compile(r"^[−-]?\d[\d\s]*(,\d+)?")
_PRINT_CAPTION = ": värden för hela kommunen"


def _number(value) -> Optional[float]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    parsed = parse_number(str(value))
    if not parsed.ok:
        raise ValueError(parsed.error)
    return parsed.value


def _cell(catalogue: Catalogue, code: str, period: str, gender: str, area: str, value,
          n: Optional[int] = None) -> disclosure.Cell:
    """One cell; its count basis is the file's own (the snapshot JSON has one) or the stored one."""
    n = catalogue.counts.get((code, period, gender, area)) if n is None else int(n)
    return disclosure.Cell(code, period, gender, area, value, n, area in catalogue.total_areas,
                           disclosure.is_additive(catalogue.units.get(code, "antal")))


def _long_cells(rows: list[dict], catalogue: Catalogue) -> tuple[list, set]:
    cells, hidden = [], set()
    for row in rows:
        code, area = str(row["indikator"]).lstrip("'"), str(row["område"]).lstrip("'")
        value, n = _number(row["värde"]), _number(row.get("antal"))  # a file with an antal column says its own n
        cell = _cell(catalogue, code, str(row["period"]), str(row["kön"]), area, value, None if n is None else int(n))
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


def _json_cells(data: bytes, catalogue: Catalogue) -> tuple[list, set]:
    content = json.loads(data.decode("utf-8"))
    if isinstance(content, list):  # the publication's open data: long-format rows
        if content and not set(LONG_COLUMNS[:5]) <= set(content[0]):
            raise ValueError(_NO_HEADER)
        return _long_cells(content, catalogue)
    units = {i["code"]: i.get("unit") for i in content.get("indicators", [])}
    totals = {a["code"] for a in content.get("areas", []) if a.get("is_total")}
    own = replace(catalogue, units={**catalogue.units, **units}, total_areas=totals | catalogue.total_areas)
    cells, hidden = [], set()
    for v in content.get("values", []):
        cell = _cell(own, v["indicator"], v["period"], v["gender"], v["area"], v["value"], v.get("count_n"))
        cells.append(cell)
        if v.get("suppressed"):
            hidden.add(cell.key)
    return cells, hidden


# --- PDF tables -------------------------------------------------------------------------------

def _shown_number(text: str) -> Optional[float]:
    """A number as a PDF shows it: "1 234,5 %", "−3,0", "12 kr" (None: no number)."""
    match = _NUMBER.match(text.strip())
    if not match:
        return None
    return float("".join(match.group(0).split()).replace("−", "-").replace(",", "."))


def _period_code(text: str) -> str:
    parsed = parse_period(text)
    if not parsed.ok:
        raise ValueError(parsed.error)
    return parsed.value.code


def _pdf_cells(data: bytes, catalogue: Catalogue) -> tuple[list, set]:
    """Cells of the PDF's value tables: a long-format table (indikator/kod, period, kön,
    område, värde), a print table (caption "<indicator>: värden för hela kommunen"; Period,
    Totalt, Kvinnor, Män) or a table of totals (Kod, Period, Värde). Other tables hold no values."""
    cells, hidden = [], set()

    def add(code: str, period: str, gender: str, area: str, text: str) -> None:
        cell = _cell(catalogue, code, _period_code(period), GENDER_WORDS.get(gender.lower(), gender), area,
                     _shown_number(text))
        cells.append(cell)
        if text.strip() == SUPPRESSED:
            hidden.add(cell.key)

    for table in pdf_tables.read_tables(data):
        header = [h.lower() for h in table.header]
        col = {name: header.index(name) for name in header}
        code_col = col.get("indikator", col.get("kod"))
        if code_col is not None and {"period", "kön", "område", "värde"} <= set(col):
            for row in table.rows[1:]:
                add(row[code_col], row[col["period"]], row[col["kön"]], row[col["område"]], row[col["värde"]])
        elif header[:2] == ["period", GENDER_LABELS["T"].lower()]:
            name = table.caption.removesuffix(_PRINT_CAPTION)
            if name not in catalogue.names:
                raise ValueError(f"tabellen ”{table.caption}” nämner ingen indikator i katalogen")
            genders = [GENDER_WORDS[h] for h in header[1:]]
            for row in table.rows[1:]:
                for gender, text in zip(genders, row[1:]):
                    add(catalogue.names[name], row[0], gender, catalogue.total_area, text)
        elif code_col is not None and {"period", "värde"} <= set(col):
            for row in table.rows[1:]:
                add(row[code_col], row[col["period"]], "T", catalogue.total_area, row[col["värde"]])
    return cells, hidden


def audit_file(name: str, data: bytes, catalogue: Catalogue) -> list[disclosure.Finding]:
    """Findings for one file (empty: nothing withheld can be worked out, and no published
    breakdown cell has a stored count basis below the threshold)."""
    cells, hidden = read_cells(name, data, catalogue)
    return disclosure.audit(cells, hidden, catalogue.threshold)


def read_cells(name: str, data: bytes, catalogue: Catalogue) -> tuple[list[disclosure.Cell], set]:
    """The value cells a file publishes, and the keys of those it shows as withheld."""
    suffix = name.lower().rsplit(".", 1)[-1]
    if suffix not in ("json", "csv", "xlsx", "pdf"):
        raise Invalid(f"{name}: bara CSV, XLSX, JSON och PDF kan granskas.")
    try:
        if suffix == "json":
            cells, hidden = _json_cells(data, catalogue)
        elif suffix == "pdf":
            cells, hidden = _pdf_cells(data, catalogue)
        else:
            rows = _csv_rows(data) if suffix == "csv" else _xlsx_rows(data)
            cells, hidden = _long_cells(rows, catalogue)
    except (KeyError, ValueError, UnicodeDecodeError, IndexError) as exc:
        raise Invalid(f"{name}: filen kan inte läsas som långformat, årsuppföljning eller PDF med "
                      f"värdetabeller ({exc}).") from exc
    return cells, hidden


def catalogue_of(uow: UnitOfWork) -> Catalogue:
    """Units, total area, names and stored count bases from the database (the snapshot JSON
    carries its own units and total area)."""
    with uow.read() as session:
        inds = queries.indicators(session)
        areas = queries.areas(session)
        values = queries.measurements(session, [int(i) for i in inds["id"]])
    totals = areas[areas["is_total"].astype(bool)]
    codes = dict(zip(inds["id"], inds["code"]))
    counts = {}
    for ind, period, gender, area_code, area_name, n in zip(
            values["indicator_id"], values["period"], values["gender"], values["area_code"], values["area_name"],
            values["count_n"]):
        if n is not None and n == n:
            counts[(codes[ind], period, gender, area_code)] = counts[(codes[ind], period, gender, area_name)] = int(n)
    return Catalogue(dict(zip(inds["code"], inds["unit"])), set(totals["name"]) | set(totals["code"]),
                     dict(zip(inds["name"], inds["code"])), counts, get_settings().suppress_below,
                     str(totals["name"].iloc[0]) if not totals.empty else "")
