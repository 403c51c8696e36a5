"""Numbers on screens carry no float noise (0,1 + 0,2 shows as 0,3), while files keep every
digit (the export → import round trip is lossless)."""
from __future__ import annotations

from datetime import date

import pytest

from indicators.files import long_format
from indicators.reporting import outcomes, sheets, values
from indicators.rules.formatting import decimal_text, shown_number
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN

NOISY = 0.1 + 0.2  # 0.30000000000000004


@pytest.mark.parametrize("value,shown,exact", [
    (NOISY, "0,3", "0,30000000000000004"), (1e-11, "0,00000000001", "0,00000000001"),
    (12.34567890123, "12,34567890123", "12,34567890123"), (1.1 * 3, "3,3", "3,3000000000000003"),
    (-0.0, "0", "0"), (1234567.125, "1234567,125", "1234567,125"), (None, "", ""),
    (120.0, "120", "120"), (1e20, "100000000000000000000", "100000000000000000000"),  # no exponent either way
    (-2.5e-7, "-0,00000025", "-0,00000025"),
])
def test_shown_numbers_drop_float_noise_and_exact_ones_keep_every_digit(value, shown, exact):
    assert shown_number(value) == shown and decimal_text(value) == exact


def test_a_noisy_stored_value_shows_plainly_but_is_exported_in_full(engine):
    saved = values.save_values(UnitOfWork(engine), ADMIN, [{"indicator": "ARB05", "period": "2018Q1", "value": NOISY,
                                                           "expected_version": outcomes.OVERWRITE}], date(2026, 11, 23))
    assert saved.ok, saved.errors
    sheet = sheets.reporting_sheet(UnitOfWork(engine), ADMIN, "2018Q1", today=date(2026, 11, 23))
    cell = next(c for it in sheet.items if it.code == "ARB05" for c in it.cells if c.gender == "T" and c.is_total)
    assert cell.value_text == "0,3"  # what the Rapportera form shows
    resaved = values.save_values(UnitOfWork(engine), ADMIN, [{"indicator": "ARB05", "period": "2018Q1",
                                                             "value": cell.value_text, "expected_version": cell.version}],
                                 date(2026, 11, 23))
    assert resaved.counts()[outcomes.UNCHANGED] == 1  # saving the form untouched changes nothing
    [row] = [r for r in long_format.long_rows(UnitOfWork(engine)) if r["indikator"] == "ARB05"]
    assert row["värde"] == "0,30000000000000004"  # the export keeps full precision
    from indicators.reporting import history
    events = history.history(UnitOfWork(engine), "ARB05")
    assert list(events.loc[events["Fält"] == "värde", "Efter"]) == ["0,3"]  # Ändringshistorik, as shown
