"""What the published pages and the print version show, from a snapshot's content only.

One ``Presenter`` turns the frozen content into rows for the templates in ``site/`` (the
indicator sentence, chart, tables, goals, actions, responsibility), so the web pages and
the tagged PDF say the same things in the same words: Swedish period labels ("2025 kv 4"),
focus areas named as in the program, withheld values as "–".
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from indicators.annual.svg_chart import line_chart
from indicators.rules.formatting import format_kronor, format_number
from indicators.rules.periods import period_from_code, sort_key
from indicators.rules.vocabulary import (
    DIRECTION_LABELS, GENDER_LABELS, GENDER_ORDER, PERIODICITY_LABELS, STATUS_ICONS, STATUSES, SUPPRESSED, label,
)

SITE_DIR = Path(__file__).resolve().parent / "site"
ENV = Environment(loader=FileSystemLoader(SITE_DIR), autoescape=select_autoescape(["html"]),
                  undefined=StrictUndefined, keep_trailing_newline=True)


def period_label(code: Optional[str]) -> str:
    return period_from_code(code).label if code else ""


class Presenter:
    """Lookups over one snapshot's content and the rows every page and the PDF are made of."""

    def __init__(self, content: dict):
        self.c = content
        self.areas = {a["code"]: a["name"] for a in content["areas"]}
        self.total_area = next((a["code"] for a in content["areas"] if a["is_total"]), "")
        self.focus = {f["code"]: f for f in content["focus_areas"]}
        self.orgs = {o["code"]: o["name"] for o in content["organisations"]}
        self.status = {s["indicator"]: s for s in content["statuses"]}
        self.goal_names = {g["number"]: f"{g['number']}. {g['name']}" for g in content["program_goals"]}
        self.values_by: dict[str, list[dict]] = {}
        for v in content["values"]:
            self.values_by.setdefault(v["indicator"], []).append(v)
        self.comments: dict[str, list[dict]] = {}
        for c in content.get("comments", []):
            if c["area"] == self.total_area and c["gender"] == "T" and period_from_code(c["period"]).year == content["year"]:
                self.comments.setdefault(c["indicator"], []).append(c)

    # --- indicators --------------------------------------------------------------------------
    def indicators(self, *, compact_chart: bool = False) -> list[dict]:
        """Every active indicator as a row (``compact_chart``: the print version, with the lighter
        chart and only its own values table, not the web page's table of every value)."""
        return [self.indicator_row(i, compact_chart) for i in self.c["indicators"] if i["active"]]

    def indicator_row(self, ind: dict, compact_chart: bool = False) -> dict:
        status = self.status.get(ind["code"], {})
        unit, decimals = ind["unit"] or "", int(ind["decimals"])
        shown = lambda v: format_number(v, decimals, unit)  # noqa: E731
        if compact_chart:  # chart and print rows read the whole-municipality values, in any order
            values = [v for v in self.values_by.get(ind["code"], []) if v["area"] == self.total_area]
        else:
            values = sorted(self.values_by.get(ind["code"], []),
                            key=lambda v: (sort_key(v["period"]), v["area"] != self.total_area, v["area"],
                                           GENDER_ORDER[v["gender"]]))
        state = status.get("status") or STATUSES[-2]
        return {
            **ind, "unit": unit, "focus_name": self.focus[ind["focus_area"]]["name"],
            "responsible_name": self.orgs.get(ind["responsible"], ind["responsible"]),
            "direction_text": label(DIRECTION_LABELS, ind["direction"]),
            "goal_names": [self.goal_names.get(n, str(n)) for n in ind["program_goals"]],
            "periodicity_text": label(PERIODICITY_LABELS, ind["periodicity"]),
            "status": state, "icon": STATUS_ICONS[state],
            "latest": shown(status.get("value")), "latest_period": period_label(status.get("period")),
            "trend": status.get("trend") or "", "sentence": self._sentence(ind, status, shown),
            "chart": self._chart(ind, values, compact_chart),
            "table": [] if compact_chart else [self._value_row(v, shown) for v in values],
            "print_rows": self._print_rows(ind, values, shown) if compact_chart else [],
            "analysis": [(period_label(c["period"]), c["text"]) for c in self.comments.get(ind["code"], [])],
        }

    def _sentence(self, ind: dict, status: dict, shown) -> str:
        if status.get("value") is None:
            return f"Det finns inget värde för {ind['name'].lower()} till och med {self.c['year']}."
        text = f"{period_label(status['period'])} var värdet {shown(status['value'])}"
        if status.get("target_value") is not None:
            text += f"; målet för {status['target_year']} är {shown(status['target_value'])}"
        return text + f"; bedömning: {status['status']}."

    def _chart(self, ind: dict, values: list[dict], compact: bool) -> str:
        totals = [v for v in values if v["area"] == self.total_area]
        periods = sorted({v["period"] for v in totals}, key=sort_key)
        if not periods:
            return ""
        genders = ["T", "K", "M"] if ind["by_gender"] else ["T"]
        by_key = {(v["period"], v["gender"]): v["value"] for v in totals}
        series = [(GENDER_LABELS[g], [by_key.get((p, g)) for p in periods]) for g in genders]
        target = None
        status = self.status.get(ind["code"], {})
        if status.get("target_value") is not None:
            target = (str(status["target_year"]), float(status["target_value"]))
        return line_chart(f"{ind['name']} ({label(GENDER_LABELS, 'T').lower()} för hela kommunen)",
                          [period_label(p) for p in periods], series, decimals=int(ind["decimals"]),
                          unit=ind["unit"] or "", target=target, element_id=f"diagram-{ind['code']}",
                          compact=compact)

    def _print_rows(self, ind: dict, values: list[dict], shown) -> list[tuple[str, list[str]]]:
        """Whole-municipality values, one row per period with a column per gender (print version)."""
        genders = ["T", "K", "M"] if ind["by_gender"] else ["T"]
        by_key = {(v["period"], v["gender"]): v for v in values if v["area"] == self.total_area}
        periods = sorted({p for p, _g in by_key}, key=sort_key)
        cell = lambda v: "" if v is None else SUPPRESSED if v["suppressed"] else shown(v["value"])  # noqa: E731
        return [(period_label(p), [cell(by_key.get((p, g))) for g in genders]) for p in periods]

    def _value_row(self, v: dict, shown) -> dict:
        return {"period": period_label(v["period"]), "gender": GENDER_LABELS[v["gender"]],
                "area": self.areas.get(v["area"], v["area"]),
                "value": SUPPRESSED if v["suppressed"] else shown(v["value"]), "suppressed": v["suppressed"],
                "comment": v["comment"]}

    # --- focus areas, goals, actions, responsibility -----------------------------------------------
    def focus_rows(self, indicators: list[dict]) -> list[dict]:
        """Each focus area with its status counts (icon, word, count), indicators, actions and the year's
        Analys och bedömning (None when none was written)."""
        summaries = {s["focus_area"]: s["counts"] for s in self.c["summary"]}
        assessments = {a["focus_area"]: a for a in self.c.get("assessments", [])}
        return [{**f, "counts": [(STATUS_ICONS[s], s, summaries.get(f["code"], {}).get(s, 0)) for s in STATUSES
                                 if summaries.get(f["code"], {}).get(s, 0)],
                 "indicators": [r for r in indicators if r["focus_area"] == f["code"]],
                 "actions": [a for a in self.actions() if a["focus_area"] == f["code"]],
                 "assessment": assessments.get(f["code"])}
                for f in self.c["focus_areas"]]

    def actions(self) -> list[dict]:
        """Actions with the focus area named as in the program and boards by name."""
        return [{**a, "focus_name": self.focus[a["focus_area"]]["name"],
                 "organisation_names": [self.orgs.get(o, o) for o in a["organisations"]],
                 "cost": format_kronor(a["cost_estimate"]),
                 "priority_text": "–" if a["priority"] is None else str(a["priority"])}
                for a in self.c["actions"]]

    def goals(self, indicators: list[dict]) -> list[dict]:
        return [{**g, "indicators": [r for r in indicators if g["number"] in r["program_goals"]]}
                for g in self.c["program_goals"]]

    def result_goals(self, indicators: list[dict]) -> list[dict]:
        return [{**g, "indicators": [r for r in indicators if g["code"] in r["result_goals"]]}
                for g in self.c["result_goals"]]

    def responsibility(self) -> dict:
        cells: dict[tuple[str, str], dict] = {(r["organisation"], r["focus_area"]): r for r in self.c["responsibility"]}
        boards = sorted({org for org, _focus in cells})
        return {"focus_areas": self.c["focus_areas"],
                "rows": [{"name": self.orgs.get(b, b),
                          "cells": [cells.get((b, f["code"]), {"indicators": [], "actions": []})
                                    for f in self.c["focus_areas"]]} for b in boards]}

    def common(self, sha256: str) -> dict:
        """What every page and the print version name: program, year, date, hash, demo note."""
        return {"program": self.c["program"], "year": self.c["year"], "snapshot_date": self.c["snapshot_date"],
                "demo": self.c["demo"], "sha256": sha256, "method": self.c["method"]}
