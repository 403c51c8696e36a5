"""The indicator setting "antal krävs för uppdelningar": stored on the indicator, editable in
the catalogue workbook (an older workbook without the column still imports), and a breakdown
value without a count basis n is refused by the value rules while the total passes."""
from __future__ import annotations

from dataclasses import replace

from db.models import Indicator
from indicators.catalogue import indicators as catalogue_indicators
from indicators.catalogue import workbook as catalogue_io
from indicators.reporting import values
from indicators.unit_of_work import UnitOfWork
from tests.catalogue.test_workbook import column, edited_workbook
from tests.reporting.test_values import T, entry
from tests.utils.actors import ADMIN, official
from tests.utils.measurements import org_id, stored
from tests.utils.records import ids


def _set(engine, code: str, on: bool) -> None:
    ind_id = ids(engine, Indicator, code)
    data, version = catalogue_indicators.indicator_data(UnitOfWork(engine), ind_id)
    catalogue_indicators.update_indicator(UnitOfWork(engine), ADMIN, ind_id, replace(data, breakdown_needs_count=on),
                                          expected_version=version)


def test_breakdown_without_count_is_refused_when_the_indicator_asks_for_it(demo_engine):
    sn = official(org_id(demo_engine, "SN"))
    _set(demo_engine, "ARB05", True)
    refused = values.save_values(UnitOfWork(demo_engine), sn, [entry(value="40"), entry(gender="K", value="12,5", comment="Ny mätmetod")], today=T)
    assert [str(e) for e in refused.errors] == [
        "Rad 2, antal: ARB05 kräver antal i underlaget (n) för värden per kön eller område, "
        "så att små tal kan skyddas vid publicering"]
    assert not refused.written and stored(demo_engine, "ARB05", "2026Q4", "K") is None
    _set(demo_engine, "ARB05", False)
    accepted = values.save_values(UnitOfWork(demo_engine), sn, [entry(value="40"), entry(gender="K", value="12,5", comment="Ny mätmetod")], today=T)
    assert accepted.ok and stored(demo_engine, "ARB05", "2026Q4", "K").value == 12.5


def test_setting_round_trips_through_the_catalogue_workbook(engine):
    label = catalogue_io.INDICATOR_LABELS["breakdown_needs_count"]
    assert label == "antal krävs för uppdelningar" and label in catalogue_io.HEADERS

    def switch_on(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "ARB05":
                row[column("breakdown_needs_count") - 1].value = "ja"
    report = catalogue_io.import_catalogue_xlsx(UnitOfWork(engine), ADMIN, edited_workbook(engine, switch_on))
    assert report.ok and len(report.updated) == 1
    data, _ = catalogue_indicators.indicator_data(UnitOfWork(engine), ids(engine, Indicator, "ARB05"))
    assert data.breakdown_needs_count is True

    old = catalogue_io.import_catalogue_xlsx(UnitOfWork(engine), ADMIN,
                                             edited_workbook(engine, lambda ws: ws.delete_cols(column("breakdown_needs_count"))))
    assert old.ok, old.errors  # a workbook from before the column: the default (off) is used


def test_reporting_sheet_shows_real_values_marked_protected(demo_engine):
    """UTB06 2025H2: the men's value in Landsbygd rests on too few (demo data); the official
    sees the real numbers, with the withheld ones marked, and the total is never marked."""
    from indicators.reporting import sheets

    sheet = sheets.reporting_sheet(UnitOfWork(demo_engine), ADMIN, "2025H2", today=T)
    item = next(it for it in sheet.items if it.code == "UTB06")
    marked = {(c.gender, c.area_name): c for c in item.cells if c.protected}
    assert ("M", "Landsbygd") in marked and marked[("M", "Landsbygd")].value is not None
    assert len(marked) >= 2  # complementary cells too: never one withheld cell alone in its group
    assert not any(c.gender == "T" and c.is_total for c in marked.values())
