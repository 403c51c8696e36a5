"""File import of values in the long format ``indikator;period;kön;område;värde;kommentar``
(XLSX or CSV) with the optional count basis ``antal`` (the pre-filled XLSX template the
import reads back: ``import_template``).

Import is an explicit overwrite with audit, all-or-nothing: the preview validates every
row (dry run of ``values.save_values``) and remembers the versions it saw; applying
writes with those versions, so a value changed by someone between preview and apply
gives a conflict and nothing is written. Formulas are never evaluated: XLSX cells give
their cached values, and a formula without one is a row error.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Optional

import pandas as pd

from errors import Problem
from indicators.reporting import outcomes
from indicators.reporting.entries import ValueEntry
from indicators.reporting import values
from indicators.files.long_format import COUNT_COLUMN, LONG_COLUMNS
from indicators.rules.formatting import shown_number
from indicators.rules import parsing, periods
from indicators.rules.vocabulary import GENDER_LABELS, VALUE_FIELD_LABELS
from indicators.access.permissions import Actor
from indicators.batch import collector_paused
from indicators.files import workbook_reader
from indicators.files.safety import restore
from indicators.rules.results import CollectedErrors
from indicators.unit_of_work import UnitOfWork

MAX_BYTES = workbook_reader.MAX_UPLOAD_BYTES
TEMPLATE_SHEET = "Värden"
MAX_ROWS = workbook_reader.MAX_ROWS
REQUIRED = ("indikator", "period", "värde")
ALIASES = {"kon": "kön", "omrade": "område", "varde": "värde", "indikatorkod": "indikator", "n": COUNT_COLUMN,
           VALUE_FIELD_LABELS["count_n"]: COUNT_COLUMN}
IMPORT_COLUMNS = LONG_COLUMNS + [COUNT_COLUMN]
# Help columns in the template; accepted and ignored on import.
INFO_COLUMNS = ("namn", "enhet", "föregående värde", "giltigt intervall")
# The template records the version of each value it was made from: importing it after the
# stored value changed is a conflict naming both values (empty: there was no value).
VERSION_COLUMN = "version"
ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")
SKIPPED_TEXT = "tomt värde, hoppas över"


@dataclass
class FileRow:
    row: int  # as in the spreadsheet: header is row 1
    cells: dict[str, object]
    percent_cell: bool = False  # the value cell is percent-formatted in Excel and was read as shown (x 100)


@dataclass
class ReadResult(CollectedErrors[str]):
    rows: list[FileRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    has_comment_column: bool = True
    sheet: str = ""  # the workbook sheet that was read (empty for CSV)


_FileError = workbook_reader.FileRefused  # the file as a whole cannot be read (Swedish message)


# --- reading ------------------------------------------------------------------------

def read_file(filename: str, data: bytes) -> ReadResult:
    """Rows of the file with their spreadsheet row numbers; never raises."""
    try:
        workbook_reader.check_size(data, MAX_BYTES)
        if not data.strip():
            raise _FileError("Filen är tom.")
        name = (filename or "").lower()
        if name.endswith(".xlsx"):
            header, raw_rows, formula_errors, sheet, percent_rows = _xlsx_rows(data)
        elif name.endswith(".csv") or name.endswith(".txt"):
            header, raw_rows = _csv_rows(data)
            formula_errors, sheet, percent_rows = [], "", set()
        else:
            raise _FileError("Välj en fil av typen .xlsx eller .csv.")
        columns, has_comment = _columns(header)
    except _FileError as exc:
        return ReadResult(errors=[str(exc)])
    result = ReadResult(errors=[message for _, message in formula_errors], has_comment_column=has_comment,
                        sheet=sheet)
    formula_rows = {row for row, _ in formula_errors}
    for number, cells in raw_rows:
        mapped = {name: cells[i] if i < len(cells) else None for i, name in columns.items()}
        if all(_blank(v) for k, v in mapped.items() if k != VERSION_COLUMN) or number in formula_rows:
            continue
        if _blank(mapped.get("värde")):
            result.skipped.append(f"Rad {number}: {SKIPPED_TEXT}")
            continue
        result.rows.append(FileRow(number, mapped, number in percent_rows))
    if not result.rows and not result.errors:
        result.errors.append("Filen innehåller inga värden att importera.")
    return result


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _columns(header: list[object]) -> tuple[dict[int, str], bool]:
    """Map column positions to long-format names; wrong or missing columns are an error."""
    expected = ";".join(LONG_COLUMNS)
    names = [ALIASES.get(str(h or "").strip().lower(), str(h or "").strip().lower()) for h in header]
    while names and names[-1] == "":
        names.pop()
    unknown = [n for n in names if n not in IMPORT_COLUMNS and n not in INFO_COLUMNS and n != VERSION_COLUMN]
    if unknown:
        shown = ", ".join(f"'{n}'" if n else "(tom rubrik)" for n in unknown)
        raise _FileError(f"Okända kolumner: {shown}. Rubrikraden ska vara {expected}.")
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise _FileError(f"Kolumnen {', '.join(doubles)} finns flera gånger. Rubrikraden ska vara {expected}.")
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise _FileError(f"Kolumner saknas: {', '.join(missing)}. Rubrikraden ska vara {expected}.")
    columns = {i: n for i, n in enumerate(names) if n in IMPORT_COLUMNS or n == VERSION_COLUMN}
    return columns, "kommentar" in names


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _FileError("Filens teckenkodning kunde inte läsas; spara som CSV UTF-8.")


def _csv_rows(data: bytes) -> tuple[list[object], list[tuple[int, list[object]]]]:
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    records = _csv_records(text, delimiter)
    if not records:
        raise _FileError("Filen är tom.")
    return records[0], [(i + 2, row) for i, row in enumerate(records[1:])]


def _csv_records(text: str, delimiter: str) -> list[list[str]]:
    """Strict CSV quoting: an unbalanced quote is refused with the row it starts on, never
    allowed to swallow the following rows into one field."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            swallowed = [cell for cell in record if "\n" in cell and delimiter in cell.split("\n", 1)[1]]
            if swallowed:
                raise _FileError(f"Rad {len(records)}: ett fält inom citattecken sträcker sig över flera rader som "
                                 "liknar egna rader; kontrollera att varje citattecken (\") stängs.")
            _check_row_count(len(records) - 1)
    except csv.Error as exc:
        row = len(records) + 1
        if "field limit" in str(exc):
            raise _FileError(f"Rad {row}: ett fält är längre än {csv.field_size_limit():,} tecken."
                             .replace(",", "\u00a0")) from exc
        raise _FileError(f"Rad {row}: ett citattecken (\") stängs inte, eller följs av annan text än "
                         f"'{delimiter}'; kontrollera citattecknen på raden.") from exc
    return records


def _check_row_count(count: int) -> None:
    if count > MAX_ROWS:
        raise _FileError(workbook_reader.too_many_rows(MAX_ROWS))


def _xlsx_rows(data: bytes) -> tuple[list[object], list[tuple[int, list[object]]], list[tuple[int, str]], str,
                                     set[int]]:
    """The template's sheet "Värden", else the active visible sheet (``workbook_reader``);
    formula cells without a cached value and dates in the value column are row errors. Also
    the rows whose value cell is percent-formatted (read as shown: 0,369 as 36,9)."""
    read = workbook_reader.read_sheet(data, TEMPLATE_SHEET)
    if not read.rows:
        raise _FileError("Filen är tom.")
    (header_row, header), rows = read.rows[0], read.rows[1:]
    _check_row_count(len(rows))
    names = [ALIASES.get(str(h or "").strip().lower(), str(h or "").strip().lower()) for h in header]
    dates = [(r, c) for r, c in read.dates if r != header_row and c < len(names) and names[c] == "värde"]
    errors = workbook_reader.formula_messages(read)
    errors += [(r, f"Rad {r}, värde: ett datum är inget värde; skriv talet (cellen är formaterad som datum)")
               for r, _ in dates]
    percent_rows = {r for r, c in read.percent if r != header_row and c < len(names) and names[c] == "värde"}
    return header, rows, sorted(errors), read.sheet, percent_rows


# --- preview and apply --------------------------------------------------------------

@dataclass
class ImportPreview:
    filename: str
    entries: list[dict]
    read: ReadResult
    check: outcomes.SaveResult
    confirmed_rows: list[int] = field(default_factory=list)  # rows confirmed after the plausibility question

    @property
    def errors(self) -> list[str]:
        return self.read.errors + [str(e) for e in self.check.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def slip_rows(self) -> list[int]:
        """File rows refused with the plausibility question ("Menade du 36,9 %?")."""
        return sorted(self.entries[e.index].row for e in self.check.errors if e.kind == outcomes.SLIP)

    @property
    def only_lock_reason_missing(self) -> bool:
        """An admin can still apply the file by giving a reason for locked periods."""
        return self.resolvable({outcomes.LOCKED}) and any(e.kind == outcomes.LOCKED for e in self.check.errors)

    @property
    def review_rows(self) -> list[int]:
        """Rows whose value is corrected while the stored comment would stay: the importer
        chooses to keep or remove those comments (``apply(comment_review=…)``)."""
        return [e.index for e in self.check.errors if e.kind == outcomes.REVIEW]

    def resolvable(self, kinds: set[str]) -> bool:
        """Whether every problem is of one of these kinds (each answered by a choice on applying)."""
        return not self.read.errors and bool(self.check.errors) and all(e.kind in kinds for e in self.check.errors)

    def table(self) -> pd.DataFrame:
        """One line per file row with what would happen to it, for the preview."""
        by_row = {o.index: o for o in self.check.outcomes}
        problems: dict[int, list[str]] = {}
        for problem in self.check.errors + self.check.warnings:
            problems.setdefault(problem.index, []).append(
                (f"{problem.field}: " if problem.field else "") + problem.message)
        rows = []
        for index, entry in enumerate(self.entries):
            outcome = by_row.get(index)
            failed = index in {e.index for e in self.check.errors}
            rows.append({
                "Rad": entry.row, "Indikator": entry.indicator, "Period": _period_shown(entry.period),
                "Kön": _gender_shown(entry.gender), "Område": entry.area, "Värde i filen": entry.value,
                "Antal i filen": "" if entry.count_n is None else entry.count_n,
                "Nuvarande värde": shown_number(outcome.old_value) if outcome and outcome.old_value is not None else "",
                "Kommentar": entry.comment or "",
                "Tidigare kommentar": outcome.old_comment if outcome and outcome.action == outcomes.UPDATED else "",
                "Åtgärd": "fel" if failed else (outcome.action if outcome else ""),
                "Meddelande": "; ".join(problems.get(index, [])),
            })
        return pd.DataFrame(rows, columns=["Rad", "Indikator", "Period", "Kön", "Område", "Värde i filen",
                                           "Antal i filen", "Nuvarande värde", "Kommentar", "Tidigare kommentar",
                                           "Åtgärd", "Meddelande"])


def _period_shown(text: str) -> str:
    """The period as the page says it ("2026 kv 4"); a text that does not parse stays as the
    file has it, so the user sees what is wrong."""
    period = periods.parse_period(text)
    return period.value.label if period.ok else text


def _gender_shown(text: str) -> str:
    gender = parsing.parse_gender(text)
    return GENDER_LABELS[gender.value] if gender.ok else text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(restore(value)).strip()  # exactly the apostrophe our export adds is removed


def _expected_version(cells: dict[str, object]):
    """A plain long-format file overwrites (explicitly, audited); a template row expects the
    version it was made from (none: the value did not exist)."""
    if VERSION_COLUMN not in cells:
        return outcomes.OVERWRITE
    text = _text(cells[VERSION_COLUMN])
    return int(text) if text.isdigit() else None


def _entries(read: ReadResult) -> list[ValueEntry]:
    entries = []
    for row in read.rows:
        cells = row.cells
        value = cells.get("värde")
        entries.append(ValueEntry(
            indicator=_text(cells.get("indikator")), period=_text(cells.get("period")),
            gender=_text(cells.get("kön")), area=_text(cells.get("område")),
            value=value.strip() if isinstance(value, str) else value,
            comment=_text(cells.get("kommentar")) if read.has_comment_column else None,
            expected_version=_expected_version(cells), label=f"Rad {row.row}", row=row.row,
            # no antal column: n is not given (a changed value loses its old n); an empty cell: no n
            count_n=_text(cells[COUNT_COLUMN]) if COUNT_COLUMN in cells else None, percent_cell=row.percent_cell,
        ))
    return entries


def preview(uow: UnitOfWork, actor: Actor, filename: str, data: bytes, today: Optional[date] = None,
            lock_reason: Optional[str] = None, confirm_rows: Iterable[int] = ()) -> ImportPreview:
    """Read and validate the whole file without writing; remember the versions seen now.
    ``confirm_rows``: file rows whose values the user explicitly confirmed as they stand
    after the plausibility question (never implied by a comment)."""
    with collector_paused():
        read = read_file(filename, data)
        return _previewed(uow, actor, filename, read, _confirmed(_entries(read), confirm_rows), today, lock_reason)


def _confirmed(entries: list[ValueEntry], confirm_rows: Iterable[int]) -> list[ValueEntry]:
    """The entries with the rows the user explicitly confirmed marked so."""
    rows = set(confirm_rows)
    return [replace(e, confirmed=True) if e.row in rows else e for e in entries]


def _previewed(uow: UnitOfWork, actor: Actor, filename: str, read: ReadResult, entries: list[ValueEntry],
               today: Optional[date], lock_reason: Optional[str]) -> ImportPreview:
    if not entries:  # file-level errors; row errors (formulas) still get the other rows checked
        return ImportPreview(filename, entries, read, outcomes.SaveResult())
    check = values.save_values(uow, actor, entries, today, lock_reason, dry_run=True, permission="import_values")
    for outcome in check.outcomes:
        entries[outcome.index] = replace(entries[outcome.index], expected_version=outcome.current_version)
    return ImportPreview(filename, entries, read, check, sorted(e.row for e in entries if e.confirmed))


def apply(uow: UnitOfWork, actor: Actor, prepared: ImportPreview, today: Optional[date] = None,
          lock_reason: Optional[str] = None, comment_review: Optional[str] = None) -> outcomes.SaveResult:
    """Write the previewed file: all rows or none. Rows changed since the preview conflict.
    ``comment_review`` (keep / remove) answers for the rows in ``prepared.review_rows``."""
    if prepared.read.errors:
        return outcomes.SaveResult(errors=[Problem(-1, "Filen", "", e) for e in prepared.read.errors])
    review = set(prepared.review_rows) if comment_review else set()
    entries = [replace(e, comment_review=comment_review) if i in review else e for i, e in enumerate(prepared.entries)]
    return values.save_values(uow, actor, entries, today, lock_reason, permission="import_values",
                              source="import", note=f"import av {prepared.filename}")


def import_file(uow: UnitOfWork, actor: Actor, filename: str, data: bytes, *, dry_run: bool = False,
                today: Optional[date] = None, lock_reason: Optional[str] = None,
                confirm_rows: Iterable[int] = (), comment_review: Optional[str] = None,
                ) -> tuple[ImportPreview, outcomes.SaveResult]:
    """Read the file once and validate it once (for the CLI): a dry run only checks; otherwise
    every row is written in one transaction or, when any row has a problem, none (the same
    all-or-nothing ``values.save_values`` that applying a preview uses). ``confirm_rows``
    confirms values after the plausibility question; ``comment_review`` answers the comments
    of corrected values (asked only when the first check finds nothing else)."""
    with collector_paused():
        return _import_file(uow, actor, filename, data, dry_run, today, lock_reason, confirm_rows, comment_review)


def _import_file(uow: UnitOfWork, actor: Actor, filename: str, data: bytes, dry_run: bool, today: Optional[date],
                 lock_reason: Optional[str], confirm_rows: Iterable[int], comment_review: Optional[str],
                 ) -> tuple[ImportPreview, outcomes.SaveResult]:
    read = read_file(filename, data)
    entries = _confirmed(_entries(read), confirm_rows)
    if dry_run or read.errors or not entries:
        prepared = _previewed(uow, actor, filename, read, entries, today, lock_reason)
        return prepared, prepared.check
    result = _save(uow, actor, filename, entries, today, lock_reason)
    review = {e.index for e in result.errors if e.kind == outcomes.REVIEW}
    if comment_review is not None and review and len(review) == len(result.errors):
        entries = [replace(e, comment_review=comment_review) if i in review else e for i, e in enumerate(entries)]
        result = _save(uow, actor, filename, entries, today, lock_reason)
    return ImportPreview(filename, entries, read, result), result


def _save(uow: UnitOfWork, actor: Actor, filename: str, entries: list[ValueEntry], today: Optional[date],
          lock_reason: Optional[str]) -> outcomes.SaveResult:
    return values.save_values(uow, actor, entries, today, lock_reason, permission="import_values",
                              source="import", note=f"import av {filename}")
