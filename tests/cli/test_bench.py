"""The benchmark's smoke test: it runs at a tiny size and its ratios are finite."""
from __future__ import annotations

import json
import math
import subprocess
import sys

from tests.utils.paths import ROOT


KEYS = ["load_synthetic", "overview_cold", "overview_cached", "focus_data", "indicator_data", "render_fokus_apptest",
        "import_10k", "snapshot_year_with_pdf", "snapshot_year", "snapshot_pdf", "remind_first", "remind_second",
        "demo_snapshot", "demo_publish"]


def test_bench_smoke(tmp_path, monkeypatch):
    out = tmp_path / "bench.json"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "bench", "--size", "XS", "--runs", "1",
                             "--writers", "2", "--writes", "2", "--json", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "översikt: data" in result.stdout and "Samtidighet" in result.stdout
    assert "remind: 7 nämnder × 40 indikatorer" in result.stdout
    payload = json.loads(out.read_text(encoding="utf-8"))
    figures = payload["sizes"][0]["figures"]
    for figure in figures:
        assert {"key", "name", "seconds", "floor", "floor_seconds", "ratio"} <= set(figure), figure
    keys = [f["key"] for f in figures]
    assert len(keys) == len(set(keys)) and all(keys), keys
    assert set(KEYS) <= set(keys), set(KEYS) - set(keys)
    by_key = {f["key"]: f for f in figures}
    for key in ("overview_cold", "focus_data", "indicator_data", "import_10k", "snapshot_year"):
        assert by_key[key]["floor_seconds"] > 0 and by_key[key]["ratio"] > 0, by_key[key]
    assert by_key["snapshot_year"]["peak_mb"] > 0
    assert 0 < by_key["snapshot_year"]["maxrss_mb"] < by_key["snapshot_year"]["bench_process_maxrss_mb"]  # a fresh child
    ratios = [f["ratio"] for f in payload["sizes"][0]["figures"] if f["ratio"] is not None]
    assert ratios and all(math.isfinite(r) and r > 0 for r in ratios)
    assert payload["load_test"]["lost_updates"] == 0 and payload["load_test"]["locked_errors"] == 0
