"""Actions (insatser): what the boards do, each motivated by program goals. Officials edit
their own organisation's actions; admins all."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional

import pandas as pd
from sqlalchemy import delete, select
from sqlmodel import Session

from db import crud, queries
from db.models import (
    ACTION_STATUSES, Action, ActionIndicator, ActionOrganisation, ActionProgramGoal, FocusArea, Indicator,
    Organisation, ProgramGoal, utcnow,
)
from indicators.access.audit import audit, set_fields
from indicators.access.permissions import Actor, require
from indicators.catalogue.editing import AdminError, Refs, check_version, clean_text, get_row
from indicators.rules.parsing import parse_number
from indicators.rules.vocabulary import PROGRAM_GOAL_RULE
from indicators.unit_of_work import UnitOfWork


@dataclass
class ActionData:
    name: str
    focus_area: str  # code or name
    program_goals: list[int]
    organisations: list[str]  # organisation codes
    description: str = ""
    status: str = "planerad"
    start_date: Optional[date] = None
    end_date: Optional[date] = None
    cost_estimate: object = None  # kronor; text such as "1 250 000" or a number
    priority: Optional[int] = None  # 1 = highest
    indicators: list[str] = field(default_factory=list)  # indicator codes


def _clean_action(data: ActionData, refs: Refs) -> dict:
    """Validated column values and link ids; raises AdminError listing every problem."""
    errors = []
    if not clean_text(data.name, "name"):
        errors.append("namnet saknas")
    focus = refs.code_of(refs.focus, data.focus_area)
    if focus is None:
        errors.append(f"'{data.focus_area}' är inget fokusområde")
    goals = sorted({int(n) for n in data.program_goals})
    if not goals:
        errors.append(f"insatsen saknar programmål. Programmet säger: ”{PROGRAM_GOAL_RULE}.”")
    errors += [f"programmål {n} finns inte" for n in goals if n not in refs.goals]
    orgs = [refs.code_of(refs.orgs, c) for c in data.organisations]
    if not orgs:
        errors.append("minst en ansvarig organisation krävs")
    errors += [f"'{c}' är ingen känd organisation" for c, o in zip(data.organisations, orgs) if o is None]
    if data.status not in ACTION_STATUSES:
        errors.append(f"status '{data.status}' är inte tillåten; välj {', '.join(ACTION_STATUSES)}")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.append("slutdatum ligger före startdatum")
    cost = _parse_cost(data.cost_estimate, errors)
    if data.priority is not None and int(data.priority) < 1:
        errors.append("prioritet ska vara 1 eller högre (1 = högst)")
    codes = [clean_text(c, "indicator").upper() for c in data.indicators]
    errors += [f"indikatorn '{c}' finns inte" for c in codes if c not in refs.indicator_ids]
    if errors:
        raise AdminError("Insatsen sparades inte: " + "; ".join(errors))
    return {
        "columns": {"name": clean_text(data.name, "name"), "description": clean_text(data.description, "description"), "status": data.status,
                    "focus_area_id": refs.focus_ids[focus], "start_date": data.start_date, "end_date": data.end_date,
                    "cost_estimate": cost, "priority": None if data.priority is None else int(data.priority)},
        "goal_ids": sorted(refs.goals[n] for n in goals),
        "org_ids": sorted({refs.org_ids[o] for o in orgs}),
        "indicator_ids": sorted({refs.indicator_ids[c] for c in codes}),
    }


def _parse_cost(raw: object, errors: list[str]) -> Optional[int]:
    if raw is None or clean_text(raw, "cost_estimate") == "" or (isinstance(raw, float) and pd.isna(raw)):
        return None
    text = clean_text(raw, "cost_estimate")
    if text.lower().endswith("kr"):
        text = text[:-2]
    parsed = parse_number(text if isinstance(raw, str) else raw)
    if not parsed.ok:
        errors.append(f"kostnad: {parsed.error}")
        return None
    if parsed.value < 0:
        errors.append("kostnaden kan inte vara negativ")
        return None
    return int(round(parsed.value))


def action_org_ids(uow: UnitOfWork, action_id: int) -> list[int]:
    with uow.read() as session:
        return _links(session, ActionOrganisation, action_id, ActionOrganisation.organisation_id)


def _links(session: Session, table, action_id: int, column) -> list[int]:
    return sorted(session.execute(select(column).where(table.action_id == action_id)).scalars().all())


def _org_ids_for(uow: UnitOfWork, codes: Iterable[str]) -> list[int]:
    with uow.read() as session:
        refs = Refs.load(session)
    return [refs.org_ids[c] for c in (refs.code_of(refs.orgs, t) for t in codes) if c]


def create_action(uow: UnitOfWork, actor: Actor, data: ActionData) -> int:
    """Admins, or officials for actions their own organisation is responsible for."""
    with uow.write() as session:
        require(uow, actor, "write_actions", _org_ids_for(uow, data.organisations), entity="action")
        clean = _clean_action(data, Refs.load(session))
        action = Action(**clean["columns"])
        session.add(action)
        session.flush()
        _write_action_links(session, action.id, clean)
        audit(session, actor, "create", "action", action.id, new=action.name)
        return action.id


def update_action(uow: UnitOfWork, actor: Actor, action_id: int, data: ActionData, *,
                  expected_version: Optional[int]) -> int:
    """An official must share an organisation with both the current and the new responsible ones;
    checked in the transaction that writes, so the organisations cannot change in between."""
    with uow.write() as session:
        require(uow, actor, "write_actions", action_org_ids(uow, action_id), entity="action", entity_id=action_id)
        require(uow, actor, "write_actions", _org_ids_for(uow, data.organisations), entity="action",
                entity_id=action_id)
        action = get_row(session, Action, action_id, "Insatsen")
        check_version(f"Insatsen '{action.name}'", expected_version, action.version)
        clean = _clean_action(data, Refs.load(session))
        changed = set_fields(session, actor, "action", action, clean["columns"])
        for name, table, column, key in _ACTION_LINKS:
            old = _links(session, table, action_id, column)
            if old != clean[key]:
                audit(session, actor, "update", "action", action_id, name, old, clean[key])
                changed += 1
        if changed:
            _write_action_links(session, action_id, clean)
            action.version += 1
            action.updated_at = utcnow()
        return changed


_ACTION_LINKS = (
    ("program_goals", ActionProgramGoal, ActionProgramGoal.program_goal_id, "goal_ids"),
    ("organisations", ActionOrganisation, ActionOrganisation.organisation_id, "org_ids"),
    ("indicators", ActionIndicator, ActionIndicator.indicator_id, "indicator_ids"),
)


def _write_action_links(session: Session, action_id: int, clean: dict) -> None:
    for _name, table, _column, _key in _ACTION_LINKS:
        session.execute(delete(table).where(table.action_id == action_id))
    session.add_all([ActionProgramGoal(action_id=action_id, program_goal_id=i) for i in clean["goal_ids"]])
    session.add_all([ActionOrganisation(action_id=action_id, organisation_id=i) for i in clean["org_ids"]])
    session.add_all([ActionIndicator(action_id=action_id, indicator_id=i) for i in clean["indicator_ids"]])


def action_data(uow: UnitOfWork, action_id: int) -> tuple[ActionData, int]:
    with uow.read() as session:
        action = get_row(session, Action, action_id, "Insatsen")
        goal_numbers = {g.id: g.number for g in crud.all_rows(session, ProgramGoal)}
        org_codes = {o.id: o.code for o in crud.all_rows(session, Organisation)}
        ind_codes = dict(session.execute(select(Indicator.id, Indicator.code)).all())
        data = ActionData(
            name=action.name, description=action.description, focus_area=session.get(FocusArea, action.focus_area_id).code,
            program_goals=sorted(goal_numbers[i] for i in _links(session, ActionProgramGoal, action_id, ActionProgramGoal.program_goal_id)),
            organisations=sorted(org_codes[i] for i in _links(session, ActionOrganisation, action_id, ActionOrganisation.organisation_id)),
            indicators=sorted(ind_codes[i] for i in _links(session, ActionIndicator, action_id, ActionIndicator.indicator_id)),
            status=action.status, start_date=action.start_date, end_date=action.end_date,
            cost_estimate=action.cost_estimate, priority=action.priority,
        )
        return data, action.version


SORTS = {"priority": ["priority", "cost_estimate"], "cost": ["cost_estimate", "priority"]}


def action_list(uow: UnitOfWork, sort_by: str = "priority") -> pd.DataFrame:
    """One row per action with goals, organisations and indicators as text; priority sorts
    1 first, cost sorts the most expensive first; unknown values last."""
    with uow.read() as session:
        actions = queries.actions(session)
        links = queries.action_links(session)
        goals = queries.program_goals(session)
        orgs = queries.organisations(session)
        inds = queries.indicators(session)
    if actions.empty:
        return actions.assign(program_goals="", organisations="", org_ids=[], indicators="")
    numbers = dict(zip(goals["id"], goals["number"]))
    codes = dict(zip(orgs["id"], orgs["code"]))
    ind_codes = dict(zip(inds["id"], inds["code"]))

    def joined(frame: pd.DataFrame, column: str, names: dict) -> dict:
        return frame.groupby("action_id")[column].apply(lambda ids: ", ".join(sorted(str(names[i]) for i in ids))).to_dict()

    out = actions.assign(
        program_goals=actions["id"].map(joined(links["goals"], "program_goal_id", numbers)).fillna(""),
        organisations=actions["id"].map(joined(links["orgs"], "organisation_id", codes)).fillna(""),
        org_ids=actions["id"].map(links["orgs"].groupby("action_id")["organisation_id"].apply(list).to_dict()),
        indicators=actions["id"].map(joined(links["indicators"], "indicator_id", ind_codes)).fillna(""),
    )
    keys = SORTS.get(sort_by, SORTS["priority"])
    ascending = [key != "cost_estimate" for key in keys]
    return out.sort_values(keys, ascending=ascending, na_position="last", kind="stable").reset_index(drop=True)


def action_totals(actions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Cost and count per focus area and per organisation. An action shared by several
    organisations counts in full under each of them, so the organisation totals can add up
    to more than the grand total."""
    def summary(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        if frame.empty:
            return pd.DataFrame(columns=[key, "antal insatser", "kostnad (kr)"])
        grouped = frame.groupby(key).agg(antal=("id", "count"), kostnad=("cost_estimate", "sum"))
        return grouped.reset_index().rename(columns={"antal": "antal insatser", "kostnad": "kostnad (kr)"})

    per_org = actions.assign(organisation=actions["organisations"].str.split(", ")).explode("organisation")
    return {"focus_area": summary(actions.rename(columns={"focus_name": "fokusområde"}), "fokusområde"),
            "organisation": summary(per_org, "organisation"),
            "total": int(actions["cost_estimate"].fillna(0).sum()) if not actions.empty else 0}


def delete_action(uow: UnitOfWork, actor: Actor, action_id: int) -> None:
    with uow.write() as session:
        require(uow, actor, "write_actions", action_org_ids(uow, action_id), entity="action", entity_id=action_id)
        action = get_row(session, Action, action_id, "Insatsen")
        for _name, table, _column, _key in _ACTION_LINKS:
            session.execute(delete(table).where(table.action_id == action_id))
        session.delete(action)
        audit(session, actor, "delete", "action", action_id, old=action.name)

