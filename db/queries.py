"""Set-based read queries returning pandas frames (one query per table, never per indicator)."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Mapping, Optional, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, literal, literal_column, select, union_all
from sqlalchemy.sql import sqltypes
from sqlmodel import Session

from db import frames
from db.compiled import driver_rows
from db.frames import rows_frame
from db.models import (
    Action,
    ActionIndicator,
    ActionOrganisation,
    ActionProgramGoal,
    Area,
    AuditEvent,
    ComparisonUnit,
    ComparisonValue,
    FocusArea,
    Indicator,
    IndicatorProgramGoal,
    IndicatorResultGoal,
    Measurement,
    Meeting,
    Organisation,
    Program,
    ProgramGoal,
    ResultGoal,
    Target,
)


def cached_frame(session: Session, stmt, params: Optional[dict] = None) -> pd.DataFrame:
    """``frame`` for a statement built once: compiled once, run on the driver cursor."""
    return rows_frame([c.key for c in stmt.selected_columns], [c.type for c in stmt.selected_columns],
                      driver_rows(session, stmt, params), session.get_bind().dialect.name == "sqlite")


def frame(session: Session, stmt, params: Optional[dict] = None) -> pd.DataFrame:
    """The statement's rows as a pandas table, built column by column from the driver's rows
    (db/frames.py: one vectorised step per column, no per-row Python): the page data's cost
    is the database read, not the table building."""
    keys, rows = _executed_rows(session, stmt, params)
    return rows_frame(keys, [c.type for c in stmt.selected_columns], rows,
                      session.get_bind().dialect.name == "sqlite")


def _executed_rows(session: Session, stmt, params: Optional[dict] = None) -> tuple[list[str], list[tuple]]:
    """The column names and the driver's own row tuples, executed through SQLAlchemy (any
    statement; for one built once ``db.compiled.driver_rows`` skips that work)."""
    result = session.connection().execute(stmt, params)
    keys = list(result.keys())
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    return keys, rows


def program(session: Session) -> Optional[Program]:
    return session.execute(select(Program).order_by(Program.id)).scalars().first()


def indicators(session: Session, include_retired: bool = True, code: Optional[str] = None) -> pd.DataFrame:
    return cached_frame(session, _indicators_stmt(include_retired, code))


def indicator_row(session: Session, code: str) -> Optional[dict]:
    """One indicator (any, retired too) with its organisation and focus area as a plain dict
    of Python values (None for empty), or None: the same columns as ``indicators``."""
    stmt = _indicator_by_code()
    rows = driver_rows(session, stmt, {"code": code})
    if not rows:
        return None
    row = dict(zip([c.key for c in stmt.selected_columns], rows[0]))
    if session.get_bind().dialect.name == "sqlite":  # SQLite's 0/1 as booleans
        for column in stmt.selected_columns:
            if isinstance(frames.generic_type(column.type), sqltypes.Boolean) and row[column.key] is not None:
                row[column.key] = bool(row[column.key])
    return row


@lru_cache(maxsize=1)
def _indicator_by_code():
    return _indicators_stmt(True, None).where(Indicator.code == bindparam("code"))


def indicator_goal_names(session: Session, indicator_id: int) -> list[tuple[int, Optional[int], str]]:
    """The program goals (kind 0, with number) and result goals (kind 1) one indicator is
    linked to, in one statement: program goals by number, then result goals by code."""
    rows = driver_rows(session, _goal_names_stmt(), {"ind": int(indicator_id)})
    return [(kind, number, name) for kind, number, _code, name in rows]


@lru_cache(maxsize=1)
def _goal_names_stmt():
    goals = (select(literal(0).label("kind"), ProgramGoal.number.label("number"), literal("").label("code"), ProgramGoal.name)
             .join(IndicatorProgramGoal, IndicatorProgramGoal.program_goal_id == ProgramGoal.id)
             .where(IndicatorProgramGoal.indicator_id == bindparam("ind")))
    results = (select(literal(1), literal(0), ResultGoal.code, ResultGoal.name)
               .join(IndicatorResultGoal, IndicatorResultGoal.result_goal_id == ResultGoal.id)
               .where(IndicatorResultGoal.indicator_id == bindparam("ind")))
    return union_all(goals, results).order_by("kind", "number", "code")


@lru_cache(maxsize=256)
def _indicators_stmt(include_retired: bool, code: Optional[str]):
    """Built once per argument pair (statements are immutable; building one costs more than
    running it on a small catalogue)."""
    stmt = (
        select(
            Indicator.id, Indicator.code, Indicator.name, Indicator.definition, Indicator.unit,
            Indicator.decimals, Indicator.direction, Indicator.periodicity, Indicator.source_kind,
            Indicator.source_ref, Indicator.source_note, Indicator.by_gender, Indicator.by_area,
            Indicator.valid_min, Indicator.valid_max, Indicator.baseline_period, Indicator.baseline_value,
            Indicator.active, Indicator.version, Indicator.responsible_org_id, Indicator.focus_area_id,
            Indicator.report_every_years, Indicator.report_anchor_year,
            Organisation.code.label("org_code"), Organisation.name.label("org_name"),
            FocusArea.code.label("focus_code"), FocusArea.name.label("focus_name"),
            FocusArea.number.label("focus_number"),
        )
        .join(Organisation, Organisation.id == Indicator.responsible_org_id)
        .join(FocusArea, FocusArea.id == Indicator.focus_area_id)
        .order_by(FocusArea.number, Indicator.code)
    )
    if not include_retired:
        stmt = stmt.where(Indicator.active)
    if code is not None:
        stmt = stmt.where(Indicator.code == code)
    return stmt


def program_goals(session: Session) -> pd.DataFrame:
    return frame(session, select(ProgramGoal.id, ProgramGoal.number, ProgramGoal.name, ProgramGoal.description).order_by(ProgramGoal.number))


def focus_areas(session: Session) -> pd.DataFrame:
    return cached_frame(session, _focus_areas_stmt())


@lru_cache(maxsize=1)
def _focus_areas_stmt():
    return select(FocusArea.id, FocusArea.code, FocusArea.number, FocusArea.name, FocusArea.short_name,
                  FocusArea.description).order_by(FocusArea.number)


def result_goals(session: Session) -> pd.DataFrame:
    return frame(session, select(ResultGoal.id, ResultGoal.code, ResultGoal.name, ResultGoal.description, ResultGoal.valid_from_year, ResultGoal.valid_to_year).order_by(ResultGoal.code))


def organisations(session: Session) -> pd.DataFrame:
    return frame(session, select(Organisation.id, Organisation.code, Organisation.name, Organisation.kind, Organisation.active).order_by(Organisation.code))


def areas(session: Session) -> pd.DataFrame:
    return frame(session, select(Area.id, Area.code, Area.name, Area.is_total, Area.sort_order, Area.active).order_by(Area.sort_order, Area.code))


def _for_indicator(stmt, column, indicator_id: Optional[int]):
    return stmt if indicator_id is None else stmt.where(column == indicator_id)


def indicator_program_goals(session: Session, indicator_id: Optional[int] = None) -> pd.DataFrame:
    stmt = select(IndicatorProgramGoal.indicator_id, IndicatorProgramGoal.program_goal_id)
    return frame(session, _for_indicator(stmt, IndicatorProgramGoal.indicator_id, indicator_id))


def indicator_result_goals(session: Session, indicator_id: Optional[int] = None) -> pd.DataFrame:
    stmt = select(IndicatorResultGoal.indicator_id, IndicatorResultGoal.result_goal_id)
    return frame(session, _for_indicator(stmt, IndicatorResultGoal.indicator_id, indicator_id))


def targets(session: Session, indicator_id: Optional[int] = None, focus_area_id: Optional[int] = None) -> pd.DataFrame:
    """Every target, or one indicator's, or those of one focus area's active indicators."""
    if indicator_id is not None:
        return cached_frame(session, _targets_stmt("one"), {"ind": int(indicator_id)})
    if focus_area_id is not None:
        return cached_frame(session, _targets_stmt("focus"), {"focus": int(focus_area_id)})
    return cached_frame(session, _targets_stmt("all"))


@lru_cache(maxsize=3)
def _targets_stmt(which: str):
    stmt = select(Target.indicator_id, Target.year, Target.value).order_by(Target.indicator_id, Target.year)
    if which == "one":
        return stmt.where(Target.indicator_id == bindparam("ind"))
    return stmt.where(Target.indicator_id.in_(_focus_indicator_ids())) if which == "focus" else stmt


def _focus_indicator_ids():
    """The ids of one focus area's active indicators (the area bound as ``focus``)."""
    return select(Indicator.id).where(Indicator.active, Indicator.focus_area_id == bindparam("focus"))


def focus_area_row(session: Session, code: str) -> Optional[dict]:
    """One focus area (the columns of ``focus_areas``) as a plain dict of Python values, or None."""
    stmt = _focus_area_by_code()
    rows = driver_rows(session, stmt, {"code": code})
    return dict(zip([c.key for c in stmt.selected_columns], rows[0])) if rows else None


@lru_cache(maxsize=1)
def _focus_area_by_code():
    return _focus_areas_stmt().where(FocusArea.code == bindparam("code"))


def focus_indicators(session: Session, focus_area_id: int) -> pd.DataFrame:
    """One focus area's active indicators: the columns of ``indicators``, in its order."""
    return cached_frame(session, _focus_indicators_stmt(), {"focus": int(focus_area_id)})


@lru_cache(maxsize=1)
def _focus_indicators_stmt():
    return _indicators_stmt(False, None).where(Indicator.focus_area_id == bindparam("focus"))


def total_series(session: Session, indicator_ids: Optional[Sequence[int]] = None) -> pd.DataFrame:
    """Values for the whole municipality, all genders (T/K/M), every period."""
    stmt = (
        select(Measurement.indicator_id, Measurement.period, Measurement.gender, Measurement.value,
               Measurement.count_n, Measurement.comment, Measurement.status, Measurement.updated_at)
        .join(Area, Area.id == Measurement.area_id)
        .where(Area.is_total)
    )
    if indicator_ids is not None:
        stmt = stmt.where(Measurement.indicator_id.in_(list(indicator_ids)))
    return frame(session, stmt)


_VALUE_HEAD = (Measurement.id, Measurement.indicator_id, Measurement.period, Measurement.gender, Measurement.area_id)
_VALUE_TAIL = (Measurement.value, Measurement.count_n, Measurement.missing_reason, Measurement.comment,
               Measurement.status, Measurement.source, Measurement.version, Measurement.updated_by,
               Measurement.updated_at)
_AREA_COLUMNS = (Area.code.label("area_code"), Area.name.label("area_name"), Area.is_total, Area.sort_order)
MEASUREMENT_KEYS = ([c.key for c in _VALUE_HEAD] + [c.key for c in _AREA_COLUMNS] + [c.key for c in _VALUE_TAIL]
                    + ["unit"])


@lru_cache(maxsize=1)
def _measurement_stmts():
    """(values, areas, units, one indicator's values without its id): built once, the ids
    bound at run time."""
    ids = bindparam("ids", expanding=True)
    own_id = Measurement.indicator_id
    return (select(*_VALUE_HEAD, *_VALUE_TAIL).where(own_id.in_(ids)),
            select(Area.id, *_AREA_COLUMNS),
            select(Indicator.id, Indicator.unit).where(Indicator.id.in_(ids)),
            select(*(c for c in _VALUE_HEAD if c is not own_id), *_VALUE_TAIL).where(own_id == bindparam("ind")))


def measurements(session: Session, indicator_ids: Sequence[int],
                 units: Optional[Mapping[int, str]] = None) -> pd.DataFrame:
    """Every breakdown of the given indicators, with area names and the indicator's unit
    (the disclosure rule treats counts as additive). ``units`` (indicator id → unit), when
    the caller has read the indicators already, spares reading them again.

    The value rows are read without joins; the few areas (and units) are read once and
    spread over the rows by index (one vectorised take per column): the same table as the
    query joining area and indicator, without the database and driver repeating the names
    (nor, for one indicator's page, its id: the column is filled with the id asked for)."""
    params = {"ids": [int(i) for i in indicator_ids]}
    values_stmt, areas_stmt, units_stmt, one_stmt = _measurement_stmts()
    sqlite = session.get_bind().dialect.name == "sqlite"
    one = len(params["ids"]) == 1  # one indicator's page: compiled once, on the driver cursor
    values = (driver_rows(session, one_stmt, {"ind": params["ids"][0]}) if one
              else _executed_rows(session, values_stmt, params)[1])
    if not values:  # as the joined query without rows gives it
        return frames.empty(tuple(MEASUREMENT_KEYS))
    if units is None:
        units = dict(_executed_rows(session, units_stmt, params)[1])
    unit_ids = list(units)
    head = len(_VALUE_HEAD)
    own = frames.columns([c.type for c in (one_stmt if one else values_stmt).selected_columns], values, sqlite)
    if one:
        own.insert(1, np.full(len(values), params["ids"][0], dtype=np.int64))
    area = frames.columns([c.type for c in areas_stmt.selected_columns], driver_rows(session, areas_stmt), sqlite)
    unit = frames.columns([c.type for c in units_stmt.selected_columns[1:]], [(units[i],) for i in unit_ids], sqlite)
    by_area = frames.spread(area[0], area[1:], own[head - 1])  # area_id
    by_indicator = frames.spread(unit_ids, unit, own[1])  # indicator_id
    return frames.table(MEASUREMENT_KEYS, own[:head] + by_area + own[head:] + by_indicator)


def values_until(session: Session, indicator_ids: Sequence[int], year: int, batch: int = 10_000) -> pd.DataFrame:
    """The columns of ``measurements`` that an annual follow-up publishes and the disclosure
    rule reads, for periods of ``year`` and earlier (a period code starts with its year): no
    audit columns, no later periods. Read ``batch`` rows at a time into columns that keep one
    object per repeated text (codes, periods, areas, statuses): a county's year is half a
    million rows, and a list of row tuples beside the columns would double its memory."""
    stmt = (
        select(Measurement.indicator_id, Measurement.period, Measurement.gender, Measurement.area_id,
               Area.code.label("area_code"), Area.is_total, Area.sort_order, Measurement.value,
               Measurement.count_n, Measurement.missing_reason, Measurement.comment, Measurement.status,
               Measurement.source, Indicator.unit)
        .join(Area, Area.id == Measurement.area_id)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .where(Measurement.indicator_id.in_(list(indicator_ids)),
               func.substr(Measurement.period, 1, 4) <= f"{int(year):04d}")
    )
    # a server-side cursor on PostgreSQL: the batches come from the server, not from all rows
    # held by the client library (SQLite's cursor steps through the result anyway); an option
    # of this statement only (Connection.execution_options would set it for the whole session)
    result = session.connection().execute(stmt.execution_options(stream_results=True))
    keys, kinds = list(result.keys()), [c.type for c in stmt.selected_columns]
    texts = [{}.setdefault if isinstance(kind, sqltypes.String) else None for kind in kinds]
    columns = [[] if same is not None else frames.Accumulated() for same in texts]  # numbers as NumPy chunks
    while rows := result.fetchmany(batch):  # the result's rows (a streamed cursor has read ahead)
        for column, same, values in zip(columns, texts, zip(*rows)):
            column.extend(values if same is None else [same(v, v) for v in values])
    result.close()
    sqlite = session.get_bind().dialect.name == "sqlite"
    data = {}
    for key, kind in zip(keys, kinds):
        values = columns.pop(0)  # each column's values are let go as soon as its column is built
        if isinstance(values, frames.Accumulated):
            data[key] = values.series(sqlite and isinstance(frames.generic_type(kind), sqltypes.Boolean))
        else:
            data[key] = pd.Series(values)
    return pd.DataFrame(data, columns=keys)


def comparison_values(session: Session, indicator_ids: Sequence[int] = (),
                      focus_area_id: Optional[int] = None) -> pd.DataFrame:
    """The comparison values of the given indicators, or of one focus area's active ones."""
    if focus_area_id is not None:  # a focus area's page: compiled once
        return cached_frame(session, _comparisons_stmt("focus"), {"focus": int(focus_area_id)})
    ids = [int(i) for i in indicator_ids]
    if len(ids) == 1:  # one indicator's page: compiled once
        return cached_frame(session, _comparisons_stmt("one"), {"ind": ids[0]})
    return frame(session, _comparisons_stmt("ids"), {"ids": ids})


@lru_cache(maxsize=3)
def _comparisons_stmt(which: str):
    which = {"one": lambda: ComparisonValue.indicator_id == bindparam("ind"),
             "ids": lambda: ComparisonValue.indicator_id.in_(bindparam("ids", expanding=True)),
             "focus": lambda: ComparisonValue.indicator_id.in_(_focus_indicator_ids())}[which]()
    return (
        select(ComparisonValue.indicator_id, ComparisonValue.period, ComparisonValue.gender,
               ComparisonValue.value, ComparisonValue.source_status, ComparisonValue.source,
               ComparisonUnit.code.label("unit_code"), ComparisonUnit.name.label("unit_name"))
        .join(ComparisonUnit, ComparisonUnit.id == ComparisonValue.unit_id)
        .where(which)
    )


def actions(session: Session) -> pd.DataFrame:
    stmt = (
        select(Action.id, Action.name, Action.description, Action.focus_area_id, FocusArea.name.label("focus_name"),
               Action.status, Action.start_date, Action.end_date, Action.cost_estimate, Action.priority,
               Action.version, Action.updated_at)
        .join(FocusArea, FocusArea.id == Action.focus_area_id)
        .order_by(FocusArea.number, Action.priority, Action.name)
    )
    return frame(session, stmt)


def action_links(session: Session) -> dict[str, pd.DataFrame]:
    return {
        "goals": frame(session, select(ActionProgramGoal.action_id, ActionProgramGoal.program_goal_id)),
        "orgs": frame(session, select(ActionOrganisation.action_id, ActionOrganisation.organisation_id)),
        "indicators": frame(session, select(ActionIndicator.action_id, ActionIndicator.indicator_id)),
    }


def focus_actions(session: Session, focus_area_id: int) -> list[tuple]:
    """One focus area's actions in the program's order (priority, name), each once per
    responsible organisation: (id, name, status, cost_estimate, priority, org code or None)."""
    return driver_rows(session, _focus_actions_stmt(), {"focus": int(focus_area_id)})


@lru_cache(maxsize=1)
def _focus_actions_stmt():
    return (
        select(Action.id, Action.name, Action.status, Action.cost_estimate, Action.priority, Organisation.code)
        .outerjoin(ActionOrganisation, ActionOrganisation.action_id == Action.id)
        .outerjoin(Organisation, Organisation.id == ActionOrganisation.organisation_id)
        .where(Action.focus_area_id == bindparam("focus"))
        .order_by(Action.priority, Action.name, Action.id)
    )


def meetings(session: Session) -> pd.DataFrame:
    return frame(session, select(Meeting.id, Meeting.date, Meeting.kind, Meeting.title, Meeting.agenda,
                                 Meeting.notes, Meeting.decisions, Meeting.created_at).order_by(Meeting.date))


def comparison_units(session: Session) -> pd.DataFrame:
    return frame(session, select(ComparisonUnit.id, ComparisonUnit.code, ComparisonUnit.name, ComparisonUnit.active).order_by(ComparisonUnit.code))


def audit_events(session: Session, entity: str, entity_id: object, fields: Sequence[str], action: str = "update") -> pd.DataFrame:
    """Audit trail of the given fields of one row, oldest first (e.g. definition changes)."""
    stmt = (
        select(AuditEvent.at, AuditEvent.field, AuditEvent.old, AuditEvent.new, AuditEvent.user_email)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id),
               AuditEvent.field.in_(list(fields)), AuditEvent.action == action)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return frame(session, stmt)


def definition_changes(session: Session, indicator_ids: Sequence[int] = (),
                       focus_area_id: Optional[int] = None) -> pd.DataFrame:
    """When the definition or unit of these indicators (or of one focus area's active ones)
    changed (indicator_id, at, field), oldest first: charts mark the trend break."""
    ids = [str(int(i)) for i in indicator_ids]
    if focus_area_id is not None:
        changes = cached_frame(session, _definition_changes_stmt("focus"), {"focus": int(focus_area_id)})
    else:
        changes = (cached_frame(session, _definition_changes_stmt("one"), {"one": ids[0]}) if len(ids) == 1
                   else frame(session, _definition_changes_stmt("ids"), {"ids": ids}))
    if changes.empty:  # most indicators: the table without rows, built once
        return _no_definition_changes().copy()
    changes["indicator_id"] = changes["entity_id"].astype(int)
    return changes[["indicator_id", "at", "field"]]


@lru_cache(maxsize=1)
def _no_definition_changes() -> pd.DataFrame:
    changes = frames.empty(("entity_id", "at", "field"))
    changes["indicator_id"] = pd.Series(dtype=int)
    return changes[["indicator_id", "at", "field"]]


@lru_cache(maxsize=3)
def _definition_changes_stmt(which: str):
    focus_ids = select(cast(Indicator.id, String)).where(Indicator.active, Indicator.focus_area_id == bindparam("focus"))
    which = {"one": lambda: AuditEvent.entity_id == bindparam("one"),
             "ids": lambda: AuditEvent.entity_id.in_(bindparam("ids", expanding=True)),
             "focus": lambda: AuditEvent.entity_id.in_(focus_ids)}[which]()
    return (
        select(AuditEvent.entity_id, AuditEvent.at, AuditEvent.field)
        .where(AuditEvent.entity == "indicator", AuditEvent.action == "update",
               AuditEvent.field.in_([literal_column("'definition'"), literal_column("'unit'")]), which)
        .order_by(AuditEvent.at, AuditEvent.id)
    )


# --- annual follow-up (snapshots) and meeting documents -----------------------------
# Imported here rather than in the block above so parallel edits to this file stay apart.

from db.models import MeetingAttendee, MeetingDistribution, Snapshot, SnapshotFile  # noqa: E402


def indicator_validity(session: Session) -> pd.DataFrame:
    return frame(session, select(Indicator.id, Indicator.valid_from_year, Indicator.valid_to_year))


def snapshots(session: Session) -> pd.DataFrame:
    return frame(session, select(Snapshot.id, Snapshot.year, Snapshot.snapshot_date, Snapshot.sha256,
                                 Snapshot.created_by, Snapshot.created_at)
                 .order_by(Snapshot.year.desc(), Snapshot.snapshot_date.desc(), Snapshot.id.desc()))


def snapshot(session: Session, snapshot_id: int) -> Optional[Snapshot]:
    return session.get(Snapshot, snapshot_id)


def snapshot_by_hash(session: Session, sha256: str) -> Optional[Snapshot]:
    return session.execute(select(Snapshot).where(Snapshot.sha256 == sha256)).scalars().first()


def snapshot_file_names(session: Session, snapshot_id: int) -> list[str]:
    stmt = select(SnapshotFile.filename).where(SnapshotFile.snapshot_id == snapshot_id).order_by(SnapshotFile.id)
    return list(session.execute(stmt).scalars().all())


def meeting_row(session: Session, meeting_id: int) -> Optional[Meeting]:
    return session.get(Meeting, meeting_id)


def previous_meeting(session: Session, meeting: Meeting) -> Optional[Meeting]:
    stmt = (select(Meeting).where((Meeting.date < meeting.date) | ((Meeting.date == meeting.date) & (Meeting.id < meeting.id)))
            .order_by(Meeting.date.desc(), Meeting.id.desc()))
    return session.execute(stmt).scalars().first()


def meeting_attendees(session: Session, meeting_id: int) -> pd.DataFrame:
    stmt = (select(MeetingAttendee.id, Organisation.code.label("org_code"), Organisation.name.label("org_name"),
                   MeetingAttendee.name, MeetingAttendee.present)
            .join(Organisation, Organisation.id == MeetingAttendee.organisation_id)
            .where(MeetingAttendee.meeting_id == meeting_id)
            .order_by(Organisation.code, MeetingAttendee.name, MeetingAttendee.id))
    return frame(session, stmt)


def meeting_distribution(session: Session, meeting_id: int) -> pd.DataFrame:
    stmt = (select(Organisation.code, Organisation.name)
            .join(MeetingDistribution, MeetingDistribution.organisation_id == Organisation.id)
            .where(MeetingDistribution.meeting_id == meeting_id)
            .order_by(Organisation.code))
    return frame(session, stmt)


def values_updated_between(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    """Values created or changed in [start, end), with indicator code and area."""
    stmt = (
        select(Measurement.indicator_id, Indicator.code, Indicator.name, Indicator.decimals, Indicator.unit,
               FocusArea.number.label("focus_number"), FocusArea.name.label("focus_name"),
               Measurement.period, Measurement.gender, Measurement.area_id, Area.name.label("area_name"),
               Area.is_total, Area.sort_order, Measurement.value, Measurement.count_n, Measurement.comment,
               Measurement.created_at, Measurement.updated_at)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(FocusArea, FocusArea.id == Indicator.focus_area_id)
        .join(Area, Area.id == Measurement.area_id)
        .where(Measurement.updated_at >= start, Measurement.updated_at < end)
    )
    return frame(session, stmt)


# --- working-group dashboards: history and change tracking --------------------------
from sqlalchemy import String, cast  # noqa: E402


def measurement_history(session: Session, indicator_id: int) -> pd.DataFrame:
    """Audit events for the values of one indicator, newest first (one join, no loop)."""
    return cached_frame(session, _history_stmt(), {"ind": int(indicator_id)})


@lru_cache(maxsize=1)
def _history_stmt():
    return (
        select(AuditEvent.at, AuditEvent.user_email, AuditEvent.action, AuditEvent.field,
               AuditEvent.old, AuditEvent.new, AuditEvent.reason, Measurement.period,
               Measurement.gender, Measurement.area_id, Area.name.label("area_name"))
        .join(Measurement, AuditEvent.entity_id == cast(Measurement.id, String))
        .join(Area, Area.id == Measurement.area_id)
        .where(AuditEvent.entity == "measurement", Measurement.indicator_id == bindparam("ind"))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def measurement_times(session: Session) -> pd.DataFrame:
    """Every value with its area kind and timestamps, for 'what changed since' views."""
    stmt = (
        select(Measurement.indicator_id, Measurement.period, Measurement.gender, Measurement.area_id, Area.is_total,
               Area.name.label("area_name"), Measurement.value, Measurement.comment, Measurement.created_at,
               Measurement.updated_at)
        .join(Area, Area.id == Measurement.area_id)
    )
    return frame(session, stmt)


def action_times(session: Session) -> pd.DataFrame:
    stmt = (
        select(Action.id, Action.name, Action.focus_area_id, FocusArea.code.label("focus_code"),
               Action.status, Action.created_at, Action.updated_at)
        .join(FocusArea, FocusArea.id == Action.focus_area_id)
        .order_by(FocusArea.number, Action.name)
    )
    return frame(session, stmt)


# --- official statistics (Kolada) ----------------------------------------------------
from sqlalchemy import func  # noqa: E402


def kolada_last_fetch(session: Session) -> pd.DataFrame:
    """Per Kolada indicator: its KPI id and when its own and comparison values last came
    from Kolada (None when never)."""
    own = (select(Measurement.indicator_id, func.max(Measurement.updated_at).label("own_at"))
           .where(Measurement.source == "kolada").group_by(Measurement.indicator_id).subquery())
    comp = (select(ComparisonValue.indicator_id, func.max(ComparisonValue.fetched_at).label("comparison_at"))
            .where(ComparisonValue.source == "kolada").group_by(ComparisonValue.indicator_id).subquery())
    stmt = (
        select(Indicator.id, Indicator.code, Indicator.name, Indicator.source_ref, Indicator.source_note,
               Indicator.active, own.c.own_at, comp.c.comparison_at)
        .outerjoin(own, own.c.indicator_id == Indicator.id)
        .outerjoin(comp, comp.c.indicator_id == Indicator.id)
        .where(Indicator.source_kind == "kolada")
        .order_by(Indicator.code)
    )
    return frame(session, stmt)


# --- reporting: period locks ----------------------------------------------------------
from db.models import PeriodLock  # noqa: E402


def period_locks(session: Session) -> pd.DataFrame:
    return frame(session, select(PeriodLock.period, PeriodLock.locked_by, PeriodLock.locked_at, PeriodLock.reason))


def newest_total_values(session: Session, per_indicator: int = 2) -> pd.DataFrame:
    """The newest ``per_indicator`` present values of each indicator's total (gender T,
    whole municipality), newest first per indicator. Within one indicator all periods share
    a periodicity, so the canonical codes sort in time order.

    Both backends seek, per indicator, the few newest entries of the ix_measurement_series
    index (indicator, gender, area, period) backwards instead of ranking every total:
    PostgreSQL with a LATERAL subquery, SQLite with a correlated ``id IN (… LIMIT n)``."""
    return frame(session, _newest_total_stmt(session.get_bind().dialect.name, per_indicator))


def overview_rows(session: Session) -> tuple[list[tuple], ...]:
    """What the overview needs as plain driver rows, read in the session's transaction on its
    driver connection with statements compiled once per dialect (a few hundred rows: no
    tables, no per-row result processing). Four lists of tuples:

    - each active indicator once per newest present total (up to two, newest first; one row
      with period and value None when it has none), in the pages' order (focus area, code),
      columns ``OVERVIEW_ROW_COLUMNS``;
    - targets (indicator_id, year, value), program goal links and result goal links
      (indicator_id, goal id), ordered by indicator and year or goal."""
    return tuple(driver_rows(session, stmt) for stmt in _overview_statements(session.get_bind().dialect.name))


OVERVIEW_ROW_COLUMNS = (
    "id", "code", "name", "focus_code", "focus_name", "focus_number", "org_code", "org_name", "unit", "decimals",
    "direction", "periodicity", "source_kind", "source_ref", "baseline_period", "baseline_value", "period", "value",
)


@lru_cache(maxsize=8)
def _overview_statements(dialect: str) -> tuple:
    """overview_rows' statements for this dialect, built once (db/compiled.py compiles them once).
    The newest totals seek the ix_measurement_series index backwards per indicator
    (PostgreSQL: LATERAL; SQLite: a correlated ``id IN (… LIMIT 2)``), as newest_total_values."""
    from sqlalchemy import true
    from sqlalchemy.orm import aliased

    total_area = select(Area.id).where(Area.is_total).limit(1).scalar_subquery()
    s = aliased(Measurement, name="s")
    present_total = (s.indicator_id == Indicator.id, s.gender == "T", s.area_id == total_area, s.value.is_not(None))
    columns = (Indicator.id, Indicator.code, Indicator.name, FocusArea.code.label("focus_code"),
               FocusArea.name.label("focus_name"), FocusArea.number, Organisation.code.label("org_code"),
               Organisation.name.label("org_name"), Indicator.unit, Indicator.decimals, Indicator.direction,
               Indicator.periodicity, Indicator.source_kind, Indicator.source_ref, Indicator.baseline_period,
               Indicator.baseline_value)
    if dialect == "postgresql":
        newest = select(s.period, s.value).where(*present_total).order_by(s.period.desc()).limit(2).lateral()
        period, value, on = newest.c.period, newest.c.value, true()
    else:
        newest = Measurement
        period, value = Measurement.period, Measurement.value
        on = Measurement.id.in_(select(s.id).where(*present_total).order_by(s.period.desc()).limit(2)
                                .correlate(Indicator))
    main = (select(*columns, period, value).select_from(Indicator)
            .join(Organisation, Organisation.id == Indicator.responsible_org_id)
            .join(FocusArea, FocusArea.id == Indicator.focus_area_id)
            .outerjoin(newest, on).where(Indicator.active)
            .order_by(FocusArea.number, Indicator.code, period.desc()))
    return (
        main,
        select(Target.indicator_id, Target.year, Target.value).order_by(Target.indicator_id, Target.year),
        select(IndicatorProgramGoal.indicator_id, IndicatorProgramGoal.program_goal_id)
        .order_by(IndicatorProgramGoal.indicator_id, IndicatorProgramGoal.program_goal_id),
        select(IndicatorResultGoal.indicator_id, IndicatorResultGoal.result_goal_id)
        .order_by(IndicatorResultGoal.indicator_id, IndicatorResultGoal.result_goal_id),
    )


@lru_cache(maxsize=8)
def _newest_total_stmt(dialect: str, per_indicator: int):
    from sqlalchemy import true

    total_area = select(Area.id).where(Area.is_total).limit(1).scalar_subquery()
    present_total = (Measurement.gender == "T", Measurement.area_id == total_area, Measurement.value.is_not(None))
    if dialect == "postgresql":
        newest = (select(Measurement.period, Measurement.value)
                  .where(Measurement.indicator_id == Indicator.id, *present_total)
                  .order_by(Measurement.period.desc()).limit(per_indicator).lateral())
        stmt = (select(Indicator.id.label("indicator_id"), newest.c.period, newest.c.value)
                .select_from(Indicator).join(newest, true())
                .order_by(Indicator.id, newest.c.period.desc()))
        return stmt
    newest_ids = (select(Measurement.id).where(Measurement.indicator_id == Indicator.id, *present_total)
                  .order_by(Measurement.period.desc()).limit(per_indicator).correlate(Indicator))
    stmt = (select(Measurement.indicator_id, Measurement.period, Measurement.value)
            .select_from(Indicator).join(Measurement, Measurement.id.in_(newest_ids))
            .order_by(Measurement.indicator_id, Measurement.period.desc()))
    return stmt
