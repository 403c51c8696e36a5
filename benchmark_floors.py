"""`cli.py bench`: the honest floors — for every figure the fastest straightforward way to get
the same result from the same database, each checked against the project's own result in
the same run (``check_*`` raise AssertionError when they differ; the bench stops there).

- overview: one hand-written statement that reads each active indicator's columns and seeks
  the two newest entries of its total in the ix_measurement_series index (SQLite: correlated
  ``id IN (… LIMIT 2)``; PostgreSQL: LATERAL), three more for targets and goal links on the
  same driver connection, then a plain loop calling the rule functions for every column
  (status, trends, arrow, target, Swedish texts); the status-only floor is kept as old_floor;
- page data: every table the page shows on its first render, each read with one plain query
  on the driver (the value rows with their area names and unit, the indicators, targets,
  comparisons, actions with their organisations, value history, definition changes); the
  earlier floor, the value rows alone, is kept as ``old_floor``;
- import: python-calamine (Rust) parsing the same file; beside it, as ``write_floor``, the same
  parse followed by the same changes written straight away on the driver (one SELECT of the
  stored rows, one executemany UPDATE, one executemany INSERT of the same audit rows), in a
  transaction that is rolled back and checked against what the project's import stored;
- annual snapshot: writing the same bytes (JSON, CSV, XLSX, already computed) and hashing them.
"""
from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import Engine

from db.models import utcnow

from indicators.rules.formatting import decimal_text, format_number
from indicators.rules.periods import period_from_code
from indicators.rules.status import (
    Target as StatusTarget, choose_target, compute_status, rule_from_settings, status_label, trend, trend_arrow,
)

# The status-only floor of session 3 (newest total and status per indicator), kept as
# ``old_floor`` beside the full-row floor below.
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
# The overview's full rows: each active indicator with its organisation and focus area and
# its two newest present totals (an index seek per indicator), in the page's order; then
# the targets and the goal links. Run on one driver connection.
_OVERVIEW_COLUMNS_SQL = """
SELECT i.id, i.code, i.name, f.code, f.name, f.number, o.code, o.name, i.unit, i.decimals, i.direction,
       i.periodicity, i.source_kind, i.source_ref, i.baseline_period, i.baseline_value, m.period, m.value
FROM indicator i JOIN organisation o ON o.id = i.responsible_org_id JOIN focus_area f ON f.id = i.focus_area_id
"""
_NEWEST_TWO = """
  WHERE s.indicator_id = i.id AND s.gender = 'T' AND s.value IS NOT NULL
    AND s.area_id = (SELECT a.id FROM area a WHERE a.is_total LIMIT 1)
  ORDER BY s.period DESC LIMIT 2"""
OVERVIEW_SQL = {
    "sqlite": _OVERVIEW_COLUMNS_SQL + "LEFT JOIN measurement m ON m.id IN (SELECT s.id FROM measurement s"
    + _NEWEST_TWO + ")\nWHERE i.active ORDER BY f.number, i.code, m.period DESC",
    "postgresql": _OVERVIEW_COLUMNS_SQL + "LEFT JOIN LATERAL (SELECT s.period, s.value FROM measurement s"
    + _NEWEST_TWO + ") m ON true\nWHERE i.active ORDER BY f.number, i.code, m.period DESC",
}
OVERVIEW_LINKS_SQL = (
    "SELECT indicator_id, year, value FROM target ORDER BY indicator_id, year",
    "SELECT indicator_id, program_goal_id FROM indicator_program_goal ORDER BY indicator_id, program_goal_id",
    "SELECT indicator_id, result_goal_id FROM indicator_result_goal ORDER BY indicator_id, result_goal_id",
)
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


def status_floor(engine: Engine) -> dict[int, str]:
    """The old floor: status only per active indicator, two hand-written statements and a plain loop."""
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


def overview_floor(engine: Engine) -> list[dict]:
    """The overview's rows (every column the project gives): four hand-written statements on
    one driver connection and a plain loop calling the rule functions."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(OVERVIEW_SQL[engine.dialect.name])
        main = cur.fetchall()
        links = []
        for sql in OVERVIEW_LINKS_SQL:
            cur.execute(sql)
            links.append(cur.fetchall())
        cur.close()
    finally:
        raw.close()
    targets: dict[int, list[StatusTarget]] = {}
    for ind, year, value in links[0]:
        targets.setdefault(ind, []).append(StatusTarget(year, value))
    goals: dict[int, list[int]] = {}
    for ind, goal in links[1]:
        goals.setdefault(ind, []).append(goal)
    results: dict[int, list[int]] = {}
    for ind, goal in links[2]:
        results.setdefault(ind, []).append(goal)
    rule = rule_from_settings()
    out: list[dict] = []
    for k, row in enumerate(main):
        if k and main[k - 1][0] == row[0]:
            continue  # the second newest value, read with the newest
        (ind, code, name, f_code, f_name, f_number, o_code, o_name, unit, decimals, direction, periodicity,
         source_kind, source_ref, b_period, b_value, period, value) = row
        previous = main[k + 1][17] if k + 1 < len(main) and main[k + 1][0] == ind else None
        when = period_from_code(period) if period else None
        target = choose_target(targets.get(ind, []), when.year if when else date.today().year)
        word = trend(direction, value, previous, rule)
        out.append({
            "id": ind, "code": code, "name": name, "focus_code": f_code, "focus_name": f_name,
            "focus_number": f_number, "org_code": o_code, "org_name": o_name, "unit": unit, "decimals": decimals,
            "direction": direction, "periodicity": periodicity, "source_kind": source_kind, "source_ref": source_ref,
            "period": period, "period_label": when.label if when else "–", "value": value,
            "value_text": format_number(value, decimals, unit) if value is not None else "–",
            "previous_value": previous,
            "status": (status := compute_status(
                direction=direction, value=value, when=when.position if when else None, baseline_value=b_value,
                baseline_when=period_from_code(b_period).position if b_period else None, target=target,
                rule=rule)),
            "status_label": status_label(status), "trend": word,
            "arrow": trend_arrow(direction, word, None if value is None or previous is None else value > previous),
            "trend_baseline": trend(direction, value, b_value, rule),
            "target_year": target.year if target else None, "target_value": target.value if target else None,
            "program_goal_ids": goals.get(ind, []), "result_goal_ids": results.get(ind, []),
        })
    return out


def check_overview(ours: list[dict], floor: list[dict]) -> None:
    """Every row and column of the project's overview equals the floor's."""
    assert [list(r.items()) for r in ours] == [list(r.items()) for r in floor], \
        "golvet för översikten ger inte samma rader som projektet"


def check_status(ours: list[dict], floor: dict[int, str]) -> None:
    project = {r["id"]: r["status"] for r in ours}
    assert project == floor, "golvet för översikten ger inte samma status som projektet"


def raw_tables(engine: Engine, queries: dict[str, str]) -> dict[str, list[tuple]]:
    """Each query's rows, on one driver connection."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        out = {}
        for name, sql in queries.items():
            cur.execute(sql)
            out[name] = cur.fetchall()
        cur.close()
        return out
    finally:
        raw.close()


INDICATOR_COLUMNS = """i.id, i.code, i.name, i.definition, i.unit, i.decimals, i.direction, i.periodicity, i.source_kind,
       i.source_ref, i.source_note, i.by_gender, i.by_area, i.valid_min, i.valid_max, i.baseline_period,
       i.baseline_value, i.active, i.version, i.responsible_org_id, i.focus_area_id, i.report_every_years,
       i.report_anchor_year, o.code, o.name, f.code, f.name, f.number
FROM indicator i JOIN organisation o ON o.id = i.responsible_org_id JOIN focus_area f ON f.id = i.focus_area_id"""
COMPARISON_COLUMNS = """c.indicator_id, c.period, c.gender, c.value, c.source_status, c.source, u.code, u.name
FROM comparison_value c JOIN comparison_unit u ON u.id = c.unit_id"""
CHANGES = """SELECT entity_id, at, field FROM audit_event
WHERE entity = 'indicator' AND action = 'update' AND field IN ('definition', 'unit') AND entity_id {which}
ORDER BY at, id"""


def focus_tables(focus_id: int) -> dict[str, str]:
    """What Fokusområden shows on its first render, for one focus area: one query per table."""
    mine = f"SELECT id FROM indicator WHERE active AND focus_area_id = {int(focus_id)}"
    return {
        "focus_area": f"SELECT id, code, number, name, short_name, description FROM focus_area WHERE id = {int(focus_id)}",
        "indicators": f"SELECT {INDICATOR_COLUMNS}\nWHERE i.active AND i.focus_area_id = {int(focus_id)} ORDER BY i.code",
        "values": VALUES_SQL.format(where=FOCUS_WHERE.format(focus_id=int(focus_id))),
        "targets": f"SELECT indicator_id, year, value FROM target WHERE indicator_id IN ({mine}) ORDER BY indicator_id, year",
        "comparisons": f"SELECT {COMPARISON_COLUMNS}\nWHERE c.indicator_id IN ({mine})",
        "actions": f"""SELECT a.id, a.name, a.status, a.cost_estimate, a.priority, o.code FROM action a
LEFT JOIN action_organisation ao ON ao.action_id = a.id LEFT JOIN organisation o ON o.id = ao.organisation_id
WHERE a.focus_area_id = {int(focus_id)} ORDER BY a.priority, a.name, a.id""",
        "definition_changes": CHANGES.format(which=f"IN (SELECT CAST(id AS VARCHAR(20)) FROM ({mine}) AS mine)"),
    }


def indicator_tables(indicator_id: int) -> dict[str, str]:
    """What Indikatorer shows on its first render (the history too: it sits in an expander,
    built with the page), for one indicator: one query per table."""
    ind = int(indicator_id)
    return {
        "indicator": f"SELECT {INDICATOR_COLUMNS}\nWHERE i.id = {ind}",
        "goals": f"""SELECT 0, g.number, '', g.name FROM program_goal g
JOIN indicator_program_goal l ON l.program_goal_id = g.id WHERE l.indicator_id = {ind}
UNION ALL SELECT 1, 0, r.code, r.name FROM result_goal r
JOIN indicator_result_goal l ON l.result_goal_id = r.id WHERE l.indicator_id = {ind} ORDER BY 1, 2, 3""",
        "targets": f"SELECT indicator_id, year, value FROM target WHERE indicator_id = {ind} ORDER BY year",
        "values": VALUES_SQL.format(where=INDICATOR_WHERE.format(indicator_id=ind)),
        "comparisons": f"SELECT {COMPARISON_COLUMNS}\nWHERE c.indicator_id = {ind}",
        "history": f"""SELECT e.at, e.user_email, e.action, e.field, e.old, e.new, e.reason, m.period, m.gender,
       m.area_id, a.name
FROM audit_event e JOIN measurement m ON e.entity_id = CAST(m.id AS VARCHAR(20)) JOIN area a ON a.id = m.area_id
WHERE e.entity = 'measurement' AND m.indicator_id = {ind} ORDER BY e.at DESC, e.id DESC""",
        "definition_changes": CHANGES.format(which=f"= '{ind}'"),
    }


def focus_floor(engine: Engine, focus_id: int) -> dict[str, list[tuple]]:
    return raw_tables(engine, focus_tables(focus_id))


def indicator_floor(engine: Engine, indicator_id: int) -> dict[str, list[tuple]]:
    return raw_tables(engine, indicator_tables(indicator_id))


def focus_values_floor(engine: Engine, focus_id: int) -> list[tuple]:
    """The earlier floor (kept as ``old_floor``): the value rows alone."""
    return raw_rows(engine, VALUES_SQL.format(where=FOCUS_WHERE.format(focus_id=int(focus_id))))


def indicator_values_floor(engine: Engine, indicator_id: int) -> list[tuple]:
    return raw_rows(engine, VALUES_SQL.format(where=INDICATOR_WHERE.format(indicator_id=int(indicator_id))))


def check_values(values, rows: list[tuple], what: str) -> None:
    """The project's value table holds exactly the floor's rows (id, value, count, comment)."""
    def key(v):
        return None if v is None or v != v else float(v)
    project = sorted((int(i), key(v), key(n), c) for i, v, n, c in
                     zip(values["id"], values["value"], values["count_n"], values["comment"]))
    floor = sorted((int(r[0]), key(r[9]), key(r[10]), r[12]) for r in rows)
    assert project == floor, f"golvet för {what} läser inte samma värden som projektet"


def check_page(data: dict, tables: dict[str, list[tuple]], what: str) -> None:
    """The floor read the tables the page got: the same value rows (``check_values``), and
    per other table the same rows (indicator, year, action, time …: the key columns)."""
    check_values(data["values"], tables["values"], what)

    def same(name, project, floor):
        assert sorted(map(repr, project)) == sorted(map(repr, floor)), \
            f"golvet för {what} läser inte samma {name} som projektet"

    if "indicators" in data:  # Fokusområden
        same("indikatorer", [int(i) for i in data["indicators"]["id"]], [r[0] for r in tables["indicators"]])
        actions: dict[int, tuple[str, list]] = {}
        for action_id, name, _status, _cost, _priority, org in tables["actions"]:
            actions.setdefault(action_id, (name, []))[1].extend([org] if org is not None else [])
        same("insatser", list(zip(data["actions"]["Insats"], data["actions"]["Ansvariga"])),
             [(name, ", ".join(sorted(orgs)) or "–") for name, orgs in actions.values()])
        ids = {r[0] for r in tables["indicators"]}
    else:  # Indikatorer
        assert int(data["indicator"]["id"]) == tables["indicator"][0][0], f"golvet för {what} läser en annan indikator"
        same("mål", [(kind, name) for kind, name in
                     [(0, g.split(". ", 1)[1]) for g in data["program_goals"]] + [(1, g) for g in data["result_goals"]]],
             [(r[0], r[3]) for r in tables["goals"]])
        history = data["history"]
        same("historik", list(zip(history["field"], history["old"], history["new"], history["period"])),
             [(r[3], r[4], r[5], r[7]) for r in tables["history"]])
        ids = {int(data["indicator"]["id"])}
    targets = data["targets"][data["targets"]["indicator_id"].isin(ids)]
    same("målvärden", [(int(i), int(y), float(v)) for i, y, v in zip(targets["indicator_id"], targets["year"], targets["value"])],
         [(int(i), int(y), float(v)) for i, y, v in tables["targets"]])
    same("jämförelser", [(int(i), p, g) for i, p, g in
                         zip(data["comparisons"]["indicator_id"], data["comparisons"]["period"], data["comparisons"]["gender"])],
         [(int(r[0]), r[1], r[2]) for r in tables["comparisons"]])
    same("definitionsändringar", [(int(i), f) for i, f in zip(data["definition_changes"]["indicator_id"],
                                                              data["definition_changes"]["field"])],
         [(int(r[0]), r[2]) for r in tables["definition_changes"]])


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


@dataclass(frozen=True)
class WrittenImport:
    """What an import of the bench file leaves in the database: the changed rows and their audit."""
    rows: dict[int, tuple]  # measurement id -> (value, comment, count_n, version, source)
    audits: list[tuple]  # sorted (entity_id, field, old, new, reason)


def _audit_text(value: object) -> Optional[str]:
    return None if value is None else decimal_text(value) if isinstance(value, float) else str(value)


def import_write_floor(engine: Engine, data: bytes, email: str, reason: str) -> WrittenImport:
    """Parse the bench file (python-calamine) and write its changes with three plain statements
    on the driver: no validation, no rules, no per-row objects. The file changes stored values
    and sets a comment, without the antal column (the old n is cleared, as the project does).
    Rolled back: the project's import runs on the same rows afterwards."""
    rows = calamine_rows(data)
    header, body = [str(h) for h in rows[0]], rows[1:]
    at = {name: header.index(name) for name in ("indikator", "period", "kön", "område", "värde", "kommentar")}
    raw = engine.raw_connection()
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            cur.execute("BEGIN IMMEDIATE")  # the driver's own transactions are off (db/engine.py), as the project's write
        cur.execute("SELECT code, id FROM indicator")
        indicators = dict(cur.fetchall())
        cur.execute("SELECT name, id FROM area")
        areas = dict(cur.fetchall())
        keys = [(indicators[r[at["indikator"]]], r[at["period"]], r[at["kön"]], areas[r[at["område"]]]) for r in body]
        ids, periods = sorted({k[0] for k in keys}), sorted({k[1] for k in keys})
        cur.execute(f"SELECT indicator_id, period, gender, area_id, id, value, comment, count_n, version FROM measurement "
                    f"WHERE indicator_id IN ({', '.join([mark] * len(ids))}) AND period IN ({', '.join([mark] * len(periods))})",
                    [*ids, *periods])
        stored = {tuple(r[:4]): r[4:] for r in cur.fetchall()}
        now = utcnow() if engine.dialect.name == "postgresql" else utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
        updates, audits, written = [], [], {}
        for key, r in zip(keys, body):
            row_id, old_value, old_comment, old_n, version = stored[key]
            value, comment = float(r[at["värde"]]), str(r[at["kommentar"]])
            updates.append((value, comment, None, version + 1, email, "import", now, row_id))
            written[row_id] = (value, comment, None, version + 1, "import")
            for name, old, new in (("value", old_value, value), ("comment", old_comment, comment), ("count_n", old_n, None)):
                if old != new:
                    audits.append((email, "update", "measurement", str(row_id), name, _audit_text(old), _audit_text(new),
                                   reason, now))
        cur.executemany(f"UPDATE measurement SET value = {mark}, comment = {mark}, count_n = {mark}, version = {mark}, "
                        f"updated_by = {mark}, source = {mark}, updated_at = {mark} WHERE id = {mark}", updates)
        cur.executemany(f"INSERT INTO audit_event (user_email, action, entity, entity_id, field, old, new, reason, at) "
                        f"VALUES ({', '.join([mark] * 9)})", audits)
        cur.close()
        return WrittenImport(written, sorted(a[3:8] for a in audits))
    finally:
        raw.rollback()
        raw.close()


def stored_import(engine: Engine, ids: list[int], reason: str) -> WrittenImport:
    """What the project's import stored for these rows (read back after it ran)."""
    rows = {}
    for chunk_start in range(0, len(ids), 900):
        chunk = ids[chunk_start:chunk_start + 900]
        for r in raw_rows(engine, f"SELECT id, value, comment, count_n, version, source FROM measurement "
                                  f"WHERE id IN ({', '.join(str(int(i)) for i in chunk)})"):
            rows[r[0]] = tuple(r[1:])
    reason_sql = reason.replace("'", "''")
    audits = sorted(tuple(r) for r in raw_rows(engine, "SELECT entity_id, field, old, new, reason FROM audit_event "
                                                       f"WHERE entity = 'measurement' AND reason = '{reason_sql}'"))
    return WrittenImport(rows, audits)


def check_import_write(ours: WrittenImport, floor: WrittenImport) -> None:
    assert ours == floor, "golvet för importen skriver inte samma rader och samma logg som projektet"


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
