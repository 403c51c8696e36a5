"""AppTest: every page, for every role, on the demo data, speaks Swedish to its user: no
"None"/"nan", no English audit words, no database column names and no raw period codes
in any rendered text, table header or cell (dataframes too)."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from indicators.access.permissions import PAGES_BY_ROLE
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN
from tests.utils.apptest import logged_in_app
from indicators.reporting.entries import ValueEntry
from tests.utils.demo import DEMO_TODAY
from tests.utils.measurements import org_id, stored

# Words that must never reach a user as a whole word (case-sensitive where marked).
NOT_SHOWN = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|update|insert|delete|comment|create|created|updated|refused|"
                       r"login|login_failed|open_round|is_total|sort_order|org_code|focus_code|source_note|"
                       r"user_email|entity_id|measurement|true|false|True|False)(?![\w-])")
# Database column names that must not be a table header (as a whole header).
RAW_HEADERS = {"code", "name", "kind", "active", "is_total", "sort_order", "id", "number", "description", "email",
               "role", "unit", "status", "period", "value", "comment", "at", "action", "field", "old", "new",
               "reason", "tid", "användare", "åtgärd", "fält", "före", "efter", "start_year", "end_year",
               "valid_from", "valid_to", "parent_id", "organisation_id", "focus_area_id"}
UTC = re.compile(r"\+00:00|\bUTC\b")
RAW_PERIOD = re.compile(r"(?<![\w-])(19|20)\d\d[QH][1-4](?![\w-])")
# Instructions that show how a period may be typed in a file or a form.
INPUT_EXAMPLES = re.compile(r"t\.ex\. [^.;]*20\d\dQ\d|2024, 2024H1 eller 2024Q3|2026Q1")


def _as_shown(element) -> tuple[pd.DataFrame, list[str], bool]:
    """The table as its user sees it: (frame of the shown columns, their headers as labelled
    by the page's column_config, whether missing cells have a placeholder)."""
    frame = element.value
    if hasattr(frame, "data"):  # a Styler
        frame = frame.data
    proto = element.proto
    config = json.loads(proto.columns) if getattr(proto, "columns", "") else {}
    order = list(getattr(proto, "column_order", []) or [])
    shown, headers = [], []
    for column in frame.columns:
        conf = config.get(str(column), {})
        if conf.get("hidden") or (order and str(column) not in order):
            continue
        shown.append(column)
        headers.append(str(conf.get("label") or column))
    index = frame.index
    frame = frame[shown].reset_index(drop=True)
    if not isinstance(index, pd.RangeIndex) and not config.get("_index", {}).get("hidden"):
        headers += [str(n) for n in index.names if n is not None]
        frame = frame.assign(_index=[str(i) for i in index])
    return frame, headers, bool(getattr(proto, "placeholder", ""))


def _cells(frame: pd.DataFrame, placeholder: bool) -> list[str]:
    # A bool column is drawn as a check box, never as the word; a missing cell shows the
    # table's placeholder when it has one.
    return [str(v) for column in frame.columns if not pd.api.types.is_bool_dtype(frame[column])
            for v in frame[column].tolist() if not (placeholder and (v is None or v != v))]


def rendered(at) -> tuple[list[str], list[str]]:
    """(every text a user reads, every table header)."""
    texts: list[str] = []
    headers: list[str] = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "text", "error", "warning", "info",
                 "success", "exception", "latex", "code", "json"):
        texts += [str(e.value) for e in at.get(kind)]
    for kind in ("expander", "tab", "button", "text_input", "text_area", "number_input", "date_input",
                 "checkbox", "toggle", "download_button", "link_button", "page_link", "form_submit_button"):
        for element in at.get(kind):
            texts.append(str(getattr(element, "label", "") or ""))
    for kind in ("selectbox", "multiselect", "radio", "select_slider"):
        for element in at.get(kind):
            texts.append(str(element.label))
            texts += [str(o) for o in getattr(element, "options", [])]
    for element in at.get("metric"):
        texts += [str(element.label), str(element.value)]
    for kind in ("dataframe", "table"):
        for element in at.get(kind):
            frame, names, placeholder = _as_shown(element)
            headers += names
            texts += names + _cells(frame, placeholder)
    return texts, headers


def problems_in(at) -> list[str]:
    texts, headers = rendered(at)
    found = []
    for text in texts:
        if match := NOT_SHOWN.search(text):
            found.append(f"{match.group(0)!r} in {text[:120]!r}")
        if UTC.search(text):
            found.append(f"UTC time in {text[:120]!r}")
        if RAW_PERIOD.search(INPUT_EXAMPLES.sub("", text)):
            found.append(f"period code in {text[:120]!r}")
    found += [f"raw header {h!r}" for h in headers if h.strip() in RAW_HEADERS]
    return found


def _app(engine, role):
    from indicators.access.users import create_user
    orgs = ["SN"] if role == "official" else []
    create_user(UnitOfWork(engine), ADMIN, f"{role}@exempel.invalid", role, orgs=orgs, password="ett-langt-losenord")
    return logged_in_app(role, frozenset({org_id(engine, "SN")}) if role == "official" else frozenset())


def _correct_a_value(engine) -> None:
    """A corrected value with a new comment, so the histories have update/comment events."""
    from indicators.reporting import values
    row = stored(engine, "ARB04", "2025")
    result = values.save_values(UnitOfWork(engine), ADMIN, [ValueEntry(
        "ARB04", "2025", values.plain_number(round(row.value + 0.5, 1)), comment="Rättat efter ny körning",
        expected_version=row.version, comment_review="edit")], today=DEMO_TODAY)
    assert result.ok, result.errors


def _choose(period: str, code: str):
    def choose(at, engine) -> None:
        at.selectbox(key="rapportera_period").set_value(period).run()
        at.selectbox(key="rapportera_indicator").set_value(code).run()
    return choose


def _ask_menade_du(at, engine) -> None:
    """Rapportera with the plausibility question open ("Menade du …?" and its choice)."""
    from decimal import Decimal

    from indicators.reporting import values
    _choose("2026Q3", "ARB05")(at, engine)
    previous = Decimal(repr(stored(engine, "ARB05", "2026Q2").value))
    at.text_input(key="rap|ARB05|2026Q3|T|HELA|v").set_value(values.plain_number(float(previous / 100)))
    next(b for b in at.button if b.label == "Spara").click().run()
    assert [r for r in at.radio if r.key.startswith("rapportera_slip|")], "the question was not asked"


# Each page also in the states that show the most words: the corrected indicator chosen,
# every screen of the meeting mode, Rapportera with its count basis, comment choice and
# plausibility question. A state is (query parameters, what the user does after the first run).
STATES = {
    "indikatorer": [({"indikator": "ARB04"}, None)],
    "fokusomraden": [({"omrade": "arbetsmarknad", "kon": "1", "omraden": "1"}, None)],
    "moten": [({}, None)] + [({"mote": "2", "steg": str(step)}, None) for step in range(1, 6)],
    "rapportera": [({}, _choose("2025", "ARB04")), ({}, _ask_menade_du)],
}


@pytest.mark.parametrize("role", sorted(PAGES_BY_ROLE))
def test_every_page_speaks_swedish(demo_engine, role):
    _correct_a_value(demo_engine)
    at = _app(demo_engine, role)
    at.run()
    assert not at.exception
    found = {}
    for slug in PAGES_BY_ROLE[role]:
        for params, act in STATES.get(slug, [({}, None)]):
            at.query_params.clear()
            at.switch_page(f"pages/{slug}.py")
            at.query_params.update(params)
            at.run()
            if act is not None:
                act(at, demo_engine)
            assert not at.exception, (slug, params, [e.value for e in at.exception])
            if "steg" in params:  # the meeting mode is really shown, on that focus area
                assert at.title[0].value.startswith(params["steg"] + "."), at.title[0].value
            if problems := problems_in(at):
                found.setdefault(slug, []).extend(problems)
    assert not found, "\n".join(f"{slug}: {sorted(set(p))}" for slug, p in found.items())


def test_the_check_catches_what_it_is_for():
    """The deny list is not vacuous: each kind of leak is found."""
    frame = pd.DataFrame({"code": ["A"], "Värde": [None], "Åtgärd": ["update"], "Period": ["2026Q2"]})

    class Fake:
        def get(self, kind):
            if kind == "dataframe":
                return [type("E", (), {"value": frame, "proto": None})()]
            if kind == "caption":
                return [type("E", (), {"value": "Tid: 2026-01-01 10:00+00:00, värde nan"})()]
            return []

    found = " ".join(problems_in(Fake()))
    assert "raw header 'code'" in found and "'None'" in found and "'update'" in found
    assert "period code" in found and "'nan'" in found
