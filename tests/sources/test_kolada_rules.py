"""Kolada's values pass the same value rules as Rapportera and the file import: range,
program years, periods not yet started, measurement years, conflicting rows in one batch.
A batch with rule breaks is refused whole with every row named and nothing written; an
admin may explicitly skip those rows, and the skip is audited."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import cli
from db.engine import session_scope
from db.models import AuditEvent, Indicator, Measurement
from errors import Invalid
from indicators.sources.kolada_import import import_files, import_pages
from indicators.unit_of_work import UnitOfWork
from tests.sources.test_kolada import measurements, table_dump
from tests.utils.actors import ADMIN
from tests.utils.kolada import FIXTURES, fixture

pytestmark = pytest.mark.usefixtures("kolada_env")

TODAY = date(2026, 6, 1)  # 2027 has not started
RULE_BREAKS = "rule_breaks.json"


def test_batch_with_rule_breaks_is_refused_whole_with_every_row_named(engine):
    before = table_dump(engine)
    with pytest.raises(Invalid) as refused:
        import_pages(UnitOfWork(engine), ADMIN, [fixture(RULE_BREAKS)], today=TODAY)
    assert table_dump(engine) == before
    by_row = {p.label.split(" (")[0]: p for p in refused.value.problems}
    assert set(by_row) == {f"sida 1, rad {n}" for n in (2, 3, 4, 5, 6)}
    assert "utanför det giltiga intervallet 0–100" in by_row["sida 1, rad 2"].message
    assert by_row["sida 1, rad 2"].field == "värde"
    assert "2027" in by_row["sida 1, rad 3"].message and "framtiden" in by_row["sida 1, rad 3"].message
    assert "utanför programperioden 2018–2027" in by_row["sida 1, rad 4"].message
    assert "sida 1, rad 1" in by_row["sida 1, rad 5"].message and "4,1 och 4,5" in by_row["sida 1, rad 5"].message
    assert "kommun 0000" in by_row["sida 1, rad 6"].label  # comparison values follow the range too
    assert "inget har sparats" in refused.value.message and "hoppa över" in refused.value.message


def test_admin_may_skip_the_rows_explicitly_and_the_skip_is_audited(engine):
    report = import_pages(UnitOfWork(engine), ADMIN, [fixture(RULE_BREAKS)], today=TODAY, skip_invalid=True)
    assert (report.new, report.rule_skipped) == (1, 5) and "bröt mot reglerna" in report.summary()
    rows = measurements(engine, "ARB04")
    assert set(rows) == {("2023", "T")} and rows[("2023", "T")].value == 4.1
    with session_scope(engine) as session:
        skipped = session.execute(select(AuditEvent).where(AuditEvent.field == "överhoppade rader")).scalar_one()
    assert skipped.user_email == ADMIN.email and "sida 1, rad 2" in skipped.new and "sida 1, rad 6" in skipped.new


def test_a_year_that_is_not_a_measurement_year_is_refused(engine):
    with session_scope(engine, write=True) as session:
        indicator = session.execute(select(Indicator).where(Indicator.code == "ARB04")).scalar_one()
        indicator.report_every_years, indicator.report_anchor_year = 4, 2018
    page = fixture("n03926.json")  # 2022 and 2023: 2022 is a measurement year, 2023 is not
    with pytest.raises(Invalid, match="1 rader") as refused:
        import_pages(UnitOfWork(engine), ADMIN, [page], today=TODAY)
    assert [p.label for p in refused.value.problems] == ["sida 1, rad 2 (N03926 2023 Totalt, kommun 0583)"]
    assert "inget mätår" in refused.value.problems[0].message


def test_baseline_years_before_the_program_are_accepted(engine):
    page = {"values": [{"kpi": "N03926", "municipality": "0583", "period": 2016, "values": [
        {"gender": "T", "status": "", "value": 4.0}]}]}
    with session_scope(engine, write=True) as session:
        session.execute(select(Indicator).where(Indicator.code == "ARB04")).scalar_one().baseline_period = "2016"
    assert import_pages(UnitOfWork(engine), ADMIN, [page], today=TODAY).new == 1


def test_identical_repeated_rows_are_not_a_conflict(engine):
    page = fixture("n03926.json")
    page["values"].append(page["values"][1])
    report = import_pages(UnitOfWork(engine), ADMIN, [page], today=TODAY)
    assert (report.new, report.unchanged, report.rule_skipped) == (3, 1, 0)  # 2022, 2023, Riket 2022


def test_cli_refuses_with_every_row_and_skips_on_request(engine, capsys, monkeypatch):
    monkeypatch.setattr("indicators.sources.kolada_import.date", type("D", (date,), {"today": staticmethod(lambda: TODAY)}))
    args = ["kolada", "--from-file", str(FIXTURES / RULE_BREAKS)]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "Fel: Koladas svar har 5 rader" in err and all(f"sida 1, rad {n}" in err for n in (2, 3, 4, 5, 6))
    with session_scope(engine) as session:
        assert session.execute(select(Measurement.id)).all() == []
    assert cli.main(args + ["--skip-invalid"]) == 0
    assert "5 rader som bröt mot reglerna hoppades över" in capsys.readouterr().out


def test_files_name_their_rows_too(engine):
    with pytest.raises(Invalid, match="5 rader"):
        import_files(UnitOfWork(engine), ADMIN, [(RULE_BREAKS, (FIXTURES / RULE_BREAKS).read_bytes())])


def test_a_hundredth_of_last_years_percent_is_refused_with_the_question_and_a_jump_is_a_warning(engine):
    """The plausibility rule applies to Kolada too (Kolada cannot answer "Menade du …?": the
    row is refused, or explicitly skipped); a jump beyond the factor is reported as a warning."""
    page = fixture("n03926.json")
    page["values"][1]["values"][0]["value"] = 0.041  # 2023 against 3,9 in 2022: a hundredth
    before = table_dump(engine)
    with pytest.raises(Invalid, match="1 rader") as refused:
        import_pages(UnitOfWork(engine), ADMIN, [page], today=TODAY)
    [problem] = refused.value.problems
    assert problem.label == "sida 1, rad 2 (N03926 2023 Totalt, kommun 0583)" and problem.field == "värde"
    assert problem.message.startswith("ARB04: Menade du 4,1 %? '0,041' är ungefär en hundradel av värdet för "
                                      "föregående period 2022 (3,9 %). Rimlighetsregeln för procent")
    assert table_dump(engine) == before
    page["values"][1]["values"][0]["value"] = 8.0  # more than 1,5 times 3,9: a jump
    report = import_pages(UnitOfWork(engine), ADMIN, [page], today=TODAY)
    assert report.new == 3 and [str(w) for w in report.warnings] == [
        "sida 1, rad 2 (N03926 2023 Totalt, kommun 0583), värde: ARB04: '8' är mer än 1,5 gånger större eller mindre "
        "än värdet för 2022 (3,9) (språngregeln: gränsen är 1,5 gånger); kontrollera värdet i Kolada"]
    assert "språngregeln tillåter" in report.summary()
    assert measurements(engine, "ARB04")[("2023", "T")].value == 8.0
