"""Reporting rounds: expected cells, Klarmarkera, Godkänn (locks the board's values),
Återöppna (unlocks), completeness and timeliness arithmetic, and the e-mail outbox against
a real SMTP server on loopback (tests/utils/smtp.py)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, func, select

from db.engine import session_scope
from db.models import AuditEvent, Measurement, OutboxMessage
from errors import Conflict, Invalid
from indicators.access import users
from indicators.access.permissions import SYSTEM, PermissionDenied
from indicators.reporting import reminders, rounds, values
from indicators.reporting.context import load_context
from indicators.reporting.rounds import BoardProgress
from indicators.rules import periods
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN, official
from tests.utils.demo import DEMO_TODAY
from tests.utils.measurements import org_id

PERIOD = "2026Q3"


def board(org_code: str, expected: int, present: int, first: datetime | None = None) -> BoardProgress:
    return BoardProgress(0, org_code, org_code, expected, present, [], first_submitted_at=first)


# --- arithmetic on hand-made cases ------------------------------------------------------------

def test_completeness_and_timeliness_on_hand_made_boards():
    due = date(2026, 10, 30)
    on_time_late_evening = datetime(2026, 10, 30, 21, 30, tzinfo=timezone.utc)  # 22:30 in Stockholm: still the 30th
    too_late = datetime(2026, 10, 30, 23, 30, tzinfo=timezone.utc)  # 00:30 on the 31st in Stockholm
    boards = [board("A", 10, 10, on_time_late_evening), board("B", 30, 15, too_late), board("C", 0, 0)]
    assert boards[0].completeness == 1.0 and boards[1].completeness == 0.5 and boards[2].completeness == 1.0
    assert rounds.completeness(boards) == pytest.approx(25 / 40)
    assert rounds.on_time(on_time_late_evening, due) and not rounds.on_time(too_late, due)
    assert rounds.timeliness(boards, due) == pytest.approx(1 / 3)
    assert rounds.completeness([]) == 1.0 and rounds.timeliness([], due) == 1.0


def test_default_due_date_is_configurable(monkeypatch):
    from settings import reload_settings

    assert rounds.default_due_date("2026Q3") == date(2026, 10, 30)
    monkeypatch.setenv("UPPFOLJNING_ROUND_DUE_DAYS", "10")
    reload_settings()
    assert rounds.default_due_date("2026Q3") == date(2026, 10, 10)


# --- the round on the demo data -------------------------------------------------------------

def remove_board_values(engine, org_code: str, count: int = 1) -> list[tuple[str, str, str, str]]:
    """Delete the stored values of the first ``count`` expected cells of a board; returns
    their (indicator code, period, gender, area code)."""
    with session_scope(engine, write=True) as session:
        ctx = load_context(session)
        cells = rounds.expected_cells(session, ctx, periods.period_from_code(PERIOD))[org_id(engine, org_code)][:count]
        for ind, due, gender, area in cells:
            session.execute(delete(Measurement).where(
                Measurement.indicator_id == ind.id, Measurement.period == due.code, Measurement.gender == gender,
                Measurement.area_id == area.id))
    return [(ind.code, due.code, gender, area.code) for ind, due, gender, area in cells]


def test_open_round_expects_cells_per_board_from_the_catalogue(demo_engine):
    uow = UnitOfWork(demo_engine)
    status = rounds.open_round(uow, ADMIN, "2026 kv 3", today=DEMO_TODAY)
    assert status.period == PERIOD and status.due_date == date(2026, 10, 30)
    assert [b.org_code for b in status.boards] == ["BN", "KS", "SBN", "SN", "TSN", "VAN"]
    assert all(b.expected > 0 and b.present == b.expected for b in status.boards)
    with pytest.raises(Conflict):
        rounds.open_round(uow, ADMIN, PERIOD, today=DEMO_TODAY)
    with pytest.raises(Invalid):
        rounds.open_round(uow, ADMIN, "2026Q4", today=DEMO_TODAY)  # not ended yet
    with pytest.raises(PermissionDenied):
        rounds.open_round(uow, official(org_id(demo_engine, "SN")), "2026Q2", today=DEMO_TODAY)
    removed = remove_board_values(demo_engine, "SN", 2)
    sn = rounds.round_status(uow, PERIOD).board("SN")
    assert sn.present == sn.expected - 2 and len(sn.missing) == 2 and removed[0][0] in sn.missing[0]


def test_submit_approve_lock_and_reopen(demo_engine):
    uow = UnitOfWork(demo_engine)
    sn = org_id(demo_engine, "SN")
    rounds.open_round(uow, ADMIN, PERIOD, today=DEMO_TODAY)
    [(code, period, gender, area)] = remove_board_values(demo_engine, "SN", 1)
    with pytest.raises(Invalid) as refused:
        rounds.submit(uow, official(sn), PERIOD, "SN")
    assert "1 av" in refused.value.message and code in str(refused.value.problems[0])
    with pytest.raises(PermissionDenied):
        rounds.submit(uow, official(org_id(demo_engine, "BN")), PERIOD, "SN")
    cell = {"indicator": code, "period": period, "gender": gender, "area": area}
    saved = values.save_values(uow, official(sn), [{**cell, "value": "12,5", "comment": "ny uppgift"}], today=DEMO_TODAY)
    assert saved.ok, saved.errors
    with pytest.raises(Conflict):
        rounds.approve(uow, ADMIN, PERIOD, "SN")  # not submitted yet
    status = rounds.submit(uow, official(sn), PERIOD, "SN")
    assert status.board("SN").state == "submitted" and status.board("SN").first_submitted_at is not None
    rounds.approve(uow, ADMIN, PERIOD, "SN")
    change = [{**cell, "value": "13,5", "comment": "rättelse", "expected_version": 1}]
    locked = values.save_values(uow, official(sn), change, today=DEMO_TODAY)
    assert not locked.ok and "godkänd" in str(locked.errors[0])
    assert not values.save_values(uow, ADMIN, change, today=DEMO_TODAY).ok  # an admin needs a reason
    with pytest.raises(Invalid):
        rounds.reopen(uow, ADMIN, PERIOD, "SN", "  ")
    rounds.reopen(uow, ADMIN, PERIOD, "SN", "rättelse från förvaltningen")
    assert values.save_values(uow, official(sn), change, today=DEMO_TODAY).ok
    with session_scope(demo_engine) as session:
        actions = session.execute(select(AuditEvent.action, AuditEvent.reason)
                                  .where(AuditEvent.entity == "board_submission")).all()
    assert [a for a, _ in actions] == ["refused", "submit", "approve", "reopen"]  # BN's attempt is audited too
    assert actions[-1].reason == "rättelse från förvaltningen"


def test_a_value_reported_missing_with_a_reason_counts_and_the_board_can_submit(demo_engine):
    uow = UnitOfWork(demo_engine)
    sn = org_id(demo_engine, "SN")
    rounds.open_round(uow, ADMIN, PERIOD, today=DEMO_TODAY)
    [(code, period, gender, area)] = remove_board_values(demo_engine, "SN", 1)
    cell = {"indicator": code, "period": period, "gender": gender, "area": area}
    without_reason = values.save_values(uow, official(sn), [{**cell, "value": ""}], today=DEMO_TODAY)
    assert not without_reason.ok and "värdet saknas" in str(without_reason.errors[0])
    saved = values.save_values(uow, official(sn), [{**cell, "value": "", "missing_reason": "Enkäten gjordes inte"}],
                               today=DEMO_TODAY)
    assert saved.ok, saved.errors
    with session_scope(demo_engine) as session:
        row = session.execute(select(Measurement).where(
            Measurement.period == period, Measurement.gender == gender,
            Measurement.missing_reason == "Enkäten gjordes inte")).scalars().first()
    assert row is not None and row.value is None and row.missing_reason == "Enkäten gjordes inte"
    assert rounds.round_status(uow, PERIOD).board("SN").present == rounds.round_status(uow, PERIOD).board("SN").expected
    assert rounds.submit(uow, official(sn), PERIOD, "SN").board("SN").state == "submitted"
    again = values.save_values(uow, official(sn), [{**cell, "value": "", "missing_reason": "Enkäten gjordes inte",
                                                    "expected_version": row.version}], today=DEMO_TODAY)
    assert again.ok and again.counts()["oförändrad"] == 1


# --- e-mail -----------------------------------------------------------------------------------

def add_official(engine, email: str, org: str) -> None:
    users.create_user(UnitOfWork(engine), SYSTEM, email, "official", orgs=[org], password="Lösenord-för-test-1")


def outbox_states(engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return sorted(session.execute(select(OutboxMessage.kind, OutboxMessage.state)).all())


def test_remind_delivers_once_with_what_is_missing(demo_engine, smtp_server):
    uow = UnitOfWork(demo_engine)
    add_official(demo_engine, "sn.rapportor@exempel.invalid", "SN")
    add_official(demo_engine, "bn.rapportor@exempel.invalid", "BN")
    rounds.open_round(uow, ADMIN, PERIOD, due_date=date(2026, 11, 25), today=DEMO_TODAY)
    [(code, *_)] = remove_board_values(demo_engine, "SN", 1)
    dry = reminders.remind(uow, today=DEMO_TODAY, dry_run=True)
    assert [m.kind for m in dry.queued] == ["invitation", "reminder"] and smtp_server.messages == []
    assert outbox_states(demo_engine) == []
    report = reminders.remind(uow, today=DEMO_TODAY)
    assert report.sent == 2 and report.failed == 0
    got = {m["subject"]: m for m in smtp_server.messages}
    assert all(m["to"] == ["sn.rapportor@exempel.invalid"] for m in got.values())  # BN has nothing missing
    invitation = got["Rapportera 2026 kv 3: SN"]
    assert code in invitation["body"] and "2026-11-25" in invitation["body"]
    assert "http://uppfoljning.exempel.invalid/rapportera" in invitation["body"]
    assert "Påminnelse: rapportera 2026 kv 3 senast 2026-11-25" in got
    again = reminders.remind(uow, today=DEMO_TODAY)
    assert again.queued == [] and again.sent == 0 and len(smtp_server.messages) == 2
    reminders.remind(uow, today=date(2026, 11, 26))  # after the due date: one overdue notice
    assert [m["subject"] for m in smtp_server.messages][-1] == "Försenad rapportering 2026 kv 3: SN"
    reminders.remind(uow, today=date(2026, 11, 27))
    assert len(smtp_server.messages) == 3


def test_smtp_down_loses_nothing_and_the_next_run_delivers(demo_engine, smtp_server):
    uow = UnitOfWork(demo_engine)
    add_official(demo_engine, "sn.rapportor@exempel.invalid", "SN")
    rounds.open_round(uow, ADMIN, PERIOD, today=DEMO_TODAY)
    smtp_server.stop()
    down = reminders.remind(uow, today=DEMO_TODAY)
    assert [m.kind for m in down.queued] == [] and down.sent == 0  # nothing missing: nothing to say
    remove_board_values(demo_engine, "SN", 1)
    down = reminders.remind(uow, today=DEMO_TODAY)
    assert down.failed == 2 and down.sent == 0 and down.pending == 2 and "ConnectionRefusedError" in down.errors[0]
    frame = reminders.outbox(uow)
    assert set(frame["Status"]) == {"väntar på att skickas"} and frame["Senaste fel"].str.contains("Connection").all()
    smtp_server.start()
    up = reminders.remind(uow, today=DEMO_TODAY)
    assert up.queued == [] and up.sent == 2 and up.pending == 0
    assert sorted(m["subject"].split(":")[0] for m in smtp_server.messages) == ["Försenad rapportering 2026 kv 3",
                                                                               "Rapportera 2026 kv 3"]
    assert outbox_states(demo_engine) == [("invitation", "sent"), ("overdue", "sent")]


def test_approval_sends_a_confirmation(demo_engine, smtp_server):
    uow = UnitOfWork(demo_engine)
    add_official(demo_engine, "tsn.rapportor@exempel.invalid", "TSN")
    rounds.open_round(uow, ADMIN, PERIOD, due_date=date(2026, 12, 31), today=DEMO_TODAY)
    rounds.submit(uow, official(org_id(demo_engine, "TSN")), PERIOD, "TSN")
    rounds.approve(uow, ADMIN, PERIOD, "TSN")
    reminders.remind(uow, today=DEMO_TODAY)
    reminders.remind(uow, today=DEMO_TODAY)
    assert [(m["to"], m["subject"]) for m in smtp_server.messages] == [
        (["tsn.rapportor@exempel.invalid"], "Godkänt: TSN 2026 kv 3")]
    with session_scope(demo_engine) as session:
        assert session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 1


def test_cli_remind_dry_run_writes_nothing_then_sends(demo_engine, db_url, smtp_server):
    import os
    import subprocess
    import sys

    from tests.utils.paths import ROOT

    def cli(*args):
        env = {**os.environ, "DATABASE_URL": db_url}
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), "remind", *args], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=120)

    add_official(demo_engine, "sn.rapportor@exempel.invalid", "SN")
    rounds.open_round(UnitOfWork(demo_engine), ADMIN, PERIOD, today=DEMO_TODAY)
    remove_board_values(demo_engine, "SN", 1)
    dry = cli("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "2 nya meddelanden skulle köas" in dry.stdout and "inbjudan till sn.rapportor@exempel.invalid" in dry.stdout
    assert outbox_states(demo_engine) == [] and smtp_server.messages == []
    sent = cli()
    assert sent.returncode == 0 and "2 skickade, 0 misslyckades" in sent.stdout and len(smtp_server.messages) == 2
    assert "0 nya meddelanden köade" in cli().stdout and len(smtp_server.messages) == 2
