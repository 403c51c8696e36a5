"""Parsing of user-typed values: numbers, genders and areas. Used by the entry form,
the file import and the CLI alike. Parsers never raise: they return Ok or Err with a
Swedish message that names the offending text.
"""
from __future__ import annotations

import math
import re
from typing import Iterable, Mapping, Optional

from indicators.rules.results import Err, Ok, Result
from indicators.rules.vocabulary import GENDER_WORDS

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]")  # normal, no-break, thin, narrow no-break
_PLAIN = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?:,\d+)?$")
MAX_ABS = 1e15



def parse_number(text: object) -> Result[float]:
    """Swedish or plain numbers: ``12,5``, ``12.5``, ``1 234,5`` (any space kind),
    ``12,5 %``, ``-3``. Ambiguous forms such as ``1.234,5`` or ``1,234`` with a
    thousands dot are refused rather than guessed."""
    if isinstance(text, bool):
        return Err(f"'{text}' är inte ett tal")
    if isinstance(text, (int, float)):
        return _finite(float(text), str(text))
    if text is None:
        return Err("värdet saknas")
    raw = str(text)
    stripped = raw.strip().replace("\u2212", "-")  # typographic minus from Word/Excel
    if stripped.endswith("%"):
        stripped = stripped[:-1].rstrip()
    if not stripped:
        return Err("värdet saknas")
    if _GROUPED.match(stripped):
        return _finite(float(_SPACES.sub("", stripped).replace(",", ".")), raw)
    if _SPACES.search(stripped):
        return Err(f"'{raw}' är inte ett tal (mellanslag bara som tusentalsavgränsare, t.ex. 1 234,5)")
    if _PLAIN.match(stripped):
        return _finite(float(stripped.replace(",", ".")), raw)
    if re.match(r"^[+-]?\d[\d.,]*$", stripped):
        return Err(f"'{raw}' är tvetydigt; skriv decimaltal med komma och utan tusentalspunkt, t.ex. 1234,5")
    return Err(f"'{raw}' är inte ett tal")


def _finite(value: float, raw: str) -> Result[float]:
    if math.isnan(value) or math.isinf(value) or abs(value) > MAX_ABS:
        return Err(f"'{raw}' är inte ett rimligt tal")
    return Ok(value)


MAX_COUNT = 100_000_000  # more people than Sweden has: a typo


def parse_count(text: object) -> Result[Optional[int]]:
    """The count basis n ("antal i underlaget"): empty is none; else a whole number 0 or
    larger, typed (``1 234``) or from a spreadsheet cell (``12`` or ``12.0``)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return Ok(None)
    wrong = Err(f"'{text}' är inget antal; skriv ett heltal 0 eller större (antal personer i underlaget)")
    if isinstance(text, bool):
        return wrong
    if isinstance(text, str) and text.strip().endswith("%"):
        return wrong
    number = parse_number(text)
    if not number.ok or not float(number.value).is_integer() or number.value < 0 or number.value > MAX_COUNT:
        return wrong
    return Ok(int(number.value))


def parse_gender(text: object) -> Result[str]:
    key = str(text if text is not None else "").strip().lower()
    if key == "":
        return Ok("T")  # no gender given means the total
    if key in GENDER_WORDS:
        return Ok(GENDER_WORDS[key])
    return Err(f"'{text}' är inget kön; använd T, K eller M (totalt, kvinnor, män)")


def area_lookup(areas: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map lower-cased code and name to the area code, from (code, name) pairs."""
    lookup: dict[str, str] = {}
    for code, name in areas:
        lookup[code.strip().lower()] = code
        lookup[name.strip().lower()] = code
    return lookup


def parse_area(text: object, lookup: Mapping[str, str], total_code: str) -> Result[str]:
    key = str(text if text is not None else "").strip().lower()
    if key == "":
        return Ok(total_code)
    if key in lookup:
        return Ok(lookup[key])
    return Err(f"'{text}' är inget känt område")
