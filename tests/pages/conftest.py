"""Fixtures for the AppTest page tests: the demo database with a logged-in user."""
from __future__ import annotations

import pytest

from tests.utils.actors import ADMIN
from tests.utils.apptest import logged_in_app


@pytest.fixture
def admin_app(demo_engine):
    from indicators.access.users import create_user
    create_user(ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord", engine=demo_engine)
    return logged_in_app("admin")


@pytest.fixture
def viewer_app(demo_engine):
    from indicators.access.users import create_user
    create_user(ADMIN, "viewer@exempel.invalid", "viewer", password="ett-langt-losenord", engine=demo_engine)
    return logged_in_app("viewer")
