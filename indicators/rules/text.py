"""Free text from any door (a value's comment, a catalogue name, a meeting's notes): one
rule for invisible control characters and one Unicode form, so that the same words typed
on a Mac, pasted from Word or read from a file are stored, compared and found alike."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional


def control_character(text: object, allow_line_breaks: bool = False) -> Optional[str]:
    """NUL and other control characters are refused in every text field (PostgreSQL cannot
    store NUL; the others are invisible); line breaks are allowed where ``allow_line_breaks``.
    One regex search (a file's 10 000 rows are checked in C, not character by character)."""
    if not isinstance(text, str):
        return None
    found = (_CONTROL_BUT_BREAKS if allow_line_breaks else _CONTROL).search(text)
    if found is None:
        return None
    char = found.group()
    name = "NUL" if char == "\0" else f"U+{ord(char):04X}"
    return f"innehåller ett osynligt styrtecken ({name}); ta bort det"


# Unicode's category Cc, exactly: U+0000–U+001F and U+007F–U+009F (a test compares with unicodedata).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_BREAKS = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalised(value: object) -> str:
    """The text as stored: Unicode NFC (a decomposed 'å' from a Mac becomes one character),
    surrounding white space removed; nothing (None) is the empty text."""
    return "" if value is None else unicodedata.normalize("NFC", str(value)).strip()
