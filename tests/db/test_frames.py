"""db/frames.py builds the same tables pandas infers from the rows' Python values (dtypes and
values), only column-wise in vectorised steps: checked on hand-made rows with NULLs, only
NULLs, SQLite's 0/1 and ISO text, and on the read queries the pages use, on both backends."""
from datetime import date, datetime, timezone
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, String, select

from db import queries
from db.engine import session_scope
from db.frames import rows_frame, spread
from db.models import Area, AuditEvent, FocusArea, Indicator, Measurement


def reference(keys, types, rows, sqlite):
    """The table as pandas infers it from each column's list of values (timestamps parsed,
    SQLite's booleans and dates converted) — the meaning of frame()."""
    columns = list(zip(*rows)) if rows else [()] * len(keys)
    out = {}
    for i, (kind, values) in enumerate(zip(types, columns)):
        first = next((v for v in values if v is not None), None)
        kind = getattr(kind, "impl_instance", None) or kind  # a TypeDecorator's own type
        if isinstance(kind, DateTime) and first is not None:
            stamps = [None if v is None else pd.Timestamp(v) for v in values]
            out[i] = pd.Series([pd.NaT if t is None else t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
                                for t in stamps], dtype="datetime64[us, UTC]")
        elif sqlite and isinstance(kind, Boolean):
            out[i] = [None if v is None else bool(v) for v in values]
        elif sqlite and isinstance(kind, Date):
            out[i] = [None if v is None else date.fromisoformat(v) for v in values]
        else:
            out[i] = list(values)
    table = pd.DataFrame(out, columns=range(len(keys)))
    table.columns = keys
    return table


STAMP = "2026-03-01 10:15:00.123456"
TYPES = [Integer(), Integer(), Float(), String(), String(), Boolean(), Boolean(), Date(), DateTime(), DateTime(),
         Numeric(), Integer()]
KEYS = ["n", "n_null", "x", "s", "s_null", "b", "b_null", "d", "ts_text", "ts", "dec", "none"]
ROWS_SQLITE = [
    (1, 5, 1.5, "a", "x", 1, 1, "2026-01-02", STAMP, datetime(2026, 1, 1, 12, tzinfo=timezone.utc), Decimal("1.5"), None),
    (2, None, None, "b", None, 0, None, None, None, datetime(2026, 1, 1, 12), Decimal("2"), None),
    (3, 7, 2.25, "a", "y", 1, 0, "2026-01-02", STAMP, None, None, None),
]


@pytest.mark.parametrize("sqlite", [True, False])
def test_rows_become_the_table_pandas_infers(sqlite):
    rows = ROWS_SQLITE if sqlite else [tuple(bool(v) if KEYS[i] in ("b", "b_null") and v is not None else v
                                             for i, v in enumerate(r)) for r in ROWS_SQLITE]
    ours = rows_frame(KEYS, TYPES, rows, sqlite)
    pd.testing.assert_frame_equal(ours, reference(KEYS, TYPES, rows, sqlite))
    assert str(ours["n"].dtype) == "int64" and str(ours["n_null"].dtype) == "float64"
    assert str(ours["s_null"].dtype) == "str" and ours["s_null"].isna().tolist() == [False, True, False]
    assert str(ours["ts_text"].dtype) == "datetime64[us, UTC]" and ours["ts_text"].isna().tolist() == [False, True, False]
    assert ours["ts"].tolist()[:2] == [pd.Timestamp("2026-01-01 12:00", tz="UTC")] * 2 and ours["ts"].isna().tolist()[2]
    assert ours["b"].tolist() == [True, False, True] and (ours["d"].tolist()[1] is None or not sqlite)


def test_no_rows_give_the_columns_and_no_values():
    ours = rows_frame(KEYS, TYPES, [], True)
    pd.testing.assert_frame_equal(ours, reference(KEYS, TYPES, [], True))
    assert list(ours.columns) == KEYS and ours.empty


def _frames(session):
    focus = session.execute(select(FocusArea).order_by(FocusArea.number)).scalars().first()
    ids = [i.id for i in session.execute(select(Indicator).where(Indicator.focus_area_id == focus.id)).scalars()]
    return {
        "indicators": (queries.indicators, ()),
        "actions": (queries.actions, ()),
        "comparisons": (queries.comparison_values, (ids,)),
        "history": (queries.measurement_history, (ids[0],)),
        "meetings": (queries.meetings, ()),
        "measurement_times": (queries.measurement_times, ()),
    }


def test_read_queries_give_the_table_pandas_infers(demo_engine, monkeypatch):
    """The page queries on the demo data, against the same driver rows built the plain way:
    the same dtypes and values on both backends."""
    sqlite = demo_engine.dialect.name == "sqlite"
    seen = []

    def keep(keys, types, rows, is_sqlite):
        seen.append((keys, types, list(rows)))
        return rows_frame(keys, types, rows, is_sqlite)

    monkeypatch.setattr(queries, "rows_frame", keep)
    with session_scope(demo_engine) as session:
        for name, (fn, args) in _frames(session).items():
            seen.clear()
            ours = fn(session, *args)
            keys, types, rows = seen[0]
            assert rows or name == "history", f"{name}: the demo data should give rows"
            pd.testing.assert_frame_equal(ours, reference(keys, types, rows, sqlite), obj=name)


def test_measurements_are_the_rows_of_the_joined_query(demo_engine):
    """The value rows read without joins, with area columns and unit spread by index: the
    same table as one query joining area and indicator, built the plain way."""
    joined = (select(Measurement.id, Measurement.indicator_id, Measurement.period, Measurement.gender,
                     Measurement.area_id, Area.code.label("area_code"), Area.name.label("area_name"),
                     Area.is_total, Area.sort_order, Measurement.value, Measurement.count_n,
                     Measurement.missing_reason, Measurement.comment, Measurement.status,
                     Measurement.source, Measurement.version, Measurement.updated_by, Measurement.updated_at,
                     Indicator.unit)
              .join(Area, Area.id == Measurement.area_id).join(Indicator, Indicator.id == Measurement.indicator_id))
    sqlite = demo_engine.dialect.name == "sqlite"
    with session_scope(demo_engine) as session:
        all_ids = [i.id for i in session.execute(select(Indicator).order_by(Indicator.id)).scalars()]
        for ids in (all_ids[:1], all_ids[3:5], all_ids, [-1]):
            stmt = joined.where(Measurement.indicator_id.in_(ids)).order_by(Measurement.id)
            result = session.connection().execute(stmt)
            plain = reference(list(result.keys()), [c.type for c in stmt.selected_columns], result.fetchall(), sqlite)
            ours = queries.measurements(session, ids).sort_values("id").reset_index(drop=True)
            pd.testing.assert_frame_equal(ours, plain, obj=f"measurements {ids}")
            units = dict(session.execute(select(Indicator.id, Indicator.unit)).all())
            given = queries.measurements(session, ids, units=units).sort_values("id").reset_index(drop=True)
            pd.testing.assert_frame_equal(given, plain, obj=f"measurements {ids}, units given")
        assert len(queries.measurements(session, all_ids)) > 1000 and queries.measurements(session, [-1]).empty


def test_spreading_refuses_an_id_without_a_row():
    assert spread([3, 1], [np.array([30, 10])], [1, 3, 3])[0].tolist() == [10, 30, 30]
    with pytest.raises(ValueError):
        spread([3, 1], [np.array([30, 10])], [1, 2])
    with pytest.raises(ValueError):
        spread([3, 1], [np.array([30, 10])], [4])


def test_one_indicators_tables_on_the_driver_cursor_are_the_sqlalchemy_ones(demo_engine):
    """Indikatorer's tables read with statements compiled once on the driver cursor equal the
    same reads through SQLAlchemy (its result processing: booleans, timestamps), per indicator."""
    from sqlmodel import Session

    with demo_engine.connect() as connection, connection.begin() as transaction, Session(bind=connection) as session:
        inds = session.execute(select(Indicator.id, Indicator.code).order_by(Indicator.id)).all()
        value = session.execute(select(Measurement).order_by(Measurement.id)).scalars().first()
        session.add_all([  # a value's history and a definition change (rolled back below)
            AuditEvent(user_email="a@example.se", action="update", entity="measurement", entity_id=str(value.id),
                       field="value", old="1", new="2", reason="rättelse"),
            AuditEvent(user_email="a@example.se", action="update", entity="indicator", entity_id=str(inds[0][0]),
                       field="unit", old="%", new="antal")])
        session.flush()
        seen = {"targets": 0, "comparisons": 0, "history": 0, "changes": 0}
        for ind_id, code in inds:
            stmt = queries._indicator_by_code()
            plain = dict(session.connection().execute(stmt, {"code": code}).one()._mapping)
            ours = queries.indicator_row(session, code)
            assert ours == plain and [type(v) for v in ours.values()] == [type(v) for v in plain.values()], code
            pairs = {
                "targets": (queries.targets(session, ind_id),
                            queries.frame(session, queries._targets_stmt("one"), {"ind": ind_id})),
                "comparisons": (queries.comparison_values(session, [ind_id]),
                                queries.comparison_values(session, [ind_id, -1])),
                "history": (queries.measurement_history(session, ind_id),
                            queries.frame(session, queries._history_stmt(), {"ind": ind_id})),
                "changes": (queries.definition_changes(session, [ind_id]),
                            queries.definition_changes(session, [ind_id, -1])),
            }
            for name, (one, reference_table) in pairs.items():
                if name == "comparisons" and len(one):  # no ORDER BY: the chart sorts them
                    one, reference_table = (t.sort_values(["period", "unit_code", "gender"]).reset_index(drop=True)
                                            for t in (one, reference_table))
                pd.testing.assert_frame_equal(one, reference_table, obj=f"{name} {code}")
                seen[name] += len(one)
        assert queries.indicator_row(session, "FINNS-INTE") is None
        transaction.rollback()
    assert all(seen.values()), seen  # the demo data exercises every table with rows


from hypothesis import given, settings, strategies as st  # noqa: E402

from db.frames import Accumulated  # noqa: E402

_NUMBERS = st.one_of(st.integers(-2**70, 2**70), st.integers(0, 900), st.floats(allow_nan=False), st.booleans(),
                     st.none())


@st.composite
def _batches(draw):
    """A column's driver values in batches: often of one number type, sometimes mixed, NULL or huge."""
    kind = draw(st.sampled_from([st.integers(0, 900), st.floats(-1e6, 1e6), st.booleans(), st.integers(0, 1), _NUMBERS]))
    batches = draw(st.lists(st.lists(kind, min_size=1, max_size=6), min_size=0, max_size=5))
    if batches and draw(st.booleans()):
        batches.insert(draw(st.integers(0, len(batches))), draw(st.lists(_NUMBERS, min_size=1, max_size=4)))
    return [tuple(b) for b in batches]


@settings(max_examples=400, deadline=None)
@given(_batches(), st.booleans())
def test_accumulated_batches_are_the_series_of_all_values(batches, sqlite_boolean):
    column = Accumulated()
    for batch in batches:
        column.extend(batch)
    values = [v for batch in batches for v in batch]
    if sqlite_boolean:
        values = [None if v is None else bool(v) for v in values]
    pd.testing.assert_series_equal(column.series(sqlite_boolean), pd.Series(values), check_exact=True)


def test_accumulated_keeps_numbers_as_numpy_chunks_until_a_batch_is_mixed():
    column = Accumulated()
    column.extend((1, 2))
    column.extend((3,))
    assert column.values is None and [c.dtype for c in column.chunks] == [np.int64, np.int64]
    column.extend((4.5,))  # another number type: the plain list from here on
    assert column.values == [1, 2, 3, 4.5] and column.chunks == []
    assert column.series().tolist() == [1.0, 2.0, 3.0, 4.5]
