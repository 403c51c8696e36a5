"""A tiny result type so parsers can return a value or a Swedish error, never raise."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar, Union

V = TypeVar("V")


@dataclass(frozen=True)
class Ok(Generic[V]):
    value: V
    ok: bool = True


@dataclass(frozen=True)
class Err:
    error: str
    ok: bool = False


Result = Union[Ok[V], Err]
