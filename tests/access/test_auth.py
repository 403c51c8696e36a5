"""Authentication, roles and permissions at the service layer: the permission matrix, audited
refusals, user management, password hashing, login back-off and session expiry. The login
form and SSO in the app are tested in tests/pages/test_app.py."""
from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import AuditEvent
from indicators.access import permissions
from indicators.access import users
from indicators.access.permissions import ADMIN, OFFICIAL, VIEWER, Actor, PermissionDenied
from tests.utils.actors import ADMIN as ADMIN_ACTOR
from tests.utils.paths import ROOT
from indicators.unit_of_work import UnitOfWork

OWN, OTHER = 1, 2
ACTORS = {
    ADMIN: Actor(email="a@test.invalid", role=ADMIN),
    OFFICIAL: Actor(email="o@test.invalid", role=OFFICIAL, org_ids=frozenset({OWN})),
    VIEWER: Actor(email="v@test.invalid", role=VIEWER),
}
OWN_ORG_PERMISSIONS = {"write_values", "import_values", "write_actions", "write_assessments"}


def expected(role: str, permission: str, org: int) -> bool:
    if role == ADMIN:
        return True
    if role == OFFICIAL:
        return permission in OWN_ORG_PERMISSIONS and org == OWN
    return False


@pytest.mark.parametrize("role,permission,org", list(itertools.product(
    [ADMIN, OFFICIAL, VIEWER], sorted(permissions.RULES), [OWN, OTHER])))
def test_permission_matrix(role, permission, org):
    assert permissions.allowed(ACTORS[role], permission, [org]) is expected(role, permission, org)


def refusals(engine) -> list[AuditEvent]:
    with session_scope(engine) as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == "refused")).scalars())


def test_refusal_is_audited_in_its_own_transaction(engine):
    with pytest.raises(PermissionDenied, match="får inte rapportera värden"):
        permissions.require(UnitOfWork(engine), ACTORS[OFFICIAL], "write_values", [OTHER], entity="measurement")
    [event] = refusals(engine)
    assert event.user_email == "o@test.invalid" and event.field == "write_values"


@pytest.mark.parametrize("role", [OFFICIAL, VIEWER])
def test_only_admin_manages_users(engine, role):
    with pytest.raises(PermissionDenied):
        users.create_user(UnitOfWork(engine), ACTORS[role], "ny@test.invalid", "viewer", password="ett-langt-losenord")
    with pytest.raises(PermissionDenied):
        users.update_user(UnitOfWork(engine), ACTORS[role], "ny@test.invalid", role="admin")
    assert len(refusals(engine)) == 2
    users.create_user(UnitOfWork(engine), ACTORS[ADMIN], "ny@test.invalid", "viewer", password="ett-langt-losenord")
    users.update_user(UnitOfWork(engine), ACTORS[ADMIN], "ny@test.invalid", role="official", orgs=["SN"])
    [row] = [u for u in users.list_users(UnitOfWork(engine)) if u["e-post"] == "ny@test.invalid"]
    assert (row["roll"], row["organisationer"]) == ("official", "SN")


def test_passwords_are_hashed_with_argon2(engine):
    users.create_user(UnitOfWork(engine), ADMIN_ACTOR, "h@test.invalid", "viewer", password="ett-langt-losenord")
    from db.models import User
    with session_scope(engine) as session:
        user = session.execute(select(User).where(User.email == "h@test.invalid")).scalar_one()
    assert user.password_hash.startswith("$argon2") and "ett-langt-losenord" not in user.password_hash


def test_short_password_refused(engine):
    with pytest.raises(users.UserError, match="minst"):
        users.create_user(UnitOfWork(engine), ADMIN_ACTOR, "k@test.invalid", "viewer", password="kort")


def test_login_back_off_and_recovery(engine):
    users.create_user(UnitOfWork(engine), ADMIN_ACTOR, "l@test.invalid", "viewer", password="ett-langt-losenord")
    now = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
    for _ in range(users.FREE_ATTEMPTS - 1):
        assert users.authenticate(UnitOfWork(engine), "l@test.invalid", "fel", now=now).message == "Fel e-post eller lösenord."
    locked = users.authenticate(UnitOfWork(engine), "l@test.invalid", "fel", now=now)
    assert _locked_until(engine, "l@test.invalid") == now + timedelta(seconds=30)
    # During the lock even the right password is refused, with the answer an unknown address
    # gets (the login never tells who has an account) …
    during = users.authenticate(UnitOfWork(engine), "l@test.invalid", "ett-langt-losenord", now=now + timedelta(seconds=10))
    unknown = users.authenticate(UnitOfWork(engine), "finns-inte@test.invalid", "ett-langt-losenord")
    assert during.actor is None and during.message == unknown.message == locked.message == "Fel e-post eller lösenord."
    # … the next failure doubles the wait …
    later = now + timedelta(seconds=31)
    users.authenticate(UnitOfWork(engine), "l@test.invalid", "fel", now=later)
    assert _locked_until(engine, "l@test.invalid") == later + timedelta(seconds=60)
    # … and after it the right password works and resets the counter.
    ok = users.authenticate(UnitOfWork(engine), "L@test.invalid ", "ett-langt-losenord", now=later + timedelta(seconds=61))
    assert ok.actor is not None and ok.actor.role == "viewer"


def test_unknown_and_disabled_users_get_the_same_message(engine):
    users.create_user(UnitOfWork(engine), ADMIN_ACTOR, "d@test.invalid", "viewer", password="ett-langt-losenord")
    users.update_user(UnitOfWork(engine), ADMIN_ACTOR, "d@test.invalid", active=False)
    assert users.authenticate(UnitOfWork(engine), "d@test.invalid", "ett-langt-losenord").actor is None
    assert users.authenticate(UnitOfWork(engine), "okand@test.invalid", "x").message == "Fel e-post eller lösenord."
    assert users.actor_for_email(UnitOfWork(engine), "d@test.invalid") is None


def _locked_until(engine, email: str) -> datetime:
    from db.models import User
    with session_scope(engine) as session:
        until = session.execute(select(User.locked_until).where(User.email == email)).scalar_one()
    return until if until.tzinfo else until.replace(tzinfo=timezone.utc)


def test_no_default_password_in_code():
    code = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.glob("**/*.py")
                     if ".venv" not in p.parts and "tests" not in p.parts)
    assert not re.search(r"password\s*=\s*[\"'][^\"']+[\"']", code, re.IGNORECASE)
