"""Parsing submitted entries (from the form, a file or the CLI) into typed rows, each
problem naming its row and field; duplicates within one batch are refused."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, Iterable, Mapping, Optional, Union

from db.models import VALUE_STATUSES, Area, Indicator
from errors import Problem
from indicators.rules.formatting import shown_number
from indicators.reporting.context import ReportingContext
from indicators.reporting.outcomes import MAX_COMMENT
from indicators.reporting.value_checks import PERCENT, period_problem
from indicators.rules.text import control_character
from indicators.rules import parsing, periods
from indicators.rules.periods import Period
from indicators.rules.results import Ok
from indicators.rules.vocabulary import COMMENT_REVIEW_WORDS


@dataclass(frozen=True)
class ValueEntry:
    """One value as it was submitted, by the form, a file row or the CLI: text as typed
    (or a number from a spreadsheet cell), parsed and checked by ``parse_entries``."""
    indicator: str
    period: str
    value: object
    gender: str = ""  # empty: the total (T)
    area: str = ""  # empty: the whole municipality
    comment: Optional[str] = None  # None keeps the stored comment
    status: Optional[str] = None  # None keeps the stored status (preliminär for a new value)
    expected_version: Any = None  # the version read; None for a new value; outcomes.OVERWRITE
    label: str = ""  # how messages name the row: "Rad 7", "ARB04 2025 Kvinnor, Centrum"
    row: Optional[int] = None  # the row in the file it came from
    missing_reason: Optional[str] = None  # with an empty value: why the value is missing (reported as such)
    # When the value changes: what happens to the stored comment (keep / edit / remove;
    # vocabulary.COMMENT_REVIEW_WORDS). Required when it would otherwise stay unchanged.
    comment_review: Optional[str] = None
    # The count basis n ("antal i underlaget") as typed or read. None: not given (a file
    # without the antal column): an unchanged value keeps its stored n, a changed value
    # loses it, since the old n belonged to the old value. "" (an empty field): no n.
    count_n: object = None
    # The user chose this value over the plausibility question ("Menade du 36,9 %?"): explicit only.
    confirmed: bool = False
    # The value came from a percent-formatted spreadsheet cell, read as shown (0,369 as 36,9):
    # right for a percent indicator only; for any other unit the row is refused.
    percent_cell: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "ValueEntry":
        """From a dict with the same keys (scripts and tests write entries that way)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def as_entries(entries: Iterable[Union[ValueEntry, Mapping[str, Any]]]) -> list[ValueEntry]:
    return [e if isinstance(e, ValueEntry) else ValueEntry.from_mapping(e) for e in entries]


@dataclass
class ParsedEntry:
    index: int
    label: str
    indicator: Indicator
    period: Period
    gender: str
    area: Area
    value: float
    value_text: str
    comment: Optional[str]
    status: Optional[str]
    expected_version: Any
    count_n: Optional[int] = None  # the count basis n, when one was entered
    count_given: bool = False  # the entry said what n is (possibly empty); see ValueEntry.count_n
    confirmed: bool = False  # see ValueEntry.confirmed
    missing_reason: str = ""  # the value is reported missing for this reason (value is None)
    comment_review: Optional[str] = None  # keep / edit / remove, when the value is corrected

    # Computed once in ``__post_init__``: imports ask for them several times for each of thousands of rows.
    key: tuple = field(init=False, repr=False, compare=False)
    previous_key: tuple = field(init=False, repr=False, compare=False)  # the same cell in the previous period

    def __post_init__(self) -> None:
        self.key = (self.indicator.id, self.period.code, self.gender, self.area.id)
        self.previous_key = (self.indicator.id, self.period.previous().code, self.gender, self.area.id)


def _status(text: object) -> Optional[str] | Problem:
    if text is None or str(text).strip() == "":
        return None
    key = str(text).strip().lower()
    for status in VALUE_STATUSES:
        if key in (status, status.replace("ä", "a"), status[:4]):
            return status
    return Problem(-1, "", "status", f"'{text}' är ingen status; använd preliminär eller slutlig")


# The submitted text fields and how messages name them.
TEXT_FIELDS = {"indicator": "indikator", "period": "period", "gender": "kön", "area": "område", "value": "värde",
               "comment": "kommentar", "status": "status", "missing_reason": "skäl", "count_n": "antal",
               "comment_review": "kommentar"}


def _label(entry: ValueEntry, index: int) -> str:
    return str(entry.label or f"Rad {index + 1}")


def _parse_entry(index: int, entry: ValueEntry, ctx: ReportingContext, today: date,
                 checked_periods: dict) -> ParsedEntry | list[Problem]:
    label = _label(entry, index)
    problems: list[Problem] = []

    def err(field_name: str, message: str) -> None:
        problems.append(Problem(index, label, field_name, message))

    texts = {name: text for name in TEXT_FIELDS if isinstance(text := getattr(entry, name), str)}
    # All fields at once first (a file's thousands of rows): a space neither is a control
    # character nor composes with a neighbour, so the joined text passes only if every field does.
    joined = " ".join(text for name, text in texts.items() if name != "comment")
    if control_character(joined) or control_character(texts.get("comment"), allow_line_breaks=True):
        for name, text in texts.items():
            wrong = control_character(text, allow_line_breaks=name == "comment")
            if wrong:
                err(TEXT_FIELDS[name], wrong)
        return problems  # the other messages would quote the invisible character
    if not unicodedata.is_normalized("NFC", joined + " " + texts.get("comment", "")):
        entry = replace(entry, **{name: unicodedata.normalize("NFC", text) for name, text in texts.items()})
    code = str(entry.indicator or "").strip()
    ind = ctx.indicators.get(code) or ctx.indicators.get(code.upper())
    if ind is None:
        err("indikator", f"'{code}' är ingen känd indikator" if code else "indikatorn saknas")
    period = periods.parse_period(entry.period)
    if not period.ok:
        err("period", period.error)
    elif ind is not None:
        key = (ind.id, period.value)
        if key not in checked_periods:  # a file repeats a few indicator-period pairs thousands of times
            checked_periods[key] = period_problem(ind, period.value, ctx.first_year, ctx.last_year, today)
        wrong = checked_periods[key]
        if wrong:
            err("period", wrong)
    gender = parsing.parse_gender(entry.gender)
    if not gender.ok:
        err("kön", gender.error)
    elif ind is not None and gender.value != "T" and not ind.by_gender:
        err("kön", f"{ind.code} redovisas inte per kön; lämna kön tomt eller skriv T")
    area = parsing.parse_area(entry.area, ctx.area_lookup, ctx.total_code)
    if not area.ok:
        err("område", area.error)
    elif ind is not None and area.value != ctx.total_code and not ind.by_area:
        err("område", f"{ind.code} redovisas inte per område; lämna området tomt")
    missing = str(entry.missing_reason or "").strip()
    blank = entry.value is None or (isinstance(entry.value, str) and not entry.value.strip())
    value = Ok(None) if missing and blank else parsing.parse_number(entry.value)
    if not value.ok:
        err("värde", value.error)
    elif entry.percent_cell and ind is not None and ind.unit != PERCENT and value.value is not None:
        err("värde", f"cellen är formaterad som procent i Excel (visar {shown_number(value.value)} %) men "
                     f"{ind.code} mäts i {ind.unit or 'tal utan enhet'}; ta bort procentformatet och skriv värdet "
                     "som det ska sparas")
    count = parsing.parse_count(entry.count_n)
    if not count.ok:
        err("antal", count.error)
    if len(missing) > MAX_COMMENT:
        err("skäl", f"skälet är för långt (högst {MAX_COMMENT} tecken)")
    status = _status(entry.status)
    if isinstance(status, Problem):
        err("status", status.message)
    comment = entry.comment
    comment = None if comment is None else str(comment).strip()
    if comment is not None and len(comment) > MAX_COMMENT:
        err("kommentar", f"kommentaren är för lång (högst {MAX_COMMENT} tecken)")
    review = str(entry.comment_review or "").strip().lower() or None
    if review is not None and review not in COMMENT_REVIEW_WORDS:
        err("kommentar", f"'{entry.comment_review}' är inget val för kommentaren; välj behåll, ändra eller ta bort")
    if problems:
        return problems
    return ParsedEntry(index, label, ind, period.value, gender.value, ctx.areas[area.value], value.value,
                   _typed(entry.value, value.value), comment, status, entry.expected_version,
                   count_n=count.value, count_given=entry.count_n is not None, confirmed=bool(entry.confirmed),
                   missing_reason=missing if value.value is None else "",
                   comment_review=COMMENT_REVIEW_WORDS.get(review) if review else None)


def _typed(raw: object, value: float) -> str:
    """The value as the user wrote it (for messages); numbers from files as decimal comma."""
    return raw.strip() if isinstance(raw, str) else shown_number(value)


def parse_entries(entries: list[ValueEntry], ctx: ReportingContext, today: date) -> tuple[list[ParsedEntry], list[Problem]]:
    parsed, problems, first_seen, checked_periods = [], [], {}, {}
    for index, entry in enumerate(entries):
        result = _parse_entry(index, entry, ctx, today, checked_periods)
        if isinstance(result, list):
            problems += result
            continue
        if result.key in first_seen:
            problems.append(Problem(index, result.label, "", "samma indikator, period, kön och område som "
                                    f"{first_seen[result.key]}"))
            continue
        first_seen[result.key] = result.label
        parsed.append(result)
    return parsed, problems

