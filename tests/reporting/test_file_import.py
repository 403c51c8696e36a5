"""File import: every error class leaves the database unchanged, re-imports and
export round-trips are all 'oförändrad', preview → apply detects changes in between,
permissions per role, the template and the CLI. The Importera page is tested in tests/pages."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update

from db import crud
from db.engine import session_scope
from db.models import AuditEvent, Indicator
from indicators.files import long_format
from indicators.reporting import file_import, import_template
from indicators.reporting import history
from indicators.reporting import locks
from indicators.reporting import outcomes
from indicators.reporting import values
from tests.utils.actors import ADMIN, VIEWER, official
from tests.utils.demo import DEMO_TODAY
from tests.utils.measurements import dump, org_id, stored
from tests.utils.workbooks import HEADER, csv_file, xlsx_file
from indicators.unit_of_work import UnitOfWork

T = DEMO_TODAY


def non_refusal_audits(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "refused")).scalar_one()


def refusals(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "refused")).scalar_one()


def run_import(actor, name: str, data: bytes, engine, **kwargs):
    return file_import.import_file(UnitOfWork(engine), actor, name, data, today=T, **kwargs)


def all_errors(prepared, result) -> str:
    return "\n".join(prepared.read.errors + [str(e) for e in result.errors])


# --- every error class: a clear Swedish message and nothing written ----------------

def too_many_rows() -> bytes:
    return csv_file(*["ARB05;2026Q4;T;;25;"] * (file_import.MAX_ROWS + 1))


ERROR_CASES = [
    ("bad number", "a.csv", csv_file("ARB05;2026Q4;K;;abc;"), "Rad 2, värde: 'abc' är inte ett tal"),
    ("one bad row among good", "a.csv", csv_file("ARB05;2026Q4;T;;25,5;", "ARB05;2026Q4;K;;1.234,5;"),
     "Rad 3, värde: '1.234,5' är tvetydigt"),
    ("unknown indicator", "a.csv", csv_file("XYZ99;2025;;;5;"), "Rad 2, indikator: 'XYZ99' är ingen känd indikator"),
    ("wrong periodicity", "a.csv", csv_file("ARB05;2026;;;25;"),
     "Rad 2, period: 2026 är ett år, indikatorn rapporteras per kvartal"),
    ("future period", "a.csv", csv_file("ARB05;2027Q2;;;25;"), "Rad 2, period: 2027 kv 2 ligger i framtiden"),
    ("another board's indicator", "a.csv", csv_file("ARB01;2025;;;50;"),
     "Rad 2, indikator: ARB01: official@test.invalid (official) får inte importera värden"),
    ("duplicate rows", "a.csv", csv_file("ARB05;2026Q4;K;;25;c", "ARB05;2026 kv 4;kvinnor;;26;c"),
     "Rad 3: samma indikator, period, kön och område som Rad 2"),
    ("empty file", "a.csv", b"", "Filen är tom."),
    ("header only", "a.csv", csv_file(), "Filen innehåller inga värden att importera."),
    ("wrong columns", "a.csv", csv_file("ARB05;2026Q4;25", header="kod;period;värde"), "Okända kolumner: 'kod'"),
    ("missing column", "a.csv", csv_file("ARB05;2026Q4;T", header="indikator;period;kön"), "Kolumner saknas: värde"),
    ("Windows-1252 file", "a.csv", csv_file("ARB05;2026Q4;kvinnör;;25;Ökning", encoding="cp1252"),
     "Rad 2, kön: 'kvinnör' är inget kön"),
    ("too many rows", "a.csv", too_many_rows(), "Filen har fler än 20\u00a0000 rader"),
    ("too large", "a.csv", b"x" * (file_import.MAX_BYTES + 1), "Filen är för stor"),
    ("formula without value", "a.xlsx", xlsx_file([HEADER.split(";"), ["ARB05", "2026Q4", "T", "", "=12+13", ""]]),
     "Rad 2, värde: formel utan värde"),
    ("not a spreadsheet", "a.xlsx", b"hello", "Filen är skadad eller inte en Excel-fil (.xlsx)."),
    ("wrong file type", "a.pdf", b"%PDF", "Välj en fil av typen .xlsx eller .csv."),
]


def data_version(engine) -> str:
    with session_scope(engine) as session:
        return crud.data_version(session)


def test_every_failing_import_leaves_the_database_unchanged(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    before, audits = dump(demo_engine), non_refusal_audits(demo_engine)
    for name, filename, data, message in ERROR_CASES:
        version = data_version(demo_engine)  # changes on any write
        prepared, result = run_import(sn, filename, data, demo_engine)
        assert not prepared.ok, name
        assert message in all_errors(prepared, result), (name, all_errors(prepared, result))
        assert data_version(demo_engine) == version and non_refusal_audits(demo_engine) == audits, name
    assert dump(demo_engine) == before


def test_locked_period_refuses_the_import(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    locks.lock_period(UnitOfWork(demo_engine), ADMIN, "2026Q4", "Granskad")
    before, audits = dump(demo_engine), non_refusal_audits(demo_engine)
    prepared, result = run_import(sn, "a.csv", csv_file("ARB05;2026Q4;;;25;"), demo_engine)
    assert "Rad 2, period: perioden 2026 kv 4 är låst; kontakta processtödet" in all_errors(prepared, result)
    admin_prepared, _ = run_import(ADMIN, "a.csv", csv_file("ARB05;2026Q4;;;25;"), demo_engine)
    assert admin_prepared.only_lock_reason_missing
    assert dump(demo_engine) == before and non_refusal_audits(demo_engine) == audits
    _, done = run_import(ADMIN, "a.csv", csv_file("ARB05;2026Q4;;;25;"), demo_engine, lock_reason="Rättelse")
    assert done.ok and stored(demo_engine, "ARB05", "2026Q4").value == 25


# --- successful imports -------------------------------------------------------------

def test_export_then_import_is_all_unchanged(demo_engine):
    rows = long_format.long_rows(UnitOfWork(demo_engine))
    before, audits = dump(demo_engine), non_refusal_audits(demo_engine)
    prepared, result = run_import(ADMIN, "export.csv", long_format.to_csv_bytes(rows), demo_engine)
    assert prepared.ok and result.ok and not result.written
    filled = sum(1 for r in rows if r["värde"] != "")
    assert result.counts() == {"ny": 0, "ändrad": 0, "oförändrad": filled}
    assert len(prepared.read.skipped) == len(rows) - filled  # suppressed values are exported empty
    assert all(s.endswith("tomt värde, hoppas över") for s in prepared.read.skipped)
    assert dump(demo_engine) == before and non_refusal_audits(demo_engine) == audits


def test_reimporting_the_same_file_changes_nothing(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    data = csv_file("ARB05;2026Q4;T;Hela kommunen;25,5;", "ARB05;2026Q4;K;;", "ARB05;2026 kv 4;män;;24;Kommentar")
    prepared, first = run_import(sn, "a.csv", data, demo_engine)
    assert first.ok and first.counts() == {"ny": 2, "ändrad": 0, "oförändrad": 0}
    assert prepared.read.skipped == ["Rad 3: tomt värde, hoppas över"]
    assert stored(demo_engine, "ARB05", "2026Q4", "M").comment == "Kommentar"
    before, audits = dump(demo_engine), non_refusal_audits(demo_engine)
    _, second = run_import(sn, "a.csv", data, demo_engine)
    assert second.ok and second.counts() == {"ny": 0, "ändrad": 0, "oförändrad": 2} and not second.written
    assert dump(demo_engine) == before and non_refusal_audits(demo_engine) == audits


def test_import_overwrites_with_audit(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    old = stored(demo_engine, "ARB04", "2025")
    new_text = values.plain_number(round(old.value * 1.1, 1))
    _, result = run_import(sn, "ny.csv", csv_file(f"ARB04;2025;;;{new_text};{old.comment}"), demo_engine,
                           comment_review="behåll")
    assert result.ok and result.counts()["ändrad"] == 1
    events = history.history(UnitOfWork(demo_engine), "ARB04")
    value_event = events[events["Fält"] == "värde"].iloc[0]
    assert value_event["Skäl"] == "import av ny.csv" and value_event["Före"] == values.plain_number(old.value)
    assert stored(demo_engine, "ARB04", "2025").version == old.version + 1


def test_windows_1252_and_comma_separated_files_are_read(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    data = csv_file("ARB05;2026Q4;Kvinnor;Hela kommunen;25,5;Ökning för äldre", encoding="cp1252")
    _, result = run_import(sn, "a.csv", data, demo_engine)
    assert result.ok and stored(demo_engine, "ARB05", "2026Q4", "K").comment == "Ökning för äldre"
    comma = 'indikator,period,kön,område,värde,kommentar\r\nARB05,2026Q4,M,,"24,5",\r\n'.encode()
    _, result = run_import(sn, "b.csv", comma, demo_engine)
    assert result.ok and stored(demo_engine, "ARB05", "2026Q4", "M").value == 24.5


def test_xlsx_formula_gives_its_cached_value(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    data = xlsx_file([["Indikator", "Period", "Kön", "Område", "Värde", "Kommentar"],
                      ["ARB05", "2026Q4", "T", None, "=12+13.5", "ny mätmetod"],
                      ["ARB05", "2026Q4", "K", None, 25, "ny mätmetod"]],
                     cached={"E2": "25.5"})
    prepared, result = run_import(sn, "a.xlsx", data, demo_engine)
    assert prepared.ok and result.ok
    assert stored(demo_engine, "ARB05", "2026Q4").value == 25.5


def test_xlsx_row_numbers_follow_the_sheet_and_all_row_errors_are_listed(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    for row, value in ((5, "abc"), (7, "=1+2"), (9, 25)):
        for column, cell in enumerate(["ARB05", "2026Q4", "K" if row == 9 else "T", None, value, "ny mätmetod"], start=1):
            sheet.cell(row=row, column=column, value=cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    prepared = file_import.preview(UnitOfWork(demo_engine), sn, "a.xlsx", buffer.getvalue(), today=T)
    assert prepared.errors == ["Rad 7, värde: formel utan värde (spara filen i Excel så att värdet räknas fram)",
                               "Rad 5, värde: 'abc' är inte ett tal"]
    assert list(prepared.table()["Rad"]) == [5, 9] and prepared.read.skipped == []


def test_change_between_preview_and_apply_is_a_conflict(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    row = stored(demo_engine, "ARB04", "2025")
    prepared = file_import.preview(UnitOfWork(demo_engine), sn, "a.csv", csv_file(f"ARB04;2025;;;{values.plain_number(row.value + 0.1)};"), today=T)
    assert prepared.ok
    changed = values.save_values(UnitOfWork(demo_engine), ADMIN, [{"indicator": "ARB04", "period": "2025", "value": row.value + 0.2,
                                          "expected_version": row.version, "comment_review": "remove"}], today=T)
    assert changed.ok
    before = dump(demo_engine)
    result = file_import.apply(UnitOfWork(demo_engine), sn, prepared, today=T)
    assert not result.ok and result.errors[0].kind == outcomes.CONFLICT
    assert str(result.errors[0]).startswith("Rad 2, värde: Värdet har ändrats av admin@test.invalid till")
    assert dump(demo_engine) == before


@pytest.mark.parametrize("who, allowed", [("admin", True), ("own", True), ("other", False), ("viewer", False)])
def test_permission_matrix_for_import(demo_engine, who, allowed):
    actor = {"admin": ADMIN, "own": official(org_id(demo_engine, "SN")), "other": official(org_id(demo_engine, "KS")),
             "viewer": VIEWER}[who]
    before, refused = dump(demo_engine), refusals(demo_engine)
    prepared, result = run_import(actor, "a.csv", csv_file("ARB05;2026Q4;T;;25,5;"), demo_engine)
    assert result.ok is allowed
    if allowed:
        assert stored(demo_engine, "ARB05", "2026Q4").value == 25.5
    else:
        assert "får inte importera värden" in all_errors(prepared, result)
        assert dump(demo_engine) == before and refusals(demo_engine) == refused + 1


# --- template -----------------------------------------------------------------------

def test_template_is_prefilled_neutralised_and_imports_back(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    with session_scope(demo_engine, write=True) as session:
        session.execute(update(Indicator).where(Indicator.code == "BOS02").values(name="=HYPERLINK(\"x\")"))
    data = import_template.template_xlsx(UnitOfWork(demo_engine), sn, "2026Q4", today=T)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:7]) == long_format.FILE_COLUMNS  # the count basis n (antal) after the value
    assert {r[0] for r in rows[1:]} == {"ARB04", "ARB05", "ARB06", "BOS02", "BOS03", "BOS04", "BRO03", "DEM06", "DEM07"}
    assert next(r for r in rows if r[0] == "BOS02")[7] == "'=HYPERLINK(\"x\")"
    unchanged, result = run_import(sn, "mall.xlsx", data, demo_engine)
    assert result.ok and result.counts()["ny"] == 0 and result.counts()["oförändrad"] > 0
    assert len(unchanged.read.skipped) == 15  # ARB05, BOS04 and BRO03 cells for 2026Q4 are empty
    target = next(i for i, r in enumerate(rows, start=1) if r[0] == "ARB05" and r[2] == "T")
    sheet.cell(row=target, column=5, value="25,5")
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    _, filled = run_import(sn, "mall.xlsx", buffer.getvalue(), demo_engine)
    assert filled.ok and filled.counts()["ny"] == 1 and stored(demo_engine, "ARB05", "2026Q4").value == 25.5


# --- CLI ----------------------------------------------------------------------------

def test_cli_import(demo_engine, tmp_path, capsys):
    import cli
    from indicators.access.users import create_user

    create_user(UnitOfWork(demo_engine), ADMIN, "rapportor@exempel.invalid", "official", orgs=["SN"])
    good = tmp_path / "bra.csv"
    good.write_bytes(csv_file("ARB05;2026Q4;T;;25,5;"))
    bad = tmp_path / "fel.csv"
    bad.write_bytes(csv_file("ARB05;2026Q4;T;;abc;"))
    assert cli.main(["import", str(good), "--user", "okand@exempel.invalid"]) == 2
    assert cli.main(["import", str(bad), "--user", "rapportor@exempel.invalid"]) == 1
    assert "Rad 2, värde: 'abc' är inte ett tal" in capsys.readouterr().err
    assert cli.main(["import", str(good), "--user", "rapportor@exempel.invalid", "--dry-run"]) == 0
    assert "Skulle ge: 1 nya" in capsys.readouterr().out and stored(demo_engine, "ARB05", "2026Q4") is None
    assert cli.main(["import", str(good), "--user", "rapportor@exempel.invalid"]) == 0
    assert "Importerat: 1 nya, 0 ändrade, 0 oförändrade." in capsys.readouterr().out
    assert stored(demo_engine, "ARB05", "2026Q4").value == 25.5


def test_a_stale_template_is_a_conflict_naming_both_values_and_nothing_is_written(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    data = import_template.template_xlsx(UnitOfWork(demo_engine), sn, "2026Q4", today=T)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "version" and sheet.column_dimensions["L"].hidden
    target = next(i for i, r in enumerate(rows, start=1) if r[0] == "ARB04" and r[2] == "T" and r[4] is not None)
    period, old = rows[target - 1][1], rows[target - 1][4]
    # someone corrects the value after the template was downloaded
    corrected = values.save_values(UnitOfWork(demo_engine), ADMIN, [{"indicator": "ARB04", "period": period,
                                   "value": old + 0.5, "comment": "rättat", "expected_version": outcomes.OVERWRITE}],
                                   T)
    assert corrected.ok, corrected.errors
    before = dump(demo_engine)
    prepared, result = run_import(sn, "mall.xlsx", data, demo_engine)
    assert not prepared.ok
    message = next(e for e in prepared.errors if e.startswith(f"Rad {target}"))
    assert f"till {long_format.plain_number(old + 0.5)}" in message
    assert f"ditt värde: {long_format.plain_number(old)}" in message
    assert dump(demo_engine) == before


def test_an_import_that_corrects_a_commented_value_asks_about_the_comment(demo_engine):
    """The file keeps the old comment on a corrected value: the preview names the row and the
    old comment; applying needs a choice (keep or remove) for those rows, and only for them."""
    sn = official(org_id(demo_engine, "SN"))
    old = stored(demo_engine, "ARB04", "2025")
    new_text = values.plain_number(round(old.value + 1, 1))
    data = csv_file(f"ARB04;2025;;;{new_text};{old.comment}", "ARB05;2026Q4;T;Hela kommunen;25,5;Ny kommentar")
    prepared = file_import.preview(UnitOfWork(demo_engine), sn, "r.csv", data, today=T)
    assert not prepared.ok and prepared.review_rows == [0] and prepared.resolvable({outcomes.REVIEW})
    table = prepared.table()
    assert table.loc[0, "Tidigare kommentar"] == old.comment and table.loc[1, "Tidigare kommentar"] == ""
    refused = file_import.apply(UnitOfWork(demo_engine), sn, prepared, today=T)
    assert not refused.ok and stored(demo_engine, "ARB04", "2025").version == old.version
    done = file_import.apply(UnitOfWork(demo_engine), sn, prepared, today=T, comment_review="remove")
    assert done.ok, done.errors
    assert stored(demo_engine, "ARB04", "2025").comment == ""
    assert stored(demo_engine, "ARB05", "2026Q4").comment == "Ny kommentar"


def test_cli_import_asks_about_the_comment_of_a_corrected_value(demo_engine, tmp_path, capsys):
    import cli
    from indicators.access.users import create_user

    create_user(UnitOfWork(demo_engine), ADMIN, "rapportor@exempel.invalid", "official", orgs=["SN"])
    old = stored(demo_engine, "ARB04", "2025")
    path = tmp_path / "rattelse.csv"
    path.write_bytes(csv_file(f"ARB04;2025;;;{values.plain_number(round(old.value + 1, 1))};{old.comment}"))
    assert cli.main(["import", str(path), "--user", "rapportor@exempel.invalid"]) == 1
    assert "välj om den tidigare kommentaren" in capsys.readouterr().err
    assert cli.main(["import", str(path), "--user", "rapportor@exempel.invalid", "--comment-review", "behåll"]) == 0
    assert "1 ändrade" in capsys.readouterr().out
    assert stored(demo_engine, "ARB04", "2025").comment == old.comment
