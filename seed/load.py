"""Load the program structure and starter catalogue from the YAML files beside this module.

Idempotent: rows are matched on their natural key (code or number) and only missing rows
are created, so a second run changes nothing and edits made in the app survive.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlmodel import Session

from db import crud
from db.models import (
    Area,
    ComparisonUnit,
    FocusArea,
    Indicator,
    IndicatorProgramGoal,
    IndicatorResultGoal,
    Organisation,
    Program,
    ProgramGoal,
    ResultGoal,
    Target,
)

SEED_DIR = Path(__file__).resolve().parent


def read_yaml(name: str) -> Any:
    with open(SEED_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def working_group_seats() -> list[tuple[str, int]]:
    """(organisation code, seats) of the political working group."""
    return [(row["organisation"], row["seats"]) for row in read_yaml("structure.yaml")["working_group"]]


STRUCTURE_SEEDED = "structure_seeded"


def load_structure(session: Session) -> dict[str, int]:
    """Create missing structure rows, once per database; returns how many rows of each kind
    were created. After the first load the catalogue belongs to the municipality: a row an
    admin deleted must not come back on the next start."""
    if crud.get_meta(session, STRUCTURE_SEEDED) == "true":
        return {}
    data = read_yaml("structure.yaml")
    created: dict[str, int] = {}
    program = _program(session, data["program"], created)
    for row in data["program_goals"]:
        _ensure(session, created, ProgramGoal, {"program_id": program.id, "number": row["number"]}, row)
    for row in data["focus_areas"]:
        _ensure(session, created, FocusArea, {"code": row["code"]}, {**row, "program_id": program.id})
    for row in data["result_goals"]:
        _ensure(session, created, ResultGoal, {"code": row["code"]}, row)
    for row in data["organisations"]:
        _ensure(session, created, Organisation, {"code": row["code"]}, row)
    for row in data["areas"]:
        _ensure(session, created, Area, {"code": row["code"]}, row)
    for row in data["comparison_units"]:
        _ensure(session, created, ComparisonUnit, {"code": row["code"]}, row)
    session.flush()
    for row in read_yaml("indicators.yaml"):
        if crud.by_code(session, Indicator, row["code"]) is None:
            _create_indicator(session, program, row)
            created["Indicator"] = created.get("Indicator", 0) + 1
    crud.set_meta(session, STRUCTURE_SEEDED, "true")
    return created


def _program(session: Session, row: dict, created: dict[str, int]) -> Program:
    program = session.execute(select(Program).where(Program.name == row["name"])).scalars().first()
    if program is None:
        program = Program(**row)
        session.add(program)
        session.flush()
        created["Program"] = 1
    return program


def _ensure(session: Session, created: dict[str, int], model, key: dict, values: dict) -> None:
    stmt = select(model)
    for column, value in key.items():
        stmt = stmt.where(getattr(model, column) == value)
    if session.execute(stmt).scalars().first() is None:
        session.add(model(**{**values, **key}))
        created[model.__name__] = created.get(model.__name__, 0) + 1


def _create_indicator(session: Session, program: Program, row: dict) -> Indicator:
    focus = crud.by_code(session, FocusArea, row["focus_area"])
    org = crud.by_code(session, Organisation, row["responsible"])
    if focus is None or org is None:
        raise ValueError(f"Indikator {row['code']}: okänt fokusområde eller ansvarig organisation")
    fields = {
        k: v
        for k, v in row.items()
        if k not in {"focus_area", "responsible", "program_goals", "result_goals", "baseline", "targets"}
    }
    baseline = row.get("baseline") or {}
    indicator = Indicator(
        **fields,
        focus_area_id=focus.id,
        responsible_org_id=org.id,
        baseline_period=baseline.get("period"),
        baseline_value=baseline.get("value"),
    )
    session.add(indicator)
    session.flush()
    for number in row["program_goals"]:
        goal = session.execute(
            select(ProgramGoal).where(ProgramGoal.program_id == program.id, ProgramGoal.number == number)
        ).scalars().one()
        session.add(IndicatorProgramGoal(indicator_id=indicator.id, program_goal_id=goal.id))
    for code in row.get("result_goals", []):
        goal = crud.by_code(session, ResultGoal, code)
        session.add(IndicatorResultGoal(indicator_id=indicator.id, result_goal_id=goal.id))
    for year, value in (row.get("targets") or {}).items():
        session.add(Target(indicator_id=indicator.id, year=int(year), value=float(value)))
    return indicator
