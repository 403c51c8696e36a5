"""Actors for service calls: an admin, a viewer and an official of given organisations."""
from __future__ import annotations

from indicators.access.permissions import Actor

ADMIN = Actor(email="admin@test.invalid", role="admin")
VIEWER = Actor(email="viewer@test.invalid", role="viewer")


def official(*org_ids: int) -> Actor:
    return Actor(email="official@test.invalid", role="official", org_ids=frozenset(org_ids))
