"""The print version of the årsuppföljning: one tagged PDF (PDF/UA-1, Swedish) laid out by
Typst from the same templates and the same rows as the published web pages.

It is made once, when a year is frozen (``snapshot.render_files``), and stored with the
snapshot; the public site ships that frozen file as it is. ``site/print.html`` (the web
pages' macros) is converted to a Typst document (``html_to_typst``) under the layout of
``site/utskrift.typ``; Typst writes the structure tree, reading order, bookmarks and
``/Lang sv`` from it (headings, lists, tables with captions and header cells, links), and
every chart is a Figure whose alternative text is its title and description, followed by its
data table. The document is dated by the snapshot, never by the clock, so the same content
gives the same bytes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import IO, Optional

from indicators.annual import html_to_typst, typst_compiler
from indicators.annual.content_builder import canonical_json, content_hash
from indicators.annual.presentation import ENV, SITE_DIR, Presenter
from indicators.rules.formatting import format_kronor

# The PDF is a pure function of the content: the same content is never laid out twice in a process.
_RENDERED: dict[tuple[str, str], bytes] = {}
_KEEP = 4
PREAMBLE = SITE_DIR / "utskrift.typ"


def render(content: dict, sha256: str) -> bytes:
    """The tagged PDF of one snapshot's content (``sha256``: the content's hash, printed on it)."""
    return job(content, sha256).pdf()


@dataclass
class PrintJob:
    """A print PDF ready to be laid out: the Python work done (``job``), Typst's still to do.
    The snapshot starts the layout on a second thread and writes its other files meanwhile."""
    key: tuple[str, str]
    request: Optional[IO[bytes]]  # typst_compiler.request; None: this content's PDF is already made

    def pdf(self) -> bytes:
        if self.key not in _RENDERED:
            pdf = typst_compiler.lay_out(self.request)
            while len(_RENDERED) >= _KEEP:
                _RENDERED.pop(next(iter(_RENDERED)), None)
            _RENDERED[self.key] = pdf
        return _RENDERED[self.key]


def job(content: dict, sha256: str, content_sha256: Optional[str] = None) -> PrintJob:
    """The print PDF of ``content`` made ready (``content_sha256``: the content's own hash,
    when the caller has it — at size M hashing the content again costs seconds)."""
    key = (content_sha256 or content_hash(canonical_json(content)), sha256)
    return PrintJob(key, None if key in _RENDERED else _request(content, sha256))


def render_uncached(content: dict, sha256: str) -> bytes:
    """Lay the document out and write it (what ``render`` remembers)."""
    return typst_compiler.lay_out(_request(content, sha256))


def _request(content: dict, sha256: str) -> IO[bytes]:
    source, texts, meta = typst_document(html(content, sha256))
    return typst_compiler.request(source.encode("utf-8"), {"texts": json.dumps(texts, ensure_ascii=False),
                                                           "meta": json.dumps(meta, ensure_ascii=False)}, ["ua-1"])


def typst_document(page: str) -> tuple[str, list[str], dict]:
    """The print page as Typst source (the preamble, then the content), the texts it refers to
    and the document's metadata (title, author, description, date, the footer's name)."""
    root, charts = html_to_typst.parse(page)
    converter = html_to_typst.Converter(charts)
    body = converter.blocks(root)
    found = html_to_typst.document_meta(root)
    created = date.fromisoformat(found["dcterms.created"][:10])
    meta = {"title": found.get("title", ""), "author": found.get("author", ""),
            "description": found.get("description", ""), "footer": found.get("h1", ""),
            "date": [created.year, created.month, created.day]}
    return PREAMBLE.read_text(encoding="utf-8") + "\n#{\n" + body + "\n}\n", converter.texts, meta


def html(content: dict, sha256: str) -> str:
    present = Presenter(content)
    indicators = present.indicators(compact_chart=True)
    actions = present.actions()
    return ENV.get_template("print.html").render(
        **present.common(sha256), focus_areas=present.focus_rows(indicators),
        program_goals=present.goals(indicators), result_goals=present.result_goals(indicators),
        actions=actions, total_cost=format_kronor(sum(a["cost_estimate"] or 0 for a in content["actions"])),
        responsibility=present.responsibility())
