"""End-to-end harness: one `streamlit run` server on a temp SQLite database with demo data,
one headless Debian Chromium for the session, and a fresh browser context per test.

Playwright drives the system browser (/usr/bin/chromium); its own browser download is
never used, so no network is needed.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import sync_playwright

from tests.utils.browser import ARTIFACTS, VIEWPORT
from indicators.unit_of_work import UnitOfWork

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STARTUP_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 30_000  # one Streamlit script run, generous for 2 shared cores
EXTRA_PASSWORD = "e2e-ett-langt-losenord"
# "  admin     admin@exempel.invalid            <password>" as printed by `cli.py init --demo`
_ACCOUNT_LINE = re.compile(r"^\s+(admin|official|viewer)\s+(\S+@\S+)\s+(\S+)\s*$")


@dataclass(frozen=True)
class Account:
    email: str
    password: str


@dataclass(frozen=True)
class Plan:
    """What the value scenarios use, chosen from the official's real reporting sheet."""
    report_code: str  # its values for report_period were removed, so it is missing and listed first
    report_period: str
    report_cell: str  # e.g. "Totalt, Hela kommunen"
    import_code: str  # an existing total value the rejected import file tries to change
    import_period: str
    import_value: str


@dataclass(frozen=True)
class Server:
    base_url: str
    env: dict
    accounts: dict  # role -> Account (the demo accounts), plus "official_bn" (extra)
    plan: Plan

    def login(self, role: str) -> tuple[str, str]:
        account = self.accounts[role]
        return account.email, account.password


def _fail_without_chromium() -> None:
    if not CHROMIUM.exists():
        where = "i CI" if os.environ.get("CI") == "true" else "på den här datorn"
        pytest.fail(f"{CHROMIUM} saknas {where}: installera Debians chromium "
                    "(scripts/system-deps.sh). E2E-testerna hoppas aldrig över.", pytrace=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "cli.py", *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"cli.py {' '.join(args)} misslyckades:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result.stdout


def parse_demo_accounts(output: str) -> dict[str, Account]:
    accounts = {}
    for line in output.splitlines():
        if match := _ACCOUNT_LINE.match(line):
            accounts[match[1]] = Account(match[2], match[3])
    return accounts


def _total_cell(item):
    return next((c for c in item.cells if c.gender == "T" and c.is_total), None)


def _prepare_values(url: str, official_email: str) -> Plan:
    """Pick, from the official's sheet for the default period, one indicator where 12,5 is a
    plausible value (in range, no jump from the previous period) and delete its values for
    that period, so the Rapportera page has something missing; and a second indicator for the
    import scenario. Demo data is otherwise complete."""
    from datetime import date

    from sqlalchemy import delete, select

    from db.engine import get_engine, session_scope
    from db.models import Indicator, Measurement
    from indicators.rules import periods
    from indicators.access import users
    from indicators.reporting import sheets
    from indicators.reporting import value_rules
    from indicators.files.long_format import plain_number
    from settings import get_settings

    engine = get_engine(url)
    today = date.today()
    actor = users.actor_for_email(UnitOfWork(engine), official_email)
    sheet = sheets.reporting_sheet(UnitOfWork(engine), actor, periods.current_reporting_period(today).code, today=today)
    with_total = [(item, _total_cell(item)) for item in sheet.items if _total_cell(item) is not None]

    def fits(item, cell) -> bool:
        low = item.valid_min if item.valid_min is not None else float("-inf")
        high = item.valid_max if item.valid_max is not None else float("inf")
        return low <= 12.5 <= high and not value_rules.is_jump(cell.previous_value, 12.5, get_settings().jump_factor)

    report, report_cell = next(((i, c) for i, c in with_total if fits(i, c)), (None, None))
    assert report is not None, "ingen av tjänstepersonens indikatorer passar för 12,5"
    imported, imported_cell = next((i, c) for i, c in with_total if i.code != report.code and c.value)
    with session_scope(engine, write=True) as session:
        indicator_id = session.execute(select(Indicator.id).where(Indicator.code == report.code)).scalar_one()
        session.execute(delete(Measurement).where(Measurement.indicator_id == indicator_id,
                                                  Measurement.period == report.period))
    engine.dispose()
    changed = round(imported_cell.value * 1.02 + 0.1, 1)  # a small, plausible change
    return Plan(report.code, report.period, report_cell.label, imported.code, imported.period, plain_number(changed))


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit avslutades (kod {proc.returncode}):\n{log.read_text()[-3000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"streamlit svarade inte på {url} inom {STARTUP_TIMEOUT_S} s:\n{log.read_text()[-3000:]}", pytrace=False)


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group (streamlit may start helpers)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    _fail_without_chromium()
    workdir = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}", "PYTHONUNBUFFERED": "1"}
    accounts = parse_demo_accounts(_cli(env, "init", "--demo"))
    assert set(accounts) == {"admin", "official", "viewer"}, f"demokonton saknas i utskriften: {accounts}"
    _cli(env, "user", "add", "e2e-bn@exempel.invalid", "--role", "official", "--org", "BN",
         "--password-stdin", stdin=EXTRA_PASSWORD + "\n")
    accounts["official_bn"] = Account("e2e-bn@exempel.invalid", EXTRA_PASSWORD)

    plan = _prepare_values(env["DATABASE_URL"], accounts["official"].email)

    with serve(env, workdir) as base_url:
        yield Server(base_url, env, accounts, plan)


@contextmanager
def serve(env: dict, workdir: Path, *extra: str, log_name: str = "streamlit.log",
          port: int | None = None, script: str = "app.py") -> Iterator[str]:
    """`streamlit run app.py` (or another ``script``: the benchmark's bare page) on a (free)
    loopback port; yields its base URL, stops it after."""
    port = port or _free_port()
    log = workdir / log_name
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--server.fileWatcherType", "none", "--server.runOnSave", "false",
               "--browser.gatherUsageStats", "false", *extra]
    with open(log, "w") as log_file:
        proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log_file,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, proc, log)
        yield base_url
    finally:
        _stop(proc)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / log_name).write_text(log.read_text())


@pytest.fixture(scope="session")
def browser(server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, server, request):
    """A fresh context (no cookies, no session) per test, Swedish locale, projector size.
    A failed test leaves a screenshot in tests/artifacts/FAILED_<test>.png."""
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE", accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    # Without the File System Access API, a dataframe's "Download as CSV" becomes an ordinary
    # download that Playwright can catch (headless Chromium cannot answer a save dialog).
    context.add_init_script("delete Window.prototype.showSaveFilePicker; delete window.showSaveFilePicker;")
    page = context.new_page()
    page.goto(server.base_url)  # without a session: the web sign-in form at /logga-in
    page.wait_for_load_state()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED_{request.node.name}.png"), full_page=True)
    context.close()
