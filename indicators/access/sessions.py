"""Server-side sign-in sessions: the browser keeps a random token in an HttpOnly cookie, the
database keeps only its sha256, with an idle and an absolute expiry; a session can be revoked
(logout, password reset, disabled account)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import select, update

from db.models import LoginSession, User
from indicators.access import users
from indicators.access.permissions import Actor
from indicators.unit_of_work import UnitOfWork
from settings import get_settings

COOKIE_NAME = "uppfoljning_session"
TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute per session


def _utc(moment: Optional[datetime] = None) -> datetime:
    """Aware UTC; a value without a zone is read as UTC."""
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(uow: UnitOfWork, actor: Actor, *, now: Optional[datetime] = None) -> str:
    """A new session for a signed-in user; returns the token for the cookie (never stored)."""
    now = _utc(now)
    token = secrets.token_urlsafe(32)
    with uow.write() as session:
        session.add(LoginSession(token_hash=_hash(token), user_id=actor.user_id, created_at=now, last_seen_at=now,
                                 expires_at=now + timedelta(hours=get_settings().session_max_hours)))
    return token


def _live(row: Optional[LoginSession], now: datetime) -> bool:
    if row is None or row.revoked_at is not None:
        return False
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    return _utc(row.expires_at) > now and _utc(row.last_seen_at) + idle > now


def actor_for_token(uow: UnitOfWork, token: Optional[str], *, now: Optional[datetime] = None) -> Optional[Actor]:
    """The signed-in user of a live session, re-read from the database; None otherwise.
    Each use counts as activity for the idle expiry."""
    if not token:
        return None
    now = _utc(now)
    with uow.write() as session:
        row = session.execute(select(LoginSession).where(LoginSession.token_hash == _hash(token))).scalars().first()
        if not _live(row, now):
            return None
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            row.revoked_at = now
            return None
        if now - _utc(row.last_seen_at) >= TOUCH_EVERY:
            row.last_seen_at = now
        return users.actor_for_email(uow, user.email)


def is_live(uow: UnitOfWork, token: Optional[str], *, now: Optional[datetime] = None) -> bool:
    """Read-only check for the HTTP layer (no activity recorded)."""
    if not token:
        return False
    with uow.read() as session:
        row = session.execute(select(LoginSession).where(LoginSession.token_hash == _hash(token))).scalars().first()
        return _live(row, _utc(now))


def revoke(uow: UnitOfWork, token: Optional[str]) -> None:
    """Logout: the session ends now; the same cookie never works again."""
    if not token:
        return
    with uow.write() as session:
        session.execute(update(LoginSession).where(LoginSession.token_hash == _hash(token),
                                                   LoginSession.revoked_at.is_(None))
                        .values(revoked_at=_utc()))


def revoke_all(uow: UnitOfWork, user_id: int) -> None:
    """Every session of a user ends (password reset, disabled account)."""
    with uow.write() as session:
        session.execute(update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
                        .values(revoked_at=_utc()))
