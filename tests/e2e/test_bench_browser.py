"""`cli.py bench --browser` runs Översikt and Fokusområden in Chromium beside bare pages with
the same elements and reports each as a ratio under a stable key (no timed assertion)."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from tests.utils.paths import ROOT

pytestmark = pytest.mark.e2e


def test_bench_browser_reports_pages_beside_bare_pages(tmp_path, monkeypatch):
    out = tmp_path / "bench.json"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "bench", "--browser", "--runs", "1", "--json", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))["sizes"][0]["figures"]
    by_key = {f["key"]: f for f in figures}
    assert set(by_key) == {"page_oversikt", "page_oversikt_warm", "page_fokus", "page_fokus_warm"}
    for figure in figures:
        assert math.isfinite(figure["ratio"]) and figure["ratio"] > 0 and figure["floor_seconds"] > 0, figure
    assert "diagram" in by_key["page_fokus"]["floor"] and not by_key["page_fokus"]["floor"].startswith("bar sida: 0 ")
    assert "Översikt i Chromium, kall" in result.stdout
