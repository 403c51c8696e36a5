"""`cli.py bench`: the `remind` figure for 7 boards × 40 indicators (by gender and area: 1 080
expected cells per board), one official per board and one missing value per board, on a fresh
SQLite database. The first run plans, queues and sends 14 messages (invitation and reminder per
board) to a real SMTP server on loopback (aiosmtpd, a test dependency) when it is installed;
the second run finds nothing new (the hourly cron case). Budget: under 2 s."""
from __future__ import annotations

import socket
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import delete, update

from benchmark import BENCH_TODAY, Figure, _bench_catalogue, _write_values
from bootstrap import initialise
from db.engine import make_engine, session_scope
from db.models import Indicator, Measurement, User, UserOrganisation
from indicators.access.permissions import Actor
from indicators.reporting import reminders, rounds
from indicators.rules.periods import Period
from indicators.unit_of_work import UnitOfWork
from settings import Settings

BOARDS, INDICATORS = 7, 40
ROUND = Period(2027, "quarter", 4)


def _prepare(engine) -> None:
    initialise(engine, today=BENCH_TODAY)
    ids, areas = _bench_catalogue(engine, BOARDS, INDICATORS, ROUND.code)
    _write_values(engine, ids, [ROUND], areas)
    with session_scope(engine, write=True) as session:
        session.execute(update(Indicator).where(Indicator.code.not_like("B%-%")).values(active=False))
        for board in range(BOARDS):
            first = ids[board * INDICATORS]
            session.execute(delete(Measurement).where(Measurement.indicator_id == first, Measurement.gender == "K"))
            user = User(email=f"rapportor{board}@exempel.invalid", role="official")
            session.add(user)
            session.flush()
            org_id = session.get(Indicator, first).responsible_org_id
            session.add(UserOrganisation(user_id=user.id, organisation_id=org_id))
    rounds.open_round(UnitOfWork(engine), Actor(email="bench", role="admin"), ROUND.code,
                      due_date=date(2028, 1, 20), today=BENCH_TODAY)


def remind_figures() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="uppfoljning-remind-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'remind.db'}")
        server = None
        try:
            _prepare(engine)
            try:
                from aiosmtpd.controller import Controller
                from aiosmtpd.handlers import Sink
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", 0))
                    port = probe.getsockname()[1]
                server = Controller(Sink(), hostname="127.0.0.1", port=port)
                server.start()
                settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
                how = "skickade till SMTP-server på loopback"
            except ImportError:
                settings = Settings(smtp_host="")
                how = "köade (aiosmtpd saknas: inget skickat)"
            uow = UnitOfWork(engine)
            start = time.perf_counter()
            first = reminders.remind(uow, today=BENCH_TODAY, settings=settings)
            first_s = time.perf_counter() - start
            start = time.perf_counter()
            second = reminders.remind(uow, today=BENCH_TODAY, settings=settings)
            second_s = time.perf_counter() - start
        finally:
            if server is not None:
                server.stop()
            engine.dispose()
    note = f"{len(first.queued)} meddelanden, {first.sent} {how}; budget < 2 s"
    return [Figure(f"remind: {BOARDS} nämnder × {INDICATORS} indikatorer, första körningen", first_s, note=note, key="remind_first"),
            Figure("remind: andra körningen (inget nytt)", second_s,
                   note=f"{len(second.queued)} nya, {second.sent} skickade; budget < 2 s", key="remind_second")]
