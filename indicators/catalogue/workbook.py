"""The indicator catalogue as an Excel workbook, and back.

Sheet "Indikatorer" holds one row per indicator (goals as comma-separated numbers/codes,
targets as ``2023:78;2027:80``); the other sheets list the codes the cells may use. An
import is all-or-nothing: every row is checked with the same parsers as value imports
(indicators/rules/parsing.py, periods.py) and the catalogue rules in catalogue/indicators.py, and any
error means nothing is written. Rows are matched on the indicator code.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field, fields
from typing import Callable, Optional

from openpyxl import Workbook
from openpyxl.styles import Font

from db import crud
from db.models import Indicator
from indicators.catalogue import editing
from indicators.catalogue import indicators as catalogue_indicators
from indicators.catalogue import structure
from indicators.catalogue.editing import Refs
from indicators.catalogue.indicators import INDICATOR_LABELS, IndicatorData
from indicators.files import workbook_reader
from indicators.files.long_format import plain_number
from indicators.rules.parsing import parse_number
from indicators.rules.results import CollectedErrors
from indicators.rules.vocabulary import CATALOGUE_FILE_WORDS
from indicators.access.permissions import Actor, require
from indicators.files.safety import neutralise, restore
from indicators.unit_of_work import UnitOfWork

SHEET = "Indikatorer"
COLUMNS = [f.name for f in fields(IndicatorData)]
HEADERS = [INDICATOR_LABELS[name] for name in COLUMNS]
# Columns added after the first release: a workbook exported before them still imports (default).
OPTIONAL_HEADERS = {INDICATOR_LABELS["breakdown_needs_count"]}

CHOICES = CATALOGUE_FILE_WORDS
YES, NO = ("ja", "j", "x", "true", "1", "sant"), ("nej", "n", "false", "0", "falskt", "")


@dataclass
class ImportReport(CollectedErrors[str]):
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.errors:
            return f"Inget importerades: {len(self.errors)} fel."
        return f"{len(self.created)} nya, {len(self.updated)} ändrade, {len(self.unchanged)} oförändrade indikatorer."


# --- export --------------------------------------------------------------------------

def _cell_value(name: str, value: object) -> object:
    if name in CHOICES:
        return CHOICES[name][value][0]
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if name in ("program_goals", "result_goals"):
        return ", ".join(map(str, value))
    if name == "targets":
        return ";".join(f"{year}:{plain_number(v)}" for year, v in sorted(value.items()))
    return value  # text is neutralised once, when the sheet is written


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[object]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
    sheet.freeze_panes = "A2"
    for column, header in zip(sheet.columns, headers):
        sheet.column_dimensions[column[0].column_letter].width = max(10, min(50, len(header) + 4))


def export_catalogue_xlsx(uow: UnitOfWork) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = [[_cell_value(name, getattr(data, name)) for name in COLUMNS] for data in catalogue_indicators.all_indicator_data(uow)]
    _sheet(workbook, SHEET, HEADERS, rows)
    ref = structure.reference_data(uow)

    def records(frame, columns):
        return [[None if v != v else v for v in row] for row in frame[columns].itertuples(index=False)]

    _sheet(workbook, "Programmål", ["nummer", "namn"], records(ref["program_goals"], ["number", "name"]))
    _sheet(workbook, "Fokusområden", ["kod", "nummer", "namn"],
           records(ref["focus_areas"], ["code", "number", "name"]))
    _sheet(workbook, "Resultatmål", ["kod", "namn", "giltig från", "giltig till"],
           records(ref["result_goals"], ["code", "name", "valid_from_year", "valid_to_year"]))
    _sheet(workbook, "Organisationer", ["kod", "namn", "typ", "aktiv"],
           records(ref["organisations"], ["code", "name", "kind", "active"]))
    _sheet(workbook, "Områden", ["kod", "namn", "totalt", "aktiv"],
           records(ref["areas"], ["code", "name", "is_total", "active"]))
    _sheet(workbook, "Jämförelseenheter", ["kod", "namn", "aktiv"],
           records(ref["comparison_units"], ["code", "name", "active"]))
    _sheet(workbook, "Förklaring", ["kolumn", "tillåtna värden"], _explanation())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _explanation() -> list[list[str]]:
    return [
        [INDICATOR_LABELS["direction"], ", ".join(words[0] for words in CHOICES["direction"].values())],
        [INDICATOR_LABELS["periodicity"], ", ".join(words[0] for words in CHOICES["periodicity"].values())],
        [INDICATOR_LABELS["source_kind"], ", ".join(words[0] for words in CHOICES["source_kind"].values())],
        [INDICATOR_LABELS["program_goals"], "programmålens nummer, kommaseparerade (minst ett)"],
        [INDICATOR_LABELS["result_goals"], "resultatmålens koder, kommaseparerade"],
        [INDICATOR_LABELS["targets"], "år:värde separerade med semikolon, t.ex. 2023:78;2027:80,5"],
        [INDICATOR_LABELS["baseline_period"], "t.ex. 2018, 2018H1 eller 2018Q3 (samma periodicitet som indikatorn)"],
        ["ja/nej-kolumner", "ja eller nej"],
        ["övriga blad", "visar koderna som får användas; de läses inte in"],
    ]


# --- import: cell parsers (each returns (value, error or None)) -----------------------

def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(restore(value)).strip()  # exactly the export's formula neutralising is undone


def _choice(name: str) -> Callable[[object], tuple]:
    def parse(value: object) -> tuple:
        word = _text(value).lower()
        for code, words in CHOICES[name].items():
            if word in words:
                return code, None
        allowed = ", ".join(words[0] for words in CHOICES[name].values())
        return None, f"'{_text(value)}' är ingen {INDICATOR_LABELS[name]}; välj {allowed}"
    return parse


def _optional_number(value: object) -> tuple:
    if _text(value) == "":
        return None, None
    parsed = parse_number(value)
    return (parsed.value, None) if parsed.ok else (None, parsed.error)


def _optional_int(value: object) -> tuple:
    number, error = _optional_number(value)
    if error or number is None:
        return number, error
    if not float(number).is_integer():
        return None, f"'{_text(value)}' är inget heltal"
    return int(number), None


def _required_int(value: object) -> tuple:
    number, error = _optional_int(value)
    return (number, error) if number is not None or error else (None, "värdet saknas")


def _bool(default: bool) -> Callable[[object], tuple]:
    def parse(value: object) -> tuple:
        word = _text(value).lower()
        if word == "":
            return default, None
        if word in YES:
            return True, None
        if word in NO:
            return False, None
        return None, f"'{_text(value)}' ska vara ja eller nej"
    return parse


def _codes(value: object) -> tuple:
    return [part.strip() for part in _text(value).replace(";", ",").split(",") if part.strip()], None


def _numbers(value: object) -> tuple:
    out = []
    for part in _codes(value)[0]:
        number, error = _required_int(part)
        if error:
            return None, f"'{part}' är inget programmålsnummer"
        out.append(number)
    return out, None


def _targets(value: object) -> tuple:
    out: dict[int, float] = {}
    for part in [p.strip() for p in _text(value).split(";") if p.strip()]:
        year_text, sep, value_text = part.partition(":")
        year, year_error = _required_int(year_text.strip())
        number = parse_number(value_text.strip()) if sep else None
        if not sep or year_error or not number.ok:
            return None, f"'{part}' ska skrivas år:värde, t.ex. 2027:80"
        if year in out:
            return None, f"målåret {year} står två gånger"
        out[year] = number.value
    return out, None


PERCENT = "%"
NUMBER_FIELDS = {"valid_min", "valid_max", "baseline_value"}  # single numbers a cell may format as percent
PARSERS: dict[str, Callable[[object], tuple]] = {
    "direction": _choice("direction"), "periodicity": _choice("periodicity"), "source_kind": _choice("source_kind"),
    "decimals": _required_int, "valid_min": _optional_number, "valid_max": _optional_number,
    "baseline_value": _optional_number, "valid_from_year": _optional_int, "valid_to_year": _optional_int,
    "report_every_years": _required_int, "report_anchor_year": _optional_int,
    "by_gender": _bool(False), "by_area": _bool(False), "breakdown_needs_count": _bool(False), "active": _bool(True),
    "program_goals": _numbers, "result_goals": _codes, "targets": _targets,
}


def _parse_row(cells: dict[str, object]) -> tuple[Optional[IndicatorData], list[tuple[str, str]]]:
    values, errors = {}, []
    for name in COLUMNS:
        parser = PARSERS.get(name, lambda v: (_text(v), None))
        value, error = parser(cells.get(name))
        if error:
            errors.append((name, error))
        values[name] = value
    return (None, errors) if errors else (IndicatorData(**values), [])


def _rows(data: bytes) -> tuple[list[tuple[int, dict, set[str]]], list[str]]:
    """The rows of the sheet SHEET, read by the same safe reader as the value import, each
    with the fields whose cells are percent-formatted (read as shown: 0,8 as 80)."""
    try:
        read = workbook_reader.read_sheet(data, SHEET)
    except workbook_reader.FileRefused as exc:
        return [], [str(exc)]
    if read.sheet != SHEET:
        return [], [f"Bladet '{SHEET}' saknas i filen."]
    header = [_text(h).lower() for h in (read.rows[0][1] if read.rows else [])]
    missing = [h for h in HEADERS if h not in header and h not in OPTIONAL_HEADERS]
    if missing:
        return [], [f"Kolumnen '{h}' saknas på bladet {SHEET}." for h in missing]
    formulas = workbook_reader.formula_messages(read)
    if formulas:
        return [], [message for _, message in formulas]
    position = {name: header.index(label) for name, label in zip(COLUMNS, HEADERS) if label in header}
    percent = {(row, col) for row, col in read.percent}
    return [(number, {name: line[i] if i < len(line) else None for name, i in position.items()},
             {name for name, i in position.items() if (number, i) in percent})
            for number, line in read.rows[1:]], []


def _percent_cells(data: IndicatorData, percent: set[str]) -> list[tuple[str, str]]:
    """A percent-formatted number is read as shown only for a percent indicator (as in the
    value import); for any other unit it is refused rather than guessed."""
    if data.unit == PERCENT:
        return []
    return [(name, f"cellen är formaterad som procent i Excel men indikatorn mäts i {data.unit or 'tal utan enhet'}; "
                   "ta bort procentformatet och skriv talet") for name in sorted(percent & NUMBER_FIELDS)]


def _plan(uow: UnitOfWork, rows: list[tuple[int, dict, set[str]]]) -> tuple[list[tuple[int, IndicatorData, bool]],
          ImportReport]:
    """Check every row against the database without writing; returns the changes to make."""
    report, plan, seen = ImportReport(), [], {}
    with uow.read() as session:
        refs = Refs.load(session)
        for number, cells, percent in rows:
            data, errors = _parse_row(cells)
            if data is not None:
                data, errors = catalogue_indicators.normalise_indicator(data, refs)
                errors += _percent_cells(data, percent)
                if data.code in seen:
                    errors.append(("code", f"koden {data.code} står också på rad {seen[data.code]}"))
                seen.setdefault(data.code, number)
            if errors:
                report.errors += [f"Rad {number}, {INDICATOR_LABELS[f]}: {msg}" for f, msg in errors]
                continue
            existing = crud.by_code(session, Indicator, data.code)
            if existing is None:
                plan.append((number, data, True))
                report.created.append(data.code)
            elif catalogue_indicators.normalise_indicator(catalogue_indicators.indicator_data_in(session, existing),
                                                          refs)[0] == data:
                report.unchanged.append(data.code)
            else:
                plan.append((number, data, False))
                report.updated.append(data.code)
    return plan, report


def import_catalogue_xlsx(uow: UnitOfWork, actor: Actor, data: bytes) -> ImportReport:
    """All-or-nothing upsert by code. Nothing is written when any row has an error, nor
    when every row is unchanged."""
    require(uow, actor, "write_structure", entity="catalogue", entity_id="xlsx")
    rows, errors = _rows(data)
    if errors:
        return ImportReport(errors=errors)
    plan, report = _plan(uow, rows)
    if report.errors or not plan:
        return report
    try:
        with uow.write() as session:
            refs = Refs.load(session)
            for number, row, is_new in plan:
                _apply(session, actor, refs, number, row, is_new)
    except ValueError as exc:  # AdminError or crud.InvariantError: all rolled back
        return ImportReport(errors=[str(exc)])
    return report


def _apply(session, actor: Actor, refs: Refs, number: int, row: IndicatorData, is_new: bool) -> None:
    try:
        if is_new:
            refs.indicator_ids[row.code] = catalogue_indicators.create_indicator_in(session, actor, row, refs)
        else:
            existing = crud.by_code(session, Indicator, row.code)
            catalogue_indicators.update_indicator_in(session, actor, existing, row, refs, reason="katalogimport")
    except editing.AdminError as exc:
        raise editing.AdminError(f"Rad {number}: {exc}") from exc
