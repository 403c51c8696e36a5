"""Streamlit AppTest helpers: a logged-in app, its visible text, buttons, pages and charts."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from streamlit.testing.v1 import AppTest

from indicators.access.permissions import Actor
from tests.utils.paths import ROOT

APP = str(ROOT / "app.py")


def logged_in_app(role: str = "admin", org_ids=frozenset()) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = Actor(email=f"{role}@exempel.invalid", role=role, org_ids=org_ids)
    at.session_state["logged_in_at"] = datetime.now(timezone.utc)
    return at


def all_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.subheader]
    parts += [e.value for e in at.header] + [e.label for e in at.expander] + [e.value for e in at.text]
    parts += [e.value for e in at.caption]
    return "\n".join(str(p) for p in parts)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def open_page(at: AppTest, page: str, **params) -> AppTest:
    at.run()
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def plotly_charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def trace_names(chart) -> list[str]:
    return [trace.get("name") for trace in json.loads(chart.proto.spec)["data"]]
