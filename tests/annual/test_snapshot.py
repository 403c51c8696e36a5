"""Årsuppföljning: deterministic hash, frozen content, safe exports (XLSX, CSV, PDF),
permissions and the CLI. The Årsuppföljning page is tested in tests/pages."""
from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db import crud
from db.engine import session_scope
from db.models import (
    Action, Area, AuditEvent, Indicator, Measurement, Snapshot, SnapshotFile,
)
from indicators.annual import content_builder
from indicators.annual import snapshot
from indicators.access.permissions import PermissionDenied
from tests.utils.actors import ADMIN, VIEWER, official
from tests.utils.demo import FOCUS_AREAS
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR
from tests.utils.measurements import measurement as _value
from tests.utils.pdf import pdf_text as _pdf_text
from indicators.unit_of_work import UnitOfWork

DAY = date(2026, 11, 22)
PAYLOADS = ['=HYPERLINK("http://x")', "+cmd", "@SUM(1)"]
SECRET_VALUE = 97.6543
SECRET_COMMENT = "Detta får inte synas"


def _files(engine, snapshot_id: int) -> dict[str, bytes]:
    with session_scope(engine) as session:
        rows = session.execute(select(SnapshotFile).where(SnapshotFile.snapshot_id == snapshot_id)).scalars().all()
        return {r.filename: bytes(r.content) for r in rows}


def _by_ext(files: dict[str, bytes], suffix: str) -> bytes:
    return next(data for name, data in files.items() if name.endswith(suffix))


@pytest.fixture
def tricky_engine(demo_engine):
    """Demo data plus formula payloads in user text and one small breakdown cell."""
    with session_scope(demo_engine, write=True) as session:
        _value(session, "ARB01", "2025").comment = PAYLOADS[0]
        _value(session, "ARB02", "2025").comment = PAYLOADS[1]
        session.execute(select(Action)).scalars().first().description = PAYLOADS[2]
        small = _value(session, "ARB01", "2025", gender="K")
        small.value, small.count_n, small.comment = SECRET_VALUE, 2, SECRET_COMMENT
    return demo_engine


def test_same_data_and_date_give_identical_bytes_and_hash(demo_engine):
    first = content_builder.canonical_json(content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY))
    second = content_builder.canonical_json(content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY))
    assert first == second
    assert content_builder.content_hash(first) == hashlib.sha256(first).hexdigest()
    other_day = content_builder.canonical_json(content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=date(2026, 11, 23)))
    assert content_builder.content_hash(other_day) != content_builder.content_hash(first)

    id1, sha1, names1 = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR, snapshot_date=DAY)
    id2, sha2, names2 = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR, snapshot_date=DAY)
    assert (id1, sha1, names1) == (id2, sha2, names2)
    assert sha1 == content_builder.content_hash(first)
    assert len(snapshot.list_snapshots(UnitOfWork(demo_engine))) == 1
    stored = snapshot.snapshot_file(UnitOfWork(demo_engine), id1, next(n for n in names1 if n.endswith(".json")))
    assert hashlib.sha256(stored).hexdigest() == sha1  # the JSON file is exactly the hashed bytes
    with session_scope(demo_engine) as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.entity == "snapshot")).scalars().all()
    assert [(e.action, e.entity_id, e.new, e.user_email) for e in events] == [("create", str(id1), sha1, ADMIN.email)]


def test_content_holds_only_periods_up_to_the_year_and_one_status_per_indicator(demo_engine):
    content = content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY)
    assert content["values"] and all(int(v["period"][:4]) <= YEAR for v in content["values"])
    assert {s["indicator"] for s in content["statuses"]} == {i["code"] for i in content["indicators"]}
    assert [f["name"] for f in content["focus_areas"]] == FOCUS_AREAS
    arb01 = next(s for s in content["statuses"] if s["indicator"] == "ARB01")
    assert arb01["period"] == "2025"
    assert content["method"]["status_rule"]["texts"]["mål nått"]


def test_snapshot_is_frozen_and_comparison_lists_corrections(demo_engine):
    snapshot_id, sha, _ = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR, snapshot_date=DAY)
    with session_scope(demo_engine) as session:
        before_json = session.get(Snapshot, snapshot_id).content_json
    before_files = _files(demo_engine, snapshot_id)
    with session_scope(demo_engine, write=True) as session:
        corrected = _value(session, "ARB01", "2025")
        old_value = corrected.value
        corrected.value, corrected.version = old_value + 1.0, corrected.version + 1
        session.delete(_value(session, "ARB02", "2024"))
    with session_scope(demo_engine, write=True) as session:
        indicator = crud.by_code(session, Indicator, "ARB02")
        total = crud.by_code(session, Area, "HELA")
        session.add(Measurement(indicator_id=indicator.id, period="2024", area_id=total.id, value=55.5))

    with pytest.raises(snapshot.FrozenSnapshotError):
        with session_scope(demo_engine, write=True) as session:
            session.get(Snapshot, snapshot_id).content_json = "{}"
    with session_scope(demo_engine) as session:
        row = session.get(Snapshot, snapshot_id)
        assert (row.content_json, row.sha256) == (before_json, sha)
    assert _files(demo_engine, snapshot_id) == before_files
    assert content_builder.content_hash(content_builder.canonical_json(content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY))) != sha

    changes = snapshot.compare_with_now(UnitOfWork(demo_engine), snapshot_id)
    arb01 = changes[(changes["indikator"] == "ARB01") & (changes["period"] == "2025") & (changes["kön"] == "T")
                    & (changes["område"] == "Hela kommunen")]
    assert len(arb01) == 1
    assert arb01.iloc[0]["värde i årsuppföljningen"] == pytest.approx(old_value)
    assert arb01.iloc[0]["värde nu"] == pytest.approx(old_value + 1.0)
    assert arb01.iloc[0]["ändring"] == "ändrat"
    arb02 = changes[(changes["indikator"] == "ARB02") & (changes["period"] == "2024") & (changes["kön"] == "T")]
    assert list(arb02["ändring"]) == ["ändrat"] and arb02.iloc[0]["värde nu"] == pytest.approx(55.5)
    assert len(changes) == 2  # nothing else moved; values after the year are not compared


def test_compare_lists_values_added_for_the_year(demo_engine):
    snapshot_id, _, _ = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, 2019, snapshot_date=DAY)
    with session_scope(demo_engine, write=True) as session:
        indicator = crud.by_code(session, Indicator, "DEM01")  # reported in election years only
        total = crud.by_code(session, Area, "HELA")
        session.add(Measurement(indicator_id=indicator.id, period="2019", area_id=total.id, value=70.0))
        session.add(Measurement(indicator_id=indicator.id, period="2020", area_id=total.id, value=71.0))
    changes = snapshot.compare_with_now(UnitOfWork(demo_engine), snapshot_id)
    assert changes[["indikator", "period", "ändring"]].values.tolist() == [["DEM01", "2019", "nytt"]]


def test_exports_hold_no_formulas_from_user_text_and_no_small_breakdowns(tricky_engine):
    snapshot_id, _, _ = snapshot.create_snapshot(UnitOfWork(tricky_engine), ADMIN, YEAR, snapshot_date=DAY)
    files = _files(tricky_engine, snapshot_id)
    workbook = load_workbook(io.BytesIO(_by_ext(files, ".xlsx")))
    assert workbook.sheetnames == ["Sammanfattning", *FOCUS_AREAS, "Rådata", "Insatser", "Ansvar"]
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "@"))]
    for payload in PAYLOADS:
        assert "'" + payload in texts, payload  # kept as text, visibly neutralised
    with session_scope(tricky_engine) as session:
        known = _value(session, "ARB03", "2024").value
    raw = workbook["Rådata"]
    assert [c.value for c in raw[1]] == ["indikator", "period", "kön", "område", "värde", "kommentar"]
    assert ["ARB03", "2024", "T", "Hela kommunen", known] in [[c.value for c in row[:5]] for row in raw.iter_rows(min_row=2)]
    assert raw.freeze_panes == "A2"

    # The breakdown with count_n 2 is published without value, count or comment everywhere.
    assert SECRET_VALUE not in [c.value for c in cells] and not any(SECRET_COMMENT in t for t in texts)
    json_text = _by_ext(files, ".json").decode()
    small = [v for v in json.loads(json_text)["values"]
             if (v["indicator"], v["period"], v["gender"], v["area"]) == ("ARB01", "2025", "K", "HELA")]
    assert small == [{**small[0], "value": None, "count_n": None, "comment": "", "suppressed": True}]
    assert "97.6543" not in json_text and SECRET_COMMENT not in json_text
    csv_text = _by_ext(files, "-radata.csv").decode("utf-8-sig")
    assert "97,6543" not in csv_text and SECRET_COMMENT not in csv_text
    assert "ARB01;2025;K;Hela kommunen;;Värdet visas inte" in csv_text
    assert "'=HYPERLINK" in csv_text  # the CSV neutralises too (exports.to_csv_bytes)
    assert "97,6543" not in _pdf_text(_by_ext(files, ".pdf"))


def test_pdf_names_every_focus_area_the_year_and_the_hash_in_swedish_labels(demo_engine):
    snapshot_id, sha, _ = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR, snapshot_date=DAY)
    text = _pdf_text(_by_ext(_files(demo_engine, snapshot_id), ".pdf"))
    for name in FOCUS_AREAS:
        assert name in text
    assert f"Årsuppföljning {YEAR}" in text and sha in text and "Exempeldata" in text
    assert re.search(rf"{YEAR} var värdet [0-9]+,[0-9] %; målet för 2027 är 80,0 %", text)  # (no-break spaces)
    assert f"{YEAR} kv 4" in text and f"{YEAR} halvår 2" in text  # quarterly and half-yearly indicators
    assert not re.search(r"\b20[0-9]{2}(Q[1-4]|H[12])\b", text)  # no raw period codes
    assert "Samhällsbyggnadsnämnden" in text and "Samhällsbygg- " not in text  # words are never split


def test_the_actions_table_names_focus_areas_as_the_program_does(demo_engine):
    from indicators.annual import print_version

    content = content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY)
    html = print_version.html(content, "0" * 64)
    table = html[html.index('<table class="insatser">'):]
    table = table[:table.index("</table>")]
    cells = re.findall(r"<tr><th scope=\"row\">[^<]*</th><td>([^<]*)</td>", table)
    assert len(cells) == len(content["actions"]) and set(cells) <= set(FOCUS_AREAS)
    assert "Arbetsmarknad<" not in table and "Utbildning<" not in table  # the short names of seed 004
    text = _pdf_text(print_version.render(content, "0" * 64))
    assert "Etablering på arbetsmarknaden" in text[text.index("Insatser i programmet per fokusområde"):]


def test_the_pdf_is_tagged_swedish_with_alternative_texts_and_the_same_bytes_twice(demo_engine):
    """PDF/UA-1: structure tree, /Lang sv, marked content, headings in reading order, every
    chart a Figure with alternative text; dated by the snapshot, so the bytes repeat."""
    import io

    from pypdf import PdfReader

    from indicators.annual import print_version

    content = content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY)
    data = print_version.render_uncached(content, "0" * 64)
    assert print_version.render_uncached(content, "0" * 64) == data
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv" and root["/MarkInfo"]["/Marked"]
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    assert reader.metadata["/CreationDate"].startswith("D:20261122")  # the snapshot's date, not the clock
    tags: list[tuple[str, str]] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if "/S" in node:
                tags.append((str(node["/S"]), str(node.get("/Alt", ""))))
            if "/K" in node:
                walk(node["/K"])

    walk(root["/StructTreeRoot"])
    kinds = [kind for kind, _alt in tags]
    assert kinds[:2] == ["/Document", "/H1"]
    for kind in ("/H2", "/H3", "/Table", "/TH", "/TD", "/Caption", "/L", "/LI", "/Link"):
        assert kind in kinds, kind
    figures = [alt for kind, alt in tags if kind == "/Figure"]
    active = [i for i in content["indicators"] if i["active"]]
    assert len(figures) == len(active) and all(alt.startswith("Diagram: ") and "hela kommunen" in alt
                                                for alt in figures)
    headings = [reader.outline[i].title for i in range(len(reader.outline)) if not isinstance(reader.outline[i], list)]
    assert headings == [f"Årsuppföljning {YEAR}"]
    chapters = [item.title for item in reader.outline[1] if not isinstance(item, list)]
    assert chapters == ["Sammanfattning per fokusområde", *[f"{n + 1}. {name}" for n, name in enumerate(FOCUS_AREAS)],
                        "Mål", "Insatser", "Ansvar", "Metod"]  # reading order = the document's order


def test_the_pdf_embeds_every_font_and_reads_back_in_swedish_with_the_status_symbols(demo_engine):
    from indicators.annual import print_version

    content = content_builder.build_content(UnitOfWork(demo_engine), YEAR, snapshot_date=DAY)
    data = print_version.render(content, "0" * 64)
    import io

    from pypdf import PdfReader

    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
                else font["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts  # PDF/UA: every font embedded
    text = _pdf_text(data)
    assert "Årsuppföljning" in text and "✖ inte på väg" in text and "▲ viss risk" in text


@pytest.mark.parametrize("actor", [VIEWER, official(1)], ids=["viewer", "official"])
def test_only_admin_may_create_a_snapshot(demo_engine, actor):
    with pytest.raises(PermissionDenied):
        snapshot.create_snapshot(UnitOfWork(demo_engine), actor, YEAR, snapshot_date=DAY)
    with session_scope(demo_engine) as session:
        assert crud.count_rows(session, Snapshot) == 0
        refused = session.execute(select(AuditEvent).where(AuditEvent.action == "refused")).scalars().all()
    assert [e.field for e in refused] == ["create_snapshot"]


def test_cli_snapshot_prints_the_hash_and_writes_the_files(demo_engine, tmp_path, capsys):
    from cli import main

    assert main(["snapshot", "--year", str(YEAR), "--out", str(tmp_path / "ut"), "--date", "2026-11-22"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"[0-9a-f]{64}", lines[0])
    written = sorted(p.name for p in (tmp_path / "ut").iterdir())
    assert [n.rsplit(".", 1)[-1] for n in written] == ["csv", "json", "pdf", "xlsx"]
    json_file = next((tmp_path / "ut").glob("*.json"))
    assert hashlib.sha256(json_file.read_bytes()).hexdigest() == lines[0]



def test_content_holds_each_focus_areas_assessment_for_the_year(demo_engine):
    from indicators.annual.content_builder import build_content
    from indicators.reporting import assessments

    uow = UnitOfWork(demo_engine)
    content = build_content(uow, YEAR, snapshot_date=date(YEAR + 1, 3, 1))
    by_area = {a["focus_area"]: a for a in content["assessments"]}
    assert set(by_area) == {"arbetsmarknad", "skola", "brottslighet"}
    assert by_area["arbetsmarknad"]["version"] == 2 and by_area["arbetsmarknad"]["period"] == f"{YEAR}H2"
    assessments.save_assessment(uow, ADMIN, "bostad", str(YEAR + 1), "Ett annat år.", expected_version=0)
    assert "bostad" not in {a["focus_area"] for a in build_content(uow, YEAR, date(YEAR + 1, 3, 1))["assessments"]}


def test_a_failing_print_version_fails_the_freeze_and_stores_nothing(demo_engine, monkeypatch):
    """The PDF is made on a second thread beside the other files: its failure must still
    reach the caller, and no snapshot row or file may be left behind."""
    from indicators.annual import print_version, typst_compiler

    def broken(document):
        raise typst_compiler.LayoutError("utskriften gick sönder")

    monkeypatch.setattr(typst_compiler, "lay_out", broken)
    monkeypatch.setattr(print_version, "_RENDERED", {})  # not the PDF an earlier test made of the same content
    uow = UnitOfWork(demo_engine)
    with pytest.raises(typst_compiler.LayoutError, match="utskriften gick sönder"):
        snapshot.create_snapshot(uow, ADMIN, YEAR, snapshot_date=DAY)
    with session_scope(demo_engine) as session:
        assert session.execute(select(Snapshot)).first() is None
        assert session.execute(select(SnapshotFile)).first() is None
