"""Text fields (control characters refused with the field named, NFC, length with the row)
and the lossless export → import round trip (full precision, the neutralising apostrophe
removed exactly), the latter proved with hypothesis on both backends."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from indicators.files import long_format
from indicators.files.safety import neutralise, restore
from indicators.files.xlsx import to_xlsx_bytes
from indicators.reporting import file_import, outcomes, values
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN
from tests.utils.measurements import dump, stored
from tests.utils.workbooks import csv_file

TODAY = date(2026, 11, 23)
KEY = {"indicator": "ARB05", "period": "2018Q1", "gender": "T", "area": ""}  # no previous value: no jump rule


@pytest.mark.parametrize("field,text,named", [
    ("comment", "bra\x00dåligt", "kommentar: innehåller ett osynligt styrtecken (NUL)"),
    ("comment", "tab\there", "kommentar: innehåller ett osynligt styrtecken (U+0009)"),
    ("area", "Centrum\x07", "område: innehåller ett osynligt styrtecken (U+0007)"),
    ("value", "12\x1b", "värde: innehåller ett osynligt styrtecken (U+001B)"),
])
def test_control_characters_are_refused_with_the_field_named(engine, field, text, named):
    before = dump(engine)
    result = values.save_values(UnitOfWork(engine), ADMIN, [{**KEY, "value": "12", field: text}], TODAY)
    assert [str(e) for e in result.errors] == [f"Rad 1, {named}; ta bort det"]
    assert dump(engine) == before


def test_line_breaks_in_comments_are_kept_and_text_is_normalised_to_nfc(engine):
    decomposed = "Ma\u0308lo\u0308n\r\nrad två"  # "Mälön" typed with combining marks
    result = values.save_values(UnitOfWork(engine), ADMIN, [{**KEY, "value": "12", "comment": decomposed}], TODAY)
    assert result.ok, result.errors
    assert stored(engine, "ARB05", "2018Q1").comment == unicodedata.normalize("NFC", decomposed)


def test_a_long_comment_in_a_file_is_refused_in_swedish_with_its_row(engine):
    prepared, _ = file_import.import_file(UnitOfWork(engine), ADMIN, "a.csv",
                                          csv_file("ARB05;2018Q1;T;;12;ok", "ARB05;2018Q1;K;;12;" + "x" * 200_000),
                                          today=TODAY)
    assert prepared.read.errors == ["Rad 3: ett fält är längre än 131\u00a0072 tecken."]
    prepared, _ = file_import.import_file(UnitOfWork(engine), ADMIN, "a.csv",
                                          csv_file("ARB05;2018Q1;T;;12;" + "x" * (outcomes.MAX_COMMENT + 1)),
                                          today=TODAY)
    assert "Rad 2, kommentar: kommentaren är för lång (högst 2000 tecken)" in prepared.errors


@given(st.text())
def test_restore_is_the_exact_inverse_of_neutralise(text):
    assert restore(neutralise(text)) == text


COMMENTS = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n=+-@'"), max_size=40).map(
    lambda t: unicodedata.normalize("NFC", t).strip()).filter(lambda t: unicodedata.normalize("NFC", t) == t)
VALUES = st.one_of(st.floats(min_value=0, max_value=100, allow_nan=False),
                   st.sampled_from([0.00000000001, 12.34567890123, 99.99999999999, 36.9]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES, comment=COMMENTS, count=st.none() | st.integers(min_value=0, max_value=10**8))
def test_export_then_import_of_an_unchanged_database_is_all_unchanged(engine, value, comment, count):
    typed = {**KEY, "value": value, "comment": comment, "count_n": "" if count is None else count}
    saved = values.save_values(UnitOfWork(engine), ADMIN, [{**typed, "expected_version": outcomes.OVERWRITE}], TODAY)
    assert saved.ok, saved.errors
    rows = long_format.long_rows(UnitOfWork(engine))
    before = dump(engine)
    assert rows[0]["antal"] == ("" if count is None else str(count))  # the export writes n
    columns = long_format.FILE_COLUMNS
    for name, data in (("export.csv", long_format.to_csv_bytes(rows, columns)),
                       ("export.xlsx", to_xlsx_bytes(rows, columns))):
        prepared, result = file_import.import_file(UnitOfWork(engine), ADMIN, name, data, today=TODAY)
        assert prepared.ok and result.ok, (name, prepared.errors)
        assert result.counts() == {"ny": 0, "ändrad": 0, "oförändrad": 1}, (name, value, comment)
    assert dump(engine) == before and stored(engine, "ARB05", "2018Q1").count_n == count
