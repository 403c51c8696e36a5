"""Fixtures for the AppTest page tests: the demo database with a logged-in user."""
from __future__ import annotations

import pytest

from tests.utils.actors import ADMIN
from tests.utils.apptest import logged_in_app
from indicators.unit_of_work import UnitOfWork


@pytest.fixture
def admin_app(demo_engine):
    from indicators.access.users import create_user
    create_user(UnitOfWork(demo_engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    return logged_in_app("admin")


@pytest.fixture
def viewer_app(demo_engine):
    from indicators.access.users import create_user
    create_user(UnitOfWork(demo_engine), ADMIN, "viewer@exempel.invalid", "viewer", password="ett-langt-losenord")
    return logged_in_app("viewer")
