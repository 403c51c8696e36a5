"""The parsers behind entry form, import and CLI: never raise, and read back what the
app itself writes (Swedish formatting and the export's plain numbers)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.files.long_format import plain_number
from indicators.rules.formatting import format_number
from indicators.rules.parsing import parse_gender, parse_number
from indicators.rules.periods import parse_period

PROPERTY = settings(max_examples=300, deadline=None)

NUMBERISH = st.text(alphabet="0123456789 ,.-+%e\u00a0\u2009\u202f\u2212", max_size=20)


@PROPERTY
@given(st.one_of(st.text(), NUMBERISH, st.none(), st.integers(), st.floats(), st.booleans()))
def test_parse_number_never_raises(text):
    result = parse_number(text)
    assert result.ok in (True, False)
    if result.ok:
        assert math.isfinite(result.value)
    else:
        assert result.error


@PROPERTY
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats()))
def test_parse_period_never_raises(text):
    result = parse_period(text)
    if result.ok:
        assert parse_period(result.value.code).value == result.value
    else:
        assert result.error


@PROPERTY
@given(st.one_of(st.text(), st.none()))
def test_parse_gender_never_raises(text):
    result = parse_gender(text)
    assert (result.value in ("T", "K", "M")) if result.ok else bool(result.error)


@PROPERTY
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=4),
       st.sampled_from(["", "%", "antal"]))
def test_format_number_parses_back_within_decimals(value, decimals, unit):
    text = format_number(value, decimals, unit)
    parsed = parse_number(text)
    assert parsed.ok, text
    assert abs(parsed.value - value) <= 0.5 * 10 ** -decimals + 1e-9 * max(1.0, abs(value))


@PROPERTY
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_plain_number_parses_back(value):
    parsed = parse_number(plain_number(value))
    assert parsed.ok
    assert abs(parsed.value - value) <= 1e-9 * max(1.0, abs(value))


@pytest.mark.parametrize("text, expected", [
    ("12,5", 12.5), ("12.5", 12.5), ("1 234,5", 1234.5), ("1\u2009234,5", 1234.5), ("1\u00a0234,5", 1234.5),
    ("1\u202f234,5", 1234.5), ("1234,5", 1234.5), ("12,5 %", 12.5), ("12,5%", 12.5), ("-3", -3.0),
    ("\u22123", -3.0), (" 7 ", 7.0), (12.5, 12.5), (3, 3.0),
])
def test_numbers_accepted(text, expected):
    result = parse_number(text)
    assert result.ok and result.value == expected


@pytest.mark.parametrize("text", ["1.234,5", "12,5,3", "abc", "1e400", "NaN", "", "12 5", "inf", "1,234.5"])
def test_numbers_refused_with_swedish_message_naming_the_text(text):
    result = parse_number(text)
    assert not result.ok
    if text:
        assert f"'{text}'" in result.error
    else:
        assert result.error == "värdet saknas"


@pytest.mark.parametrize("text, code", [
    ("2024", "2024"), ("2024H1", "2024H1"), ("2024Q3", "2024Q3"), ("2024 kv 3", "2024Q3"),
    ("kv3 2024", "2024Q3"), ("2024 halvår 1", "2024H1"), ("2024-Q3", "2024Q3"), (2024, "2024"), (2024.0, "2024"),
])
def test_period_forms(text, code):
    result = parse_period(text)
    assert result.ok and result.value.code == code


@pytest.mark.parametrize("text", ["2024Q5", "2024H3", "abc", "", "24", "2024 kv"])
def test_periods_refused(text):
    assert not parse_period(text).ok


@pytest.mark.parametrize("text, gender", [("", "T"), ("T", "T"), ("kvinnor", "K"), ("Män", "M"), ("m", "M")])
def test_genders(text, gender):
    assert parse_gender(text).value == gender


def test_unknown_gender_refused():
    result = parse_gender("x")
    assert not result.ok and "'x'" in result.error
