"""Saved Kolada responses (tests/fixtures/kolada): the network is never touched."""
from __future__ import annotations

import json

from tests.utils.paths import TESTS

FIXTURES = TESTS / "fixtures" / "kolada"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def saved_pages() -> list[dict]:
    return [fixture("n00914_page1.json"), fixture("n00914_page2.json"), fixture("n03926.json")]
