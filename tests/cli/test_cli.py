"""The command line itself, run as a subprocess: init (twice), check, indicators, export and
user add/list/disable. Feature commands (import, catalogue, snapshot, kolada) are tested
next to their features."""
from __future__ import annotations

import subprocess
import sys

from db import crud
from db.engine import get_engine, session_scope
from db.models import Indicator
from tests.utils.paths import ROOT
from tests.utils.records import table_counts


def run_cli(*args, env_url: str, stdin: str = "") -> subprocess.CompletedProcess:
    import os
    env = {**os.environ, "DATABASE_URL": env_url}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_cli_init_twice_check_and_export(db_url, tmp_path):
    url = db_url
    first = run_cli("init", "--demo", env_url=url)
    assert first.returncode == 0, first.stderr
    assert "Exempelkonton" in first.stdout
    counts = table_counts(get_engine(url))
    second = run_cli("init", "--demo", env_url=url)
    assert second.returncode == 0 and "finns redan" in second.stdout
    assert table_counts(get_engine(url)) == counts
    assert run_cli("check", env_url=url).returncode == 0
    catalogue = run_cli("indicators", env_url=url).stdout.splitlines()
    assert catalogue[0].startswith("kod;namn;enhet;periodicitet;ansvarig")
    out = tmp_path / "values.csv"
    assert run_cli("export", "--out", str(out), env_url=url).returncode == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "indikator;period;kön;område;värde;antal;kommentar"  # n (antal) after the value
    assert any("," in line.split(";")[4] for line in lines[1:50])


def test_cli_check_fails_on_incomplete_catalogue(engine):
    url = str(engine.url.render_as_string(hide_password=False))
    from db.models import Target
    with session_scope(engine, write=True) as session:
        ind = crud.by_code(session, Indicator, "ARB01")
        for t in crud.all_rows(session, Target):
            if t.indicator_id == ind.id:
                session.delete(t)
    result = run_cli("check", env_url=url)
    assert result.returncode == 1
    assert "ARB01: saknar målvärde" in result.stdout


def test_cli_user_add_list_disable(db_url):
    url = db_url
    assert run_cli("init", env_url=url).returncode == 0
    added = run_cli("user", "add", "Ny@Exempel.invalid", "--role", "official", "--org", "SN", "--password-stdin",
                    env_url=url, stdin="ett-langt-losenord\n")
    assert added.returncode == 0, added.stderr
    listed = run_cli("user", "list", env_url=url).stdout
    assert "ny@exempel.invalid;official;SN;True" in listed
    assert run_cli("user", "disable", "ny@exempel.invalid", env_url=url).returncode == 0
    assert "ny@exempel.invalid;official;SN;False" in run_cli("user", "list", env_url=url).stdout
    refused = run_cli("user", "add", "x@exempel.invalid", "--role", "official", "--password-stdin", env_url=url, stdin="ett-langt-losenord\n")
    assert refused.returncode == 1 and "organisation" in refused.stderr
