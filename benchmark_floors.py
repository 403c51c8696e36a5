"""`cli.py bench`: the honest floors — for every figure the fastest straightforward way to get
the same result from the same database, each checked against the project's own result in
the same run (``check_*`` raise AssertionError when they differ; the bench stops there).

- newest values: one hand-written statement that seeks the few newest entries of each
  indicator's total in the ix_measurement_series index (SQLite: correlated ``id IN (… LIMIT
  2)``; PostgreSQL: LATERAL), the targets in one more, then the same status function in a loop;
- page data: the same value rows and columns read with one plain query on the driver;
- import: python-calamine (Rust) parsing the same file;
- annual snapshot: writing the same bytes (JSON, CSV, XLSX, already computed) and hashing them.
"""
from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path

from sqlalchemy.engine import Engine

from indicators.rules.periods import period_from_code
from indicators.rules.status import Target as StatusTarget, choose_target, compute_status, rule_from_settings

NEWEST_SQL = {
    "sqlite": """
SELECT i.id, i.direction, i.baseline_period, i.baseline_value, m.period, m.value
FROM indicator i LEFT JOIN measurement m ON m.id IN (
  SELECT s.id FROM measurement s
  WHERE s.indicator_id = i.id AND s.gender = 'T' AND s.value IS NOT NULL
    AND s.area_id = (SELECT a.id FROM area a WHERE a.is_total LIMIT 1)
  ORDER BY s.period DESC LIMIT 1)
WHERE i.active
""",
    "postgresql": """
SELECT i.id, i.direction, i.baseline_period, i.baseline_value, m.period, m.value
FROM indicator i LEFT JOIN LATERAL (
  SELECT s.period, s.value FROM measurement s
  WHERE s.indicator_id = i.id AND s.gender = 'T' AND s.value IS NOT NULL
    AND s.area_id = (SELECT a.id FROM area a WHERE a.is_total LIMIT 1)
  ORDER BY s.period DESC LIMIT 1) m ON true
WHERE i.active
""",
}
TARGETS_SQL = "SELECT indicator_id, year, value FROM target"

# The same columns as db.queries.measurements, for a focus area's active indicators or one indicator.
VALUES_SQL = """
SELECT m.id, m.indicator_id, m.period, m.gender, m.area_id, a.code, a.name, a.is_total, a.sort_order,
       m.value, m.count_n, m.missing_reason, m.comment, m.status, m.source, m.version, m.updated_by,
       m.updated_at, i.unit
FROM measurement m JOIN area a ON a.id = m.area_id JOIN indicator i ON i.id = m.indicator_id
WHERE {where}
"""
FOCUS_WHERE = "i.active AND i.focus_area_id = {focus_id}"
INDICATOR_WHERE = "m.indicator_id = {indicator_id}"


def raw_rows(engine: Engine, sql: str) -> list[tuple]:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql)
        rows = cur.fetchall()
        cur.close()
        return rows
    finally:
        raw.close()


def overview_floor(engine: Engine) -> dict[int, str]:
    """Status per active indicator: two hand-written statements and a plain loop."""
    newest = raw_rows(engine, NEWEST_SQL[engine.dialect.name])
    targets: dict[int, list[StatusTarget]] = {}
    for ind, year, value in raw_rows(engine, TARGETS_SQL):
        targets.setdefault(ind, []).append(StatusTarget(year, value))
    rule = rule_from_settings()
    out = {}
    for ind, direction, b_period, b_value, period, value in newest:
        when = period_from_code(period) if period else None
        out[ind] = compute_status(
            direction=direction, value=value, when=when.position if when else None, baseline_value=b_value,
            baseline_when=period_from_code(b_period).position if b_period else None,
            target=choose_target(targets.get(ind, []), when.year) if when else None, rule=rule)
    return out


def check_overview(ours, floor: dict[int, str]) -> None:
    project = dict(zip((int(i) for i in ours["id"]), ours["status"]))
    assert project == floor, "golvet för översikten ger inte samma status som projektet"


def focus_floor(engine: Engine, focus_id: int) -> list[tuple]:
    return raw_rows(engine, VALUES_SQL.format(where=FOCUS_WHERE.format(focus_id=int(focus_id))))


def indicator_floor(engine: Engine, indicator_id: int) -> list[tuple]:
    return raw_rows(engine, VALUES_SQL.format(where=INDICATOR_WHERE.format(indicator_id=int(indicator_id))))


def check_values(values, rows: list[tuple], what: str) -> None:
    """The project's value table holds exactly the floor's rows (id, value, count, comment)."""
    def key(v):
        return None if v is None or v != v else float(v)
    project = sorted((int(i), key(v), key(n), c) for i, v, n, c in
                     zip(values["id"], values["value"], values["count_n"], values["comment"]))
    floor = sorted((int(r[0]), key(r[9]), key(r[10]), r[12]) for r in rows)
    assert project == floor, f"golvet för {what} läser inte samma värden som projektet"


def calamine_rows(data: bytes) -> list[list]:
    """Every row of the first sheet, parsed by python-calamine."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def check_import(read, rows: list[list]) -> None:
    """The project's reader and the floor's parser give the same data rows."""
    header, body = [str(h) for h in rows[0]], rows[1:]
    project = [[row.cells.get(h) for h in ("indikator", "period", "kön", "område", "värde")] for row in read.rows]
    floor = [[r[header.index(h)] for h in ("indikator", "period", "kön", "område", "värde")] for r in body]
    assert project == floor, "golvet för importen läser inte samma rader som projektet"


def snapshot_floor(files: dict[str, bytes]) -> dict[str, str]:
    """Write the same bytes (already computed) to files and hash them: {name: sha256}."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="uppfoljning-floor-") as tmp:
        for name, data in files.items():
            Path(tmp, name).write_bytes(data)
            out[name] = hashlib.sha256(data).hexdigest()
    return out


def check_snapshot(stored: dict[str, bytes], floor: dict[str, str]) -> None:
    assert {n: hashlib.sha256(stored[n]).hexdigest() for n in floor} == floor, \
        "golvet för årsuppföljningen skriver inte samma bytes som projektet"
