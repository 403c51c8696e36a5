"""The catalogue workbook: the XLSX round trip changes nothing, a bad row writes nothing,
rows are created and updated by code, and the CLI catalogue commands."""
from __future__ import annotations

import io
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import cli
from db.models import Indicator
from indicators.catalogue import indicators as catalogue_indicators
from indicators.catalogue import workbook as catalogue_io
from indicators.views import overview
from tests.utils.actors import ADMIN
from tests.utils.records import audit_rows, dump, ids
from indicators.unit_of_work import UnitOfWork


def test_catalogue_round_trip_leaves_database_unchanged(demo_engine):
    ind_id = ids(demo_engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(UnitOfWork(demo_engine), ind_id)
    catalogue_indicators.update_indicator(UnitOfWork(demo_engine), ADMIN, ind_id, replace(data, definition="=SUMMA(A1) -- formelliknande text"), expected_version=version)
    before, audits, data_version = dump(demo_engine), len(audit_rows(demo_engine)), overview.data_version(UnitOfWork(demo_engine))
    exported = catalogue_io.export_catalogue_xlsx(UnitOfWork(demo_engine))
    sheet = load_workbook(io.BytesIO(exported))["Indikatorer"]
    cells = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["ARB01"][catalogue_io.COLUMNS.index("definition")].startswith("'=")  # neutralised
    assert cells["ARB01"][catalogue_io.COLUMNS.index("targets")] == "2023:78;2027:80"
    report = catalogue_io.import_catalogue_xlsx(UnitOfWork(demo_engine), ADMIN, exported)
    assert report.ok and not report.created and not report.updated and len(report.unchanged) == len(cells)
    assert dump(demo_engine) == before
    assert len(audit_rows(demo_engine)) == audits and overview.data_version(UnitOfWork(demo_engine)) == data_version


def edited_workbook(engine, edit) -> bytes:
    workbook = load_workbook(io.BytesIO(catalogue_io.export_catalogue_xlsx(UnitOfWork(engine))))
    edit(workbook["Indikatorer"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column(name: str) -> int:
    return catalogue_io.COLUMNS.index(name) + 1


def test_catalogue_import_with_a_bad_row_writes_nothing(engine):
    def edit(sheet):
        sheet.cell(2, column("name")).value = "Ändrat namn"
        sheet.cell(4, column("periodicity")).value = "månad"
        sheet.cell(5, column("targets")).value = "2027=80"
    before = dump(engine)
    report = catalogue_io.import_catalogue_xlsx(UnitOfWork(engine), ADMIN, edited_workbook(engine, edit))
    assert not report.ok
    assert report.errors[0].startswith("Rad 4, periodicitet: 'månad' är ingen periodicitet; välj år, halvår, kvartal")
    assert report.errors[1] == "Rad 5, målvärden: '2027=80' ska skrivas år:värde, t.ex. 2027:80"
    assert catalogue_io.import_catalogue_xlsx(UnitOfWork(engine), ADMIN, b"inte en excelfil").errors == [
        "Filen är skadad eller inte en Excel-fil (.xlsx)."]
    assert dump(engine) == before


def test_catalogue_import_creates_and_updates_by_code(engine):
    def edit(sheet):
        row = [cell.value for cell in sheet[2]]
        row[0], row[1] = "NY99", "Helt ny indikator"
        sheet.append(row)
        sheet.cell(2, column("targets")).value = "2023: 78; 2027: 81,5"
    report = catalogue_io.import_catalogue_xlsx(UnitOfWork(engine), ADMIN, edited_workbook(engine, edit))
    assert report.ok, report.errors
    assert (report.created, len(report.updated)) == (["NY99"], 1)
    first_code = report.updated[0]
    assert catalogue_indicators.indicator_data(UnitOfWork(engine), ids(engine, Indicator, first_code))[0].targets[2027] == 81.5
    assert catalogue_indicators.indicator_data(UnitOfWork(engine), ids(engine, Indicator, "NY99"))[0].name == "Helt ny indikator"
    assert [e.reason for e in audit_rows(engine, field="target:2027", entity_id=str(ids(engine, Indicator, first_code)))] == ["katalogimport"]


def test_cli_catalogue_export_and_import(engine, tmp_path, capsys):
    path = tmp_path / "katalog.xlsx"
    assert cli.main(["catalogue", "export", str(path)]) == 0
    assert cli.main(["catalogue", "import", str(path)]) == 0
    assert "0 nya, 0 ändrade" in capsys.readouterr().out
    workbook = load_workbook(path)
    workbook["Indikatorer"].cell(3, column("program_goals")).value = ""
    workbook.save(path)
    assert cli.main(["catalogue", "import", str(path)]) == 1
    assert "Rad 3, programmål: minst ett programmål krävs" in capsys.readouterr().err


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.integers(2018, 2027), st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 4)), max_size=5))
def test_target_cell_round_trips(targets):
    assert catalogue_io._targets(catalogue_io._cell_value("targets", targets)) == (targets, None)


def test_catalogue_baselines_and_targets_pass_the_value_rules_naming_row_and_field(engine):
    """The same rules as reported values: the valid range (named), numbers as Swedes write
    them, target years within the program; a percent-formatted cell only for a percent
    indicator. Any break refuses the whole file and writes nothing."""
    def row_of(sheet, code: str) -> int:
        return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)

    def edit(sheet):
        sheet.cell(row_of(sheet, "ARB01"), column("targets")).value = "2023:78;2027:150"
        sheet.cell(row_of(sheet, "ARB02"), column("targets")).value = "2027:1.234,5"
        sheet.cell(row_of(sheet, "ARB03"), column("targets")).value = "2031:80"
        sheet.cell(row_of(sheet, "ARB04"), column("baseline_value")).value = -3
        count = sheet.cell(row_of(sheet, "BOS04"), column("baseline_value"))
        count.value, count.number_format = 0.25, "0%"
        percent = sheet.cell(row_of(sheet, "ARB05"), column("baseline_value"))
        percent.value, percent.number_format = 0.25, "0%"  # a percent indicator: read as 25, accepted
    before = dump(engine)
    data = edited_workbook(engine, edit)
    report = catalogue_io.import_catalogue_xlsx(UnitOfWork(engine), ADMIN, data)
    rows = {code: row_of(load_workbook(io.BytesIO(data))["Indikatorer"], code)
            for code in ("ARB01", "ARB02", "ARB03", "ARB04", "BOS04")}
    assert sorted(report.errors) == sorted([
        f"Rad {rows['ARB01']}, målvärden: målvärdet för 2027 (150) ligger utanför det giltiga intervallet 0–100",
        f"Rad {rows['ARB02']}, målvärden: '2027:1.234,5' ska skrivas år:värde, t.ex. 2027:80",
        f"Rad {rows['ARB03']}, målvärden: målår 2031 ligger utanför programperioden 2018–2027",
        f"Rad {rows['ARB04']}, utgångsvärde: utgångsvärdet -3 ligger utanför det giltiga intervallet 0–100",
        f"Rad {rows['BOS04']}, utgångsvärde: cellen är formaterad som procent i Excel men indikatorn mäts i antal; "
        "ta bort procentformatet och skriv talet",
    ])
    assert dump(engine) == before
