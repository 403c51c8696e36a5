"""The print version of the årsuppföljning: one tagged PDF (PDF/UA-1, Swedish) rendered by
WeasyPrint from the same templates and the same rows as the published web pages.

It is made once, when a year is frozen (``snapshot.render_files``), and stored with the
snapshot; the public site ships that frozen file as it is. Structure tree, reading order and
``/Lang sv`` come from the HTML (headings, tables with captions and header cells, ``lang``);
every chart carries its title and description as alternative text and is followed by its
data table. The document is dated by the snapshot, never by the clock, so the same content
gives the same bytes. Print charts are the compact kind (fewer labels, no filters or
gradients) and the stylesheet keeps to simple selectors: layout time grows with every text
run WeasyPrint shapes (README, "Publicering").
"""
from __future__ import annotations

from indicators.annual.content_builder import canonical_json, content_hash
from indicators.annual.presentation import ENV, SITE_DIR, Presenter
from indicators.rules.formatting import format_kronor

# The PDF is a pure function of the content: the same content is never laid out twice in a process.
_RENDERED: dict[tuple[str, str], bytes] = {}
_KEEP = 4


def render(content: dict, sha256: str) -> bytes:
    """The tagged PDF of one snapshot's content (``sha256``: the content's hash, printed on it)."""
    key = (content_hash(canonical_json(content)), sha256)
    if key not in _RENDERED:
        while len(_RENDERED) >= _KEEP:
            _RENDERED.pop(next(iter(_RENDERED)))
        _RENDERED[key] = render_uncached(content, sha256)
    return _RENDERED[key]


def _page_references(pdf) -> tuple:
    """pydyf's ``PDF.page_references``, kept until a page is added. WeasyPrint asks for it once
    per tagged box, and pydyf builds the tuple of every page each time: pages × boxes, which
    grows with the square of the document (a county's year has hundreds of pages)."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_page_references")
    if cached is None or cached[0] != len(kids):
        cached = pdf.__dict__["_page_references"] = (len(kids), tuple(
            f"{number} 0 R".encode("ascii") for number in kids[::3]))
    return cached[1]


def render_uncached(content: dict, sha256: str) -> bytes:
    """Lay the document out and write it (what ``render`` remembers)."""
    import pydyf
    from weasyprint import CSS, HTML  # imported here: only freezing a year needs it

    pydyf.PDF.page_references = property(_page_references)  # the same references, built once per page count

    class PrintHTML(HTML):
        def _ua_stylesheets(self, forms=False):  # WeasyPrint's hook; if it is ever renamed, the full sheet applies
            return [CSS(filename=str(SITE_DIR / "utskrift_ua.css"))]

    return PrintHTML(string=html(content, sha256), base_url=str(SITE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def html(content: dict, sha256: str) -> str:
    present = Presenter(content)
    indicators = present.indicators(compact_chart=True)
    actions = present.actions()
    return ENV.get_template("print.html").render(
        **present.common(sha256), focus_areas=present.focus_rows(indicators),
        program_goals=present.goals(indicators), result_goals=present.result_goals(indicators),
        actions=actions, total_cost=format_kronor(sum(a["cost_estimate"] or 0 for a in content["actions"])),
        responsibility=present.responsibility())
