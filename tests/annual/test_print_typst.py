"""The print version's HTML as Typst: every text reaches Typst as data, never as markup or
code, so what a user wrote prints as written; the layout keeps the page's structure."""
from __future__ import annotations

import copy
import html
import re
from datetime import date

from hypothesis import HealthCheck, given, settings, strategies as st

from indicators.annual import content_builder, html_to_typst, print_version
from indicators.unit_of_work import UnitOfWork
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR
from tests.utils.pdf import pdf_text

DAY = date(2026, 11, 22)
HOSTILE = '#set page(width: 2cm) *fet* _kursiv_ $x^2$ "citat" \\ <etikett> @ref = rubrik // kommentar'


def _page(body: str) -> str:
    return (f'<!DOCTYPE html><html lang="sv"><head><title>Prov</title>'
            f'<meta name="dcterms.created" content="2026-11-22T00:00:00Z"></head><body><h1>Prov</h1>{body}</body></html>')


def test_catalogue_and_analysis_text_with_typst_syntax_prints_as_written(demo_engine):
    content = copy.deepcopy(content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY))
    first = next(i for i in content["indicators"] if i["active"])
    first["name"] = HOSTILE
    content["assessments"][0]["text"] = HOSTILE
    text = " ".join(pdf_text(print_version.render_uncached(content, "0" * 64)).split())
    assert text.count(HOSTILE) >= 3  # heading, indicator table, chart table caption, assessment
    source, texts, _meta = print_version.typst_document(print_version.html(content, "0" * 64))
    assert HOSTILE in texts and "#set page(width: 2cm)" not in source


def test_the_source_refers_to_texts_and_holds_none_of_them():
    source, texts, meta = print_version.typst_document(_page(
        '<h2 class="ny-sida" id="a">Rubrik</h2><p>Ett <strong>fett</strong> ord och <a href="#a">en länk</a>.</p>'
        '<ul><li>första</li><li>andra</li></ul>'
        '<table class="varden"><caption>Tabell</caption><thead><tr><th scope="col">Period</th>'
        '<th scope="col" class="tal">Totalt</th></tr></thead><tbody><tr><th scope="row">2025 kv 4</th>'
        '<td class="tal">1,5 %</td></tr></tbody></table>'))
    body = source[source.index("#{"):]
    for word in ("Rubrik", "fett", "en länk", "första", "Tabell", "Period", "2025 kv 4", "1,5\u00a0%"):
        assert word in texts and word not in body  # a number keeps its unit on its line
    assert "pagebreak(weak: true)" in body and "table.header(" in body and "label(T.at(" in body
    assert meta["footer"] == "Prov" and meta["date"] == [2026, 11, 22]


# What the print font (DejaVu Sans) draws: Latin letters of every European language, digits,
# punctuation and symbols (a script it has no glyphs for would print as empty boxes).
printable = st.text(st.characters(categories=("L", "N", "P", "S"), max_codepoint=0x24F, exclude_characters="\u00ad"),
                    min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(printable, min_size=1, max_size=3))
def test_any_printable_text_comes_back_from_the_pdf_as_written(words):
    """Whatever a user types (Typst's markup characters included) is laid out as text."""
    body = "".join(f"<p>{html.escape(w)}</p>" for w in words)
    source, texts, meta = print_version.typst_document(_page(body))
    import json

    import typst

    pdf = typst.compile(source.encode(), format="pdf", sys_inputs={"texts": json.dumps(texts), "meta": json.dumps(meta)})
    text = re.sub(r"\s+", "", pdf_text(pdf))
    for word in words:
        assert re.sub(r"\s+", "", word) in text


def test_a_chart_becomes_an_image_with_its_title_as_alternative_text():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img">'
           '<title id="t">Diagram: X &amp; Y för hela kommunen</title><line x1="0" y1="0" x2="9" y2="9" stroke="black"/></svg>')
    root, charts = html_to_typst.parse(_page(f'<div class="indikator"><p>Text</p>{svg}</div>'))
    converter = html_to_typst.Converter(charts)
    code = converter.blocks(root)
    assert "block(breakable: false" in code and 'format: "svg"' in code
    assert "Diagram: X & Y för hela kommunen" in converter.texts
    assert any(t.startswith('<svg font-family="DejaVu Sans"') for t in converter.texts)
