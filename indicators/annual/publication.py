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
from typing import Any

from indicators.annual.raw_data import long_rows
from indicators.annual.presentation import ENV, SITE_DIR, Presenter
from indicators.files.long_format import to_csv_bytes
from indicators.rules.formatting import format_number
from indicators.rules.vocabulary import LONG_COLUMNS

LICENCE = ("Creative Commons Erkännande 4.0 (CC BY 4.0)", "https://creativecommons.org/licenses/by/4.0/deed.sv")
DATA_DICTIONARY = {
    "indikator": "Indikatorns kod i katalogen (t.ex. ARB01).",
    "period": "År (2025), halvår (2025H1) eller kvartal (2025Q4).",
    "kön": "T = totalt, K = kvinnor, M = män.",
    "område": "Område i kommunen; Hela kommunen är totalen.",
    "värde": "Värdet med decimalkomma; tomt när det skyddas eftersom underlaget är för litet.",
    "kommentar": "Tjänstepersonens kommentar eller en notering om att värdet skyddas.",
}


def build_site(content: dict, files: dict[str, bytes], sha256: str) -> dict[str, bytes]:
    """Every file of the published year, by relative path. The print version is the snapshot's
    own frozen PDF (made by ``print_version`` when the year was frozen), shipped as it is."""
    return Site(content, files, sha256).build()


class Site:
    def __init__(self, content: dict, files: dict[str, bytes], sha256: str):
        self.c, self.frozen, self.sha256 = content, files, sha256
        self.present = Presenter(content)
        self.out: dict[str, bytes] = {}

    # --- the pages -----------------------------------------------------------------------
    def build(self) -> dict[str, bytes]:
        self.out["stil.css"] = (SITE_DIR / "stil.css").read_bytes()
        self._data_files()
        pdf_name = f"arsuppfoljning-{self.c['year']}.pdf"
        frozen_pdf = next((data for name, data in sorted(self.frozen.items()) if name.endswith(".pdf")), None)
        if frozen_pdf is not None:  # before the downloads page, which lists it with its hash
            self.out[pdf_name] = frozen_pdf
        indicators = self.present.indicators()
        focus_rows = self.present.focus_rows(indicators)
        self._page("index.html", "start.html", "Start", focus_areas=focus_rows)
        for focus in focus_rows:
            self._page(f"fokusomraden/{focus['code']}.html", "focus.html", focus["name"], depth=1, focus=focus)
        for row in indicators:
            self._page(f"indikatorer/{row['code']}.html", "indicator.html", row["name"], depth=1, ind=row)
        self._page("mal.html", "goals.html", "Mål", program_goals=self.present.goals(indicators),
                   result_goals=self.present.result_goals(indicators))
        self._page("insatser.html", "actions.html", "Insatser", actions=self.present.actions())
        self._page("ansvar.html", "responsibility.html", "Ansvar", table=self.present.responsibility())
        self._page("metod.html", "method.html", "Metod")
        self._page("nedladdning.html", "downloads.html", "Ladda ner", downloads=self._downloads(),
                   print_pdf=pdf_name if pdf_name in self.out else "")
        self._page("om-uppgifterna.html", "about.html", "Om uppgifterna", licence=LICENCE,
                   dictionary=DATA_DICTIONARY)
        return dict(sorted(self.out.items()))

    def _page(self, path: str, template: str, title: str, depth: int = 0, **context: Any) -> None:
        html = ENV.get_template(template).render(
            root="../" * depth, page_title=title, focus_areas_nav=self.c["focus_areas"],
            **self.present.common(self.sha256), **context)
        self.out[path] = html.encode("utf-8")

    # --- open data, downloads -----------------------------------------------------------------
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
    return ENV.get_template("published_index.html").render(years=years).encode("utf-8")


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
