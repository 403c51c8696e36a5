"""Tiny result types: parsers return a value or a Swedish error, never raise; reports of
whole requests (a file read, values saved, a catalogue import) collect every error."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar, Union

V = TypeVar("V")
E = TypeVar("E")


@dataclass(frozen=True)
class Ok(Generic[V]):
    value: V
    ok: bool = True


@dataclass(frozen=True)
class Err:
    error: str
    ok: bool = False


Result = Union[Ok[V], Err]


@dataclass
class CollectedErrors(Generic[E]):
    """Base of a report that collects every error instead of stopping at the first: ``ok``
    when there are none (then whatever the report describes was, or may be, done)."""
    errors: list[E] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors
