"""Set-based read queries returning pandas frames (one query per table, never per indicator)."""
from __future__ import annotations

from typing import Optional, Sequence

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from db.models import (
    Action,
    ActionIndicator,
    ActionOrganisation,
    ActionProgramGoal,
    Area,
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


def frame(session: Session, stmt) -> pd.DataFrame:
    result = session.execute(stmt)
    return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def program(session: Session) -> Optional[Program]:
    return session.execute(select(Program).order_by(Program.id)).scalars().first()


def indicators(session: Session, include_retired: bool = True) -> pd.DataFrame:
    stmt = (
        select(
            Indicator.id, Indicator.code, Indicator.name, Indicator.definition, Indicator.unit,
            Indicator.decimals, Indicator.direction, Indicator.periodicity, Indicator.source_kind,
            Indicator.source_ref, Indicator.source_note, Indicator.by_gender, Indicator.by_area,
            Indicator.valid_min, Indicator.valid_max, Indicator.baseline_period, Indicator.baseline_value,
            Indicator.active, Indicator.version, Indicator.responsible_org_id, Indicator.focus_area_id,
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
    return frame(session, stmt)


def program_goals(session: Session) -> pd.DataFrame:
    return frame(session, select(ProgramGoal.id, ProgramGoal.number, ProgramGoal.name, ProgramGoal.description).order_by(ProgramGoal.number))


def focus_areas(session: Session) -> pd.DataFrame:
    return frame(session, select(FocusArea.id, FocusArea.code, FocusArea.number, FocusArea.name, FocusArea.short_name, FocusArea.description).order_by(FocusArea.number))


def result_goals(session: Session) -> pd.DataFrame:
    return frame(session, select(ResultGoal.id, ResultGoal.code, ResultGoal.name, ResultGoal.description, ResultGoal.valid_from_year, ResultGoal.valid_to_year).order_by(ResultGoal.code))


def organisations(session: Session) -> pd.DataFrame:
    return frame(session, select(Organisation.id, Organisation.code, Organisation.name, Organisation.kind, Organisation.active).order_by(Organisation.code))


def areas(session: Session) -> pd.DataFrame:
    return frame(session, select(Area.id, Area.code, Area.name, Area.is_total, Area.sort_order, Area.active).order_by(Area.sort_order, Area.code))


def indicator_program_goals(session: Session) -> pd.DataFrame:
    return frame(session, select(IndicatorProgramGoal.indicator_id, IndicatorProgramGoal.program_goal_id))


def indicator_result_goals(session: Session) -> pd.DataFrame:
    return frame(session, select(IndicatorResultGoal.indicator_id, IndicatorResultGoal.result_goal_id))


def targets(session: Session) -> pd.DataFrame:
    return frame(session, select(Target.indicator_id, Target.year, Target.value).order_by(Target.indicator_id, Target.year))


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


def measurements(session: Session, indicator_ids: Sequence[int]) -> pd.DataFrame:
    """Every breakdown of the given indicators, with area names."""
    stmt = (
        select(Measurement.id, Measurement.indicator_id, Measurement.period, Measurement.gender,
               Measurement.area_id, Area.code.label("area_code"), Area.name.label("area_name"),
               Area.is_total, Area.sort_order, Measurement.value, Measurement.count_n,
               Measurement.missing_reason, Measurement.comment, Measurement.status,
               Measurement.source, Measurement.version, Measurement.updated_by, Measurement.updated_at)
        .join(Area, Area.id == Measurement.area_id)
        .where(Measurement.indicator_id.in_(list(indicator_ids)))
    )
    return frame(session, stmt)


def comparison_values(session: Session, indicator_ids: Sequence[int]) -> pd.DataFrame:
    stmt = (
        select(ComparisonValue.indicator_id, ComparisonValue.period, ComparisonValue.gender,
               ComparisonValue.value, ComparisonValue.source_status, ComparisonValue.source,
               ComparisonUnit.code.label("unit_code"), ComparisonUnit.name.label("unit_name"))
        .join(ComparisonUnit, ComparisonUnit.id == ComparisonValue.unit_id)
        .where(ComparisonValue.indicator_id.in_(list(indicator_ids)))
    )
    return frame(session, stmt)


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


def meetings(session: Session) -> pd.DataFrame:
    return frame(session, select(Meeting.id, Meeting.date, Meeting.kind, Meeting.title, Meeting.agenda,
                                 Meeting.notes, Meeting.decisions, Meeting.created_at).order_by(Meeting.date))
