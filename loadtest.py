"""Concurrency load test: N writer processes increment one shared value through the real
save path (values.save_values with optimistic locking), bounded in count and time,
against the configured database only (a local file or a loopback server).

Every writer reads (value, version), saves value + 1 with that version, and on a
conflict reads again. With optimistic locking holding, the final value equals the start
plus the number of successful saves: any difference is a lost update. A "database is
locked" error reaching the writer is counted separately; both must be 0.
"""
from __future__ import annotations

import multiprocessing as mp
import statistics
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from db.engine import make_engine, session_scope
from db.models import Area, Indicator, Measurement
from indicators.reporting import outcomes
from indicators.reporting import values
from indicators.access.permissions import Actor
from indicators.unit_of_work import UnitOfWork

INDICATOR, PERIOD, AREA = "BOS04", "2026Q2", "HELA"


@dataclass
class LoadResult:
    writers: int
    successes: int
    conflicts: int
    locked_errors: int
    other_errors: int
    lost_updates: int
    p50_ms: float
    p95_ms: float
    seconds: float


def _current(engine) -> tuple[float, int] | None:
    with session_scope(engine) as session:
        row = session.execute(
            select(Measurement.value, Measurement.version)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .join(Area, Area.id == Measurement.area_id)
            .where(Indicator.code == INDICATOR, Measurement.period == PERIOD, Measurement.gender == "T",
                   Area.code == AREA)
        ).one_or_none()
        return None if row is None else (float(row.value), int(row.version))


def _ensure_counter(engine, today: date) -> float:
    """The shared value the writers increment; created when the database has none."""
    current = _current(engine)
    if current is None:
        result = values.save_values(UnitOfWork(engine), Actor(email="lasttest", role="admin"), [{
            "indicator": INDICATOR, "period": PERIOD, "gender": "T", "area": AREA, "value": 1000,
            "expected_version": None, "comment": "lasttest"}], today=today)
        assert result.ok, result.errors
        current = _current(engine)
    return current[0]


def _writer(url: str, number: int, writes: int, deadline: float, today: date, out) -> None:
    engine = make_engine(url)
    actor = Actor(email=f"skrivare{number}@exempel.invalid", role="admin")
    latencies, conflicts, locked, other, done = [], 0, 0, 0, 0
    while done < writes and time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            value, version = _current(engine)
            result = values.save_values(UnitOfWork(engine), actor, [{
                "indicator": INDICATOR, "period": PERIOD, "gender": "T", "area": AREA,
                "value": value + 1, "expected_version": version, "comment": "lasttest", "comment_review": "keep",
            }], today=today)
        except OperationalError as exc:
            locked += "locked" in str(exc).lower()
            other += "locked" not in str(exc).lower()
            continue
        if result.ok:
            done += 1
            latencies.append(time.perf_counter() - start)
        elif any(e.kind == outcomes.CONFLICT for e in result.errors):
            conflicts += 1
        else:
            other += 1
    engine.dispose()
    out.put((done, conflicts, locked, other, latencies))


def run_load(url: str, writers: int = 20, writes_each: int = 10, max_seconds: float = 120.0,
             today: date = date(2026, 11, 22)) -> LoadResult:
    engine = make_engine(url)
    start_value = _ensure_counter(engine, today)
    # fork: children build their own engine (make_engine), never the parent's pool.
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    deadline = time.monotonic() + max_seconds
    started = time.perf_counter()
    procs = [ctx.Process(target=_writer, args=(url, i, writes_each, deadline, today, out)) for i in range(writers)]
    for p in procs:
        p.start()
    results = [out.get(timeout=max_seconds + 60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    seconds = time.perf_counter() - started
    final_value, _ = _current(engine)  # type: ignore[misc]
    engine.dispose()
    successes = sum(r[0] for r in results)
    latencies = sorted(x for r in results for x in r[4]) or [0.0]
    return LoadResult(
        writers=writers, successes=successes, conflicts=sum(r[1] for r in results),
        locked_errors=sum(r[2] for r in results), other_errors=sum(r[3] for r in results),
        lost_updates=int(round(start_value + successes - final_value)),
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000,
        seconds=seconds,
    )
