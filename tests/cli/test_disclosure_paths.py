"""Every way a value leaves the database as a file, audited with `disclosure-check` on the demo
data (both backends): the CLI export, every page download, the snapshot's JSON/CSV/XLSX/PDF,
the meeting documents and the publication's open data and print PDF.

OUTPUTS lists every path; PAGE_DOWNLOADS lists every ``st.download_button`` of every page, so a
new download fails this test until it is added to OUTPUTS (and so audited) or, for a file that
holds no published values, to NO_VALUES / REPORTERS_OWN with its own check."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from db import queries
from errors import Invalid
from indicators.access.permissions import Actor, sees_unprotected
from indicators.access.users import create_user
from indicators.annual import publication, snapshot
from indicators.catalogue import workbook
from indicators.files import disclosure_audit, long_format
from indicators.files.xlsx import to_xlsx_bytes
from indicators.meetings import documents
from indicators.reporting import import_template
from indicators.unit_of_work import UnitOfWork
from tests.cli.test_cli import run_cli
from tests.utils.actors import ADMIN
from tests.utils.demo import DEMO_TODAY
from tests.utils.paths import ROOT

YEAR = 2025


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _cli_export(uow, out: Path, _built) -> dict[str, bytes]:
    path = out / "export.csv"
    result = run_cli("export", "--out", str(path), env_url=_url(uow.engine))
    assert result.returncode == 0, result.stderr
    return {"export.csv": path.read_bytes()}


def _indicator_downloads(kind: str):
    def build(uow, _out, _built) -> dict[str, bytes]:
        with uow.read() as session:
            inds = queries.indicators(session)
        files = {}
        for ind_id, code in zip(inds["id"], inds["code"]):  # what pages/indikatorer.py offers
            rows = long_format.long_rows(uow, indicator_ids=[int(ind_id)])
            files[f"{code}.{kind}"] = long_format.to_csv_bytes(rows) if kind == "csv" else to_xlsx_bytes(rows)
        return files
    return build


def _snapshot(uow, built: dict) -> tuple[dict, dict[str, bytes], str]:
    """The demo year frozen once per backend: content, files (as the page downloads them), hash."""
    if "snapshot" not in built:
        sid, _sha, names = snapshot.create_snapshot(uow, ADMIN, YEAR, snapshot_date=date(YEAR + 1, 2, 15))
        content, files, sha = snapshot.frozen_material(uow, sid)
        assert files == {n: snapshot.snapshot_file(uow, sid, n) for n in names}
        built["snapshot"] = content, files, sha
    return built["snapshot"]


def _snapshot_file(suffix: str):
    def build(uow, _out, built) -> dict[str, bytes]:
        chosen = {n: data for n, data in _snapshot(uow, built)[1].items() if n.endswith(suffix)}
        assert len(chosen) == 1
        return chosen
    return build


def _meeting_document(render):
    def build(uow, _out, _built) -> dict[str, bytes]:
        return {f"{render.__name__}-{mid}.pdf": render(uow, mid) for mid, _label in documents.meeting_choices(uow)}
    return build


def _site(uow, out, built) -> dict[str, bytes]:
    if "site" not in built:
        built["site"] = publication.build_site(*_snapshot(uow, built))
    return built["site"]


def _published(pattern: str):
    def build(uow, out, built) -> dict[str, bytes]:
        chosen = {p.replace("/", "_"): data for p, data in _site(uow, out, built).items() if re.fullmatch(pattern, p)}
        assert chosen, pattern
        return chosen
    return build


# name → builder(uow, out_dir, cache) → {file name: bytes}
OUTPUTS = {
    "cli export": _cli_export,
    "Indikatorer: Ladda ned CSV": _indicator_downloads("csv"),
    "Indikatorer: Ladda ned Excel": _indicator_downloads("xlsx"),
    "Årsuppföljning: JSON": _snapshot_file(".json"),
    "Årsuppföljning: CSV": _snapshot_file(".csv"),
    "Årsuppföljning: XLSX": _snapshot_file(".xlsx"),
    "Årsuppföljning: PDF": _snapshot_file(".pdf"),
    "Mötesdokument: Underlag (PDF)": _meeting_document(documents.meeting_underlag_pdf),
    "Mötesdokument: Minnesanteckningar (PDF)": _meeting_document(documents.meeting_notes_pdf),
    "Publicering: öppna data för året (CSV)": _published(rf"data/arsuppfoljning-{YEAR}\.csv"),
    "Publicering: öppna data för året (JSON)": _published(rf"data/arsuppfoljning-{YEAR}\.json"),
    "Publicering: öppna data per indikator (CSV)": _published(r"data/indikatorer/\w+\.csv"),
    "Publicering: öppna data per indikator (JSON)": _published(r"data/indikatorer/\w+\.json"),
    "Publicering: utskriftsversion (PDF)": _published(rf"arsuppfoljning-{YEAR}\.pdf"),
    "Publicering: frysta filer": _published(r"filer/.+"),
}
# PDFs with no table of values (the fpdf2 snapshot PDF draws its values as charts only).
NO_VALUE_TABLES = {"Mötesdokument: Minnesanteckningar (PDF)"}
NO_VALUES = "katalogen (indikatorer och mål, inga mätvärden)"
REPORTERS_OWN = "rapportmallen (bara den inloggades egna indikatorer, som i Rapportera)"
# Every st.download_button of every page, in the order of the page's source.
PAGE_DOWNLOADS = {
    "indikatorer.py": ["Indikatorer: Ladda ned CSV", "Indikatorer: Ladda ned Excel"],
    "arsuppfoljning.py": ["Årsuppföljning: JSON/CSV/XLSX/PDF", "Mötesdokument: Underlag (PDF)",
                          "Mötesdokument: Minnesanteckningar (PDF)"],
    "administration.py": [NO_VALUES],
    "importera.py": [REPORTERS_OWN],
}
_SNAPSHOT_BUTTON = {"Årsuppföljning: JSON/CSV/XLSX/PDF": [n for n in OUTPUTS if n.startswith("Årsuppföljning:")]}

_BUILT: dict[str, dict] = {}  # per backend: every demo copy is the same template, so its outputs are too


def test_every_page_download_is_listed():
    found = {page.name: len(re.findall(r"\bdownload_button\(", page.read_text(encoding="utf-8")))
             for page in sorted((ROOT / "pages").glob("*.py"))}
    assert {p: n for p, n in found.items() if n} == {p: len(names) for p, names in PAGE_DOWNLOADS.items()}
    listed = [n for names in PAGE_DOWNLOADS.values() for n in names if n not in (NO_VALUES, REPORTERS_OWN)]
    audited = [o for n in listed for o in _SNAPSHOT_BUTTON.get(n, [n])]
    assert set(audited) <= set(OUTPUTS)


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_every_output_path_passes_disclosure_check(demo_engine, backend, tmp_path, name):
    uow = UnitOfWork(demo_engine)
    built = _BUILT.setdefault(backend, {})
    files = built.get(name)
    if files is None:
        files = built[name] = OUTPUTS[name](uow, tmp_path, built)
    catalogue = disclosure_audit.catalogue_of(uow)
    cells = 0
    for file_name, data in files.items():
        assert disclosure_audit.audit_file(file_name, data, catalogue) == [], (name, file_name)
        cells += len(disclosure_audit.read_cells(file_name, data, catalogue)[0])
    assert files and (cells > 0) is (name not in NO_VALUE_TABLES), (name, cells)  # the audit read the values


def test_the_cli_audits_every_output_path_at_once(demo_engine, backend, tmp_path):
    """`cli.py disclosure-check FILE…` on one file of every path: exit 0, one line per file."""
    uow = UnitOfWork(demo_engine)
    built = _BUILT.setdefault(backend, {})
    paths = []
    for name, build in OUTPUTS.items():
        files = built.get(name) or built.setdefault(name, build(uow, tmp_path, built))
        file_name, data = sorted(files.items())[0]
        paths.append(tmp_path / f"{len(paths):02d}-{file_name}")
        paths[-1].write_bytes(data)
    result = run_cli("disclosure-check", *map(str, paths), env_url=_url(demo_engine))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("inget dolt värde kan räknas fram") == len(paths)


def test_the_catalogue_download_holds_no_values(demo_engine):
    data = workbook.export_catalogue_xlsx(UnitOfWork(demo_engine))
    with pytest.raises(Invalid, match="ingen tabell med kolumnerna"):
        disclosure_audit.audit_file("katalog.xlsx", data, disclosure_audit.catalogue_of(UnitOfWork(demo_engine)))


def test_the_report_template_holds_only_the_reporters_own_indicators(demo_engine):
    """The template is the Rapportera sheet as a file: real values, but only of indicators whose
    unprotected values the reporter may see (an SN official: SN's indicators only)."""
    uow = UnitOfWork(demo_engine)
    create_user(uow, ADMIN, "sn@exempel.invalid", "official", orgs=["SN"], password="ett-langt-losenord")
    with uow.read() as session:
        inds = queries.indicators(session)
        sn = int(queries.organisations(session).set_index("code").loc["SN", "id"])
    official = Actor(email="sn@exempel.invalid", role="official", org_ids=frozenset({sn}))
    responsible = dict(zip(inds["code"], inds["responsible_org_id"]))
    from openpyxl import load_workbook
    import io
    codes = set()
    for period in ("2025", "2025H2", "2025Q4"):
        sheet = load_workbook(io.BytesIO(import_template.template_xlsx(uow, official, period, today=DEMO_TODAY))).active
        codes |= {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert codes, "the template is empty"
    assert all(sees_unprotected(official, responsible[c]) for c in codes), codes
    assert not all(sees_unprotected(official, o) for o in responsible.values())
