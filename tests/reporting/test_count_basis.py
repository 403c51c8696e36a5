"""The count basis n ("antal i underlaget"): entered in Rapportera and in the antal column of
the long format, validated in the one pipeline as a whole number 0 or larger, stored with the
value, cleared when a value is corrected without a new n, required for breakdowns when the
indicator asks for it, and used by the disclosure rule end to end."""
from __future__ import annotations

import pytest

from indicators.files import long_format
from indicators.reporting import file_import, values
from indicators.unit_of_work import UnitOfWork
from indicators.views import indicator_detail
from tests.reporting.test_count_required import _set
from tests.reporting.test_values import T, entry
from tests.utils.actors import official
from tests.utils.measurements import dump, org_id, stored
from tests.utils.workbooks import csv_file

WITH_COUNT = "indikator;period;kön;område;värde;antal;kommentar"


def _sn(engine):
    return official(org_id(engine, "SN"))


def _previous(engine, gender: str) -> str:
    """ARB05's stored 2026Q3 value for the gender: saving it for 2026Q4 breaks no jump rule."""
    return values.plain_number(stored(engine, "ARB05", "2026Q3", gender).value)


@pytest.mark.parametrize("typed", ["2,5", "-1", "tre", "12 %", "1e3"])
def test_a_count_that_is_no_whole_number_is_refused_naming_row_and_field(demo_engine, typed):
    before = dump(demo_engine)
    result = values.save_values(UnitOfWork(demo_engine), _sn(demo_engine),
                                [entry(value=_previous(demo_engine, "T"), count_n=typed)], today=T)
    assert [str(e) for e in result.errors] == [
        f"Rad 1, antal: '{typed}' är inget antal; skriv ett heltal 0 eller större (antal personer i underlaget)"]
    assert dump(demo_engine) == before


def test_count_is_stored_and_a_correction_without_count_clears_it_with_a_warning(demo_engine):
    uow, sn = UnitOfWork(demo_engine), _sn(demo_engine)
    women = _previous(demo_engine, "K")
    saved = values.save_values(uow, sn, [entry(gender="K", value=women, count_n="1 234")], today=T)
    assert saved.ok and not saved.warnings and stored(demo_engine, "ARB05", "2026Q4", "K").count_n == 1234
    # a comment-only change without saying n (a file without the antal column) keeps it
    commented = values.save_values(uow, sn, [entry(gender="K", value=women, comment="Kontrollerat", expected=1)],
                                   today=T)
    assert commented.ok and not commented.warnings
    assert stored(demo_engine, "ARB05", "2026Q4", "K").count_n == 1234
    # a corrected value without n: the old n described the old value, so it goes, and the user is told
    corrected = values.plain_number(stored(demo_engine, "ARB05", "2026Q3", "K").value + 0.1)
    fixed = values.save_values(uow, sn, [entry(gender="K", value=corrected, comment="Kontrollerat", expected=2,
                                               comment_review="keep")], today=T)
    assert fixed.ok and [str(w) for w in fixed.warnings] == [
        f"Rad 1, antal: antal i underlaget (n = 1234) togs bort: det gällde det tidigare värdet {women}; "
        "ange antal för det nya värdet"]
    assert stored(demo_engine, "ARB05", "2026Q4", "K").count_n is None
    # n given again with the same value: only n changes; an empty field (Rapportera) clears it without a warning
    again = values.save_values(uow, sn, [entry(gender="K", value=corrected, comment="Kontrollerat", expected=3,
                                               count_n=57)], today=T)
    assert again.ok and again.counts()["ändrad"] == 1 and stored(demo_engine, "ARB05", "2026Q4", "K").count_n == 57
    cleared = values.save_values(uow, sn, [entry(gender="K", value=corrected, comment="Kontrollerat", expected=4,
                                                 count_n="")], today=T)
    assert cleared.ok and not cleared.warnings and stored(demo_engine, "ARB05", "2026Q4", "K").count_n is None


def test_the_file_import_reads_antal_and_satisfies_the_breakdown_setting(demo_engine):
    uow, sn = UnitOfWork(demo_engine), _sn(demo_engine)
    _set(demo_engine, "ARB05", True)
    total, women = _previous(demo_engine, "T"), _previous(demo_engine, "K")
    before = dump(demo_engine)
    without, _ = file_import.import_file(uow, sn, "a.csv", csv_file(f"ARB05;2026Q4;T;;{total};",
                                                                    f"ARB05;2026Q4;K;;{women};"), today=T)
    assert without.errors == ["Rad 3, antal: ARB05 kräver antal i underlaget (n) för värden per kön eller område, "
                              "så att små tal kan skyddas vid publicering"]
    wrong, _ = file_import.import_file(uow, sn, "a.csv", csv_file(f"ARB05;2026Q4;K;;{women};3,5;",
                                                                  header=WITH_COUNT), today=T)
    assert wrong.errors == ["Rad 2, antal: '3,5' är inget antal; skriv ett heltal 0 eller större "
                            "(antal personer i underlaget)"]
    assert dump(demo_engine) == before
    prepared, result = file_import.import_file(uow, sn, "a.csv", csv_file(
        f"ARB05;2026Q4;T;;{total};;", f"ARB05;2026Q4;K;;{women};37;", header=WITH_COUNT), today=T)
    assert prepared.ok and result.ok, prepared.errors
    assert list(prepared.table()["Antal i filen"]) == ["", "37"]
    assert stored(demo_engine, "ARB05", "2026Q4", "K").count_n == 37
    assert stored(demo_engine, "ARB05", "2026Q4", "T").count_n is None


def test_rapportera_satisfies_the_breakdown_setting(demo_engine):
    uow, sn = UnitOfWork(demo_engine), _sn(demo_engine)
    _set(demo_engine, "ARB05", True)
    from indicators.reporting import sheets
    item = next(it for it in sheets.reporting_sheet(uow, sn, "2026Q4", today=T).items if it.code == "ARB05")
    inputs = {c.key: {"value": _previous(demo_engine, c.gender), "count": "", "comment": "", "status": c.status}
              for c in item.cells}
    seen = {c.key: c.version for c in item.cells}
    before = dump(demo_engine)
    refused = values.save_values(uow, sn, sheets.entries_for_item(item, inputs, seen), today=T)
    assert sorted((e.label, e.field) for e in refused.errors) == [
        ("ARB05 2026 kv 4 Kvinnor, Hela kommunen", "antal"), ("ARB05 2026 kv 4 Män, Hela kommunen", "antal")]
    assert dump(demo_engine) == before
    inputs["K|HELA"]["count"], inputs["M|HELA"]["count"] = "120", "118"
    saved = values.save_values(uow, sn, sheets.entries_for_item(item, inputs, seen), today=T)
    assert saved.ok, saved.errors
    assert [stored(demo_engine, "ARB05", "2026Q4", g).count_n for g in "TKM"] == [None, 120, 118]


def test_a_small_count_entered_by_an_official_is_withheld_from_viewers(demo_engine):
    """Women's value with n = 3 → the export and Indikatorer's table hide it (and the men's
    value with it, or the women's could be worked out); the total stays."""
    uow, sn = UnitOfWork(demo_engine), _sn(demo_engine)
    saved = values.save_values(uow, sn, [
        entry(gender="T", value=_previous(demo_engine, "T"), count_n=250),
        entry(gender="K", value=_previous(demo_engine, "K"), count_n=3),
        entry(gender="M", value=_previous(demo_engine, "M"), count_n=247)], today=T)
    assert saved.ok, saved.errors
    exported = {r["kön"]: r for r in long_format.long_rows(uow) if r["indikator"] == "ARB05" and r["period"] == "2026Q4"}
    assert exported["K"]["värde"] == "" and exported["K"]["antal"] == ""
    assert exported["M"]["värde"] == ""  # complementary: T and M would give K
    assert exported["T"]["värde"] == _previous(demo_engine, "T") and exported["T"]["antal"] == "250"
    detail = indicator_detail.indicator_detail(uow, "ARB05")
    table = indicator_detail.values_table(detail["indicator"], detail["values"])
    q4 = table[table["Period"] == "2026 kv 4"]
    assert q4["Dold"].sum() == 2 and not q4.loc[~q4["Dold"]].empty
