"""The unit of work: services join the caller's open transaction, a refusal is audited
even though the refused work rolls back, and a write may not join a read."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Action, AuditEvent
from indicators.access.permissions import PermissionDenied
from indicators.catalogue import actions
from indicators.catalogue.actions import ActionData
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN, official


def _count(engine, model) -> int:
    with UnitOfWork(engine).read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _refusals(engine) -> int:
    with UnitOfWork(engine).read() as session:
        stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "refused")
        return session.execute(stmt).scalar_one()


def _action(**changes) -> ActionData:
    base = dict(name="Läxhjälp", focus_area="skola", program_goals=[1], organisations=["BN"])
    return ActionData(**{**base, **changes})


def test_a_service_joins_the_callers_transaction_and_rolls_back_with_it(engine):
    uow = UnitOfWork(engine)
    before = _count(engine, Action)
    with pytest.raises(RuntimeError, match="avbrutet"):
        with uow.write():
            actions.create_action(uow, ADMIN, _action())
            assert uow.in_transaction
            raise RuntimeError("avbrutet av anroparen")
    assert _count(engine, Action) == before  # the service's insert went with the caller's rollback


def test_a_refusal_inside_a_transaction_is_audited_after_the_rollback(engine):
    uow = UnitOfWork(engine)
    before = _refusals(engine)
    clerk = official(999)  # no organisation of the action
    with pytest.raises(PermissionDenied):
        actions.create_action(uow, clerk, _action())
    assert _refusals(engine) == before + 1
    assert not uow.in_transaction


def test_a_write_may_not_join_a_read(engine):
    uow = UnitOfWork(engine)
    with uow.read():
        with pytest.raises(RuntimeError, match="cannot join a read"):
            with uow.write():
                pass
