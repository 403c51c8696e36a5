"""The audit trail as services write it: one row per changed field, naming who and why."""
from __future__ import annotations

from sqlmodel import Session

from db import crud
from indicators.access.permissions import Actor


def audit(session: Session, actor: Actor, action: str, entity: str, entity_id: object,
           field_name: str = "", old: object = None, new: object = None, reason: str = "") -> None:
    crud.add_audit(session, user_email=actor.email, action=action, entity=entity, entity_id=entity_id,
                   field=field_name, old=old, new=new, reason=reason)


def set_fields(session: Session, actor: Actor, entity: str, row, changes: dict, reason: str = "") -> int:
    """Assign the changed attributes and audit each one; returns how many changed."""
    changed = 0
    for name, new in changes.items():
        old = getattr(row, name)
        if old != new:
            audit(session, actor, "update", entity, row.id, name, old, new, reason)
            setattr(row, name, new)
            changed += 1
    return changed

