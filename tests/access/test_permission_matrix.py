"""Every write function × every role, at the service layer: allowed or refused (and the
refusal audited), whatever the UI shows or hides."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db import crud
from db.engine import session_scope
from db.models import AuditEvent, Organisation
from indicators.catalogue import actions
from indicators.catalogue import structure
from indicators.meetings import records as meeting_records
from indicators.reporting import file_import
from indicators.annual import snapshot
from indicators.access import users
from indicators.reporting import locks
from indicators.reporting import outcomes
from indicators.reporting import values
from indicators.access.permissions import Actor, PermissionDenied
from indicators.sources import kolada_import
from tests.utils.demo import DEMO_TODAY
from indicators.unit_of_work import UnitOfWork

ROLES = ["admin", "official_own", "official_other", "viewer"]


def actor_for(role: str, engine) -> Actor:
    with session_scope(engine) as session:
        sn = crud.by_code(session, Organisation, "SN").id
        bn = crud.by_code(session, Organisation, "BN").id
    return {
        "admin": Actor(email="a@test.invalid", role="admin"),
        "official_own": Actor(email="o@test.invalid", role="official", org_ids=frozenset({sn})),
        "official_other": Actor(email="b@test.invalid", role="official", org_ids=frozenset({bn})),
        "viewer": Actor(email="v@test.invalid", role="viewer"),
    }[role]


# BOS04 (antal per kvartal) belongs to SN: "own" for the SN official, "other" for the BN official.
def save_value(actor, engine):
    result = values.save_values(UnitOfWork(engine), actor, [{"indicator": "BOS04", "period": "2026Q3", "gender": "T", "area": "HELA",
                                         "value": "880", "comment": "matris", "expected_version": outcomes.OVERWRITE}], today=DEMO_TODAY)
    if any(e.kind == outcomes.DENIED for e in result.errors):
        raise PermissionDenied("refused")
    assert result.ok, result.errors


def import_values(actor, engine):
    data = "indikator;period;kön;område;värde;kommentar\nBOS04;2026Q2;T;Hela kommunen;881;matris\n".encode("utf-8-sig")
    _, result = file_import.import_file(UnitOfWork(engine), actor, "v.csv", data, today=DEMO_TODAY)
    if any(e.kind == outcomes.DENIED for e in result.errors):
        raise PermissionDenied("refused")
    assert result.ok, result.errors


def create_action(actor, engine):
    actions.create_action(UnitOfWork(engine), actor, actions.ActionData(
        name="Matrisinsats", focus_area="bostad", program_goals=[2], organisations=["SN"]))


def create_meeting(actor, engine):
    meeting_records.create_meeting(UnitOfWork(engine), actor, meeting_records.MeetingData(date=date(2026, 12, 1), kind="extra"))


def lock_period(actor, engine):
    locks.lock_period(UnitOfWork(engine), actor, "2019", "matris")


def manage_users(actor, engine):
    users.create_user(UnitOfWork(engine), actor, "ny@test.invalid", "viewer")


def make_snapshot(actor, engine):
    snapshot.create_snapshot(UnitOfWork(engine), actor, 2024, snapshot_date=date(2025, 3, 1))


def fetch_statistics(actor, engine):
    page = {"values": [{"kpi": "N00914", "municipality": "0583", "period": 2024,
                        "values": [{"gender": "T", "value": 77.0, "count": 1, "status": ""}]}], "next_url": None}
    kolada_import.import_pages(UnitOfWork(engine), actor, [page])


def edit_structure(actor, engine):
    structure.create_area(UnitOfWork(engine), actor, code="A99", name="Nytt område")


WRITES = {
    save_value: {"admin", "official_own"},
    import_values: {"admin", "official_own"},
    create_action: {"admin", "official_own"},
    create_meeting: {"admin"},
    lock_period: {"admin"},
    manage_users: {"admin"},
    make_snapshot: {"admin"},
    fetch_statistics: {"admin"},
    edit_structure: {"admin"},
}


def refusal_count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "refused")).scalar_one()


@pytest.mark.parametrize("write", list(WRITES), ids=lambda f: f.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(demo_engine, write, role):
    actor = actor_for(role, demo_engine)
    before = refusal_count(demo_engine)
    if role in WRITES[write]:
        write(actor, demo_engine)
        assert refusal_count(demo_engine) == before
    else:
        with pytest.raises(PermissionDenied):
            write(actor, demo_engine)
        assert refusal_count(demo_engine) > before
