"""`cli.py bench --browser`: Översikt and Fokusområden in Chromium (Playwright, the system
/usr/bin/chromium) against the real server on demo data, each beside a bare Streamlit page
with the same elements, served the same way, measured in the same run.

The bare page (floor) replays the project's own page: the messages its script run sent to a
signed-in browser (every element and block of the main area and the sidebar — headings,
texts, tables, charts, widgets, columns, expanders, the demo banner, the signed-in user's
caption and button — and the query-string updates), recorded once from the real server, are
sent again as they are by a script that computes nothing, under an ``st.navigation`` with the
same sections, titles and icons. So the page and its floor draw the same elements; the
difference is what the project's script run costs (sign-in check, reads, building elements).
The earlier floor — a page with only the same headings, texts, tables and Plotly charts (taken
from AppTest, figures built once), no sidebar, widgets or layout — is kept as ``old_floor``.

- cold: a fresh browser context (empty HTTP cache, a new Streamlit session; for the project
  only the sign-in cookie is carried over), time from navigation until the script run is
  done and every chart and table is drawn;
- warm: reloading the page in that context.
Medians of ``runs``, the three servers visited in turn in each run; reported as ratios (goal
≤ 1,3×). Never a timed assertion in a test.
"""
from __future__ import annotations

import os
import pickle
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmark import Figure, Report

PAGES = {"page_oversikt": ("Översikt", "app.py", ""), "page_fokus": ("Fokusområden", "pages/fokusomraden.py", "fokusomraden")}

BARE_SCRIPT = '''
import json, os, pickle
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(layout="wide")
PAGES = pickle.load(open(os.environ["BENCH_BARE_ELEMENTS"], "rb"))


@st.cache_resource
def figure(page, i):
    return go.Figure(json.loads(PAGES[page]["charts"][i]))


page = st.query_params.get("sida", "page_oversikt")
elements = PAGES[page]
st.title(elements["title"])
for text in elements["texts"]:
    st.markdown(text)
for table in elements["tables"]:
    st.table(table)
for frame in elements["dataframes"]:
    st.dataframe(frame, hide_index=True)
for i in range(len(elements["charts"])):
    st.plotly_chart(figure(page, i), key=f"c{i}", theme=None)
'''


REPLAY_SCRIPT = '''
import os, pickle
import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

RECORDED = pickle.load(open(os.environ["BENCH_REPLAY"], "rb"))


def replay(messages):
    def page():
        ctx = get_script_run_ctx()
        for raw in messages:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            ctx.enqueue(msg)
    return page


sections = {}
for p in RECORDED["navigation"]:
    sections.setdefault(p["section"], []).append(st.Page(
        replay(RECORDED["pages"].get(p["url"], [])), title=p["title"], icon=p["icon"] or None,
        url_path=p["url"] or "start", default=p["default"], visibility="hidden" if p["hidden"] else "visible"))
st.navigation(sections, expanded=RECORDED["expanded"]).run()
'''
REPLAYED = ("delta", "page_info_changed", "page_config_changed")  # the page's own messages, in order


def _record(browser, url: str, cookies: list, elements: dict) -> tuple[list, list[bytes], bool]:
    """The messages the real server sends for one signed-in cold visit: (navigation, the
    page's messages, expanded). Never a reference to a cached message: a fresh context has none."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from tests.utils.browser import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    context.add_cookies(cookies)
    page = context.new_page()
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)
                                          if isinstance(payload, bytes) else None))
    page.goto(url)
    _drawn(page, elements)
    context.close()
    navigation, kept, expanded = [], [], True
    for raw in frames:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        assert kind != "ref_hash", "a fresh browser context cannot hold cached messages"
        if kind == "navigation":
            expanded = msg.navigation.expanded
            navigation = [{"section": p.section_header, "title": p.page_name, "icon": p.icon, "url": p.url_pathname,
                           "default": p.is_default, "hidden": p.is_hidden} for p in msg.navigation.app_pages]
        elif kind in REPLAYED:  # the replaying page's own script hash is set when it sends them
            kept.append(raw)
    return navigation, kept, expanded


def _elements(url: str, email: str) -> dict:
    """What each page shows, taken from the project's own run of it (AppTest, same database)."""
    from streamlit.testing.v1 import AppTest

    from indicators.access.permissions import Actor
    from settings import reload_settings

    os.environ["DATABASE_URL"] = url
    reload_settings()
    root = Path(__file__).resolve().parent
    out = {}
    for key, (title, script, _path) in PAGES.items():
        at = AppTest.from_file(str(root / "app.py"), default_timeout=300)
        at.session_state["actor"] = Actor(email=email, role="admin")
        at.session_state["logged_in_at"] = datetime.now(timezone.utc)
        at.run()
        if script != "app.py":
            at.switch_page(script).run()
        texts = [e.value for kind in ("header", "subheader", "markdown", "caption") for e in at.get(kind)]
        out[key] = {"title": title, "texts": [t for t in texts if isinstance(t, str)],
                    "tables": [t.value for t in at.table], "dataframes": [d.value for d in at.dataframe],
                    "charts": [c.proto.spec for c in at.get("plotly_chart")]}
    return out


def _drawn(page, elements: dict) -> None:
    from tests.utils.browser import wait_for_app

    wait_for_app(page)
    if elements["charts"]:
        page.wait_for_function("n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
                               arg=len(elements["charts"]))
    tables = len(elements["tables"]) + len(elements["dataframes"])
    if tables:
        page.wait_for_function(
            "n => document.querySelectorAll(\"[data-testid='stTable'], [data-testid='stDataFrame']\").length >= n",
            arg=tables)


def _visit(browser, url: str, elements: dict, cookies: list) -> tuple[float, float]:
    """One cold visit (fresh context) and one warm reload: seconds until drawn."""
    from tests.e2e.conftest import RUN_TIMEOUT_MS
    from tests.utils.browser import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    context.set_default_timeout(RUN_TIMEOUT_MS * 4)
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url)
        _drawn(page, elements)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        page.reload()
        _drawn(page, elements)
        return cold, time.perf_counter() - start
    finally:
        context.close()


def _interleaved(browser, targets: dict, elements: dict, runs: int) -> dict:
    """Each run visits every page on every server in turn (the order rotating), so a page
    and its floors are measured side by side on the shared machine, not minutes apart.
    ``targets``: server -> (url of a page key, cookies); returns server -> key -> medians."""
    times = {(server, key): [] for server in targets for key in PAGES}
    servers = list(targets)
    for run in range(runs):
        for key in PAGES:
            for server in servers[run % len(servers):] + servers[:run % len(servers)]:
                url, cookies = targets[server]
                times[server, key].append(_visit(browser, url(key), elements[key], cookies))
    return {server: {key: tuple(statistics.median(t[i] for t in times[server, key]) for i in (0, 1))
                     for key in PAGES} for server in servers}


def browser_figures(report: Report, runs: int = 3) -> None:
    """Both pages, cold and warm, beside their replayed pages and the earlier bare pages
    (three servers on one database, visited in turn)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _cli, parse_demo_accounts, serve
    from tests.utils.browser import VIEWPORT, login

    with tempfile.TemporaryDirectory(prefix="uppfoljning-browser-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'demo.db'}", "PYTHONUNBUFFERED": "1"}
        admin = parse_demo_accounts(_cli(env, "init", "--demo"))["admin"]
        elements = _elements(env["DATABASE_URL"], admin.email)
        (work / "elements.pkl").write_bytes(pickle.dumps(elements))
        (work / "bare.py").write_text(BARE_SCRIPT, encoding="utf-8")
        (work / "replay.py").write_text(REPLAY_SCRIPT, encoding="utf-8")
        bare_env = {**env, "BENCH_BARE_ELEMENTS": str(work / "elements.pkl")}
        replay_env = {**env, "BENCH_REPLAY": str(work / "replay.pkl")}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                with serve(env, work, log_name="bench-app.log") as app:
                    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
                    page = context.new_page()
                    page.goto(app)
                    login(page, admin.email, admin.password)
                    cookies = context.cookies()
                    context.close()
                    recorded = {"pages": {}}
                    for key, (_t, _s, path) in PAGES.items():
                        navigation, messages, expanded = _record(browser, f"{app}/{path}", cookies, elements[key])
                        recorded.update(navigation=navigation, expanded=expanded)
                        recorded["pages"][path] = messages
                    (work / "replay.pkl").write_bytes(pickle.dumps(recorded))
                    with serve(replay_env, work, log_name="bench-replay.log", script=str(work / "replay.py")) as replay, \
                            serve(bare_env, work, log_name="bench-bare.log", script=str(work / "bare.py")) as bare:
                        measured = _interleaved(browser, {
                            "ours": (lambda key: f"{app}/{PAGES[key][2]}", cookies),
                            "replayed": (lambda key: f"{replay}/{PAGES[key][2]}", []),
                            "bare": (lambda key: f"{bare}/?sida={key}", [])}, elements, runs)
            finally:
                browser.close()
    ours, replayed, bare = measured["ours"], measured["replayed"], measured["bare"]
    for key, (title, _script, _path) in PAGES.items():
        n = len(elements[key]["charts"]), len(elements[key]["tables"]) + len(elements[key]["dataframes"])
        same = f"bar sida: samma {len(recorded['pages'][PAGES[key][2]])} meddelanden ({n[0]} diagram, {n[1]} tabeller)"
        old = f"bar sida utan sidofält och widgetar: {n[0]} diagram, {n[1]} tabeller"
        for i, (suffix, words) in enumerate((("", "kall"), ("_warm", "varm"))):
            report.figures.append(Figure(
                f"{title} i Chromium, {words}", ours[key][i], same, replayed[key][i], key=key + suffix,
                extra={"old_floor": old, "old_floor_seconds": bare[key][i],
                       "old_ratio": ours[key][i] / max(bare[key][i], 1e-9)}))


def run_browser_bench(runs: int = 3) -> Report:
    report = Report(size="demo", backend="sqlite", values=0)
    browser_figures(report, runs)
    return report


if __name__ == "__main__":  # python benchmark_browser.py [runs]
    print(run_browser_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 3).table())
