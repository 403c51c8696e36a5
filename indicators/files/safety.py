"""Output safety for files that spreadsheet programs open, and its exact inverse for
files that come back: the import removes exactly the apostrophe the export added."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_prefix(text: str) -> bool:
    """Text a spreadsheet would run as a formula, or text that already looks neutralised
    (so that restoring is exact: "'=x" typed by a person comes back as "'=x")."""
    while text.startswith("'"):
        text = text[1:]
    return text.startswith(FORMULA_STARTS)


def neutralise(text: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(text, str) and _needs_prefix(text):
        return "'" + text
    return text


def restore(text: object) -> object:
    """The inverse of ``neutralise``: ``restore(neutralise(t)) == t`` for every text."""
    if isinstance(text, str) and text.startswith("'") and _needs_prefix(text[1:]):
        return text[1:]
    return text
