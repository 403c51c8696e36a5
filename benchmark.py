"""`python cli.py bench`: deterministic synthetic load and timings, each beside a floor
measured in the same run (hand-written SQL, raw openpyxl parsing, a bare page), reported
as ratios. Medians of several runs; never used as timed assertions in tests.

Sizes (indicators × quarters × (T/K/M × 9 areas) × municipalities):
  XS  4 × 8 × 27 × 1        (smoke test)
  S   40 × 40 × 27 × 1      one municipality, 43 200 values
  M   40 × 40 × 27 × 13     a county, 561 600 values
  L   40 × 40 × 27 × 290    national, ≈ 12,5 M values (PostgreSQL only)
"""
from __future__ import annotations

import io
import json
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

import benchmark_floors as floors
from bootstrap import initialise
from db.engine import make_engine, session_scope
from db.models import Area, FocusArea, Indicator, IndicatorProgramGoal, Measurement, Organisation, ProgramGoal, Target
from indicators.views import overview
from indicators.access.permissions import Actor
from indicators.rules.periods import Period
from settings import reload_settings
from indicators.unit_of_work import UnitOfWork

SIZES = {"XS": (4, 8, 1), "S": (40, 40, 1), "M": (40, 40, 13), "L": (40, 40, 290)}
BENCH_TODAY = date(2028, 1, 15)  # every generated quarter lies in the past
FIRST_QUARTER = Period(2018, "quarter", 1)


@dataclass
class Figure:
    name: str
    seconds: float
    floor_name: str = ""
    floor_seconds: Optional[float] = None
    note: str = ""
    key: str = ""  # stable, for scripts reading the JSON (overview_cold, focus_data, …)
    extra: dict = field(default_factory=dict)  # e.g. an older floor kept for comparison, peak memory

    @property
    def ratio(self) -> Optional[float]:
        if self.floor_seconds is None:
            return None
        return self.seconds / max(self.floor_seconds, 1e-9)


@dataclass
class Report:
    size: str
    backend: str
    values: int
    figures: list[Figure] = field(default_factory=list)

    def table(self) -> str:
        lines = [f"Storlek {self.size} på {self.backend}: {self.values:,} värden".replace(",", " "),
                 f"{'mått':<34}{'tid (ms)':>12}  {'golv':<30}{'golv (ms)':>12}{'kvot':>8}"]
        for f in self.figures:
            floor_ms = "" if f.floor_seconds is None else f"{f.floor_seconds * 1000:12.1f}"
            ratio = "" if f.ratio is None else f"{f.ratio:8.2f}"
            lines.append(f"{f.name:<34}{f.seconds * 1000:12.1f}  {f.floor_name:<30}{floor_ms:>12}{ratio:>8}")
            if f.note:
                lines.append(f"    {f.note}")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"size": self.size, "backend": self.backend, "values": self.values,
                "figures": [{"key": f.key, "name": f.name, "seconds": f.seconds, "floor": f.floor_name,
                             "floor_seconds": f.floor_seconds, "ratio": f.ratio, "note": f.note, **f.extra}
                            for f in self.figures]}


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- synthetic data -------------------------------------------------------------------

def generate(engine: Engine, size: str) -> int:
    """Catalogue + values for the size; returns the number of values written."""
    n_ind, n_quarters, n_munis = SIZES[size]
    initialise(engine, today=BENCH_TODAY)
    quarters = [FIRST_QUARTER]
    while len(quarters) < n_quarters:
        quarters.append(quarters[-1].next())
    ids, areas = _bench_catalogue(engine, n_munis, n_ind, quarters[0].code)
    return _write_values(engine, ids, quarters, areas)


def _bench_catalogue(engine: Engine, n_boards: int, n_ind: int, baseline: str) -> tuple[list[int], list[int]]:
    """``n_boards`` boards (one per municipality) with ``n_ind`` quarterly indicators each, by
    gender and area; returns the indicator ids and the area ids."""
    with session_scope(engine, write=True) as session:
        areas = [a.id for a in session.execute(select(Area).order_by(Area.sort_order)).scalars()]
        focus = [f.id for f in session.execute(select(FocusArea).order_by(FocusArea.number)).scalars()]
        goals = [g.id for g in session.execute(select(ProgramGoal).order_by(ProgramGoal.number)).scalars()]
        for muni in range(n_boards):
            org = Organisation(code=f"B{muni:03d}", name=f"Bänkkommun {muni:03d}", kind="nämnd")
            session.add(org)
            session.flush()
            for i in range(n_ind):
                ind = Indicator(code=f"B{muni:03d}-{i:03d}", name=f"Bänkindikator {i}", unit="%", periodicity="quarter",
                                direction="higher" if i % 3 else "lower", by_gender=True, by_area=True,
                                responsible_org_id=org.id, focus_area_id=focus[i % len(focus)], valid_min=0, valid_max=100,
                                baseline_period=baseline, baseline_value=50.0)
                session.add(ind)
                session.flush()
                session.add(IndicatorProgramGoal(indicator_id=ind.id, program_goal_id=goals[i % len(goals)]))
                session.add(Target(indicator_id=ind.id, year=2027, value=60.0 if i % 3 else 40.0))
        session.flush()
        ids = [i.id for i in session.execute(select(Indicator).where(Indicator.code.like("B%-%")).order_by(Indicator.id)).scalars()]
    return ids, areas


def _value_rows(ids, quarters, areas):
    rng = random.Random(2018)
    stamp = datetime(2028, 1, 1, tzinfo=timezone.utc)
    for ind in ids:
        for qi, q in enumerate(quarters):
            base = 50 + qi * 0.2
            for area in areas:
                for gender in ("T", "K", "M"):
                    yield (ind, q.code, gender, area, round(base + rng.uniform(-3, 3), 1), rng.randint(3, 900), stamp)


def _write_values(engine: Engine, ids, quarters, areas) -> int:
    columns = ("indicator_id", "period", "gender", "area_id", "value", "count_n", "created_at")
    count = 0
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur:
                with cur.copy(f"COPY measurement ({', '.join(columns)}, updated_at, comment, status, source, version, "
                              "missing_reason, created_by, updated_by) FROM STDIN") as copy:
                    for row in _value_rows(ids, quarters, areas):
                        copy.write_row((*row, row[-1], "", "slutlig", "bench", 1, "", "bench", "bench"))
                        count += 1
            raw.commit()
        finally:
            raw.close()
        return count
    batch = []
    with session_scope(engine, write=True) as session:
        for row in _value_rows(ids, quarters, areas):
            batch.append(dict(zip(columns, row), updated_at=row[-1], status="slutlig", source="bench",
                              created_by="bench", updated_by="bench"))
            if len(batch) == 20_000:
                session.execute(insert(Measurement), batch)
                count += len(batch)
                batch = []
        if batch:
            session.execute(insert(Measurement), batch)
            count += len(batch)
    return count


# --- floors (benchmark_floors.py: the honest ones, each checked against the project) ----

OLD_OVERVIEW_SQL = """
WITH ranked AS (
  SELECT m.indicator_id, m.period, m.value,
         ROW_NUMBER() OVER (PARTITION BY m.indicator_id ORDER BY m.period DESC) AS rn
  FROM measurement m JOIN area a ON a.id = m.area_id
  WHERE a.is_total AND m.gender = 'T' AND m.value IS NOT NULL)
SELECT i.id, i.direction, i.baseline_period, i.baseline_value, r.period, r.value, r.rn,
       (SELECT t.value FROM target t WHERE t.indicator_id = i.id ORDER BY t.year DESC LIMIT 1) AS target_value,
       (SELECT t.year FROM target t WHERE t.indicator_id = i.id ORDER BY t.year DESC LIMIT 1) AS target_year
FROM indicator i LEFT JOIN ranked r ON r.indicator_id = i.id AND r.rn = 1
WHERE i.active
"""


def old_overview_floor(engine: Engine) -> int:
    """The earlier floor (a window over every total), kept as an extra column: it ranks
    every value of the totals where the honest floor seeks two per indicator."""
    return len(floors.raw_rows(engine, OLD_OVERVIEW_SQL))


def overview_figures(engine: Engine, report: Report, runs: int) -> None:
    """The overview's rows (cold) beside the full-row floor; the status-only floor of session 3
    (``old_floor``) and the window-function floor before it (``older_floor``) as extra columns."""
    ours = overview.overview(UnitOfWork(engine))
    floors.check_overview(ours, floors.overview_floor(engine))
    floors.check_status(ours, floors.status_floor(engine))
    report.figures.append(Figure(
        "översikt: data (okachat)", median_time(lambda: overview.overview(UnitOfWork(engine)), runs),
        "indexsökning + regelloop, alla kolumner", median_time(lambda: floors.overview_floor(engine), runs),
        key="overview_cold",
        extra={"old_floor": "indexsökning + statusloop (bara status)",
               "old_floor_seconds": median_time(lambda: floors.status_floor(engine), runs),
               "older_floor": "fönsterfunktion + statusloop",
               "older_floor_seconds": median_time(lambda: old_overview_floor(engine), runs)}))
    version = overview.data_version(UnitOfWork(engine))
    report.figures.append(Figure(
        "översikt: data (cache på dataversion)", median_time(lambda: overview.data_version(UnitOfWork(engine)) == version, runs),
        "indexsökning + regelloop, alla kolumner", report.figures[-1].floor_seconds,
        "bara läsningen av dataversionen: sidan får resten ur st.cache_data", key="overview_cached"))


PAGE_FLOOR = "samma tabeller, 1 fråga/tabell"
OLD_PAGE_FLOOR = "samma värderader, en SQL-fråga"


def page_figures(engine: Engine, report: Report, runs: int, include_focus: bool = True) -> None:
    """Focus-area and indicator page data (cold) beside the floor: every table the page shows
    on its first render read with one plain query each (the value rows alone as old_floor)."""
    from indicators.views.indicator_detail import focus_area_data, indicator_detail

    with session_scope(engine) as session:
        focus = session.execute(select(FocusArea).order_by(FocusArea.number)).scalars().first()
        indicator = session.execute(select(Indicator).where(Indicator.code.like("B%-%")).order_by(Indicator.id)).scalars().first()
        focus_id, focus_code, ind_id, ind_code = focus.id, focus.code, indicator.id, indicator.code
    if include_focus:
        floors.check_page(focus_area_data(UnitOfWork(engine), focus_code), floors.focus_floor(engine, focus_id),
                          "fokusområdessidan")
        report.figures.append(Figure(
            "fokusområdessida: data", median_time(lambda: focus_area_data(UnitOfWork(engine), focus_code), runs),
            PAGE_FLOOR, median_time(lambda: floors.focus_floor(engine, focus_id), runs), key="focus_data",
            extra={"old_floor": OLD_PAGE_FLOOR,
                   "old_floor_seconds": median_time(lambda: floors.focus_values_floor(engine, focus_id), runs)}))
    floors.check_page(indicator_detail(UnitOfWork(engine), ind_code), floors.indicator_floor(engine, ind_id),
                      "indikatorsidan")
    report.figures.append(Figure(
        "indikatorsida: data", median_time(lambda: indicator_detail(UnitOfWork(engine), ind_code), runs),
        PAGE_FLOOR, median_time(lambda: floors.indicator_floor(engine, ind_id), runs), key="indicator_data",
        extra={"old_floor": OLD_PAGE_FLOOR,
               "old_floor_seconds": median_time(lambda: floors.indicator_values_floor(engine, ind_id), runs)}))


BARE_PAGE = """
import plotly.graph_objects as go
import streamlit as st


@st.cache_resource  # as the project serves its built figures
def figure(i):
    return go.Figure(go.Scatter(x=list(range({points})), y=[float(j) for j in range({points})], mode="lines+markers"))


st.title("Bar sida")
for i in range({charts}):
    st.plotly_chart(figure(i), key=f"c{{i}}")
"""


def render_figure(url: str, report: Report, runs: int) -> None:
    """Fokusområden rendered by AppTest (logged in, warm cache) against a bare page with
    the same number of charts and points."""
    import os
    from datetime import datetime as dt

    from streamlit.testing.v1 import AppTest

    from indicators.views.indicator_detail import focus_area_data

    from indicators.access import users
    from indicators.access.permissions import SYSTEM

    os.environ["DATABASE_URL"] = url
    reload_settings()  # the app under AppTest runs in this process and reads the settings
    if users.actor_for_email(UnitOfWork(make_engine(url)), "bench@exempel.invalid") is None:
        users.create_user(UnitOfWork(make_engine(url)), SYSTEM, "bench@exempel.invalid", "viewer")
    root = Path(__file__).resolve().parent
    at = AppTest.from_file(str(root / "app.py"), default_timeout=300)
    at.session_state["actor"] = Actor(email="bench@exempel.invalid", role="viewer")
    at.session_state["logged_in_at"] = dt.now(timezone.utc)
    at.run()
    at.switch_page("pages/fokusomraden.py").run()
    charts = len(at.get("plotly_chart"))
    data = focus_area_data(UnitOfWork(make_engine(url)), at.query_params.get("omrade") or "arbetsmarknad")
    points = max(len(data["values"]) // max(charts, 1), 1) if data else 1
    page_time = median_time(lambda: at.run(), runs)
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_PAGE.format(charts=charts, points=min(points, 200)), encoding="utf-8")
        bare_app = AppTest.from_file(str(bare), default_timeout=300).run()
        bare_time = median_time(lambda: bare_app.run(), runs)
    report.figures.append(Figure("fokusområdessida: rendering (AppTest)", page_time,
                                 f"bar sida med {charts} diagram", bare_time, key="render_fokus_apptest"))


def print_figure(name: str, content: dict, sha256: str, key: str = "") -> Figure:
    """The tagged print PDF alone, laid out again from the frozen content (no cache)."""
    from indicators.annual import print_version

    start = time.perf_counter()
    data = print_version.render_uncached(content, sha256)
    return Figure(name, time.perf_counter() - start, note=f"{len(data) // 1024} kB", key=key)


def run_bench(size: str, url: Optional[str] = None, runs: int = 5,
              extra: Optional[Callable[[Engine, Report, int], None]] = None) -> Report:
    """Generate ``size`` into a fresh database (a temp SQLite file unless ``url``) and measure."""
    tmp = None
    if url is None:
        if size == "L":
            raise ValueError("Storlek L kräver PostgreSQL (--url postgresql+psycopg://…)")
        tmp = tempfile.TemporaryDirectory(prefix="uppfoljning-bench-")
        url = f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    engine = make_engine(url)
    try:
        start = time.perf_counter()
        values = generate(engine, size)
        report = Report(size=size, backend=engine.dialect.name, values=values)
        report.figures.append(Figure("inläsning av syntetiska data", time.perf_counter() - start, key="load_synthetic"))
        overview_figures(engine, report, runs)
        page_figures(engine, report, runs, include_focus=size != "L")
        if size == "L":
            # 2 320 indicators per focus area: a national deployment filters pages by
            # municipality first, so page rendering, import and snapshot are measured at S/M.
            report.figures.append(Figure("fokusområdessida, import, årsuppföljning", 0.0, note="mäts vid S och M",
                                         key="not_at_l"))
        else:
            from benchmark_writes import write_figures

            render_figure(url, report, runs)
            write_figures(engine, report)
            from benchmark_publish import publish_figures
            from benchmark_remind import remind_figures
            report.figures.extend(remind_figures())
            report.figures.extend(publish_figures())
        if extra is not None:
            extra(engine, report, runs)
        return report
    finally:
        engine.dispose()
        if tmp is not None:
            tmp.cleanup()


def temp_demo_url() -> str:
    """A fresh SQLite file with demo data, for the load test when no --url is given."""
    path = Path(tempfile.mkdtemp(prefix="uppfoljning-load-")) / "load.db"
    initialise(make_engine(f"sqlite:///{path}"), demo=True, today=date(2026, 11, 22))
    return f"sqlite:///{path}"


def write_json(reports: list[Report], path: Path, load=None) -> None:
    from dataclasses import asdict

    payload = {"sizes": [r.as_json() for r in reports], "load_test": asdict(load) if load else None}
    Path(path).write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
