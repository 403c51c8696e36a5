"""The tables of a PDF as text, for auditing what a PDF publishes (``cli.py disclosure-check``).

Two kinds of PDF leave the app:

* **tagged** (the print version laid out by Typst, PDF/UA-1): the structure tree holds every
  ``Table`` with its ``Caption``, ``TR`` rows and ``TH``/``TD`` cells; each cell's text is
  the marked content its MCIDs point to on the page.
* **untagged** (fpdf2: meeting documents, the fpdf2 snapshot PDF): fpdf2 draws a rectangle
  under every table cell; a cell's text is the text drawn inside its rectangle, a row is
  the cells sharing one band, and a table is a run of rows with the same columns. The
  text just above a table is its caption.

Only pypdf is used (text decoding with the fonts' ToUnicode maps).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

_ROW_TOLERANCE = 0.5  # points: cells of one row share their band


@dataclass
class PdfTable:
    caption: str
    rows: list[list[str]] = field(default_factory=list)  # rows[0] is the header

    @property
    def header(self) -> list[str]:
        return self.rows[0] if self.rows else []


def _clean(text: str) -> str:
    return " ".join(text.split())


def read_tables(data: bytes) -> list[PdfTable]:
    """Every table of the PDF, tagged or not (ValueError for a file that is no PDF)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        root = reader.trailer["/Root"]
    except Exception as exc:  # pypdf raises several kinds for a damaged file
        raise ValueError(f"ingen läsbar PDF ({exc.__class__.__name__})") from exc
    if "/StructTreeRoot" in root:
        tables = _tagged_tables(reader, root["/StructTreeRoot"].get_object())
        if tables:
            return tables
    return _drawn_tables(reader)


# --- tagged: the structure tree ---------------------------------------------------------------

def _marked_text(reader: PdfReader) -> dict[tuple[int, int], str]:
    """Text of every marked-content sequence, by (page object number, MCID)."""
    out: dict[tuple[int, int], list[str]] = {}
    for page in reader.pages:
        ref = page.indirect_reference.idnum if page.indirect_reference else id(page)
        stack: list = []

        def before(op, args, _cm, _tm, stack=stack):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else None
                stack.append(props.get("/MCID") if isinstance(props, DictionaryObject) else None)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, _cm, _tm, _font, _size, stack=stack, ref=ref):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                out.setdefault((ref, int(mcid)), []).append(t)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {k: "".join(v) for k, v in out.items()}


def _node_text(node, page_ref, marked: dict) -> str:
    """All text under a structure element, in order."""
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if isinstance(node, int):
        return marked.get((page_ref, node), "")
    if not isinstance(node, DictionaryObject):
        return ""
    if node.get("/Type") == "/MCR":
        pg = node.get("/Pg")
        return marked.get((pg.idnum if pg is not None else page_ref, int(node["/MCID"])), "")
    pg = node.get("/Pg")
    page_ref = pg.idnum if isinstance(pg, IndirectObject) else page_ref
    kids = node.get("/K")
    kids = list(kids) if isinstance(kids, ArrayObject) else ([] if kids is None else [kids])
    return " ".join(t for t in (_node_text(k, page_ref, marked).strip() for k in kids) if t)


def _children(node) -> list:
    kids = node.get("/K")
    kids = list(kids) if isinstance(kids, ArrayObject) else ([] if kids is None else [kids])
    return [k.get_object() for k in kids if isinstance(k.get_object(), DictionaryObject) and "/S" in k.get_object()]


def _tagged_tables(reader: PdfReader, tree) -> list[PdfTable]:
    marked = _marked_text(reader)
    tables: list[PdfTable] = []

    def rows_of(node) -> list:
        out = []
        for kid in _children(node):
            if kid["/S"] == "/TR":
                out.append(kid)
            elif kid["/S"] in ("/THead", "/TBody", "/TFoot"):
                out += rows_of(kid)
        return out

    def visit(node) -> None:
        for kid in _children(node):
            if kid["/S"] == "/Table":
                caption = next((_node_text(c, None, marked) for c in _children(kid) if c["/S"] == "/Caption"), "")
                rows = [[_clean(_node_text(cell, None, marked)) for cell in _children(tr)
                         if cell["/S"] in ("/TH", "/TD")] for tr in rows_of(kid)]
                if tables and rows and not tables[-1].rows:  # the caption (or part of it) ended one page
                    tables[-1] = PdfTable(_clean(f"{tables[-1].caption} {caption}"), rows)
                elif not caption.strip() and tables and rows and tables[-1].header == rows[0]:
                    tables[-1].rows += rows[1:]  # the same table continued on the next page
                else:
                    tables.append(PdfTable(_clean(caption), rows))
            else:
                visit(kid)

    visit(tree)
    return tables


# --- untagged: the cell rectangles fpdf2 draws ---------------------------------------------------

@dataclass
class _Rect:
    x: float
    y: float
    w: float
    h: float
    texts: list = field(default_factory=list)

    def holds(self, x: float, y: float) -> bool:
        return self.x - 0.01 <= x <= self.x + self.w and self.y <= y <= self.y + self.h


def _page_items(page) -> tuple[list[_Rect], list[tuple[float, float, str]]]:
    rects: list[_Rect] = []
    texts: list[tuple[float, float, str]] = []

    def before(op, args, cm, _tm):
        if op == b"re" and len(args) == 4:
            x, y, w, h = (float(a) for a in args)
            x, y = cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]
            w, h = w * cm[0], h * cm[3]
            if h < 0:
                y, h = y + h, -h
            if w > 1 and h > 1:
                rects.append(_Rect(x, y, w, h))

    def text(t, cm, tm, _font, _size):
        if t.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            texts.append((x, y, t))

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return rects, texts


def _drawn_tables(reader: PdfReader) -> list[PdfTable]:
    tables: list[PdfTable] = []
    for page in reader.pages:
        rects, texts = _page_items(page)
        free = []
        for x, y, t in texts:
            rect = next((r for r in rects if r.holds(x, y)), None)
            if rect is None:
                free.append((x, y, t))
            else:
                rect.texts.append((y, x, t))
        bands: dict[tuple, list[_Rect]] = {}
        for r in rects:
            key = next((k for k in bands if abs(k[0] - r.y) < _ROW_TOLERANCE and abs(k[1] - r.h) < _ROW_TOLERANCE),
                       (r.y, r.h))
            bands.setdefault(key, []).append(r)
        rows = sorted(((k, sorted(v, key=lambda r: r.x)) for k, v in bands.items()), key=lambda kv: -kv[0][0])
        current, previous_bottom, columns = None, None, None
        for (y, h), cells in rows:
            xs = [round(c.x, 1) for c in cells]
            if current is None or xs != columns or abs(previous_bottom - (y + h)) > _ROW_TOLERANCE:
                caption = _caption_above(free, y + h)
                current = PdfTable(caption)
                tables.append(current)
                columns = xs
            current.rows.append([_clean(" ".join(t for _y, _x, t in sorted(c.texts, key=lambda i: (-i[0], i[1]))))
                                 for c in cells])
            previous_bottom = y
    return [t for t in tables if len(t.rows) > 1]


def _caption_above(free: list, top: float) -> str:
    """The line of free text nearest above a table's top edge (fpdf2 tables have no caption)."""
    above = [(y, x, t) for x, y, t in free if top < y < top + 30]
    if not above:
        return ""
    nearest = min(y for y, _x, _t in above)
    return _clean(" ".join(t for y, _x, t in sorted(above, key=lambda i: i[1]) if abs(y - nearest) < _ROW_TOLERANCE))
