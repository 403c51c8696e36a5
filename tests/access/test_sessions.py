"""Server-side sessions: the token is stored hashed, idle and absolute expiry, revocation."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from db.engine import session_scope
from db.models import LoginSession
from indicators.access import sessions, users
from indicators.unit_of_work import UnitOfWork
from settings import get_settings
from tests.utils.actors import ADMIN as ADMIN_ACTOR

START = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def _signed_in(engine, email="s@test.invalid"):
    users.create_user(UnitOfWork(engine), ADMIN_ACTOR, email, "viewer", password="ett-langt-losenord")
    actor = users.authenticate(UnitOfWork(engine), email, "ett-langt-losenord").actor
    return actor, sessions.open_session(UnitOfWork(engine), actor, now=START)


def test_the_token_is_random_and_stored_only_hashed(engine):
    actor, token = _signed_in(engine)
    _, other = _signed_in(engine, "t@test.invalid")
    assert token != other and len(token) >= 40
    with session_scope(engine) as session:
        stored = session.execute(select(LoginSession.token_hash)).scalars().all()
    assert token not in stored and len(stored) == 2
    assert sessions.actor_for_token(UnitOfWork(engine), token, now=START).email == actor.email
    assert sessions.actor_for_token(UnitOfWork(engine), token + "x", now=START) is None
    assert sessions.actor_for_token(UnitOfWork(engine), "", now=START) is None


def test_idle_expiry_and_activity_keeps_it_alive(engine):
    _, token = _signed_in(engine)
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    moment = START
    for _ in range(3):  # regular use for longer than the idle limit
        moment += idle - timedelta(minutes=1)
        assert sessions.actor_for_token(UnitOfWork(engine), token, now=moment) is not None
    assert sessions.actor_for_token(UnitOfWork(engine), token, now=moment + idle + timedelta(seconds=1)) is None


def test_absolute_expiry_however_active(engine):
    _, token = _signed_in(engine)
    end = START + timedelta(hours=get_settings().session_max_hours)
    moment = START
    while moment + timedelta(minutes=30) < end:
        moment += timedelta(minutes=30)
        assert sessions.actor_for_token(UnitOfWork(engine), token, now=moment) is not None
    assert sessions.is_live(UnitOfWork(engine), token, now=end - timedelta(seconds=1))
    assert sessions.actor_for_token(UnitOfWork(engine), token, now=end + timedelta(seconds=1)) is None


def test_logout_revokes_and_a_disabled_user_is_out(engine):
    _, token = _signed_in(engine)
    sessions.revoke(UnitOfWork(engine), token)
    assert sessions.actor_for_token(UnitOfWork(engine), token, now=START) is None
    assert not sessions.is_live(UnitOfWork(engine), token, now=START)
    _, token = _signed_in(engine, "u@test.invalid")
    users.update_user(UnitOfWork(engine), ADMIN_ACTOR, "u@test.invalid", active=False)
    assert sessions.actor_for_token(UnitOfWork(engine), token, now=START) is None
