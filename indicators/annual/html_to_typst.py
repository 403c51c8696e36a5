"""The print version's HTML (``site/print.html``, the same macros as the web pages) as a Typst
document, for the tagged PDF (``print_version``).

Only the few elements print.html uses are known: headings, paragraphs, lists, tables with a
caption and header cells, links to anchors, strong, em, code, the status badge and the SVG
charts. Every text of the page — and so every text a user wrote — reaches Typst as an
element of one JSON list (``texts``) read with ``T.at(i)``, never as Typst markup or code:
a catalogue name with ``#``, ``*``, ``$`` or ``"`` prints as written and runs nothing.
Layout (fonts, sizes, widths, page breaks) is ``site/utskrift.typ`` and the classes below.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Optional

# Table widths by class, as the print stylesheet had them (site/utskrift.typ draws the rest).
TABLE_COLUMNS = {
    "varden": lambda n: "(" + ", ".join(["28mm"] + ["1fr"] * (n - 1)) + ")",
    "indikatorer": lambda n: "(" + ", ".join(["44%"] + ["14%"] * (n - 1)) + ")",
}
TABLE_WIDTHS = {"varden": "110mm", "smal": "60mm"}
SMALL_TABLES = {"insatser", "ansvar"}  # few rows, many columns: 8 pt, columns fitted to their words
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_SVG_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.S)
_VOID = {"meta", "link", "img", "br"}
NO_BREAK = "\u00a0"


@dataclass(slots=True)  # a year at size M is some 100 000 of them
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node or str

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> tuple[Node, list[str]]:
    """The HTML as a tree; each SVG chart is set aside (an ``img`` with its index stands in)."""
    charts: list[str] = []

    def aside(match: re.Match) -> str:
        charts.append(match.group(0))
        return f'<img data-chart="{len(charts) - 1}">'

    tree = _Tree()
    tree.feed(_SVG.sub(aside, html))
    tree.close()
    return tree.root, charts


class Converter:
    """Typst code for the tree; ``texts`` collects every string it refers to."""

    def __init__(self, charts: list[str]) -> None:
        self.texts: list[str] = []
        self.charts = charts

    def text_ref(self, text: str) -> str:
        self.texts.append(text)
        return f"T.at({len(self.texts) - 1})"

    # --- blocks --------------------------------------------------------------------------------
    def blocks(self, node: Node) -> str:
        out = []
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    out.append(f"par({self.text_ref(_squash(child))})")
                continue
            code = self.block(child)
            if code:
                out.append(code)
        return "\n".join(out)

    def block(self, node: Node) -> Optional[str]:
        tag, classes = node.tag, node.classes
        if tag in ("html", "body", "root", "div", "section") and "indikator" not in classes:
            return self.blocks(node)
        if tag in ("head", "title", "meta", "link", "style", "script"):
            return None
        if tag == "div":  # an indicator's sentence and chart stay on one page
            return f"block(breakable: false, {{\n{self.blocks(node)}\n}})"
        if re.fullmatch(r"h[1-6]", tag):
            heading = f"heading(level: {tag[1]}, {self.inline(node)})"
            if node.attrs.get("id"):
                heading = f"[#{heading} #label({self.text_ref(node.attrs['id'])})]"
            return ("pagebreak(weak: true)\n" if "ny-sida" in classes else "") + heading
        if tag == "p":
            body = f"par({self.inline(node)})"
            if "ingress" in classes:
                return f"text(size: 12pt, {body})"
            if "exempel" in classes:
                return f"block(stroke: (left: 3pt + rgb(\"#8a6d00\")), inset: (left: 3mm), {body})"
            return body
        if tag == "ul":
            items = [c for c in node.children if isinstance(c, Node) and c.tag == "li"]
            if "kort" in classes:  # the summary: each focus area a heading and its counts, no bullets
                return "\n".join(self.blocks(item) for item in items)
            return "list(" + ", ".join(self.item(item) for item in items) + ")"
        if tag == "table":
            return self.table(node)
        if tag == "img" and "data-chart" in node.attrs:
            return self.chart(self.charts[int(node.attrs["data-chart"])])
        return f"par({self.inline(node)})"

    def item(self, node: Node) -> str:
        if any(isinstance(c, Node) and c.tag in ("p", "ul", "h3", "h4", "table") for c in node.children):
            return f"{{\n{self.blocks(node)}\n}}"
        return self.inline(node)

    def chart(self, svg: str) -> str:
        title = _SVG_TITLE.search(svg)
        alt = unescape(title.group(1)) if title else "Diagram"
        svg = svg.replace("<svg ", '<svg font-family="DejaVu Sans" font-size="15" ', 1)
        return f'image(bytes({self.text_ref(svg)}), format: "svg", alt: {self.text_ref(alt)}, width: 130mm)'

    # --- tables --------------------------------------------------------------------------------
    def table(self, node: Node) -> str:
        classes = node.classes
        caption = next((c for c in node.children if isinstance(c, Node) and c.tag == "caption"), None)
        head = [r for part in node.children if isinstance(part, Node) and part.tag == "thead" for r in _rows(part)]
        body = [r for part in node.children if isinstance(part, Node) and part.tag in ("tbody", "tfoot")
                for r in _rows(part)] + _rows(node)
        columns = max((len(_cells(r)) for r in head + body), default=1)
        kind = next((c for c in classes if c in TABLE_COLUMNS), None)
        widths = TABLE_COLUMNS[kind](columns) if kind else "(" + "auto, " * columns + ")"
        fitted = bool(classes & SMALL_TABLES)
        if fitted:  # measured by site/utskrift.typ's fit-widths, in the table's own font size
            texts = ", ".join(self.text_ref(_cell_text(c)) for r in head + body for c in _cells(r))
            widths = f"fit-widths(({texts},), {columns}, {len(head) * columns}, size.width)"
        right = _number_columns(head + body, columns)
        parts = [f"columns: {widths}"]
        if right:  # a column of numbers is aligned once, not cell by cell (Typst lays out a plain cell faster)
            parts.append("align: (" + ", ".join("right + top" if c in right else "left + top"
                                                for c in range(columns)) + ",)")
        if head:
            parts.append("table.header(" + ", ".join(self.cell(c, i in right) for r in head
                                                     for i, c in enumerate(_cells(r))) + ")")
        parts += [self.cell(c, i in right) for r in body for i, c in enumerate(_cells(r))]
        table = "table(" + ", ".join(parts) + ")"
        width = next((TABLE_WIDTHS[c] for c in ("smal", "varden") if c in classes), None)
        if width:
            table = f"block(width: {width}, {table})"
        if fitted:
            table = f"text(size: 8pt, layout(size => {table}))"
        if caption is None:
            return table
        return (f"figure(kind: table, supplement: none, numbering: none, "
                f"caption: figure.caption(position: top, {self.inline(caption)}), {table})")

    def cell(self, node: Node, aligned: bool = False) -> str:
        """A cell's content (``aligned``: its column is right-aligned already)."""
        body = self.inline(node, keep_together="tal" in node.classes)
        if node.tag == "th" and node.attrs.get("scope") != "row":  # a column header
            body = f"strong({body})"
        return f"table.cell(align: right, {body})" if "tal" in node.classes and not aligned else body

    # --- inline --------------------------------------------------------------------------------
    def inline(self, node: Node, keep_together: bool = False) -> str:
        """The element's content as one Typst content value (``keep_together``: a number with
        its unit, "850 000 kr", is never broken over two lines)."""
        parts = []
        for child in node.children:
            if isinstance(child, str):
                if child:
                    text = _squash(child)
                    parts.append(self.text_ref(text.replace(" ", NO_BREAK) if keep_together else text))
                continue
            tag = child.tag
            if tag == "strong":
                parts.append(f"strong({self.inline(child)})")
            elif tag == "em":
                parts.append(f"emph({self.inline(child)})")
            elif tag == "code":
                parts.append(f'text(font: "DejaVu Sans Mono", size: 8pt, {self.text_ref(child.text())})')
            elif tag == "a":
                href = child.attrs.get("href", "")
                target = f"label({self.text_ref(href[1:])})" if href.startswith("#") else self.text_ref(href)
                parts.append(f"link({target}, {self.inline(child)})")
            elif tag == "br":
                parts.append("linebreak()")
            else:  # span (the status badge), h3 inside a list item's text, …
                parts.append(self.inline(child))
        if not parts:
            return "[]"
        return parts[0] if len(parts) == 1 else "[" + "".join(f"#{p}" for p in parts) + "]"


def _rows(node: Node) -> list[Node]:
    return [c for c in node.children if isinstance(c, Node) and c.tag == "tr"]


def _cells(row: Node) -> list[Node]:
    return [c for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]


def _number_columns(rows: list[Node], columns: int) -> set[int]:
    """The columns whose every cell is a number (class ``tal``), in tables whose rows are whole."""
    cells = [_cells(r) for r in rows]
    if not cells or any(len(c) != columns for c in cells):
        return set()
    return {i for i in range(columns) if all("tal" in row[i].classes for row in cells)}


def _cell_text(cell: Node) -> str:
    """A cell's text as fit-widths measures it: a number cell as one word."""
    text = _squash(cell.text()).strip()
    return text.replace(" ", NO_BREAK) if "tal" in cell.classes else text


def _squash(text: str) -> str:
    """HTML's white space: runs of spaces and line breaks are one space."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def document_meta(root: Node) -> dict[str, str]:
    """The <title>, the first <h1> and the <meta name=… content=…> of the page."""
    meta: dict[str, str] = {}

    def visit(node: Node) -> None:
        for child in node.children:
            if isinstance(child, Node):
                if child.tag == "h1" and "h1" not in meta:  # the footer names the document by it
                    meta["h1"] = _squash(child.text()).strip()
                if child.tag == "title":
                    meta["title"] = _squash(child.text()).strip()
                elif child.tag == "meta" and "name" in child.attrs:
                    meta[child.attrs["name"]] = child.attrs.get("content", "")
                visit(child)

    visit(root)
    return meta
