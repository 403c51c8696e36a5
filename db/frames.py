"""Driver rows → pandas tables, column by column in vectorised steps (no per-row Python).

The table is the one pandas infers from the rows' Python values (``pd.DataFrame({name:
list(values)})``), with timestamps as UTC ``datetime64[us]`` and SQLite's 0/1 and ISO text
as booleans and dates: the same dtypes, the same values. Only how it is built differs:

- the rows become one 2-D object array in one C step;
- a column whose values are all of one Python type (``infer_dtype``, one C pass) is
  converted in one NumPy/Arrow step to the dtype pandas infers for them (int64, or float64
  beside NULLs; float64; str; bool);
- timestamps (and dates) are parsed once per distinct value (PostgreSQL's datetimes once
  per run of equal neighbours) and spread by index: values in a page's tables share a
  handful of import times;
- typed columns of one length go into the frame as they are, without pandas checking them again;
- anything else (a column of only NULLs, mixed values, bytes, booleans beside NULLs)
  takes pandas' own inference from the list of values.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Optional, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray
from pandas.api.types import infer_dtype
from sqlalchemy.sql import sqltypes

try:  # the C routine behind DataFrame.from_records: tuples → 2-D object array
    from pandas._libs.lib import to_object_array_tuples as _object_rows
except ImportError:  # pragma: no cover - a pandas without it: the public, slower way
    def _object_rows(rows):
        out = np.empty((len(rows), len(rows[0])), dtype=object)
        out[:] = rows
        return out

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NAT = np.iinfo(np.int64).min  # NaT as datetime64
_UTC = pd.DatetimeTZDtype("us", "UTC")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str", as it infers text beside NULLs


def generic_type(sql_type):
    """The generic SQLAlchemy type of a selected column (a TypeDecorator's implementation)."""
    return getattr(sql_type, "impl_instance", None) or sql_type


def _micros(stamp: datetime) -> int:
    """Whole microseconds since 1970 (UTC; a naive datetime is UTC, as UTCDateTime stores it)."""
    delta = (stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)) - _EPOCH
    return delta.days * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds


def _utc(micros: np.ndarray):
    """Microseconds since 1970 (NaT as int64's minimum) as a UTC datetime column."""
    stamps = micros.view("datetime64[us]")
    try:  # wraps the array as it is, without pandas checking it again
        return pd.arrays.DatetimeArray._simple_new(stamps, dtype=_UTC)
    except (AttributeError, TypeError):  # pragma: no cover - a pandas without it
        return pd.Series(stamps).dt.tz_localize("UTC").array


def _datetimes(values: np.ndarray, checked: bool = False):
    """A driver's datetimes (PostgreSQL's; NULL → NaT) as UTC timestamps, each run of equal
    neighbours converted once in one Arrow step (a naive one is UTC, as UTCDateTime stores
    it): rows written together lie together, and hashing or type-checking every aware
    datetime costs more than the conversion. Unless ``checked`` (by infer_dtype), None when
    the values are not all datetimes (or all NULL): then the column takes the general way."""
    starts = np.empty(len(values), dtype=bool)
    starts[:1] = True
    np.not_equal(values[1:], values[:-1], out=starts[1:])  # same tzinfo: compared field by field
    firsts = values[starts]
    if not checked and set(map(type, firsts)) not in ({datetime}, {datetime, type(None)}):
        return None
    stamps = pa.array(firsts, type=pa.timestamp("us", tz="UTC")).to_numpy(zero_copy_only=False)
    return _utc(stamps.view("int64")[np.cumsum(starts) - 1])


def _timestamps(values: np.ndarray):
    """SQLite's ISO text as UTC timestamps, parsed once per distinct value and spread by
    index; NULL becomes NaT."""
    codes, uniques = pd.factorize(values)  # NULL → code -1: the NaT appended last
    try:
        micros = np.array([_micros(datetime.fromisoformat(v)) for v in uniques] + [_NAT], dtype="int64")
    except (TypeError, ValueError):  # text Python's ISO reader refuses: pandas' ISO 8601 parser
        parsed = pd.to_datetime(pd.Series([*uniques, None], dtype=object), utc=True, format="ISO8601")
        return parsed.take(codes).reset_index(drop=True)
    return _utc(micros[codes])


def column(sql_type, values: np.ndarray, sqlite: bool):
    """One column of driver values (an object array) as the frame's column."""
    kind = generic_type(sql_type)
    if isinstance(kind, sqltypes.DateTime) and not sqlite and (stamps := _datetimes(values)) is not None:
        return stamps
    inferred = infer_dtype(values, skipna=True)  # one C pass: what the non-NULL values are
    if inferred == "empty":  # only NULLs: pandas' own inference
        return list(values)
    if isinstance(kind, sqltypes.DateTime) and inferred in ("string", "datetime"):
        return _timestamps(values) if inferred == "string" else _datetimes(values, checked=True)
    if not (sqlite and isinstance(kind, (sqltypes.Boolean, sqltypes.Date))):  # SQLite's own below
        if inferred == "floating":
            return values.astype(np.float64)  # NULL → NaN
        if inferred == "string":
            return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=_STR)  # NULL → NaN
    has_null = inferred != infer_dtype(values, skipna=False)  # a second pass, only where NULLs matter
    if sqlite and isinstance(kind, sqltypes.Boolean):  # SQLite's 0/1
        return values.astype(bool) if not has_null else [None if v is None else bool(v) for v in values]
    if sqlite and isinstance(kind, sqltypes.Date) and inferred == "string":
        codes, uniques = pd.factorize(values)
        parsed = np.array([date.fromisoformat(v) for v in uniques] + [None], dtype=object)
        return list(parsed[codes])  # code -1 (NULL) takes the trailing None
    if inferred == "boolean" and not has_null:
        return values.astype(bool)
    if inferred == "integer":  # beside NULLs pandas makes them floats with NaN
        try:
            return values.astype(np.float64 if has_null else np.int64)
        except OverflowError:  # beyond 64 bits: pandas' own inference
            return list(values)
    return list(values)


def columns(sql_types: list, rows: list[tuple], sqlite: bool) -> list:
    """The rows' columns (at least one row), each converted in one vectorised step."""
    matrix = np.ascontiguousarray(_object_rows(rows).T)  # one row per column
    return [column(kind, matrix[i], sqlite) for i, kind in enumerate(sql_types)]


def table(keys: list[str], cols: list) -> pd.DataFrame:
    """Columns (as ``columns`` gives them) under their names; no columns' values: no rows.
    Typed arrays of one length are taken as they are (pandas would only check and wrap them
    again: half the cost of a page's small tables); lists take pandas' own inference."""
    if cols and all(isinstance(c, (np.ndarray, ExtensionArray)) and c.dtype != object for c in cols) \
            and len({len(c) for c in cols}) == 1:
        return pd.DataFrame._from_arrays(cols, columns=pd.Index(keys), index=pd.RangeIndex(len(cols[0])),
                                         verify_integrity=False)
    out = pd.DataFrame(dict(enumerate(cols)), columns=range(len(keys)))
    out.columns = keys
    return out


def rows_frame(keys: list[str], sql_types: list, rows: list[tuple], sqlite: bool) -> pd.DataFrame:
    """The rows (tuples in ``keys`` order) as a table, one vectorised step per column."""
    return table(keys, columns(sql_types, rows, sqlite)) if rows else empty(tuple(keys))


def empty(keys: tuple[str, ...]) -> pd.DataFrame:
    """The table without rows (every column of object dtype), a copy of one built once."""
    return _empty(keys).copy()


@lru_cache(maxsize=512)
def _empty(keys: tuple[str, ...]) -> pd.DataFrame:
    return table(list(keys), [[] for _ in keys])


def spread(ids, cols: list, wanted) -> list:
    """The columns of a small lookup table (one row per distinct id) for each of ``wanted``
    (ids that must all be present, e.g. foreign keys), by index: one take per column."""
    ids, wanted = np.asarray(ids, dtype=np.int64), np.asarray(wanted, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    at = order[np.minimum(np.searchsorted(ids[order], wanted), len(ids) - 1)]
    if len(wanted) and (not len(ids) or (ids[at] != wanted).any()):
        raise ValueError("spread: an id without a row in the lookup table")
    return [c[at] if isinstance(c, np.ndarray) else [c[i] for i in at] if isinstance(c, list)
            else c.take(at).reset_index(drop=True) if isinstance(c, pd.Series) else c.take(at) for c in cols]


_PURE = {int: np.int64, float: np.float64, bool: np.bool_}  # the dtype pandas infers for each


class Accumulated:
    """One column of driver values read a batch at a time. While every batch holds values of
    one Python type (int, float or bool, no NULL) it is kept as NumPy chunks, 8 bytes a value
    instead of a pointer and a boxed number; otherwise as the list of the values.
    ``series()`` is exactly ``pd.Series`` of the list of every value."""

    def __init__(self) -> None:
        self.kind: Optional[type] = None
        self.chunks: list[np.ndarray] = []
        self.values: Optional[list] = None  # the plain list, once a batch is not of one number type

    def extend(self, batch: Sequence) -> None:
        if self.values is None:
            types = set(map(type, batch))
            kind = types.pop() if len(types) == 1 else None
            if kind in _PURE and self.kind in (None, kind):
                try:
                    self.chunks.append(np.array(batch, dtype=_PURE[kind]))
                    self.kind = kind
                    return
                except OverflowError:  # beyond 64 bits: pandas' own inference from the list
                    pass
            self.values = [v for chunk in self.chunks for v in chunk.tolist()]
            self.chunks = []
        self.values.extend(batch)

    def series(self, sqlite_boolean: bool = False) -> pd.Series:
        """The column (``sqlite_boolean``: SQLite's 0/1 as booleans, NULL kept)."""
        if self.values is None and self.chunks:
            numbers, self.chunks = np.concatenate(self.chunks), []
            return pd.Series(numbers.astype(bool) if sqlite_boolean else numbers)
        values, self.values = self.values or [], None
        if sqlite_boolean:
            values = [None if v is None else bool(v) for v in values]
        return pd.Series(values)
