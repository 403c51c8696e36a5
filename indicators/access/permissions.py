"""Who may do what: the one place for role rules, used by services, pages and the CLI.

Every service function that writes takes the unit of work and the acting user (an ``Actor``) and calls
``require`` before touching data. A refusal is written to the audit trail in a
transaction of its own, so it survives the rollback of the refused write.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from errors import Refused
from indicators.unit_of_work import UnitOfWork

ADMIN, OFFICIAL, VIEWER = "admin", "official", "viewer"

ALL, OWN_ORG, NONE = "all", "own", "none"
RULES: dict[str, dict[str, str]] = {
    "write_values": {ADMIN: ALL, OFFICIAL: OWN_ORG, VIEWER: NONE},
    "import_values": {ADMIN: ALL, OFFICIAL: OWN_ORG, VIEWER: NONE},
    "write_actions": {ADMIN: ALL, OFFICIAL: OWN_ORG, VIEWER: NONE},
    # "Analys och bedömning" of a focus area: officials of the boards responsible in it
    # (an indicator or an action of the focus area), checked with those boards' ids.
    "write_assessments": {ADMIN: ALL, OFFICIAL: OWN_ORG, VIEWER: NONE},
    "write_structure": {ADMIN: ALL, OFFICIAL: NONE, VIEWER: NONE},
    "write_meetings": {ADMIN: ALL, OFFICIAL: NONE, VIEWER: NONE},
    "lock_periods": {ADMIN: ALL, OFFICIAL: NONE, VIEWER: NONE},
    "manage_users": {ADMIN: ALL, OFFICIAL: NONE, VIEWER: NONE},
    "create_snapshot": {ADMIN: ALL, OFFICIAL: NONE, VIEWER: NONE},
    "publish_followup": {ADMIN: ALL, OFFICIAL: NONE, VIEWER: NONE},
    "fetch_statistics": {ADMIN: ALL, OFFICIAL: NONE, VIEWER: NONE},
    "manage_rounds": {ADMIN: ALL, OFFICIAL: NONE, VIEWER: NONE},
}
PERMISSION_TEXT = {
    "write_values": "rapportera värden",
    "import_values": "importera värden",
    "write_actions": "ändra insatser",
    "write_assessments": "skriva analys och bedömning",
    "write_structure": "ändra katalog och programstruktur",
    "write_meetings": "registrera möten",
    "lock_periods": "låsa perioder",
    "manage_users": "hantera användare",
    "create_snapshot": "skapa årsuppföljning",
    "publish_followup": "publicera årsuppföljningen",
    "fetch_statistics": "hämta officiell statistik",
    "manage_rounds": "öppna, godkänna eller återöppna rapportomgångar",
}


@dataclass(frozen=True)
class Actor:
    """The acting user, as services see it."""
    email: str
    role: str
    org_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: Optional[int] = None
    must_change_password: bool = False  # after an admin's reset: only "Byt lösenord" until changed

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


SYSTEM = Actor(email="system", role=ADMIN)


class PermissionDenied(Refused):
    """The acting user's role does not allow this write."""


def allowed(actor: Actor, permission: str, org_ids: Optional[Iterable[int]] = None) -> bool:
    scope = RULES[permission].get(actor.role, NONE)
    if scope == ALL:
        return True
    if scope == OWN_ORG:
        wanted = set(org_ids or ())
        return bool(wanted) and bool(wanted & actor.org_ids)
    return False


def require(uow: UnitOfWork, actor: Actor, permission: str, org_ids: Optional[Iterable[int]] = None, *,
            entity: str = "", entity_id: object = "") -> None:
    """Raise PermissionDenied unless the actor may do this. The refusal is audited in a
    transaction of its own, after whatever transaction the check ran in has rolled back."""
    org_list = list(org_ids) if org_ids is not None else None
    if allowed(actor, permission, org_list):
        return
    message = f"{actor.email} ({actor.role}) får inte {PERMISSION_TEXT[permission]}"
    if org_list and RULES[permission].get(actor.role) == OWN_ORG:
        message += " för en annan organisations indikator eller insats"
    uow.record_refusal(user_email=actor.email, action="refused", entity=entity or permission,
                       entity_id=entity_id, field=permission, reason=message)
    raise PermissionDenied(message)


# Pages per role (file names under pages/); the navigation and the tests read this.
COMMON_PAGES = ["oversikt", "fokusomraden", "indikatorer", "malmatris", "ansvar", "moten", "mal"]
PAGES_BY_ROLE = {
    VIEWER: COMMON_PAGES,
    OFFICIAL: COMMON_PAGES + ["rapportera", "importera", "insatser"],
    ADMIN: COMMON_PAGES + ["rapportera", "importera", "insatser", "arsuppfoljning", "administration",
                           "hamta_statistik", "rapportering"],
}
