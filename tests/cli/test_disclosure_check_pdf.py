"""`cli.py disclosure-check` reads PDFs: the tagged print version (Typst, structure tree)
and fpdf2's untagged tables. A PDF rendered from unprotected values is caught with exit 1 and
the cells named; the same renderer on the protected values passes (both backends)."""
from __future__ import annotations

import copy
from datetime import date

from sqlalchemy import select, update

from db import crud, queries
from db.engine import session_scope
from db.models import Area, Indicator, Measurement
from indicators.annual import print_version, publication, snapshot
from indicators.files import disclosure_audit
from indicators.files.pdf import ReportPDF
from indicators.rules.formatting import SUPPRESSED, format_number
from indicators.rules.periods import period_from_code
from indicators.rules.vocabulary import GENDER_LABELS
from indicators.unit_of_work import UnitOfWork
from tests.cli.test_cli import run_cli
from tests.utils.actors import ADMIN

YEAR = 2025
PRINT_PDF = f"arsuppfoljning-{YEAR}.pdf"


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _raw_values(uow: UnitOfWork) -> dict[tuple, float]:
    """(indicator code, period, gender, area code) → the stored value, unprotected."""
    with uow.read() as session:
        inds = queries.indicators(session)
        values = queries.measurements(session, [int(i) for i in inds["id"]])
    codes = dict(zip(inds["id"], inds["code"]))
    return {(codes[i], p, g, a): v for i, p, g, a, v in
            zip(values["indicator_id"], values["period"], values["gender"], values["area_code"], values["value"])}


def _unprotected(content: dict, raw: dict, keep_withheld=frozenset()) -> dict:
    """The content as if the disclosure rule had not run (except for the keys in keep_withheld)."""
    out = copy.deepcopy(content)
    for v in out["values"]:
        key = (v["indicator"], v["period"], v["gender"], v["area"])
        if v["suppressed"] and key not in keep_withheld:
            v.update(suppressed=False, value=raw[key])
    return out


def _check(engine, tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return run_cli("disclosure-check", str(path), env_url=_url(engine))


def test_the_print_pdf_of_unprotected_values_is_caught_and_the_real_one_passes(demo_engine, tmp_path):
    uow = UnitOfWork(demo_engine)
    # Few women in DEM04 (a count) for the whole municipality in 2025 kv 4: the print table's K cell.
    with session_scope(demo_engine, write=True) as session:
        ind = crud.by_code(session, Indicator, "DEM04")
        whole = session.execute(select(Area).where(Area.is_total)).scalars().one()
        session.execute(update(Measurement).where(Measurement.indicator_id == ind.id, Measurement.period == "2025Q4",
                                                  Measurement.gender == "K", Measurement.area_id == whole.id)
                        .values(count_n=2))
        total_code, total_name = whole.code, whole.name
    sid, _sha, _names = snapshot.create_snapshot(uow, ADMIN, YEAR, snapshot_date=date(YEAR + 1, 2, 15))
    content, files, sha = snapshot.frozen_material(uow, sid)
    catalogue = disclosure_audit.catalogue_of(uow)

    real = publication.build_site(content, files, sha)[PRINT_PDF]
    cells, hidden = disclosure_audit.read_cells(PRINT_PDF, real, catalogue)
    women = ("DEM04", "2025Q4", "K", total_name)
    assert {women, ("DEM04", "2025Q4", "M", total_name)} <= hidden  # primary and its complement
    assert len(cells) > 500 and disclosure_audit.audit_file(PRINT_PDF, real, catalogue) == []
    passed = _check(demo_engine, tmp_path, "riktig.pdf", real)
    assert passed.returncode == 0 and "inget dolt värde kan räknas fram" in passed.stdout, passed.stdout + passed.stderr

    raw = _raw_values(uow)
    leaky = print_version.render_uncached(_unprotected(content, raw), sha)  # the same renderer, unprotected
    result = _check(demo_engine, tmp_path, "oskyddad.pdf", leaky)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "DEM04 2025 kv 4 Kvinnor Hela kommunen: visas (1661) fast underlaget är 2, färre än 5" in result.stdout

    # The rule as it was on main: the small cell hidden, its complement published, so K = T − M.
    primary_only = _unprotected(content, raw, keep_withheld={("DEM04", "2025Q4", "K", total_code)})
    result = _check(demo_engine, tmp_path, "bara-primar.pdf", print_version.render_uncached(primary_only, sha))
    assert result.returncode == 1, result.stdout + result.stderr
    t, m = raw[("DEM04", "2025Q4", "T", total_code)], raw[("DEM04", "2025Q4", "M", total_code)]
    assert f"DEM04 2025 kv 4 Kvinnor Hela kommunen: kan räknas fram: {t - m:.0f}" in result.stdout


def _fpdf_table(rows: list[dict], shown) -> bytes:
    """An fpdf2 PDF with a long-format table drawn by the app's own table renderer."""
    pdf = ReportPDF("prov")
    pdf.add_page()
    pdf.heading("Värden per kön och område", 13)
    pdf.simple_table(["Indikator", "Period", "Kön", "Område", "Värde"],
                     [[r["indicator"], period_from_code(r["period"]).label, GENDER_LABELS[r["gender"]], r["area_name"],
                       shown(r)] for r in rows], widths=[22, 26, 24, 60, 30])
    return bytes(pdf.output())


def test_an_fpdf2_table_of_unprotected_values_is_caught_and_the_protected_one_passes(demo_engine, tmp_path):
    uow = UnitOfWork(demo_engine)
    sid, _sha, _names = snapshot.create_snapshot(uow, ADMIN, YEAR, snapshot_date=date(YEAR + 1, 2, 15))
    content, _files, _sha = snapshot.frozen_material(uow, sid)
    catalogue = disclosure_audit.catalogue_of(uow)
    first = next(v for v in content["values"] if v["suppressed"]  # a primary cell: its own n is small
                 and catalogue.counts.get((v["indicator"], v["period"], v["gender"], v["area"]), 99) < 5)
    rows = [v for v in content["values"] if (v["indicator"], v["period"]) == (first["indicator"], first["period"])]
    names = {a["code"]: a["name"] for a in content["areas"]}
    rows = [{**r, "area_name": names[r["area"]]} for r in rows]
    assert len(rows) > 20  # a whole table: T, K, M for every area over several pages' worth of rows
    protected = _fpdf_table(rows, lambda r: SUPPRESSED if r["suppressed"] else format_number(r["value"], 0))
    cells, hidden = disclosure_audit.read_cells("skyddad.pdf", protected, catalogue)
    assert len(cells) == len(rows) and len(hidden) == sum(r["suppressed"] for r in rows) > 0
    assert _check(demo_engine, tmp_path, "skyddad.pdf", protected).returncode == 0

    raw = _raw_values(uow)
    leaky = _fpdf_table(rows, lambda r: format_number(raw[(r["indicator"], r["period"], r["gender"], r["area"])], 0))
    result = _check(demo_engine, tmp_path, "oskyddad.pdf", leaky)
    assert result.returncode == 1, result.stdout + result.stderr
    label = period_from_code(first["period"]).label
    assert (f"{first['indicator']} {label} {GENDER_LABELS[first['gender']]} {names[first['area']]}:"
            in result.stdout), result.stdout
