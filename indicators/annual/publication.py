"""The published årsuppföljning: a static, accessible site built from a frozen snapshot only.

``build_site`` turns a snapshot's content and its frozen files into {path: bytes}: a start
page, a page per focus area and per indicator (SVG chart, data table and a plain sentence),
goals, actions, responsibility, method, downloads with their SHA-256 and "Om uppgifterna".
Links are relative, so the folder works offline and under any web server prefix; nothing
depends on the clock or on live data, so the same snapshot gives the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from indicators.annual.content_builder import long_rows
from indicators.annual.svg_chart import line_chart
from indicators.files.long_format import to_csv_bytes
from indicators.rules.formatting import format_number
from indicators.rules.periods import period_from_code, sort_key
from indicators.rules.vocabulary import (
    DIRECTION_LABELS, GENDER_LABELS, GENDER_ORDER, LONG_COLUMNS, PERIODICITY_LABELS, STATUS_ICONS, STATUSES,
    SUPPRESSED, label,
)

SITE_DIR = Path(__file__).resolve().parent / "site"
LICENCE = ("Creative Commons Erkännande 4.0 (CC BY 4.0)", "https://creativecommons.org/licenses/by/4.0/deed.sv")
DATA_DICTIONARY = {
    "indikator": "Indikatorns kod i katalogen (t.ex. ARB01).",
    "period": "År (2025), halvår (2025H1) eller kvartal (2025Q4).",
    "kön": "T = totalt, K = kvinnor, M = män.",
    "område": "Område i kommunen; Hela kommunen är totalen.",
    "värde": "Värdet med decimalkomma; tomt när det skyddas eftersom underlaget är för litet.",
    "kommentar": "Tjänstepersonens kommentar eller en notering om att värdet skyddas.",
}
_ENV = Environment(loader=FileSystemLoader(SITE_DIR), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, keep_trailing_newline=True)


def build_site(content: dict, files: dict[str, bytes], sha256: str, *, print_version: bool = True) -> dict[str, bytes]:
    """Every file of the published year, by relative path (``print_version``: with the tagged PDF)."""
    return Site(content, files, sha256, print_version).build()


class Site:
    def __init__(self, content: dict, files: dict[str, bytes], sha256: str, print_version: bool = True):
        self.c, self.frozen, self.sha256, self.print_version = content, files, sha256, print_version
        self.areas = {a["code"]: a["name"] for a in content["areas"]}
        self.total_area = next((a["code"] for a in content["areas"] if a["is_total"]), "")
        self.focus = {f["code"]: f for f in content["focus_areas"]}
        self.orgs = {o["code"]: o["name"] for o in content["organisations"]}
        self.status = {s["indicator"]: s for s in content["statuses"]}
        self.goal_names = {g["number"]: f"{g['number']}. {g['name']}" for g in content["program_goals"]}
        self.values_by: dict[str, list[dict]] = {}
        for v in content["values"]:
            self.values_by.setdefault(v["indicator"], []).append(v)
        self.out: dict[str, bytes] = {}

    # --- the pages -----------------------------------------------------------------------
    def build(self) -> dict[str, bytes]:
        self.out["stil.css"] = (SITE_DIR / "stil.css").read_bytes()
        self._data_files()
        indicators = [self._indicator_row(i) for i in self.c["indicators"] if i["active"]]
        if self.print_version:  # before the downloads page, which lists it with its hash
            self.out[f"arsuppfoljning-{self.c['year']}.pdf"] = self._print_version(indicators)
        summaries = {s["focus_area"]: s["counts"] for s in self.c["summary"]}
        focus_rows = [{**f, "counts": [(STATUS_ICONS[s], s, summaries.get(f["code"], {}).get(s, 0)) for s in STATUSES
                                       if summaries.get(f["code"], {}).get(s, 0)]}
                      for f in self.c["focus_areas"]]
        self._page("index.html", "start.html", "Start", focus_areas=focus_rows)
        for focus in self.c["focus_areas"]:
            rows = [r for r in indicators if r["focus_area"] == focus["code"]]
            actions = [a for a in self.c["actions"] if a["focus_area"] == focus["code"]]
            assessment = next((a for a in self.c.get("assessments", []) if a["focus_area"] == focus["code"]), None)
            self._page(f"fokusomraden/{focus['code']}.html", "focus.html", focus["name"], depth=1,
                       focus=focus, indicators=rows, actions=actions, assessment=assessment)
        for row in indicators:
            self._page(f"indikatorer/{row['code']}.html", "indicator.html", row["name"], depth=1, ind=row)
        self._page("mal.html", "goals.html", "Mål", program_goals=self._goals(indicators),
                   result_goals=self._result_goals(indicators))
        self._page("insatser.html", "actions.html", "Insatser", actions=self.c["actions"],
                   focus_names={c: f["name"] for c, f in self.focus.items()})
        self._page("ansvar.html", "responsibility.html", "Ansvar", table=self._responsibility())
        self._page("metod.html", "method.html", "Metod", method=self.c["method"])
        pdf_name = f"arsuppfoljning-{self.c['year']}.pdf"
        self._page("nedladdning.html", "downloads.html", "Ladda ner", downloads=self._downloads(),
                   print_pdf=pdf_name if pdf_name in self.out else "")
        self._page("om-uppgifterna.html", "about.html", "Om uppgifterna", licence=LICENCE,
                   dictionary=DATA_DICTIONARY)
        return dict(sorted(self.out.items()))

    def _page(self, path: str, template: str, title: str, depth: int = 0, **context: Any) -> None:
        html = _ENV.get_template(template).render(
            root="../" * depth, page_title=title, program=self.c["program"], year=self.c["year"],
            snapshot_date=self.c["snapshot_date"], demo=self.c["demo"], focus_areas_nav=self.c["focus_areas"],
            sha256=self.sha256, **context)
        self.out[path] = html.encode("utf-8")

    def _print_version(self, indicators: list[dict]) -> bytes:
        """The same content as one tagged PDF (PDF/UA-1, Swedish): structure tree, reading order,
        alternative texts from the charts' titles; dated by the snapshot, so the bytes repeat."""
        from weasyprint import HTML  # imported here: only publishing needs it

        focus_areas = [{**f, "indicators": [r for r in indicators if r["focus_area"] == f["code"]]}
                       for f in self.c["focus_areas"]]
        html = _ENV.get_template("print.html").render(
            program=self.c["program"], year=self.c["year"], snapshot_date=self.c["snapshot_date"],
            demo=self.c["demo"], sha256=self.sha256, focus_areas=focus_areas, method=self.c["method"])
        return HTML(string=html, base_url=str(SITE_DIR)).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)

    # --- indicators --------------------------------------------------------------------------
    def _indicator_row(self, ind: dict) -> dict:
        status = self.status.get(ind["code"], {})
        unit, decimals = ind["unit"] or "", int(ind["decimals"])
        shown = lambda v: format_number(v, decimals, unit)  # noqa: E731
        values = sorted(self.values_by.get(ind["code"], []),
                        key=lambda v: (sort_key(v["period"]), v["area"] != self.total_area, v["area"],
                                       GENDER_ORDER[v["gender"]]))
        return {
            **ind, "unit": unit, "focus_name": self.focus[ind["focus_area"]]["name"],
            "responsible_name": self.orgs.get(ind["responsible"], ind["responsible"]),
            "direction_text": label(DIRECTION_LABELS, ind["direction"]),
            "goal_names": [self.goal_names.get(n, str(n)) for n in ind["program_goals"]],
            "periodicity_text": label(PERIODICITY_LABELS, ind["periodicity"]),
            "status": status.get("status") or STATUSES[-2], "icon": STATUS_ICONS[status.get("status") or STATUSES[-2]],
            "latest": shown(status.get("value")), "latest_period": _period(status.get("period")),
            "trend": status.get("trend") or "", "sentence": self._sentence(ind, status, shown),
            "chart": self._chart(ind, values), "table": [self._value_row(v, shown) for v in values],
            "print_rows": self._print_rows(ind, values, shown),
        }

    def _sentence(self, ind: dict, status: dict, shown) -> str:
        if status.get("value") is None:
            return f"Det finns inget värde för {ind['name'].lower()} till och med {self.c['year']}."
        text = f"{_period(status['period'])} var värdet {shown(status['value'])}"
        if status.get("target_value") is not None:
            text += f"; målet för {status['target_year']} är {shown(status['target_value'])}"
        return text + f"; bedömning: {status['status']}."

    def _chart(self, ind: dict, values: list[dict]) -> str:
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
                          [_period(p) for p in periods], series, decimals=int(ind["decimals"]),
                          unit=ind["unit"] or "", target=target, element_id=f"diagram-{ind['code']}")

    def _print_rows(self, ind: dict, values: list[dict], shown) -> list[tuple[str, list[str]]]:
        """Whole-municipality values, one row per period with a column per gender (print version)."""
        genders = ["T", "K", "M"] if ind["by_gender"] else ["T"]
        by_key = {(v["period"], v["gender"]): v for v in values if v["area"] == self.total_area}
        periods = sorted({p for p, _g in by_key}, key=sort_key)
        cell = lambda v: "" if v is None else SUPPRESSED if v["suppressed"] else shown(v["value"])  # noqa: E731
        return [(_period(p), [cell(by_key.get((p, g))) for g in genders]) for p in periods]

    def _value_row(self, v: dict, shown) -> dict:
        return {"period": _period(v["period"]), "gender": GENDER_LABELS[v["gender"]],
                "area": self.areas.get(v["area"], v["area"]),
                "value": SUPPRESSED if v["suppressed"] else shown(v["value"]), "suppressed": v["suppressed"],
                "comment": v["comment"]}

    # --- goals, responsibility, downloads -----------------------------------------------------------
    def _goals(self, indicators: list[dict]) -> list[dict]:
        return [{**g, "indicators": [r for r in indicators if g["number"] in r["program_goals"]]}
                for g in self.c["program_goals"]]

    def _result_goals(self, indicators: list[dict]) -> list[dict]:
        return [{**g, "indicators": [r for r in indicators if g["code"] in r["result_goals"]]}
                for g in self.c["result_goals"]]

    def _responsibility(self) -> dict:
        cells: dict[tuple[str, str], dict] = {(r["organisation"], r["focus_area"]): r for r in self.c["responsibility"]}
        boards = sorted({org for org, _focus in cells})
        return {"focus_areas": self.c["focus_areas"],
                "rows": [{"name": self.orgs.get(b, b),
                          "cells": [cells.get((b, f["code"]), {"indicators": [], "actions": []})
                                    for f in self.c["focus_areas"]]} for b in boards]}

    def _data_files(self) -> None:
        rows = long_rows(self.c)
        self.out[f"data/arsuppfoljning-{self.c['year']}.csv"] = to_csv_bytes(rows)
        self.out[f"data/arsuppfoljning-{self.c['year']}.json"] = _json(rows)
        for code in sorted({r["indikator"] for r in rows}):
            mine = [r for r in rows if r["indikator"] == code]
            self.out[f"data/indikatorer/{code}.csv"] = to_csv_bytes(mine)
            self.out[f"data/indikatorer/{code}.json"] = _json(mine)
        self.out["data/datakatalog.json"] = _json({"kolumner": [{"namn": c, "beskrivning": DATA_DICTIONARY[c]}
                                                                for c in LONG_COLUMNS],
                                                   "licens": LICENCE[0], "licens_url": LICENCE[1]})
        for name, data in sorted(self.frozen.items()):
            self.out[f"filer/{name}"] = data

    def _downloads(self) -> list[dict]:
        return [{"path": path, "name": path.rsplit("/", 1)[-1], "size": _size(len(data)),
                 "sha256": hashlib.sha256(data).hexdigest()}
                for path, data in sorted(self.out.items())
                if path.startswith(("filer/", "data/arsuppfoljning")) or path.endswith(".pdf")]


def render_index(years: list[int]) -> bytes:
    """The list of published years (the public entry page)."""
    return _ENV.get_template("published_index.html").render(years=years).encode("utf-8")


def _period(code: Optional[str]) -> str:
    return period_from_code(code).label if code else ""


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _size(count: int) -> str:
    return f"{format_number(count / 1024, 0)} kB" if count >= 1024 else f"{count} byte"


def write_site(pages: dict[str, bytes], out_dir: Path) -> list[Path]:
    written = []
    for path, data in pages.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written
