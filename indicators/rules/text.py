"""Free text from any door (a value's comment, a catalogue name, a meeting's notes): one
rule for invisible control characters and one Unicode form, so that the same words typed
on a Mac, pasted from Word or read from a file are stored, compared and found alike."""
from __future__ import annotations

import unicodedata
from typing import Optional


def control_character(text: object, allow_line_breaks: bool = False) -> Optional[str]:
    """NUL and other control characters are refused in every text field (PostgreSQL cannot
    store NUL; the others are invisible); line breaks are allowed where ``allow_line_breaks``."""
    if not isinstance(text, str):
        return None
    for char in text:
        if unicodedata.category(char) == "Cc" and not (allow_line_breaks and char in "\n\r"):
            name = "NUL" if char == "\0" else f"U+{ord(char):04X}"
            return f"innehåller ett osynligt styrtecken ({name}); ta bort det"
    return None


def normalised(value: object) -> str:
    """The text as stored: Unicode NFC (a decomposed 'å' from a Mac becomes one character),
    surrounding white space removed; nothing (None) is the empty text."""
    return "" if value is None else unicodedata.normalize("NFC", str(value)).strip()
