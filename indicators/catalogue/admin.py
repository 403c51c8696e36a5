"""Administration of the catalogue and the program structure, actions and meetings.

Every write takes the acting ``Actor`` first, checks ``permissions.require`` before it
touches data, runs in one transaction and audits each changed field. Rows that carry
values are never deleted: they are retired (indicators) or deactivated instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Optional

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db import crud, queries
from db.engine import session_scope
from db.models import (
    ACTION_STATUSES, DIRECTIONS, MEETING_KINDS, ORG_KINDS, PERIODICITIES, SOURCE_KINDS,
    Action, ActionIndicator, ActionOrganisation, ActionProgramGoal, Area, ComparisonUnit,
    ComparisonValue, FocusArea, Indicator, IndicatorProgramGoal, IndicatorResultGoal, Measurement,
    Meeting, MeetingAttendee, MeetingDistribution, Organisation, ProgramGoal, ResultGoal, Target,
    UserOrganisation, utcnow,
)
from indicators.rules.parsing import area_lookup, parse_number
from indicators.rules.periods import PERIODICITY_LABELS, parse_period
from indicators.access.permissions import Actor, require

# The program's own words (Program för inkludering och social sammanhållning).
PROGRAM_GOAL_RULE = "Varje åtgärd ska motiveras av ett eller flera av programmets mål"
ORDINARY_MEETINGS_PER_YEAR = 2

DIRECTION_LABELS = {"higher": "högre är bättre", "lower": "lägre är bättre", "none": "ingen riktning"}
SOURCE_LABELS = {"own": "egen uppgift", "kolada": "Kolada", "scb": "SCB", "survey": "enkät"}


class AdminError(ValueError):
    """Invalid administrative input or a refused change (Swedish message; nothing written)."""


class ConflictError(AdminError):
    """Someone else saved the row after it was opened (optimistic locking)."""


def _conflict(what: str, expected: Optional[int], current: int) -> None:
    if expected is not None and expected != current:
        raise ConflictError(
            f"{what} har ändrats av någon annan sedan du öppnade den (din version {expected}, "
            f"nu version {current}). Ladda om sidan och gör ändringen igen."
        )


def _audit(session: Session, actor: Actor, action: str, entity: str, entity_id: object,
           field_name: str = "", old: object = None, new: object = None, reason: str = "") -> None:
    crud.add_audit(session, user_email=actor.email, action=action, entity=entity, entity_id=entity_id,
                   field=field_name, old=old, new=new, reason=reason)


def _set_fields(session: Session, actor: Actor, entity: str, row, changes: dict, reason: str = "") -> int:
    """Assign the changed attributes and audit each one; returns how many changed."""
    changed = 0
    for name, new in changes.items():
        old = getattr(row, name)
        if old != new:
            _audit(session, actor, "update", entity, row.id, name, old, new, reason)
            setattr(row, name, new)
            changed += 1
    return changed


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _count(session: Session, column, value) -> int:
    return session.execute(select(func.count()).where(column == value)).scalar_one()


def _refuse_delete_if_used(what: str, uses: dict[str, int], alternative: str) -> None:
    used = [f"{n} {label}" for label, n in uses.items() if n]
    if used:
        raise AdminError(f"{what} används ({', '.join(used)}) och kan inte tas bort; {alternative} i stället.")


def _get(session: Session, model, row_id: int, what: str):
    row = session.get(model, row_id)
    if row is None:
        raise AdminError(f"{what} finns inte (id {row_id}).")
    return row


# --- lookups by code or name -------------------------------------------------------

@dataclass
class Refs:
    """Codes and names of the structure, to turn user text into ids."""
    start_year: int
    end_year: int
    goals: dict[int, int]  # program goal number -> id
    focus: dict[str, str]  # lower-cased code/name -> code
    focus_ids: dict[str, int]
    orgs: dict[str, str]
    org_ids: dict[str, int]
    results: dict[str, str]
    result_ids: dict[str, int]
    indicator_ids: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> "Refs":
        prog = queries.program(session)
        focus = crud.all_rows(session, FocusArea)
        orgs = crud.all_rows(session, Organisation)
        results = crud.all_rows(session, ResultGoal)
        return cls(
            start_year=prog.start_year if prog else 1900, end_year=prog.end_year if prog else 2200,
            goals={g.number: g.id for g in crud.all_rows(session, ProgramGoal)},
            focus=area_lookup((f.code, f.name) for f in focus), focus_ids={f.code: f.id for f in focus},
            orgs=area_lookup((o.code, o.name) for o in orgs), org_ids={o.code: o.id for o in orgs},
            results=area_lookup((r.code, r.name) for r in results), result_ids={r.code: r.id for r in results},
            indicator_ids={code: i for i, code in session.execute(select(Indicator.id, Indicator.code)).all()},
        )

    def code_of(self, lookup: dict[str, str], text: object) -> Optional[str]:
        return lookup.get(_text(text).lower())


# --- indicators ----------------------------------------------------------------------

@dataclass
class IndicatorData:
    """Everything an administrator can set on an indicator, by codes (as in the XLSX)."""
    code: str
    name: str
    focus_area: str  # focus area code
    responsible: str  # organisation code
    program_goals: list[int]  # program goal numbers
    result_goals: list[str] = field(default_factory=list)  # result goal codes
    definition: str = ""
    unit: str = ""
    decimals: int = 1
    direction: str = "higher"
    periodicity: str = "year"
    source_kind: str = "own"
    source_ref: str = ""
    source_note: str = ""
    by_gender: bool = False
    by_area: bool = False
    valid_min: Optional[float] = None
    valid_max: Optional[float] = None
    baseline_period: Optional[str] = None
    baseline_value: Optional[float] = None
    targets: dict[int, float] = field(default_factory=dict)
    valid_from_year: Optional[int] = None
    valid_to_year: Optional[int] = None
    active: bool = True
    report_every_years: int = 1  # yearly indicators measured every N years (elections: 4)
    report_anchor_year: Optional[int] = None  # a measurement year, e.g. 2018


# Swedish field labels: form labels, XLSX column names and error prefixes.
INDICATOR_LABELS = {
    "code": "kod", "name": "namn", "definition": "definition", "unit": "enhet", "decimals": "decimaler",
    "direction": "riktning", "periodicity": "periodicitet", "source_kind": "källa", "source_ref": "källreferens",
    "source_note": "källkommentar", "responsible": "ansvarig", "focus_area": "fokusområde",
    "program_goals": "programmål", "result_goals": "resultatmål", "by_gender": "per kön", "by_area": "per område",
    "valid_min": "lägsta värde", "valid_max": "högsta värde", "baseline_period": "utgångsperiod",
    "baseline_value": "utgångsvärde", "targets": "målvärden", "valid_from_year": "aktiv från år",
    "valid_to_year": "aktiv till år", "active": "aktiv",
    "report_every_years": "mäts vart n:e år", "report_anchor_year": "mätår att räkna från",
}
_PLAIN_FIELDS = ("name", "definition", "unit", "decimals", "direction", "periodicity", "source_kind", "source_ref",
                 "source_note", "by_gender", "by_area", "valid_min", "valid_max", "baseline_period",
                 "baseline_value", "valid_from_year", "valid_to_year", "active", "report_every_years",
                 "report_anchor_year")
_TEXT_FIELDS = ("code", "name", "definition", "unit", "source_ref", "source_note")


def normalise_indicator(data: IndicatorData, refs: Refs) -> tuple[IndicatorData, list[tuple[str, str]]]:
    """Clean the data and check every rule; returns (clean data, [(field, Swedish error)])."""
    errors: list[tuple[str, str]] = []
    clean = replace(data, **{f: _text(getattr(data, f)) for f in _TEXT_FIELDS})
    clean.code = clean.code.upper()
    if not clean.code:
        errors.append(("code", "koden saknas"))
    if not clean.name:
        errors.append(("name", "namnet saknas"))
    for name, allowed in (("direction", DIRECTIONS), ("periodicity", PERIODICITIES), ("source_kind", SOURCE_KINDS)):
        if getattr(clean, name) not in allowed:
            errors.append((name, f"'{getattr(clean, name)}' är inte tillåtet"))
    if not 0 <= int(clean.decimals) <= 6:
        errors.append(("decimals", "antal decimaler ska vara 0–6"))
    focus = refs.code_of(refs.focus, clean.focus_area)
    org = refs.code_of(refs.orgs, clean.responsible)
    if focus is None:
        errors.append(("focus_area", f"'{clean.focus_area}' är inget fokusområde"))
    if org is None:
        errors.append(("responsible", f"'{clean.responsible}' är ingen känd organisation"))
    clean.focus_area, clean.responsible = focus or clean.focus_area, org or clean.responsible
    goals = sorted({int(n) for n in clean.program_goals})
    if not goals:
        errors.append(("program_goals", f"minst ett programmål krävs ({PROGRAM_GOAL_RULE.lower()})"))
    errors += [("program_goals", f"programmål {n} finns inte") for n in goals if n not in refs.goals]
    results = []
    for text in clean.result_goals:
        code = refs.code_of(refs.results, text)
        if code is None:
            errors.append(("result_goals", f"'{text}' är inget resultatmål"))
        else:
            results.append(code)
    clean.program_goals, clean.result_goals = goals, sorted(set(results))
    errors += _check_ranges(clean, refs)
    return clean, errors


def _check_ranges(clean: IndicatorData, refs: Refs) -> list[tuple[str, str]]:
    errors = []
    low, high = clean.valid_min, clean.valid_max
    if low is not None and high is not None and low > high:
        errors.append(("valid_max", "högsta värde är lägre än lägsta värde"))

    def outside(value: float) -> bool:
        return (low is not None and value < low) or (high is not None and value > high)

    if clean.baseline_period in ("", None):
        clean.baseline_period = None
        if clean.baseline_value is not None:
            errors.append(("baseline_period", "utgångsvärde utan utgångsperiod"))
    else:
        parsed = parse_period(clean.baseline_period)
        if not parsed.ok:
            errors.append(("baseline_period", parsed.error))
        elif parsed.value.kind != clean.periodicity and clean.periodicity in PERIODICITY_LABELS:
            errors.append(("baseline_period", f"'{parsed.value.code}' är inte ett {PERIODICITY_LABELS[clean.periodicity]}"
                           f" (indikatorn rapporteras per {PERIODICITY_LABELS[clean.periodicity]})"))
        else:
            clean.baseline_period = parsed.value.code
    if clean.baseline_value is not None and outside(clean.baseline_value):
        errors.append(("baseline_value", "utgångsvärdet ligger utanför lägsta–högsta värde"))
    for year, value in sorted(clean.targets.items()):
        if not refs.start_year <= int(year) <= refs.end_year:
            errors.append(("targets", f"målår {year} ligger utanför programperioden {refs.start_year}–{refs.end_year}"))
        elif outside(value):
            errors.append(("targets", f"målvärdet för {year} ligger utanför lägsta–högsta värde"))
    clean.targets = {int(y): float(v) for y, v in sorted(clean.targets.items())}
    first, last = clean.valid_from_year, clean.valid_to_year
    if first is not None and last is not None and first > last:
        errors.append(("valid_to_year", "aktiv till år ligger före aktiv från år"))
    if not 1 <= int(clean.report_every_years or 0) <= 10:
        errors.append(("report_every_years", "ska vara 1–10 (1 = varje period)"))
    elif clean.report_every_years > 1 and (clean.periodicity != "year" or clean.report_anchor_year is None):
        errors.append(("report_anchor_year", "ange ett mätår för årsindikatorer som mäts vart n:e år"))
    return errors


def format_errors(errors: list[tuple[str, str]]) -> str:
    return "; ".join(f"{INDICATOR_LABELS.get(f, f)}: {msg}" for f, msg in errors)


def indicator_data(indicator_id: int, engine: Optional[Engine] = None) -> tuple[IndicatorData, int]:
    """The indicator as IndicatorData plus its version (for the edit form and the export)."""
    with session_scope(engine) as session:
        indicator = _get(session, Indicator, indicator_id, "Indikatorn")
        return indicator_data_in(session, indicator), indicator.version


def all_indicator_data(engine: Optional[Engine] = None) -> list[IndicatorData]:
    with session_scope(engine) as session:
        return [indicator_data_in(session, i) for i in crud.all_rows(session, Indicator, Indicator.code)]


def indicator_data_in(session: Session, indicator: Indicator) -> IndicatorData:
    goals = session.execute(
        select(ProgramGoal.number).join(IndicatorProgramGoal, IndicatorProgramGoal.program_goal_id == ProgramGoal.id)
        .where(IndicatorProgramGoal.indicator_id == indicator.id)
    ).scalars().all()
    results = session.execute(
        select(ResultGoal.code).join(IndicatorResultGoal, IndicatorResultGoal.result_goal_id == ResultGoal.id)
        .where(IndicatorResultGoal.indicator_id == indicator.id)
    ).scalars().all()
    targets = session.execute(select(Target.year, Target.value).where(Target.indicator_id == indicator.id)).all()
    return IndicatorData(
        code=indicator.code, focus_area=session.get(FocusArea, indicator.focus_area_id).code,
        responsible=session.get(Organisation, indicator.responsible_org_id).code,
        program_goals=sorted(goals), result_goals=sorted(results),
        targets={int(y): float(v) for y, v in sorted(targets)},
        **{name: getattr(indicator, name) for name in _PLAIN_FIELDS},
    )


def _checked(session: Session, data: IndicatorData) -> tuple[IndicatorData, Refs]:
    refs = Refs.load(session)
    clean, errors = normalise_indicator(data, refs)
    if errors:
        raise AdminError(f"Indikator {clean.code or '(ny)'}: {format_errors(errors)}")
    return clean, refs


def create_indicator(actor: Actor, data: IndicatorData, engine: Optional[Engine] = None) -> int:
    require(actor, "write_structure", entity="indicator", entity_id=data.code, engine=engine)
    with session_scope(engine, write=True) as session:
        clean, refs = _checked(session, data)
        return create_indicator_in(session, actor, clean, refs)


def create_indicator_in(session: Session, actor: Actor, clean: IndicatorData, refs: Refs) -> int:
    """Inside a write session whose caller has checked the permission (also the XLSX import)."""
    if clean.code in refs.indicator_ids:
        raise AdminError(f"Det finns redan en indikator med koden {clean.code}.")
    indicator = Indicator(
        code=clean.code, focus_area_id=refs.focus_ids[clean.focus_area],
        responsible_org_id=refs.org_ids[clean.responsible],
        **{name: getattr(clean, name) for name in _PLAIN_FIELDS},
    )
    session.add(indicator)
    session.flush()
    _write_links(session, indicator.id, clean, refs)
    _audit(session, actor, "create", "indicator", indicator.id, new=f"{clean.code} {clean.name}")
    return indicator.id


def _write_links(session: Session, indicator_id: int, clean: IndicatorData, refs: Refs) -> None:
    for table in (IndicatorProgramGoal, IndicatorResultGoal, Target):
        session.execute(delete(table).where(table.indicator_id == indicator_id))
    session.add_all([IndicatorProgramGoal(indicator_id=indicator_id, program_goal_id=refs.goals[n]) for n in clean.program_goals])
    session.add_all([IndicatorResultGoal(indicator_id=indicator_id, result_goal_id=refs.result_ids[c]) for c in clean.result_goals])
    session.add_all([Target(indicator_id=indicator_id, year=y, value=v) for y, v in clean.targets.items()])


def update_indicator(actor: Actor, indicator_id: int, data: IndicatorData, *, expected_version: Optional[int],
                     reason: str = "", engine: Optional[Engine] = None) -> int:
    """Save every changed field; returns how many fields changed (0: nothing written)."""
    require(actor, "write_structure", entity="indicator", entity_id=indicator_id, engine=engine)
    with session_scope(engine, write=True) as session:
        indicator = _get(session, Indicator, indicator_id, "Indikatorn")
        _conflict(f"Indikatorn {indicator.code}", expected_version, indicator.version)
        clean, refs = _checked(session, replace(data, code=indicator.code))
        return update_indicator_in(session, actor, indicator, clean, refs, reason)


def update_indicator_in(session: Session, actor: Actor, indicator: Indicator, clean: IndicatorData, refs: Refs,
                      reason: str = "") -> int:
    """Inside a write session whose caller has checked the permission (also the XLSX import)."""
    current = indicator_data_in(session, indicator)
    if clean.periodicity != current.periodicity and _count(session, Measurement.indicator_id, indicator.id):
        raise AdminError(f"Indikator {indicator.code}: periodiciteten kan inte ändras när indikatorn har värden; "
                         "avveckla den och skapa en ny indikator i stället.")
    plain = {name: getattr(clean, name) for name in _PLAIN_FIELDS}
    plain["focus_area_id"] = refs.focus_ids[clean.focus_area]
    plain["responsible_org_id"] = refs.org_ids[clean.responsible]
    changed = _set_fields(session, actor, "indicator", indicator, plain, reason)
    changed += _diff_links(session, actor, indicator.id, current, clean, reason)
    if changed:
        _write_links(session, indicator.id, clean, refs)
        indicator.version += 1
    return changed


def _diff_links(session: Session, actor: Actor, indicator_id: int, old: IndicatorData, new: IndicatorData,
                reason: str) -> int:
    changed = 0
    for name in ("program_goals", "result_goals"):
        if getattr(old, name) != getattr(new, name):
            _audit(session, actor, "update", "indicator", indicator_id, name,
                   ",".join(map(str, getattr(old, name))), ",".join(map(str, getattr(new, name))), reason)
            changed += 1
    for year in sorted(set(old.targets) | set(new.targets)):
        before, after = old.targets.get(year), new.targets.get(year)
        if before != after:
            _audit(session, actor, "update", "indicator", indicator_id, f"target:{year}", before, after, reason)
            changed += 1
    return changed


def set_indicator_active(actor: Actor, indicator_id: int, active: bool, *, expected_version: Optional[int] = None,
                         reason: str = "", engine: Optional[Engine] = None) -> None:
    """Retire (active=False) or reactivate. Values and history stay; retired indicators are
    left out of reporting and dashboards."""
    require(actor, "write_structure", entity="indicator", entity_id=indicator_id, engine=engine)
    with session_scope(engine, write=True) as session:
        indicator = _get(session, Indicator, indicator_id, "Indikatorn")
        _conflict(f"Indikatorn {indicator.code}", expected_version, indicator.version)
        if _set_fields(session, actor, "indicator", indicator, {"active": active}, reason):
            indicator.version += 1


def retire_indicator(actor: Actor, indicator_id: int, **kwargs) -> None:
    set_indicator_active(actor, indicator_id, False, **kwargs)


def reactivate_indicator(actor: Actor, indicator_id: int, **kwargs) -> None:
    set_indicator_active(actor, indicator_id, True, **kwargs)


def delete_indicator(actor: Actor, indicator_id: int, engine: Optional[Engine] = None) -> None:
    """Only an unused indicator (no values, comparisons or actions) can be deleted."""
    require(actor, "write_structure", entity="indicator", entity_id=indicator_id, engine=engine)
    with session_scope(engine, write=True) as session:
        indicator = _get(session, Indicator, indicator_id, "Indikatorn")
        _refuse_delete_if_used(f"Indikatorn {indicator.code}", {
            "värden": _count(session, Measurement.indicator_id, indicator_id),
            "jämförelsevärden": _count(session, ComparisonValue.indicator_id, indicator_id),
            "insatser": _count(session, ActionIndicator.indicator_id, indicator_id),
        }, "avveckla (inaktivera) den")
        for table in (IndicatorProgramGoal, IndicatorResultGoal, Target):
            session.execute(delete(table).where(table.indicator_id == indicator_id))
        session.delete(indicator)
        _audit(session, actor, "delete", "indicator", indicator_id, old=f"{indicator.code} {indicator.name}")


def definition_changes(indicator_id: int, engine: Optional[Engine] = None) -> list[tuple[date, str]]:
    """When the definition or unit changed: [(date, "definition" | "unit")], oldest first,
    so charts can mark "definition ändrad <datum>"."""
    with session_scope(engine) as session:
        events = queries.audit_events(session, "indicator", indicator_id, ["definition", "unit"])
    return [(pd.Timestamp(at).date(), name) for at, name in zip(events["at"], events["field"])]


# --- program goals, focus areas, result goals ---------------------------------------

def edit_program_goal(actor: Actor, goal_id: int, *, name: str, description: str = "",
                      engine: Optional[Engine] = None) -> int:
    """Only the text: the numbers are the program's own."""
    return _edit_text(actor, ProgramGoal, "program_goal", goal_id, {"name": name, "description": description}, engine)


def edit_focus_area(actor: Actor, focus_id: int, *, name: str, short_name: str = "", description: str = "",
                    engine: Optional[Engine] = None) -> int:
    changes = {"name": name, "short_name": short_name, "description": description}
    return _edit_text(actor, FocusArea, "focus_area", focus_id, changes, engine)


def _edit_text(actor: Actor, model, entity: str, row_id: int, changes: dict, engine: Optional[Engine]) -> int:
    require(actor, "write_structure", entity=entity, entity_id=row_id, engine=engine)
    changes = {k: _text(v) for k, v in changes.items()}
    if not changes["name"]:
        raise AdminError("Namnet får inte vara tomt.")
    with session_scope(engine, write=True) as session:
        return _set_fields(session, actor, entity, _get(session, model, row_id, "Raden"), changes)


def _check_years(first: Optional[int], last: Optional[int]) -> None:
    if first is None:
        raise AdminError("Giltig från år saknas.")
    if last is not None and last < first:
        raise AdminError(f"Giltig till år ({last}) ligger före giltig från år ({first}).")


def create_result_goal(actor: Actor, *, code: str, name: str, valid_from_year: int, valid_to_year: Optional[int] = None,
                       description: str = "", engine: Optional[Engine] = None) -> int:
    require(actor, "write_structure", entity="result_goal", entity_id=code, engine=engine)
    code, name = _text(code).upper(), _text(name)
    if not code or not name:
        raise AdminError("Resultatmålet behöver kod och namn.")
    _check_years(valid_from_year, valid_to_year)
    with session_scope(engine, write=True) as session:
        if crud.by_code(session, ResultGoal, code):
            raise AdminError(f"Det finns redan ett resultatmål med koden {code}.")
        goal = ResultGoal(code=code, name=name, description=_text(description),
                          valid_from_year=valid_from_year, valid_to_year=valid_to_year)
        session.add(goal)
        session.flush()
        _audit(session, actor, "create", "result_goal", goal.id, new=f"{code} {name}")
        return goal.id


def edit_result_goal(actor: Actor, goal_id: int, *, name: str, valid_from_year: int, valid_to_year: Optional[int],
                     description: str = "", engine: Optional[Engine] = None) -> int:
    """Also how a result goal is retired: set valid_to_year (goals are revised each mandate period)."""
    require(actor, "write_structure", entity="result_goal", entity_id=goal_id, engine=engine)
    if not _text(name):
        raise AdminError("Namnet får inte vara tomt.")
    _check_years(valid_from_year, valid_to_year)
    changes = {"name": _text(name), "description": _text(description), "valid_from_year": valid_from_year,
               "valid_to_year": valid_to_year}
    with session_scope(engine, write=True) as session:
        return _set_fields(session, actor, "result_goal", _get(session, ResultGoal, goal_id, "Resultatmålet"), changes)


def delete_result_goal(actor: Actor, goal_id: int, engine: Optional[Engine] = None) -> None:
    require(actor, "write_structure", entity="result_goal", entity_id=goal_id, engine=engine)
    with session_scope(engine, write=True) as session:
        goal = _get(session, ResultGoal, goal_id, "Resultatmålet")
        _refuse_delete_if_used(f"Resultatmålet {goal.code}", {
            "indikatorer": _count(session, IndicatorResultGoal.result_goal_id, goal_id)},
            "avsluta det med ett giltigt till-år")
        session.delete(goal)
        _audit(session, actor, "delete", "result_goal", goal_id, old=f"{goal.code} {goal.name}")


# --- organisations, areas, comparison units -----------------------------------------

def _create_coded(actor: Actor, model, entity: str, values: dict, engine: Optional[Engine]) -> int:
    require(actor, "write_structure", entity=entity, entity_id=values.get("code", ""), engine=engine)
    values = {k: _text(v) if isinstance(v, str) else v for k, v in values.items()}
    if not values["code"] or not values["name"]:
        raise AdminError("Både kod och namn krävs.")
    with session_scope(engine, write=True) as session:
        if crud.by_code(session, model, values["code"]):
            raise AdminError(f"Koden {values['code']} finns redan.")
        row = model(**values)
        session.add(row)
        session.flush()
        _audit(session, actor, "create", entity, row.id, new=f"{values['code']} {values['name']}")
        return row.id


def _edit_row(actor: Actor, model, entity: str, row_id: int, changes: dict, engine: Optional[Engine], check=None) -> int:
    require(actor, "write_structure", entity=entity, entity_id=row_id, engine=engine)
    changes = {k: _text(v) if isinstance(v, str) else v for k, v in changes.items()}
    if "name" in changes and not changes["name"]:
        raise AdminError("Namnet får inte vara tomt.")
    with session_scope(engine, write=True) as session:
        row = _get(session, model, row_id, "Raden")
        if check:
            check(session, row, changes)
        return _set_fields(session, actor, entity, row, changes)


def _check_org_kind(kind: str) -> None:
    if kind not in ORG_KINDS:
        raise AdminError(f"Okänd typ '{kind}'; välj {', '.join(ORG_KINDS)}.")


def create_organisation(actor: Actor, *, code: str, name: str, kind: str, engine: Optional[Engine] = None) -> int:
    _check_org_kind(kind)
    return _create_coded(actor, Organisation, "organisation", {"code": _text(code).upper(), "name": name, "kind": kind}, engine)


def edit_organisation(actor: Actor, org_id: int, *, name: str, kind: str, active: bool = True,
                      engine: Optional[Engine] = None) -> int:
    _check_org_kind(kind)
    return _edit_row(actor, Organisation, "organisation", org_id, {"name": name, "kind": kind, "active": active}, engine)


def delete_organisation(actor: Actor, org_id: int, engine: Optional[Engine] = None) -> None:
    require(actor, "write_structure", entity="organisation", entity_id=org_id, engine=engine)
    with session_scope(engine, write=True) as session:
        org = _get(session, Organisation, org_id, "Organisationen")
        _refuse_delete_if_used(f"Organisationen {org.code}", {
            "indikatorer": _count(session, Indicator.responsible_org_id, org_id),
            "insatser": _count(session, ActionOrganisation.organisation_id, org_id),
            "användare": _count(session, UserOrganisation.organisation_id, org_id),
            "mötesdeltagare": _count(session, MeetingAttendee.organisation_id, org_id),
            "sändlistor": _count(session, MeetingDistribution.organisation_id, org_id),
        }, "inaktivera den")
        session.delete(org)
        _audit(session, actor, "delete", "organisation", org_id, old=f"{org.code} {org.name}")


def create_area(actor: Actor, *, code: str, name: str, sort_order: int = 0, engine: Optional[Engine] = None) -> int:
    """A new area is never the total: there is exactly one ("Hela kommunen")."""
    return _create_coded(actor, Area, "area", {"code": _text(code).upper(), "name": name, "sort_order": sort_order,
                                               "is_total": False}, engine)


def edit_area(actor: Actor, area_id: int, *, name: str, sort_order: int = 0, active: bool = True,
              engine: Optional[Engine] = None) -> int:
    def keep_total(_session, area: Area, changes: dict) -> None:
        if area.is_total and not changes["active"]:
            raise AdminError(f"{area.name} är totalen för hela kommunen och kan inte inaktiveras; det ska finnas exakt ett totalområde.")
    return _edit_row(actor, Area, "area", area_id, {"name": name, "sort_order": sort_order, "active": active},
                     engine, keep_total)


def delete_area(actor: Actor, area_id: int, engine: Optional[Engine] = None) -> None:
    require(actor, "write_structure", entity="area", entity_id=area_id, engine=engine)
    with session_scope(engine, write=True) as session:
        area = _get(session, Area, area_id, "Området")
        if area.is_total:
            raise AdminError(f"{area.name} är totalen och kan inte tas bort; det ska finnas exakt ett totalområde.")
        _refuse_delete_if_used(f"Området {area.name}", {"värden": _count(session, Measurement.area_id, area_id)},
                               "inaktivera det")
        session.delete(area)
        _audit(session, actor, "delete", "area", area_id, old=f"{area.code} {area.name}")


def create_comparison_unit(actor: Actor, *, code: str, name: str, engine: Optional[Engine] = None) -> int:
    return _create_coded(actor, ComparisonUnit, "comparison_unit", {"code": _text(code), "name": name}, engine)


def edit_comparison_unit(actor: Actor, unit_id: int, *, name: str, active: bool = True,
                         engine: Optional[Engine] = None) -> int:
    return _edit_row(actor, ComparisonUnit, "comparison_unit", unit_id, {"name": name, "active": active}, engine)


def delete_comparison_unit(actor: Actor, unit_id: int, engine: Optional[Engine] = None) -> None:
    require(actor, "write_structure", entity="comparison_unit", entity_id=unit_id, engine=engine)
    with session_scope(engine, write=True) as session:
        unit = _get(session, ComparisonUnit, unit_id, "Jämförelseenheten")
        _refuse_delete_if_used(f"Jämförelseenheten {unit.name}", {
            "jämförelsevärden": _count(session, ComparisonValue.unit_id, unit_id)}, "inaktivera den")
        session.delete(unit)
        _audit(session, actor, "delete", "comparison_unit", unit_id, old=f"{unit.code} {unit.name}")


def reference_data(engine: Optional[Engine] = None) -> dict[str, pd.DataFrame]:
    """Everything the Administration page lists, retired and inactive rows included."""
    with session_scope(engine) as session:
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


# --- actions (insatser) -------------------------------------------------------------

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
    if not _text(data.name):
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
    codes = [_text(c).upper() for c in data.indicators]
    errors += [f"indikatorn '{c}' finns inte" for c in codes if c not in refs.indicator_ids]
    if errors:
        raise AdminError("Insatsen sparades inte: " + "; ".join(errors))
    return {
        "columns": {"name": _text(data.name), "description": _text(data.description), "status": data.status,
                    "focus_area_id": refs.focus_ids[focus], "start_date": data.start_date, "end_date": data.end_date,
                    "cost_estimate": cost, "priority": None if data.priority is None else int(data.priority)},
        "goal_ids": sorted(refs.goals[n] for n in goals),
        "org_ids": sorted({refs.org_ids[o] for o in orgs}),
        "indicator_ids": sorted({refs.indicator_ids[c] for c in codes}),
    }


def _parse_cost(raw: object, errors: list[str]) -> Optional[int]:
    if raw is None or _text(raw) == "" or (isinstance(raw, float) and pd.isna(raw)):
        return None
    text = _text(raw)
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


def action_org_ids(action_id: int, engine: Optional[Engine] = None) -> list[int]:
    with session_scope(engine) as session:
        return _links(session, ActionOrganisation, action_id, ActionOrganisation.organisation_id)


def _links(session: Session, table, action_id: int, column) -> list[int]:
    return sorted(session.execute(select(column).where(table.action_id == action_id)).scalars().all())


def _org_ids_for(codes: Iterable[str], engine: Optional[Engine]) -> list[int]:
    with session_scope(engine) as session:
        refs = Refs.load(session)
    return [refs.org_ids[c] for c in (refs.code_of(refs.orgs, t) for t in codes) if c]


def create_action(actor: Actor, data: ActionData, engine: Optional[Engine] = None) -> int:
    """Admins, or officials for actions their own organisation is responsible for."""
    require(actor, "write_actions", _org_ids_for(data.organisations, engine), entity="action", engine=engine)
    with session_scope(engine, write=True) as session:
        clean = _clean_action(data, Refs.load(session))
        action = Action(**clean["columns"])
        session.add(action)
        session.flush()
        _write_action_links(session, action.id, clean)
        _audit(session, actor, "create", "action", action.id, new=action.name)
        return action.id


def update_action(actor: Actor, action_id: int, data: ActionData, *, expected_version: Optional[int],
                  engine: Optional[Engine] = None) -> int:
    """An official must share an organisation with both the current and the new responsible ones."""
    current_orgs = action_org_ids(action_id, engine)
    require(actor, "write_actions", current_orgs, entity="action", entity_id=action_id, engine=engine)
    require(actor, "write_actions", _org_ids_for(data.organisations, engine), entity="action",
            entity_id=action_id, engine=engine)
    with session_scope(engine, write=True) as session:
        action = _get(session, Action, action_id, "Insatsen")
        _conflict(f"Insatsen '{action.name}'", expected_version, action.version)
        clean = _clean_action(data, Refs.load(session))
        changed = _set_fields(session, actor, "action", action, clean["columns"])
        for name, table, column, key in _ACTION_LINKS:
            old = _links(session, table, action_id, column)
            if old != clean[key]:
                _audit(session, actor, "update", "action", action_id, name, old, clean[key])
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


def action_data(action_id: int, engine: Optional[Engine] = None) -> tuple[ActionData, int]:
    with session_scope(engine) as session:
        action = _get(session, Action, action_id, "Insatsen")
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


def action_list(sort_by: str = "priority", engine: Optional[Engine] = None) -> pd.DataFrame:
    """One row per action with goals, organisations and indicators as text; priority sorts
    1 first, cost sorts the most expensive first; unknown values last."""
    with session_scope(engine) as session:
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


def delete_action(actor: Actor, action_id: int, engine: Optional[Engine] = None) -> None:
    require(actor, "write_actions", action_org_ids(action_id, engine), entity="action", entity_id=action_id, engine=engine)
    with session_scope(engine, write=True) as session:
        action = _get(session, Action, action_id, "Insatsen")
        for _name, table, _column, _key in _ACTION_LINKS:
            session.execute(delete(table).where(table.action_id == action_id))
        session.delete(action)
        _audit(session, actor, "delete", "action", action_id, old=action.name)


# --- meetings ----------------------------------------------------------------------

@dataclass
class Attendee:
    organisation: str  # organisation code of the seat
    name: str = ""  # optional; by default the seat ("Ledamot KS 1")
    present: bool = True


@dataclass
class MeetingData:
    date: date
    kind: str = "ordinarie"
    title: str = ""
    agenda: str = ""
    notes: str = ""
    decisions: str = ""
    attendees: list[Attendee] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)  # organisation codes


def default_attendees(seats: list[tuple[str, int]]) -> list[Attendee]:
    """One attendee per seat of the working group, named by seat, not by person."""
    return [Attendee(code, f"Ledamot {code} {n}") for code, count in seats for n in range(1, count + 1)]


def default_distribution(seats: list[tuple[str, int]]) -> list[str]:
    """Minnesanteckningar go to KS and every board represented in the working group."""
    codes = ["KS"] + [code for code, _count in seats]
    return list(dict.fromkeys(codes))


def _meeting_warnings(session: Session, data: MeetingData, meeting_id: Optional[int]) -> list[str]:
    if data.kind != "ordinarie":
        return []
    stmt = select(Meeting.id, Meeting.date).where(Meeting.kind == "ordinarie")
    same_year = [i for i, day in session.execute(stmt).all() if day.year == data.date.year and i != meeting_id]
    if len(same_year) + 1 > ORDINARY_MEETINGS_PER_YEAR:
        return [f"{data.date.year} får {len(same_year) + 1} ordinarie möten; arbetsgruppen har normalt "
                f"{ORDINARY_MEETINGS_PER_YEAR} ordinarie möten per år och ett extra möte vid behov."]
    return []


def _clean_meeting(session: Session, data: MeetingData) -> tuple[dict, list[tuple[int, str, bool]], list[int]]:
    refs = Refs.load(session)
    errors = []
    if data.kind not in MEETING_KINDS:
        errors.append(f"mötestyp '{data.kind}' är inte tillåten; välj {' eller '.join(MEETING_KINDS)}")
    if not isinstance(data.date, date):
        errors.append("datum saknas")

    def org_id(code: str) -> Optional[int]:
        found = refs.code_of(refs.orgs, code)
        if found is None:
            errors.append(f"'{code}' är ingen känd organisation")
        return refs.org_ids.get(found) if found else None

    attendees = [(org_id(a.organisation), _text(a.name), bool(a.present)) for a in data.attendees]
    distribution = sorted({org_id(code) for code in data.distribution} - {None})
    if errors:
        raise AdminError("Mötet sparades inte: " + "; ".join(errors))
    columns = {"date": data.date, "kind": data.kind, "title": _text(data.title), "agenda": _text(data.agenda),
               "notes": _text(data.notes), "decisions": _text(data.decisions)}
    return columns, attendees, distribution


def create_meeting(actor: Actor, data: MeetingData, engine: Optional[Engine] = None) -> tuple[int, list[str]]:
    """Returns (meeting id, warnings). A third ordinary meeting in a year is a warning, not an error."""
    require(actor, "write_meetings", entity="meeting", engine=engine)
    with session_scope(engine, write=True) as session:
        columns, attendees, distribution = _clean_meeting(session, data)
        warnings = _meeting_warnings(session, data, None)
        meeting = Meeting(**columns)
        session.add(meeting)
        session.flush()
        _write_meeting_links(session, meeting.id, attendees, distribution)
        _audit(session, actor, "create", "meeting", meeting.id, new=f"{data.date} {data.kind} {columns['title']}")
        return meeting.id, warnings


def update_meeting(actor: Actor, meeting_id: int, data: MeetingData, *, expected_version: Optional[int],
                   engine: Optional[Engine] = None) -> list[str]:
    require(actor, "write_meetings", entity="meeting", entity_id=meeting_id, engine=engine)
    with session_scope(engine, write=True) as session:
        meeting = _get(session, Meeting, meeting_id, "Mötet")
        _conflict(f"Mötet {meeting.date}", expected_version, meeting.version)
        columns, attendees, distribution = _clean_meeting(session, data)
        warnings = _meeting_warnings(session, data, meeting_id)
        changed = _set_fields(session, actor, "meeting", meeting, columns)
        old_attendees = [(a.organisation_id, a.name, a.present) for a in session.execute(
            select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id).order_by(MeetingAttendee.id)).scalars()]
        old_distribution = sorted(session.execute(select(MeetingDistribution.organisation_id)
                                                  .where(MeetingDistribution.meeting_id == meeting_id)).scalars())
        for name, old, new in (("attendees", old_attendees, attendees), ("distribution", old_distribution, distribution)):
            if old != new:
                _audit(session, actor, "update", "meeting", meeting_id, name, old, new)
                changed += 1
        if changed:
            _write_meeting_links(session, meeting_id, attendees, distribution)
            meeting.version += 1
        return warnings


def _write_meeting_links(session: Session, meeting_id: int, attendees, distribution) -> None:
    session.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id))
    session.execute(delete(MeetingDistribution).where(MeetingDistribution.meeting_id == meeting_id))
    session.add_all([MeetingAttendee(meeting_id=meeting_id, organisation_id=o, name=n, present=p) for o, n, p in attendees])
    session.add_all([MeetingDistribution(meeting_id=meeting_id, organisation_id=o) for o in distribution])


def meeting_data(meeting_id: int, engine: Optional[Engine] = None) -> tuple[MeetingData, int]:
    with session_scope(engine) as session:
        meeting = _get(session, Meeting, meeting_id, "Mötet")
        codes = {o.id: o.code for o in crud.all_rows(session, Organisation)}
        attendees = session.execute(select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id)
                                    .order_by(MeetingAttendee.id)).scalars().all()
        distribution = session.execute(select(MeetingDistribution.organisation_id)
                                       .where(MeetingDistribution.meeting_id == meeting_id)).scalars().all()
        data = MeetingData(
            date=meeting.date, kind=meeting.kind, title=meeting.title, agenda=meeting.agenda, notes=meeting.notes,
            decisions=meeting.decisions, attendees=[Attendee(codes[a.organisation_id], a.name, a.present) for a in attendees],
            distribution=sorted(codes[o] for o in distribution),
        )
        return data, meeting.version


def meeting_list(engine: Optional[Engine] = None) -> pd.DataFrame:
    with session_scope(engine) as session:
        return queries.meetings(session)

