"""The one error family: every refusal anywhere in Uppföljning is one of these.

Each carries a Swedish message a person can act on and, where rows and fields are
involved, the list of ``Problem`` s naming them. Whatever raised it, nothing was written.
Pages show any of them through one helper (``ui/components.py: show_error``); the CLI
maps them to its documented exit codes (``cli.py: EXIT_CODES``).

This module sits at the bottom of the layers (beside ``settings.py``), so the database
layer's own refusals (a broken cross-row invariant, a frozen snapshot) belong to it too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

ERROR, WARNING = "fel", "varning"


@dataclass(frozen=True)
class Problem:
    """One error or warning naming the row and field: 'Rad 7, värde: …'."""
    index: int  # position in the submitted rows, -1 for the whole request
    label: str  # how the row is named to a person ("Rad 7", "SN01 2026Q3 Kvinnor")
    field: str  # the field in Swedish ("värde", "period"); empty for the whole row
    message: str
    kind: str = ERROR

    def __str__(self) -> str:
        where = f"{self.label}, {self.field}" if self.field else self.label
        return f"{where}: {self.message}" if where else self.message


class UppfoljningError(Exception):
    """Base of the family: a refusal with a Swedish message; nothing was written."""

    def __init__(self, message: str = "", problems: Iterable[Problem] = ()):
        self.problems = list(problems)
        self.message = message or "; ".join(str(p) for p in self.problems)
        super().__init__(self.message)


class Invalid(UppfoljningError, ValueError):
    """The input breaks a rule (range, period, required field …)."""


class NotFound(UppfoljningError, LookupError):
    """What was asked for does not exist (any more)."""


class Refused(UppfoljningError):
    """Not allowed: the role, a lock, a frozen record."""


class Conflict(Refused):
    """Someone else changed the record after it was read (optimistic locking)."""


class Unavailable(UppfoljningError):
    """An outside service (Kolada) could not be reached or answered nonsense."""
