"""Passwords (issue 17): minimum length 12, `cli.py user set-password EMAIL --password-stdin`,
an admin's reset ends the user's sessions and forces a new password at the next sign-in, and
the add-user form defaults to the least privileged role."""
from __future__ import annotations

import pytest

from indicators.access import sessions, users
from indicators.unit_of_work import UnitOfWork
from tests.cli.test_cli import run_cli
from tests.utils.actors import ADMIN
from tests.utils.apptest import all_text, button, logged_in_app


def test_minimum_length_is_twelve(engine):
    with pytest.raises(users.UserError, match="minst 12 tecken"):
        users.create_user(UnitOfWork(engine), ADMIN, "a@test.invalid", "viewer", password="elva-tecken")
    users.create_user(UnitOfWork(engine), ADMIN, "a@test.invalid", "viewer", password="tolv-tecken!")
    with pytest.raises(users.UserError, match="minst 12 tecken"):
        users.update_user(UnitOfWork(engine), ADMIN, "a@test.invalid", password="kort-igen")


def test_reset_ends_sessions_and_forces_a_new_password(engine):
    users.create_user(UnitOfWork(engine), ADMIN, "r@test.invalid", "viewer", password="det-gamla-losenordet")
    actor = users.authenticate(UnitOfWork(engine), "r@test.invalid", "det-gamla-losenordet").actor
    token = sessions.open_session(UnitOfWork(engine), actor)
    users.update_user(UnitOfWork(engine), ADMIN, "r@test.invalid", password="tillfalligt-losen", must_change_password=True)
    assert sessions.actor_for_token(UnitOfWork(engine), token) is None
    assert users.authenticate(UnitOfWork(engine), "r@test.invalid", "det-gamla-losenordet").actor is None
    signed_in = users.authenticate(UnitOfWork(engine), "r@test.invalid", "tillfalligt-losen").actor
    assert signed_in.must_change_password
    with pytest.raises(users.UserError, match="nuvarande"):
        users.change_own_password(UnitOfWork(engine), signed_in, "fel", "ett-eget-nytt-losenord")
    with pytest.raises(users.UserError, match="annat"):
        users.change_own_password(UnitOfWork(engine), signed_in, "tillfalligt-losen", "tillfalligt-losen")
    users.change_own_password(UnitOfWork(engine), signed_in, "tillfalligt-losen", "ett-eget-nytt-losenord")
    assert not users.authenticate(UnitOfWork(engine), "r@test.invalid", "ett-eget-nytt-losenord").actor.must_change_password


def test_forced_change_shows_only_the_new_password_form(demo_engine):
    users.create_user(UnitOfWork(demo_engine), ADMIN, "official@exempel.invalid", "viewer", password="ett-langt-losenord")
    users.update_user(UnitOfWork(demo_engine), ADMIN, "official@exempel.invalid", password="tillfalligt-losen",
                      must_change_password=True)
    at = logged_in_app("official").run()
    assert "Byt lösenord" in all_text(at)
    assert "Etablering på arbetsmarknaden" not in all_text(at)
    new_values = {"Nuvarande lösenord": "tillfalligt-losen", "Nytt lösenord": "ett-eget-nytt-losenord",
                  "Upprepa nytt lösenord": "ett-eget-nytt-losenord"}
    for field in at.text_input:
        field.input(new_values[field.label])
    button(at, "Byt lösenord").click().run()
    assert not at.exception and not at.error
    assert "Etablering på arbetsmarknaden" in all_text(at)


def test_cli_set_password(db_url):
    assert run_cli("init", env_url=db_url).returncode == 0
    run_cli("user", "add", "p@exempel.invalid", "--role", "viewer", "--password-stdin", env_url=db_url,
            stdin="ett-langt-losenord\n")
    done = run_cli("user", "set-password", "p@exempel.invalid", "--password-stdin", env_url=db_url,
                   stdin="ett-nytt-langt-losenord\n")
    assert done.returncode == 0, done.stderr
    short = run_cli("user", "set-password", "p@exempel.invalid", "--password-stdin", env_url=db_url, stdin="kort\n")
    assert short.returncode == 1 and "minst 12" in short.stderr
    unknown = run_cli("user", "set-password", "ingen@exempel.invalid", "--password-stdin", env_url=db_url,
                      stdin="ett-nytt-langt-losenord\n")
    assert unknown.returncode != 0 and "Ingen användare" in unknown.stderr
    from db.engine import get_engine
    engine = get_engine(db_url)
    assert users.authenticate(UnitOfWork(engine), "p@exempel.invalid", "ett-nytt-langt-losenord").actor is not None
    engine.dispose()


def test_cli_csv_output_is_neutralised(db_url):
    assert run_cli("init", env_url=db_url).returncode == 0
    run_cli("user", "add", "=cmd@exempel.invalid", "--role", "viewer", "--password-stdin", env_url=db_url,
            stdin="ett-langt-losenord\n")
    listed = run_cli("user", "list", env_url=db_url).stdout
    assert "'=cmd@exempel.invalid;viewer" in listed
    assert "\n=cmd" not in listed
