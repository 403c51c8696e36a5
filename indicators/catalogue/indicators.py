"""Indicators in the catalogue: everything an administrator can set, its rules, and
create / update / retire / delete. Every write checks ``permissions.require`` first, runs
in one transaction and audits each changed field; an indicator with values is retired,
never deleted."""
from __future__ import annotations

from dataclasses import MISSING, field, make_dataclass, replace
from datetime import date
from typing import Optional

import pandas as pd
from sqlalchemy import delete, select
from sqlmodel import Session

from db import crud, queries
from db.models import (
    DIRECTIONS, PERIODICITIES, SOURCE_KINDS, ActionIndicator, ComparisonValue, FocusArea, Indicator,
    IndicatorProgramGoal, IndicatorResultGoal, Measurement, Organisation, ProgramGoal, ResultGoal, Target,
)
from indicators.access.audit import audit, set_fields
from indicators.access.permissions import Actor, require
from indicators.catalogue.editing import (
    AdminError, Refs, check_version, count_where, delete_unused, get_row,
)
from indicators.rules.formatting import shown_number
from indicators.rules.periods import parse_period
from indicators.rules.ranges import outside_range
from indicators.rules.text import control_character, normalised
from indicators.rules.vocabulary import PERIODICITY_LABELS, PROGRAM_GOAL_RULE
from indicators.unit_of_work import UnitOfWork


# An indicator's plain settings are its own columns, stored as given: their types and
# defaults are declared once, on the table (db.models.Indicator), and IndicatorData takes them
# from there. The settings in the order of IndicatorData (and of the XLSX columns):
_SETTINGS = ("definition", "unit", "decimals", "direction", "periodicity", "source_kind", "source_ref", "source_note",
             "by_gender", "by_area", "breakdown_needs_count", "valid_min", "valid_max", "baseline_period", "baseline_value")
_VALIDITY = ("valid_from_year", "valid_to_year", "active", "report_every_years", "report_anchor_year")
_PLAIN_FIELDS = ("name",) + _SETTINGS + _VALIDITY


def _column(name: str) -> tuple:
    """A field of IndicatorData that is a column of the indicator: the column's type and default."""
    column = Indicator.model_fields[name]
    return name, column.annotation, field(default=MISSING if column.is_required() else column.default)


IndicatorData = make_dataclass("IndicatorData", [
    ("code", str),
    _column("name"),
    ("focus_area", str),  # focus area code
    ("responsible", str),  # organisation code
    ("program_goals", list[int]),  # program goal numbers
    ("result_goals", list[str], field(default_factory=list)),  # result goal codes
    *map(_column, _SETTINGS),
    ("targets", dict[int, float], field(default_factory=dict)),  # year -> target value
    *map(_column, _VALIDITY),
], namespace={
    "__module__": __name__,
    "__doc__": "Everything an administrator can set on an indicator, by codes (as in the XLSX).",
})


# Swedish field labels: form labels, XLSX column names and error prefixes.
INDICATOR_LABELS = {
    "code": "kod", "name": "namn", "definition": "definition", "unit": "enhet", "decimals": "decimaler",
    "direction": "riktning", "periodicity": "periodicitet", "source_kind": "källa", "source_ref": "källreferens",
    "source_note": "källkommentar", "responsible": "ansvarig", "focus_area": "fokusområde",
    "program_goals": "programmål", "result_goals": "resultatmål", "by_gender": "per kön", "by_area": "per område",
    "breakdown_needs_count": "antal krävs för uppdelningar",
    "valid_min": "lägsta värde", "valid_max": "högsta värde", "baseline_period": "utgångsperiod",
    "baseline_value": "utgångsvärde", "targets": "målvärden", "valid_from_year": "aktiv från år",
    "valid_to_year": "aktiv till år", "active": "aktiv",
    "report_every_years": "mäts vart n:e år", "report_anchor_year": "mätår att räkna från",
}


_TEXT_FIELDS = ("code", "name", "definition", "unit", "source_ref", "source_note")
_MULTILINE_FIELDS = ("definition", "source_note")


def normalise_indicator(data: IndicatorData, refs: Refs) -> tuple[IndicatorData, list[tuple[str, str]]]:
    """Clean the data and check every rule; returns (clean data, [(field, Swedish error)])."""
    errors: list[tuple[str, str]] = []
    clean = replace(data, **{f: normalised(getattr(data, f)) for f in _TEXT_FIELDS})
    errors += [(f, wrong) for f in _TEXT_FIELDS
               if (wrong := control_character(getattr(clean, f), allow_line_breaks=f in _MULTILINE_FIELDS))]
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

    if clean.baseline_period in ("", None):
        clean.baseline_period = None
        if clean.baseline_value is not None:
            errors.append(("baseline_period", "utgångsvärde utan utgångsperiod"))
    else:
        parsed = parse_period(clean.baseline_period)
        if not parsed.ok:
            errors.append(("baseline_period", parsed.error))
        elif parsed.value.kind != clean.periodicity and clean.periodicity in PERIODICITY_LABELS:
            errors.append(("baseline_period", f"{parsed.value.label} är inte ett {PERIODICITY_LABELS[clean.periodicity]}"
                           f" (indikatorn rapporteras per {PERIODICITY_LABELS[clean.periodicity]})"))
        else:
            clean.baseline_period = parsed.value.code
    outside = None if clean.baseline_value is None else outside_range(clean.baseline_value, low, high)
    if outside:
        errors.append(("baseline_value", f"utgångsvärdet {shown_number(clean.baseline_value)} {outside}"))
    for year, value in sorted(clean.targets.items()):
        if not refs.start_year <= int(year) <= refs.end_year:
            errors.append(("targets", f"målår {year} ligger utanför programperioden {refs.start_year}–{refs.end_year}"))
        elif outside_range(value, low, high):
            errors.append(("targets", f"målvärdet för {year} ({shown_number(value)}) "
                           f"{outside_range(value, low, high)}"))
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


def indicator_data(uow: UnitOfWork, indicator_id: int) -> tuple[IndicatorData, int]:
    """The indicator as IndicatorData plus its version (for the edit form and the export)."""
    with uow.read() as session:
        indicator = get_row(session, Indicator, indicator_id, "Indikatorn")
        return indicator_data_in(session, indicator), indicator.version


def all_indicator_data(uow: UnitOfWork) -> list[IndicatorData]:
    with uow.read() as session:
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


def create_indicator(uow: UnitOfWork, actor: Actor, data: IndicatorData) -> int:
    require(uow, actor, "write_structure", entity="indicator", entity_id=data.code)
    with uow.write() as session:
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
    audit(session, actor, "create", "indicator", indicator.id, new=f"{clean.code} {clean.name}")
    return indicator.id


def _write_links(session: Session, indicator_id: int, clean: IndicatorData, refs: Refs) -> None:
    for table in (IndicatorProgramGoal, IndicatorResultGoal, Target):
        session.execute(delete(table).where(table.indicator_id == indicator_id))
    session.add_all([IndicatorProgramGoal(indicator_id=indicator_id, program_goal_id=refs.goals[n]) for n in clean.program_goals])
    session.add_all([IndicatorResultGoal(indicator_id=indicator_id, result_goal_id=refs.result_ids[c]) for c in clean.result_goals])
    session.add_all([Target(indicator_id=indicator_id, year=y, value=v) for y, v in clean.targets.items()])


def update_indicator(uow: UnitOfWork, actor: Actor, indicator_id: int, data: IndicatorData, *,
                     expected_version: Optional[int], reason: str = "") -> int:
    """Save every changed field; returns how many fields changed (0: nothing written)."""
    require(uow, actor, "write_structure", entity="indicator", entity_id=indicator_id)
    with uow.write() as session:
        indicator = get_row(session, Indicator, indicator_id, "Indikatorn")
        check_version(f"Indikatorn {indicator.code}", expected_version, indicator.version)
        clean, refs = _checked(session, replace(data, code=indicator.code))
        return update_indicator_in(session, actor, indicator, clean, refs, reason)


def update_indicator_in(session: Session, actor: Actor, indicator: Indicator, clean: IndicatorData, refs: Refs,
                      reason: str = "") -> int:
    """Inside a write session whose caller has checked the permission (also the XLSX import)."""
    current = indicator_data_in(session, indicator)
    if clean.periodicity != current.periodicity and count_where(session, Measurement.indicator_id, indicator.id):
        raise AdminError(f"Indikator {indicator.code}: periodiciteten kan inte ändras när indikatorn har värden; "
                         "avveckla den och skapa en ny indikator i stället.")
    plain = {name: getattr(clean, name) for name in _PLAIN_FIELDS}
    plain["focus_area_id"] = refs.focus_ids[clean.focus_area]
    plain["responsible_org_id"] = refs.org_ids[clean.responsible]
    changed = set_fields(session, actor, "indicator", indicator, plain, reason)
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
            audit(session, actor, "update", "indicator", indicator_id, name,
                   ",".join(map(str, getattr(old, name))), ",".join(map(str, getattr(new, name))), reason)
            changed += 1
    for year in sorted(set(old.targets) | set(new.targets)):
        before, after = old.targets.get(year), new.targets.get(year)
        if before != after:
            audit(session, actor, "update", "indicator", indicator_id, f"target:{year}", before, after, reason)
            changed += 1
    return changed


def set_indicator_active(uow: UnitOfWork, actor: Actor, indicator_id: int, active: bool, *,
                         expected_version: Optional[int] = None, reason: str = "") -> None:
    """Retire (active=False) or reactivate. Values and history stay; retired indicators are
    left out of reporting and dashboards."""
    require(uow, actor, "write_structure", entity="indicator", entity_id=indicator_id)
    with uow.write() as session:
        indicator = get_row(session, Indicator, indicator_id, "Indikatorn")
        check_version(f"Indikatorn {indicator.code}", expected_version, indicator.version)
        if set_fields(session, actor, "indicator", indicator, {"active": active}, reason):
            indicator.version += 1


def retire_indicator(uow: UnitOfWork, actor: Actor, indicator_id: int, *, expected_version: Optional[int] = None,
                     reason: str = "") -> None:
    set_indicator_active(uow, actor, indicator_id, False, expected_version=expected_version, reason=reason)


def reactivate_indicator(uow: UnitOfWork, actor: Actor, indicator_id: int, *, expected_version: Optional[int] = None,
                         reason: str = "") -> None:
    set_indicator_active(uow, actor, indicator_id, True, expected_version=expected_version, reason=reason)


def delete_indicator(uow: UnitOfWork, actor: Actor, indicator_id: int) -> None:
    """Only an unused indicator (no values, comparisons or actions) can be deleted."""
    delete_unused(uow, actor, Indicator, "indicator", indicator_id, "Indikatorn",
                  uses={"värden": Measurement.indicator_id, "jämförelsevärden": ComparisonValue.indicator_id,
                        "insatser": ActionIndicator.indicator_id},
                  alternative="avveckla (inaktivera) den",
                  links=(IndicatorProgramGoal.indicator_id, IndicatorResultGoal.indicator_id, Target.indicator_id))


def definition_changes(uow: UnitOfWork, indicator_id: int) -> list[tuple[date, str]]:
    """When the definition or unit changed: [(date, "definition" | "unit")], oldest first,
    so charts can mark "definition ändrad <datum>"."""
    with uow.read() as session:
        events = queries.audit_events(session, "indicator", indicator_id, ["definition", "unit"])
    return [(pd.Timestamp(at).date(), name) for at, name in zip(events["at"], events["field"])]

