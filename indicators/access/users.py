"""Users and login: argon2 password hashes, back-off after failed logins, SSO mapping."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update

from db import crud
from db.models import ROLES, LoginSession, Organisation, User, UserOrganisation, utcnow
from errors import Invalid
from indicators.access.permissions import Actor, require
from indicators.unit_of_work import UnitOfWork

_hasher = PasswordHasher()
FREE_ATTEMPTS = 3  # failures before back-off starts
MAX_LOCK = timedelta(minutes=30)
MIN_PASSWORD_LENGTH = 12
LEAST_PRIVILEGED_ROLE = "viewer"  # what a new account gets unless someone chooses more
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A dummy hash so an unknown e-mail costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(Invalid):
    """Invalid user data (Swedish message)."""


@dataclass(frozen=True)
class LoginResult:
    actor: Optional[Actor]
    message: str = ""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _actor(session, user: User) -> Actor:
    org_ids = session.execute(
        select(UserOrganisation.organisation_id).where(UserOrganisation.user_id == user.id)
    ).scalars().all()
    return Actor(email=user.email, role=user.role, org_ids=frozenset(org_ids), user_id=user.id,
                 must_change_password=bool(user.must_change_password))


def _lock_delay(failures: int) -> timedelta:
    """Back-off: free attempts, then 30 s doubling per failure, at most 30 minutes."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    return min(timedelta(seconds=30 * 2 ** (failures - FREE_ATTEMPTS)), MAX_LOCK)


def authenticate(uow: UnitOfWork, email: str, password: str, *, now: Optional[datetime] = None) -> LoginResult:
    now = now or utcnow()
    email = normalise_email(email)
    generic = "Fel e-post eller lösenord."
    with uow.write() as session:
        user = session.execute(select(User).where(User.email == email)).scalars().first()
        if user is None or not user.active or not user.password_hash:
            _verify(_DUMMY_HASH, password)
            crud.add_audit(session, user_email=email, action="login_failed", entity="user",
                           reason="okänd eller inaktiv")
            return LoginResult(None, generic)
        if user.locked_until and user.locked_until > now:
            # The same answer (and the same work) as for an unknown address: the login never
            # tells whether an account exists.
            _verify(_DUMMY_HASH, password)
            crud.add_audit(session, user_email=email, action="login_failed", entity="user", entity_id=user.id,
                           reason="spärrat efter misslyckade försök")
            return LoginResult(None, generic)
        if not _verify(user.password_hash, password):
            user.failed_logins += 1
            delay = _lock_delay(user.failed_logins)
            user.locked_until = now + delay if delay else None
            crud.add_audit(session, user_email=email, action="login_failed", entity="user", entity_id=user.id)
            return LoginResult(None, generic)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        crud.add_audit(session, user_email=email, action="login", entity="user", entity_id=user.id)
        return LoginResult(_actor(session, user))


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_for_email(uow: UnitOfWork, email: str) -> Optional[Actor]:
    """Map a verified e-mail (single sign-on) to an active user; None means no access."""
    with uow.read() as session:
        user = session.execute(select(User).where(User.email == normalise_email(email))).scalars().first()
        if user is None or not user.active:
            return None
        return _actor(session, user)


def sso_sign_in(uow: UnitOfWork, email: str) -> Optional[Actor]:
    """A sign-in through the organisation's provider (verified e-mail): mapped to an active
    user, or refused; both are written to the audit trail."""
    actor = actor_for_email(uow, email)
    with uow.write() as session:
        crud.add_audit(session, user_email=normalise_email(email), action="login" if actor else "login_failed",
                       entity="user", entity_id=actor.user_id if actor else "",
                       reason="SSO" if actor else "SSO: ingen behörighet")
    return actor


def refresh_actor(uow: UnitOfWork, actor: Actor) -> Optional[Actor]:
    """Re-read role and organisations on each page run, so a disabled user is out at once."""
    return actor_for_email(uow, actor.email)


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")


def _org_ids(session, codes: Iterable[str]) -> list[int]:
    ids = []
    for code in codes:
        org = crud.by_code(session, Organisation, code.strip().upper())
        if org is None:
            raise UserError(f"Okänd organisation: '{code}'.")
        ids.append(org.id)
    return ids


def create_user(
    uow: UnitOfWork, actor: Actor, email: str, role: str, *, orgs: Iterable[str] = (), password: Optional[str] = None, display_name: str = "", is_demo: bool = False) -> int:
    require(uow, actor, "manage_users", entity="user", entity_id=email)
    email = normalise_email(email)
    if not _EMAIL.match(email):
        raise UserError(f"'{email}' är ingen giltig e-postadress.")
    if role not in ROLES:
        raise UserError(f"Okänd roll '{role}'; välj admin, official eller viewer.")
    if password is not None:
        _check_password(password)
    orgs = list(orgs)
    if role == "official" and not orgs:
        raise UserError("En tjänsteperson (official) måste knytas till minst en organisation (--org).")
    with uow.write() as session:
        if session.execute(select(User).where(User.email == email)).scalars().first():
            raise UserError(f"Det finns redan en användare med e-post {email}.")
        user = User(
            email=email, role=role, display_name=display_name, is_demo=is_demo,
            password_hash=_hasher.hash(password) if password else None,
        )
        session.add(user)
        session.flush()
        for org_id in _org_ids(session, orgs):
            session.add(UserOrganisation(user_id=user.id, organisation_id=org_id))
        crud.add_audit(session, user_email=actor.email, action="create", entity="user", entity_id=user.id,
                       new=f"{email} {role} {','.join(orgs)}")
        return user.id


def update_user(
    uow: UnitOfWork, actor: Actor, email: str, *, role: Optional[str] = None, orgs: Optional[Iterable[str]] = None, active: Optional[bool] = None, password: Optional[str] = None, must_change_password: bool = False) -> None:
    """Change a user; a new password (an admin's reset) ends the user's sessions, and with
    must_change_password the user has to choose a new one at the next sign-in."""
    require(uow, actor, "manage_users", entity="user", entity_id=email)
    email = normalise_email(email)
    with uow.write() as session:
        user = session.execute(select(User).where(User.email == email)).scalars().first()
        if user is None:
            raise UserError(f"Ingen användare med e-post {email}.")
        audit = lambda field, old, new: crud.add_audit(  # noqa: E731
            session, user_email=actor.email, action="update", entity="user", entity_id=user.id,
            field=field, old=old, new=new)
        if role is not None and role != user.role:
            if role not in ROLES:
                raise UserError(f"Okänd roll '{role}'.")
            audit("role", user.role, role)
            user.role = role
        if active is not None and active != user.active:
            if not active and user.email == actor.email:
                raise UserError("Du kan inte inaktivera ditt eget konto.")
            audit("active", user.active, active)
            user.active = active
        if password is not None:
            _check_password(password)
            user.password_hash = _hasher.hash(password)
            user.failed_logins, user.locked_until = 0, None
            user.must_change_password = must_change_password
            audit("password", None, "(ändrat, måste bytas)" if must_change_password else "(ändrat)")
        if password is not None or active is False:
            session.execute(update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
                            .values(revoked_at=utcnow()))
        if orgs is not None:
            new_ids = _org_ids(session, orgs)
            old = session.execute(select(UserOrganisation.organisation_id).where(UserOrganisation.user_id == user.id)).scalars().all()
            if sorted(old) != sorted(new_ids):
                session.execute(delete(UserOrganisation).where(UserOrganisation.user_id == user.id))
                session.add_all([UserOrganisation(user_id=user.id, organisation_id=i) for i in new_ids])
                audit("organisations", sorted(old), sorted(new_ids))
        if (role or user.role) == "official" and orgs is not None and not list(orgs):
            raise UserError("En tjänsteperson måste knytas till minst en organisation.")
        user.version += 1


def change_own_password(uow: UnitOfWork, actor: Actor, current: str, new: str) -> None:
    """The signed-in user chooses a new password (required after an admin's reset)."""
    _check_password(new)
    with uow.write() as session:
        user = session.execute(select(User).where(User.email == actor.email)).scalars().first()
        if user is None or not user.password_hash or not _verify(user.password_hash, current):
            raise UserError("Det nuvarande lösenordet stämmer inte.")
        if _verify(user.password_hash, new):
            raise UserError("Välj ett annat lösenord än det nuvarande.")
        user.password_hash = _hasher.hash(new)
        user.must_change_password = False
        user.version += 1
        crud.add_audit(session, user_email=actor.email, action="update", entity="user", entity_id=user.id,
                       field="password", new="(bytt av användaren)")


def list_users(uow: UnitOfWork) -> list[dict]:
    with uow.read() as session:
        codes = dict(session.execute(select(Organisation.id, Organisation.code)).all())
        links = session.execute(select(UserOrganisation)).scalars().all()
        by_user: dict[int, list[str]] = {}
        for link in links:
            by_user.setdefault(link.user_id, []).append(codes[link.organisation_id])
        return [
            {
                "e-post": u.email, "roll": u.role, "organisationer": ", ".join(sorted(by_user.get(u.id, []))),
                "aktiv": u.active, "senast inloggad": u.last_login_at, "exempelkonto": u.is_demo,
            }
            for u in session.execute(select(User).order_by(User.email)).scalars()
        ]


DEMO_USERS = [
    ("admin@exempel.invalid", "admin", []),
    ("tjansteperson@exempel.invalid", "official", ["SN"]),
    ("arbetsgrupp@exempel.invalid", "viewer", []),
]


def create_demo_users(uow: UnitOfWork) -> list[tuple[str, str, str]]:
    """One demo user per role with a fresh random password; returns (email, role, password)
    for users created now. Existing demo users keep their passwords."""
    from indicators.access.permissions import SYSTEM

    created = []
    existing = {row["e-post"] for row in list_users(uow)}
    for email, role, orgs in DEMO_USERS:
        if email in existing:
            continue
        password = secrets.token_urlsafe(12)
        create_user(uow, SYSTEM, email, role, orgs=orgs, password=password, is_demo=True, display_name="Exempelkonto")
        created.append((email, role, password))
    return created
