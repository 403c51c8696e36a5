"""`cli.py disclosure-check`: a file that leaks is caught (exit 1, the recomputed cells listed);
every output path of the demo data passing it is in test_disclosure_paths.py, PDFs in
test_disclosure_check_pdf.py."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd

from indicators.annual import snapshot
from indicators.files import disclosure_audit, long_format
from indicators.files.xlsx import to_xlsx_bytes
from indicators.rules import disclosure
from indicators.views import indicator_detail
from indicators.unit_of_work import UnitOfWork
from settings import get_settings
from tests.cli.test_cli import run_cli
from tests.utils.actors import ADMIN


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_primary_only_file_is_caught_with_the_recomputed_value(demo_engine, tmp_path):
    """The leak measured on main: K hidden, T and M shown, so K = T − M (DEM04 is a count);
    and a rate (UTB06) whose one withheld cell stands alone in its group."""
    note = long_format.SUPPRESSED_NOTE.format(n=5)
    rows = [{"indikator": "DEM04", "period": "2019Q1", "kön": "T", "område": "Landsbygd", "värde": "12", "kommentar": ""},
            {"indikator": "DEM04", "period": "2019Q1", "kön": "K", "område": "Landsbygd", "värde": "", "kommentar": note},
            {"indikator": "DEM04", "period": "2019Q1", "kön": "M", "område": "Landsbygd", "värde": "9", "kommentar": ""},
            {"indikator": "UTB06", "period": "2024H1", "kön": "T", "område": "Landsbygd", "värde": "80,5", "kommentar": ""},
            {"indikator": "UTB06", "period": "2024H1", "kön": "K", "område": "Landsbygd", "värde": "", "kommentar": note},
            {"indikator": "UTB06", "period": "2024H1", "kön": "M", "område": "Landsbygd", "värde": "79", "kommentar": ""}]
    leaky = tmp_path / "läcker.csv"
    leaky.write_bytes(long_format.to_csv_bytes(rows))
    (tmp_path / "läcker.xlsx").write_bytes(to_xlsx_bytes(rows))
    for path in (leaky, tmp_path / "läcker.xlsx"):
        result = run_cli("disclosure-check", str(path), env_url=_url(demo_engine))
        assert result.returncode == 1, result.stdout + result.stderr
        assert "DEM04 2019 kv 1 Kvinnor Landsbygd: kan räknas fram: 3" in result.stdout
        assert "UTB06 2024 halvår 1 Kvinnor Landsbygd: enda dolda värdet i sin grupp" in result.stdout
    unreadable = run_cli("disclosure-check", str(tmp_path / "saknas.csv"), env_url=_url(demo_engine))
    assert unreadable.returncode == 1 and "Fel:" in unreadable.stderr


def test_a_snapshot_json_with_a_revealed_complement_fails(demo_engine, tmp_path):
    uow = UnitOfWork(demo_engine)
    _sid, _sha, names = snapshot.create_snapshot(uow, ADMIN, 2024, snapshot_date=date(2025, 2, 15), out_dir=tmp_path)
    path = tmp_path / next(n for n in names if n.endswith(".json"))
    content = json.loads(path.read_text(encoding="utf-8"))
    counts = {i["code"] for i in content["indicators"] if i["unit"] == "antal"}
    catalogue = disclosure_audit.catalogue_of(uow)
    assert disclosure_audit.audit_file(path.name, path.read_bytes(), catalogue) == []
    # publish one withheld count again: the file now gives away another one
    hidden = [v for v in content["values"] if v["suppressed"] and v["indicator"] in counts]
    assert hidden
    hidden[0].update(suppressed=False, value=1.0)
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    assert disclosure_audit.audit_file(path.name, path.read_bytes(), catalogue) != []


def test_historik_shows_a_dash_for_withheld_cells(demo_engine):
    detail = indicator_detail.indicator_detail(UnitOfWork(demo_engine), "UTB06")
    values = detail["values"]
    shown = disclosure.hide(values, get_settings().suppress_below)
    withheld = shown[shown["suppressed"]].iloc[0]
    visible = shown[~shown["suppressed"]].iloc[0]
    history = pd.DataFrame([
        {"at": "2026-01-05T10:00:00", "user_email": "a@example.se", "action": "ändrat", "field": "value", "old": "3",
         "new": "4", "reason": "", "period": r["period"], "gender": r["gender"], "area_id": r["area_id"],
         "area_name": r["area_name"]} for r in (withheld, visible)])
    table = indicator_detail.history_table(history, values)
    assert list(table["Före"]) == ["–", "3"] and list(table["Efter"]) == ["–", "4"]
