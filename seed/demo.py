"""Deterministic synthetic demo data ("Exempeldata"): values, comparison series, actions
and two past meetings. Nothing here describes real people or real measurements.

The same catalogue and the same ``today`` always give the same rows (fixed seeds derived
from indicator codes), and a database that already holds demo data is left as it is.
"""
from __future__ import annotations

import random
import zlib
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlmodel import Session

from db import crud
from db.models import (
    Action,
    ActionIndicator,
    ActionOrganisation,
    ActionProgramGoal,
    Area,
    ComparisonUnit,
    ComparisonValue,
    FocusArea,
    FocusAreaAssessment,
    Indicator,
    Measurement,
    Meeting,
    MeetingAttendee,
    MeetingDistribution,
    Organisation,
    Program,
    ProgramGoal,
    Target,
)

DEMO_USER = "exempeldata"
FIRST_YEAR = 2018
ELECTION_YEARS = (2018, 2022, 2026)


def completed_periods(periodicity: str, first_year: int, today: date) -> list[str]:
    """Canonical periods from ``first_year`` whose last day is before ``today``."""
    periods = []
    for year in range(first_year, today.year + 1):
        if periodicity == "year":
            parts = [(str(year), date(year, 12, 31))]
        elif periodicity == "halfyear":
            parts = [(f"{year}H1", date(year, 6, 30)), (f"{year}H2", date(year, 12, 31))]
        else:
            ends = [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]
            parts = [(f"{year}Q{q}", end) for q, end in enumerate(ends, start=1)]
        periods += [p for p, end in parts if end < today]
    return periods


def _rng(*parts: object) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def _target_2027(session: Session, indicator: Indicator) -> float | None:
    row = session.execute(
        select(Target).where(Target.indicator_id == indicator.id).order_by(Target.year.desc())
    ).scalars().first()
    return row.value if row else None


def _series(indicator: Indicator, target: float | None, periods: list[str]) -> dict[str, float]:
    """A plausible trajectory: some indicators on track, some behind, some going wrong."""
    rng = _rng("series", indicator.code)
    base = indicator.baseline_value or 50.0
    goal = target if target is not None else base * 1.05
    progress = [1.3, 1.05, 0.9, 0.6, -0.2][zlib.crc32(indicator.code.encode()) % 5]
    span = max(len(periods) - 1, 1)
    horizon = span * 1.25  # the 2027 target lies beyond the last completed period
    noise = abs(goal - base) * 0.08 + abs(base) * 0.003
    values = {}
    for i, period in enumerate(periods):
        trend = base + (goal - base) * progress * (i / horizon)
        season = 0.0
        if indicator.periodicity == "quarter" and indicator.unit == "antal":
            season = base * 0.08 * [0.5, 0.2, -1.0, 0.3][int(period[-1]) - 1]
        values[period] = trend + season + rng.gauss(0, noise)
    return values


def _clip(indicator: Indicator, value: float) -> float:
    low = indicator.valid_min if indicator.valid_min is not None else float("-inf")
    high = indicator.valid_max if indicator.valid_max is not None else float("inf")
    return round(min(max(value, low), high), indicator.decimals)


def _count_basis(indicator: Indicator, value: float, area_share: float, rng: random.Random) -> int:
    if indicator.unit == "antal":
        return max(int(round(value)), 0)
    return max(int(rng.uniform(1500, 6000) * area_share), 1)


def _breakdowns(indicator: Indicator, areas: list[Area]) -> list[tuple[str, Area]]:
    genders = ["T", "K", "M"] if indicator.by_gender else ["T"]
    used_areas = areas if indicator.by_area else [a for a in areas if a.is_total]
    return [(g, a) for a in used_areas for g in genders]


def _measurements(session: Session, indicator: Indicator, areas: list[Area], today: date) -> list[Measurement]:
    periods = completed_periods(indicator.periodicity, FIRST_YEAR, today)
    if indicator.code.startswith("DEM01"):
        periods = [p for p in periods if int(p) in ELECTION_YEARS]
    series = _series(indicator, _target_2027(session, indicator), periods)
    regional = [a for a in areas if not a.is_total]
    rng = _rng("breakdowns", indicator.code)
    area_factor = {a.id: rng.uniform(0.75, 1.3) for a in regional}
    area_share = {a.id: 1 / len(regional) * area_factor[a.id] for a in regional}
    gender_gap = rng.uniform(-0.08, 0.08)
    rows = []
    for period in periods:
        total = series[period]
        for gender, area in _breakdowns(indicator, areas):
            value, share = total, 1.0
            if not area.is_total:
                share = area_share[area.id]
                value = total * share if indicator.unit == "antal" else total * area_factor[area.id]
            if gender != "T":
                sign = 1 if gender == "K" else -1
                value = value * (1 + sign * gender_gap) if indicator.unit != "antal" else value / 2 * (1 + sign * gender_gap)
                share /= 2
            value = _clip(indicator, value)
            count = _count_basis(indicator, value, share, rng)
            if area.code == "A08" and gender != "T":  # a small rural area: some cells too small to show
                count = rng.randint(2, 12)
            last = period == periods[-1]
            rows.append(
                Measurement(
                    indicator_id=indicator.id, period=period, gender=gender, area_id=area.id,
                    value=value, count_n=count, status="preliminär" if last else "slutlig",
                    comment=_comment(indicator, period, periods, gender, area),
                    source="demo", created_by=DEMO_USER, updated_by=DEMO_USER,
                    created_at=_stamp(period), updated_at=_stamp(period),
                )
            )
    return rows


def _stamp(period: str) -> datetime:
    """When a demo value was reported: a few weeks after its period ended."""
    year = int(period[:4])
    if len(period) == 4:
        end = date(year, 12, 31)
    else:
        months = 6 if period[4] == "H" else 3
        last_month = int(period[5]) * months
        end = date(year, 12, 31) if last_month == 12 else date(year, last_month + 1, 1) - timedelta(days=1)
    reported = end + timedelta(days=45 if len(period) == 4 else 20)
    return datetime.combine(reported, time(9), tzinfo=timezone.utc)


def _comment(indicator: Indicator, period: str, periods: list[str], gender: str, area: Area) -> str:
    if gender != "T" or not area.is_total or period != periods[-1]:
        return ""
    return "Exempeldata: analyskommentar för senaste perioden, skriven av ansvarig förvaltning."


def _comparisons(session: Session, indicator: Indicator, riket: ComparisonUnit, today: date) -> list[ComparisonValue]:
    periods = completed_periods("year", FIRST_YEAR, today)
    rng = _rng("riket", indicator.code)
    offset = rng.uniform(-0.12, 0.12)
    series = _series(indicator, _target_2027(session, indicator), periods)
    rows = []
    for period in periods:
        for gender in (["T", "K", "M"] if indicator.by_gender else ["T"]):
            factor = 1 + offset + (0.03 if gender == "K" else -0.03 if gender == "M" else 0)
            rows.append(
                ComparisonValue(
                    indicator_id=indicator.id, unit_id=riket.id, period=period, gender=gender,
                    value=_clip(indicator, series[period] * factor), source="demo",
                )
            )
    return rows


DEMO_ACTIONS = [
    # name, focus area, program goals, organisations, status, cost (kr), priority, indicators
    ("Språkstöd och praktik för utrikes födda kvinnor", "arbetsmarknad", [1, 2, 5], ["SN", "BN"], "pågående", 850_000, 1, ["ARB02", "ARB05"]),
    ("Samverkan med lokala arbetsgivare om feriejobb", "arbetsmarknad", [2, 3], ["KS", "SN"], "planerad", 400_000, 2, ["ARB03"]),
    ("Läxhjälp och studiero på mötesplatser", "skola", [1, 3], ["BN"], "pågående", 300_000, 1, ["UTB01", "UTB02"]),
    ("Tidiga insatser för ökad närvaro", "skola", [3, 4], ["BN", "SN"], "planerad", 650_000, 2, ["UTB06"]),
    ("Kartläggning av trångboddhet och andrahandsuthyrning", "bostad", [3, 4], ["SBN"], "genomförd", 299_000, 2, ["BOS01"]),
    ("Trygghetsvandringar och belysning i offentlig miljö", "brottslighet", [4], ["TSN", "KS"], "pågående", 500_000, 1, ["BRO02", "BRO05"]),
    ("Föräldrastöd på flera språk", "brottslighet", [4, 1], ["SN"], "pågående", 250_000, 1, ["BRO03"]),
    ("Samhällsinformation för nyanlända i föreningslivet", "demokrati", [1, 3], ["KS", "BN"], "pausad", 150_000, 3, ["DEM06"]),
    ("Utbildning om hedersrelaterat våld och förtryck", "demokrati", [5, 4], ["SN"], "pågående", 200_000, 1, ["DEM07"]),
]


def _actions(session: Session, program: Program) -> int:
    goals = {g.number: g for g in session.execute(select(ProgramGoal).where(ProgramGoal.program_id == program.id)).scalars()}
    for name, focus_code, goal_numbers, orgs, status, cost, priority, codes in DEMO_ACTIONS:
        action = Action(
            name=name, focus_area_id=crud.by_code(session, FocusArea, focus_code).id, status=status,
            description="Exempeldata: en påhittad insats som visar hur planen följs upp.",
            start_date=date(2020, 1, 1), end_date=date(2027, 12, 31), cost_estimate=cost, priority=priority,
        )
        session.add(action)
        session.flush()
        session.add_all([ActionProgramGoal(action_id=action.id, program_goal_id=goals[n].id) for n in goal_numbers])
        session.add_all([ActionOrganisation(action_id=action.id, organisation_id=crud.by_code(session, Organisation, c).id) for c in orgs])
        session.add_all([ActionIndicator(action_id=action.id, indicator_id=crud.by_code(session, Indicator, c).id) for c in codes])
    return len(DEMO_ACTIONS)


def meeting_dates(today: date) -> list[date]:
    """The two past demo meetings: an autumn and the following spring."""
    year = today.year if today.month > 10 else today.year - 1
    return [date(year - 1, 10, 14), date(year, 4, 15)]


def _meetings(session: Session, today: date, seats: list[tuple[str, int]]) -> int:
    dates = meeting_dates(today)
    for number, day in enumerate(dates, start=1):
        meeting = Meeting(
            date=day, kind="ordinarie", title=f"Politisk arbetsgrupp, möte {number} (exempel)",
            agenda="1. Uppföljning av indikatorer per fokusområde\n2. Insatser och prioriteringar\n3. Övrigt",
            notes="Exempeldata: arbetsgruppen gick igenom uppföljningen per fokusområde.",
            decisions="Exempeldata: förvaltningarna återkommer med kostnadsberäkningar för planerade insatser.",
        )
        session.add(meeting)
        session.flush()
        for code, count in seats:
            org = crud.by_code(session, Organisation, code)
            for seat in range(1, count + 1):
                session.add(MeetingAttendee(meeting_id=meeting.id, organisation_id=org.id, name=f"Ledamot {code} {seat}"))
            session.add(MeetingDistribution(meeting_id=meeting.id, organisation_id=org.id))
    return len(dates)


# "Analys och bedömning" written before the second demo meeting, for the half-year before it:
# focus area code -> versions (the second one revises the first, to show the history).
DEMO_ASSESSMENTS = {
    "arbetsmarknad": [
        "Exempeldata: sysselsättningen ökar men långsammare än målet kräver, särskilt bland utrikes födda "
        "kvinnor. Språkstöd och praktik fortsätter.",
        "Exempeldata: sysselsättningen ökar men långsammare än målet kräver, särskilt bland utrikes födda "
        "kvinnor. Språkstöd och praktik fortsätter; samverkan med arbetsgivare om feriejobb prioriteras.",
    ],
    "skola": ["Exempeldata: behörigheten till gymnasiet är i stort sett oförändrad. Läxhjälpen når fler elever "
              "än förra året; effekten på betygen går ännu inte att bedöma."],
    "brottslighet": ["Exempeldata: tryggheten har förbättrats något. Trygghetsvandringarna fortsätter och "
                     "föräldrastödet erbjuds nu på fler språk."],
}


def _assessments(session: Session, second_meeting: date) -> int:
    half = "H2" if second_meeting.month <= 6 else "H1"
    period = f"{second_meeting.year - 1 if half == 'H2' else second_meeting.year}{half}"
    written = datetime.combine(second_meeting - timedelta(days=7), time(10), tzinfo=timezone.utc)
    rows = 0
    for code, versions in DEMO_ASSESSMENTS.items():
        focus = crud.by_code(session, FocusArea, code)
        for version, text in enumerate(versions, start=1):
            session.add(FocusAreaAssessment(focus_area_id=focus.id, period=period, version=version, text=text,
                                            written_by=DEMO_USER, written_at=written + timedelta(days=version - 1)))
            rows += 1
    return rows


def load_demo(session: Session, today: date, seats: list[tuple[str, int]]) -> dict[str, int]:
    """Generate demo data once; returns counts of created rows (empty when already there)."""
    if crud.is_demo(session) or session.execute(select(Measurement.id).limit(1)).first() is not None:
        return {}
    areas = crud.all_rows(session, Area, Area.sort_order)
    riket = crud.by_code(session, ComparisonUnit, "0000")
    counts = {"Measurement": 0, "ComparisonValue": 0}
    for indicator in crud.all_rows(session, Indicator, Indicator.code):
        rows = _measurements(session, indicator, areas, today)
        session.add_all(rows)
        counts["Measurement"] += len(rows)
        if indicator.source_kind == "kolada" and riket is not None:
            comparisons = _comparisons(session, indicator, riket, today)
            session.add_all(comparisons)
            counts["ComparisonValue"] += len(comparisons)
    program = session.execute(select(Program)).scalars().first()
    counts["Action"] = _actions(session, program)
    counts["Meeting"] = _meetings(session, today, seats)
    counts["FocusAreaAssessment"] = _assessments(session, meeting_dates(today)[-1])
    crud.set_meta(session, crud.DEMO_KEY, "true")
    return counts
