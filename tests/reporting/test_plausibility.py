"""Plausibility that a comment alone cannot silence: for a percent indicator a value about 100
times, or a hundredth of, the previous one asks "Menade du 36,9 %?" and needs an explicit
choice; every rule message names the rule and its threshold."""
from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.reporting import file_import, outcomes, values
from indicators.unit_of_work import UnitOfWork
from tests.reporting.test_values import T, entry
from tests.utils.actors import official
from tests.utils.measurements import dump, org_id, stored
from tests.utils.workbooks import csv_file


def _sn(engine):
    return official(org_id(engine, "SN"))


def _hundredth(engine) -> tuple[str, str]:
    """ARB05 (a percent) 2026Q3 as stored, and a hundredth of it as typed by mistake."""
    previous = Decimal(repr(stored(engine, "ARB05", "2026Q3").value))
    return values.plain_number(float(previous)), values.plain_number(float(previous / 100))


def test_a_hundredth_of_the_previous_percent_asks_and_a_comment_does_not_silence_it(demo_engine):
    meant, typed = _hundredth(demo_engine)
    before = dump(demo_engine)
    result = values.save_values(UnitOfWork(demo_engine), _sn(demo_engine),
                                [entry(value=typed, comment="Det stämmer, vi har räknat om")], today=T)
    assert not result.ok and dump(demo_engine) == before
    [problem] = result.errors
    assert problem.kind == outcomes.SLIP and problem.field == "värde"
    assert str(problem).startswith(f"Rad 1, värde: Menade du {meant} %? '{typed}' är ungefär en hundradel av värdet "
                                   f"för föregående period 2026 kv 3 ({meant} %). Rimlighetsregeln för procent: ett "
                                   "värde 30–300 gånger större eller mindre än förra värdet ser ut som fel enhet")
    assert result.questions == {0: float(meant.replace(",", "."))}


def test_choosing_either_value_explicitly_saves_it(demo_engine):
    meant, typed = _hundredth(demo_engine)
    uow, sn = UnitOfWork(demo_engine), _sn(demo_engine)
    # "Spara 0,37 %": the typed value, explicitly; it is still a jump, so the comment explains it
    kept = values.save_values(uow, sn, [entry(value=typed, comment="Ny definition", confirmed=True)], today=T)
    assert kept.ok, kept.errors
    assert [w.kind for w in kept.warnings] == [outcomes.JUMP]
    assert "(språngregeln: gränsen är 1,5 gånger)" in str(kept.warnings[0])
    assert stored(demo_engine, "ARB05", "2026Q4").value == float(typed.replace(",", "."))
    # "Spara 37 %": the suggestion
    fixed = values.save_values(uow, sn, [entry(value=meant, comment="Rättat", expected=1)], today=T)
    assert fixed.ok and stored(demo_engine, "ARB05", "2026Q4").value == float(meant.replace(",", "."))


@pytest.mark.parametrize("unit,value,previous,meant", [
    ("%", 0.369, 37.2, 36.9), ("%", 3690, 37.2, 36.9), ("%", 12.5, 36.9, None), ("%", 0.369, 0, None),
    ("%", -0.5, 40, None), ("antal", 0.369, 37.2, None), ("kr", 36900, 369, None),
])
def test_only_percents_about_a_hundredfold_off_are_questioned(unit, value, previous, meant):
    from db.models import Indicator
    from indicators.reporting.value_checks import percent_slip
    assert percent_slip(Indicator(code="X", name="x", unit=unit), value, previous) == meant


def test_a_hundredfold_percent_beyond_the_valid_range_gets_the_range_rule(demo_engine):
    meant, _ = _hundredth(demo_engine)
    hundredfold = values.plain_number(float(Decimal(meant.replace(",", ".")) * 100))
    result = values.save_values(UnitOfWork(demo_engine), _sn(demo_engine), [entry(value=hundredfold)], today=T)
    # outside the valid range 0–100 first: the range rule answers, naming its interval
    assert [str(e) for e in result.errors] == [
        f"Rad 1, värde: '{hundredfold}' ligger utanför det giltiga intervallet 0–100"]


@pytest.mark.parametrize("header,line", [
    ("indikator;period;kön;område;värde;kommentar", "ARB05;2026Q4;T;;{typed};Förklarat"),
])
def test_the_file_import_refuses_the_row_with_the_question_unless_confirmed(demo_engine, header, line):
    meant, typed = _hundredth(demo_engine)
    uow, sn = UnitOfWork(demo_engine), _sn(demo_engine)
    data = csv_file(line.format(typed=typed), header=header)
    before = dump(demo_engine)
    prepared, _ = file_import.import_file(uow, sn, "a.csv", data, today=T)
    assert [e for e in prepared.errors if "Menade du" in e] == [prepared.errors[0]]
    assert prepared.errors[0].startswith(f"Rad 2, värde: Menade du {meant} %?")
    assert prepared.slip_rows == [2] and dump(demo_engine) == before
    confirmed, result = file_import.import_file(uow, sn, "a.csv", data, today=T, confirm_rows={2})
    assert confirmed.ok and result.ok, confirmed.errors
    assert stored(demo_engine, "ARB05", "2026Q4").value == float(typed.replace(",", "."))


def test_the_cli_confirms_named_rows_and_refuses_them_otherwise(demo_engine, tmp_path, capsys):
    import cli
    from indicators.access.users import create_user
    from tests.utils.actors import ADMIN

    meant, typed = _hundredth(demo_engine)
    create_user(UnitOfWork(demo_engine), ADMIN, "rapportor@exempel.invalid", "official", orgs=["SN"])
    path = tmp_path / "hundradel.csv"
    path.write_bytes(csv_file(f"ARB05;2026Q4;T;;{typed};Ny definition"))
    before = dump(demo_engine)
    assert cli.main(["import", str(path), "--user", "rapportor@exempel.invalid"]) == 1
    assert f"Rad 2, värde: Menade du {meant} %?" in capsys.readouterr().err and dump(demo_engine) == before
    assert cli.main(["import", str(path), "--user", "rapportor@exempel.invalid", "--confirm-rows", "5"]) == 1
    assert dump(demo_engine) == before  # another row confirmed: row 2 still asks
    with pytest.raises(SystemExit):
        cli.main(["import", str(path), "--user", "rapportor@exempel.invalid", "--confirm-rows", "två"])
    assert "'två' är inga radnummer" in capsys.readouterr().err
    assert cli.main(["import", str(path), "--user", "rapportor@exempel.invalid", "--confirm-rows", "2"]) == 0
    assert stored(demo_engine, "ARB05", "2026Q4").value == float(typed.replace(",", "."))
