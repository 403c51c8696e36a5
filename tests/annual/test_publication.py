"""The published årsuppföljning: built from a frozen snapshot only, the same bytes twice,
every internal link resolves, hashes verify, Swedish and titled pages, no internal notes."""
from __future__ import annotations

import io
import hashlib
import posixpath
import re
from html.parser import HTMLParser

import pytest

from indicators.annual import publication, snapshot
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR

DAY = "2026-02-01"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.title = ""
        self._in_title = False
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "title":
            self._in_title = True
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture
def site(demo_engine):
    from datetime import date
    uow = UnitOfWork(demo_engine)
    snapshot_id, _sha, _files = snapshot.create_snapshot(uow, ADMIN, YEAR, snapshot_date=date.fromisoformat(DAY))
    return publication.build_site(*snapshot.frozen_material(uow, snapshot_id))


def _parsed(site) -> dict[str, _Links]:
    out = {}
    for path, data in site.items():
        if path.endswith(".html"):
            parser = _Links()
            parser.feed(data.decode("utf-8"))
            out[path] = parser
    return out


def test_every_internal_link_resolves_and_every_page_is_swedish_with_its_own_title(site):
    pages = _parsed(site)
    assert {"index.html", "metod.html", "nedladdning.html", "om-uppgifterna.html", "mal.html", "insatser.html",
            "ansvar.html"} <= set(pages)
    assert len([p for p in pages if p.startswith("fokusomraden/")]) == 5
    assert len([p for p in pages if p.startswith("indikatorer/")]) >= 30
    broken = []
    for path, parsed in pages.items():
        assert parsed.lang == "sv", path
        for link in parsed.links:
            if re.match(r"^[a-z]+:", link):
                continue  # the licence's own page
            file_part, _, fragment = link.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), file_part)) if file_part else path
            if target not in site or (fragment and f'id="{fragment}"' not in site[target].decode("utf-8")):
                broken.append(f"{path} → {link}")
    assert not broken
    titles = [parsed.title for parsed in pages.values()]
    assert len(set(titles)) == len(titles)


def test_two_builds_give_the_same_bytes_and_the_print_version_is_the_frozen_pdf(demo_engine, site):
    """The publication renders no PDF of its own: it ships the snapshot's tagged print version
    (tests/annual/test_snapshot.py checks its tags) under a stable name, listed with its hash."""
    uow = UnitOfWork(demo_engine)
    material = snapshot.frozen_material(uow, snapshot.newest_of_year(uow, YEAR))
    first, second = publication.build_site(*material), publication.build_site(*material)
    assert first == second == site
    frozen_pdf = next(data for name, data in material[1].items() if name.endswith(".pdf"))
    assert first[f"arsuppfoljning-{YEAR}.pdf"] == frozen_pdf and frozen_pdf.startswith(b"%PDF")
    downloads = first["nedladdning.html"].decode()
    assert hashlib.sha256(frozen_pdf).hexdigest() in downloads and f'href="arsuppfoljning-{YEAR}.pdf"' in downloads


def test_published_hashes_verify_and_the_frozen_files_are_unchanged(demo_engine, site):
    uow = UnitOfWork(demo_engine)
    snapshot_id = snapshot.newest_of_year(uow, YEAR)
    _content, files, sha = snapshot.frozen_material(uow, snapshot_id)
    for name, data in files.items():
        assert site[f"filer/{name}"] == data
    json_name = next(n for n in files if n.endswith(".json"))
    assert hashlib.sha256(site[f"filer/{json_name}"]).hexdigest() == sha
    downloads = site["nedladdning.html"].decode("utf-8")
    for path, data in site.items():
        if path.startswith(("filer/", "data/arsuppfoljning")):
            assert hashlib.sha256(data).hexdigest() in downloads, path


def test_the_indicator_page_says_how_it_is_doing_in_a_sentence_with_a_table_for_the_chart(site):
    page = site["indikatorer/ARB01.html"].decode("utf-8")
    assert re.search(rf"{YEAR} var värdet [0-9]+,[0-9]\u00a0%; målet för 2027 är 80,0\u00a0%; bedömning: ", page)
    assert "<svg" in page and 'role="img"' in page and "<table>" in page and "<caption>" in page
    assert "kontrollerat mot Kolada" not in page  # internal notes on KPI ids are for admins only


def test_withheld_values_are_published_as_a_dash_with_an_explanation(site):
    pages = "".join(data.decode("utf-8") for path, data in site.items() if path.startswith("indikatorer/"))
    assert 'title="Skyddas: underlaget är för litet">–</abbr>' in pages


def test_publishing_a_year_without_a_snapshot_is_refused_in_swedish(engine):
    from errors import NotFound
    with pytest.raises(NotFound, match="Det finns ingen årsuppföljning för 2025"):
        snapshot.newest_of_year(UnitOfWork(engine), 2025)


def test_every_sheet_of_the_snapshot_workbook_is_a_table_without_an_empty_row_under_its_header(demo_engine):
    import io

    from openpyxl import load_workbook

    uow = UnitOfWork(demo_engine)
    from datetime import date
    snapshot_id, _sha, files = snapshot.create_snapshot(uow, ADMIN, YEAR, snapshot_date=date.fromisoformat(DAY))
    name = next(f for f in files if f.endswith(".xlsx"))
    book = load_workbook(io.BytesIO(snapshot.snapshot_file(uow, snapshot_id, name)))
    for sheet in book.worksheets[1:]:
        assert [c.value for c in sheet[2]] != [None] * sheet.max_column, sheet.title  # data right under the header
        assert len(sheet.tables) == 1, sheet.title
        table = next(iter(sheet.tables.values()))
        assert table.ref.startswith("A1:") and table.ref.endswith(str(sheet.max_row)), sheet.title
    focus = book.worksheets[1]
    assert all(" kv " in str(c.value) or str(c.value).isdigit() for c in list(focus.columns)[4][1:] if c.value)


def test_focus_area_pages_show_the_years_analys_och_bedomning(site):
    page = site["fokusomraden/arbetsmarknad.html"].decode("utf-8")
    assert "Analys och bedömning" in page and "2025 halvår 2" in page
    assert "samverkan med arbetsgivare om feriejobb prioriteras" in page  # the newest version
    assert "exempeldata@" not in page and "skriven av" not in page  # who wrote it is not published
    assert "Ingen analys och bedömning är skriven" in site["fokusomraden/bostad.html"].decode("utf-8")


def test_the_print_version_shows_the_years_analys_och_bedomning_per_focus_area(site):
    from pypdf import PdfReader

    pdf = next(data for name, data in site.items() if name.endswith(".pdf"))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "samverkan med arbetsgivare om feriejobb prioriteras" in text
    assert "Ingen analys och bedömning är skriven" in text
