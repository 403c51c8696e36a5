"""Two officials saving the same new value at the same time: the second gets the same
conflict an edit gets (both values shown), never a silent replacement of the first one's
comment; on both backends."""
from __future__ import annotations

from datetime import date

from indicators.reporting import outcomes, values
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN
from tests.utils.measurements import dump, stored

TODAY = date(2026, 11, 23)
FIRST = {"indicator": "ARB05", "period": "2018Q1", "value": "25", "comment": "från första"}


def test_the_same_new_value_with_another_comment_is_a_conflict(engine):
    assert values.save_values(UnitOfWork(engine), ADMIN, [FIRST], TODAY).ok
    before = dump(engine)
    second = values.save_values(UnitOfWork(engine), ADMIN, [{**FIRST, "comment": "från andra"}], TODAY)
    assert [e.kind for e in second.errors] == [outcomes.CONFLICT]
    assert "till 25 sedan du läste det (ditt värde: 25)" in str(second.errors[0])
    assert dump(engine) == before and stored(engine, "ARB05", "2018Q1").comment == "från första"


def test_an_insert_that_loses_the_race_gets_the_edit_conflict(engine, monkeypatch):
    """The second writer read before the first committed: its insert hits the unique key,
    and the save checks again instead of answering with a bare error."""
    assert values.save_values(UnitOfWork(engine), ADMIN, [FIRST], TODAY).ok
    before = dump(engine)
    real = values._locked_rows
    calls = []

    def read_before_the_first_committed(session, pairs):
        calls.append(pairs)
        return {} if len(calls) == 1 else real(session, pairs)

    monkeypatch.setattr(values, "_locked_rows", read_before_the_first_committed)
    second = values.save_values(UnitOfWork(engine), ADMIN, [{**FIRST, "value": "26", "comment": "från andra"}], TODAY)
    assert len(calls) == 2
    assert [str(e) for e in second.errors] == [
        "Rad 1, värde: Värdet har ändrats av admin@test.invalid till 25 sedan du läste det (ditt värde: 26)"]
    assert not second.written and dump(engine) == before
