"""Shared by every catalogue editor: optimistic locking, 'delete only if unused', row
lookups that say what is missing, and ``Refs`` (codes and names of the structure, to turn
user text into ids)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import delete, func, select
from sqlmodel import Session

from db import crud, queries
from db.models import FocusArea, Indicator, Organisation, ProgramGoal, ResultGoal
from errors import Conflict, Invalid, NotFound
from indicators.access.audit import audit
from indicators.access.permissions import Actor, require
from indicators.rules.parsing import area_lookup
from indicators.rules.text import control_character, normalised
from indicators.rules.vocabulary import TEXT_FIELD_LABELS, label
from indicators.unit_of_work import UnitOfWork


class AdminError(Invalid):
    """Invalid catalogue input or a refused catalogue change."""


class ConflictError(Conflict, AdminError):
    """Someone else saved the row after it was opened (optimistic locking)."""


def check_version(what: str, expected: Optional[int], current: int) -> None:
    if expected is not None and expected != current:
        raise ConflictError(
            f"{what} har ändrats av någon annan sedan du öppnade den (din version {expected}, "
            f"nu version {current}). Ladda om sidan och gör ändringen igen."
        )


def clean_text(value: object, field: str = "") -> str:
    """A catalogue, action or meeting text as stored (NFC, trimmed); an invisible control
    character is refused naming the field (line breaks are allowed: descriptions and notes
    have paragraphs), the same rule as for a value's comment."""
    text = normalised(value)
    wrong = control_character(text, allow_line_breaks=True)
    if wrong:
        raise AdminError(f"{label(TEXT_FIELD_LABELS, field).capitalize() if field else 'Texten'} {wrong}.")
    return text


def count_where(session: Session, column, value) -> int:
    return session.execute(select(func.count()).where(column == value)).scalar_one()


def refuse_delete_if_used(what: str, uses: dict[str, int], alternative: str) -> None:
    used = [f"{n} {label}" for label, n in uses.items() if n]
    if used:
        raise AdminError(f"{what} används ({', '.join(used)}) och kan inte tas bort; {alternative} i stället.")


def get_row(session: Session, model, row_id: int, what: str):
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"{what} finns inte (id {row_id}).")
    return row


def delete_unused(uow: UnitOfWork, actor: Actor, model, entity: str, row_id: int, what: str, *, uses: dict,
                  alternative: str, named_by: str = "code", check: Optional[Callable] = None,
                  links: tuple = ()) -> None:
    """Delete a row of the catalogue or the structure, only when nothing uses it: needs
    ``write_structure``; ``uses`` maps a Swedish word to the column that would point at the
    row (its count refuses the delete, naming the row by ``what`` and its ``named_by``
    field, and suggests ``alternative``); ``check(row)`` may refuse first; the rows
    owned by it (``links``: their column pointing at it) go with it; audited."""
    with uow.write() as session:
        require(uow, actor, "write_structure", entity=entity, entity_id=row_id)
        row = get_row(session, model, row_id, what)
        if check:
            check(row)
        refuse_delete_if_used(f"{what} {getattr(row, named_by)}",
                              {word: count_where(session, column, row_id) for word, column in uses.items()},
                              alternative)
        for column in links:
            session.execute(delete(column.class_).where(column == row_id))
        session.delete(row)
        audit(session, actor, "delete", entity, row_id, old=f"{row.code} {row.name}")


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
        return lookup.get(normalised(text).lower())

