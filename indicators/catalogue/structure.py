"""The program structure an administrator edits: program goals and focus areas (text
only), result goals, organisations, areas and comparison units; plus everything the
Administration page lists."""
from __future__ import annotations

from typing import Optional

import pandas as pd

from db import crud, queries
from db.models import (
    ORG_KINDS, ActionOrganisation, Area, ComparisonUnit, ComparisonValue, FocusArea, Indicator,
    IndicatorResultGoal, MeetingAttendee, MeetingDistribution, Measurement, Organisation, ProgramGoal, ResultGoal,
    UserOrganisation,
)
from indicators.access.audit import audit, set_fields
from indicators.access.permissions import Actor, require
from indicators.catalogue.editing import AdminError, clean_text, delete_unused, get_row
from indicators.unit_of_work import UnitOfWork


def edit_program_goal(uow: UnitOfWork, actor: Actor, goal_id: int, *, name: str, description: str = "") -> int:
    """Only the text: the numbers are the program's own."""
    return _edit_text(uow, actor, ProgramGoal, "program_goal", goal_id, {"name": name, "description": description})


def edit_focus_area(uow: UnitOfWork, actor: Actor, focus_id: int, *, name: str, short_name: str = "",
                    description: str = "") -> int:
    changes = {"name": name, "short_name": short_name, "description": description}
    return _edit_text(uow, actor, FocusArea, "focus_area", focus_id, changes)


def _edit_text(uow: UnitOfWork, actor: Actor, model, entity: str, row_id: int, changes: dict) -> int:
    require(uow, actor, "write_structure", entity=entity, entity_id=row_id)
    changes = {k: clean_text(v, k) for k, v in changes.items()}
    if not changes["name"]:
        raise AdminError("Namnet får inte vara tomt.")
    with uow.write() as session:
        return set_fields(session, actor, entity, get_row(session, model, row_id, "Raden"), changes)


def _check_years(first: Optional[int], last: Optional[int]) -> None:
    if first is None:
        raise AdminError("Giltig från år saknas.")
    if last is not None and last < first:
        raise AdminError(f"Giltig till år ({last}) ligger före giltig från år ({first}).")


def create_result_goal(uow: UnitOfWork, actor: Actor, *, code: str, name: str, valid_from_year: int,
                       valid_to_year: Optional[int] = None, description: str = "") -> int:
    require(uow, actor, "write_structure", entity="result_goal", entity_id=code)
    code, name = clean_text(code, "code").upper(), clean_text(name, "name")
    if not code or not name:
        raise AdminError("Resultatmålet behöver kod och namn.")
    _check_years(valid_from_year, valid_to_year)
    with uow.write() as session:
        if crud.by_code(session, ResultGoal, code):
            raise AdminError(f"Det finns redan ett resultatmål med koden {code}.")
        goal = ResultGoal(code=code, name=name, description=clean_text(description, "description"),
                          valid_from_year=valid_from_year, valid_to_year=valid_to_year)
        session.add(goal)
        session.flush()
        audit(session, actor, "create", "result_goal", goal.id, new=f"{code} {name}")
        return goal.id


def edit_result_goal(uow: UnitOfWork, actor: Actor, goal_id: int, *, name: str, valid_from_year: int,
                     valid_to_year: Optional[int], description: str = "") -> int:
    """Also how a result goal is retired: set valid_to_year (goals are revised each mandate period)."""
    require(uow, actor, "write_structure", entity="result_goal", entity_id=goal_id)
    if not clean_text(name, "name"):
        raise AdminError("Namnet får inte vara tomt.")
    _check_years(valid_from_year, valid_to_year)
    changes = {"name": clean_text(name, "name"), "description": clean_text(description, "description"), "valid_from_year": valid_from_year,
               "valid_to_year": valid_to_year}
    with uow.write() as session:
        return set_fields(session, actor, "result_goal", get_row(session, ResultGoal, goal_id, "Resultatmålet"),
                          changes)


def delete_result_goal(uow: UnitOfWork, actor: Actor, goal_id: int) -> None:
    delete_unused(uow, actor, ResultGoal, "result_goal", goal_id, "Resultatmålet",
                  uses={"indikatorer": IndicatorResultGoal.result_goal_id},
                  alternative="avsluta det med ett giltigt till-år")


def _create_coded(uow: UnitOfWork, actor: Actor, model, entity: str, values: dict) -> int:
    require(uow, actor, "write_structure", entity=entity, entity_id=values.get("code", ""))
    values = {k: clean_text(v, k) if isinstance(v, str) else v for k, v in values.items()}
    if not values["code"] or not values["name"]:
        raise AdminError("Både kod och namn krävs.")
    with uow.write() as session:
        if crud.by_code(session, model, values["code"]):
            raise AdminError(f"Koden {values['code']} finns redan.")
        row = model(**values)
        session.add(row)
        session.flush()
        audit(session, actor, "create", entity, row.id, new=f"{values['code']} {values['name']}")
        return row.id


def _edit_row(uow: UnitOfWork, actor: Actor, model, entity: str, row_id: int, changes: dict, check=None) -> int:
    require(uow, actor, "write_structure", entity=entity, entity_id=row_id)
    changes = {k: clean_text(v, k) if isinstance(v, str) else v for k, v in changes.items()}
    if "name" in changes and not changes["name"]:
        raise AdminError("Namnet får inte vara tomt.")
    with uow.write() as session:
        row = get_row(session, model, row_id, "Raden")
        if check:
            check(session, row, changes)
        return set_fields(session, actor, entity, row, changes)


def _check_org_kind(kind: str) -> None:
    if kind not in ORG_KINDS:
        raise AdminError(f"Okänd typ '{kind}'; välj {', '.join(ORG_KINDS)}.")


def create_organisation(uow: UnitOfWork, actor: Actor, *, code: str, name: str, kind: str) -> int:
    _check_org_kind(kind)
    return _create_coded(uow, actor, Organisation, "organisation",
                         {"code": clean_text(code, "code").upper(), "name": name, "kind": kind})


def edit_organisation(uow: UnitOfWork, actor: Actor, org_id: int, *, name: str, kind: str,
                      active: bool = True) -> int:
    _check_org_kind(kind)
    return _edit_row(uow, actor, Organisation, "organisation", org_id, {"name": name, "kind": kind, "active": active})


def delete_organisation(uow: UnitOfWork, actor: Actor, org_id: int) -> None:
    delete_unused(uow, actor, Organisation, "organisation", org_id, "Organisationen", uses={"indikatorer": Indicator.responsible_org_id, "insatser": ActionOrganisation.organisation_id,
                        "användare": UserOrganisation.organisation_id,
                        "mötesdeltagare": MeetingAttendee.organisation_id,
                        "sändlistor": MeetingDistribution.organisation_id}, alternative="inaktivera den")


def create_area(uow: UnitOfWork, actor: Actor, *, code: str, name: str, sort_order: int = 0) -> int:
    """A new area is never the total: there is exactly one ("Hela kommunen")."""
    return _create_coded(uow, actor, Area, "area", {"code": clean_text(code, "code").upper(), "name": name, "sort_order": sort_order,
                                               "is_total": False})


def edit_area(uow: UnitOfWork, actor: Actor, area_id: int, *, name: str, sort_order: int = 0,
              active: bool = True) -> int:
    def keep_total(_session, area: Area, changes: dict) -> None:
        if area.is_total and not changes["active"]:
            raise AdminError(f"{area.name} är totalen för hela kommunen och kan inte inaktiveras; det ska finnas exakt ett totalområde.")
    return _edit_row(uow, actor, Area, "area", area_id, {"name": name, "sort_order": sort_order, "active": active},
                     keep_total)


def delete_area(uow: UnitOfWork, actor: Actor, area_id: int) -> None:
    def keep_total(area: Area) -> None:
        if area.is_total:
            raise AdminError(f"{area.name} är totalen och kan inte tas bort; det ska finnas exakt ett totalområde.")
    delete_unused(uow, actor, Area, "area", area_id, "Området", uses={"värden": Measurement.area_id},
                  alternative="inaktivera det", named_by="name", check=keep_total)


def create_comparison_unit(uow: UnitOfWork, actor: Actor, *, code: str, name: str) -> int:
    return _create_coded(uow, actor, ComparisonUnit, "comparison_unit", {"code": clean_text(code, "code"), "name": name})


def edit_comparison_unit(uow: UnitOfWork, actor: Actor, unit_id: int, *, name: str, active: bool = True) -> int:
    return _edit_row(uow, actor, ComparisonUnit, "comparison_unit", unit_id, {"name": name, "active": active})


def delete_comparison_unit(uow: UnitOfWork, actor: Actor, unit_id: int) -> None:
    delete_unused(uow, actor, ComparisonUnit, "comparison_unit", unit_id, "Jämförelseenheten",
                  uses={"jämförelsevärden": ComparisonValue.unit_id}, alternative="inaktivera den", named_by="name")


def reference_data(uow: UnitOfWork) -> dict[str, pd.DataFrame]:
    """Everything the Administration page lists, retired and inactive rows included."""
    with uow.read() as session:
        return {
            "program": queries.program(session),
            "indicators": queries.indicators(session, include_retired=True),
            "program_goals": queries.program_goals(session),
            "focus_areas": queries.focus_areas(session),
            "result_goals": queries.result_goals(session),
            "organisations": queries.organisations(session),
            "areas": queries.areas(session),
            "comparison_units": queries.comparison_units(session),
        }

