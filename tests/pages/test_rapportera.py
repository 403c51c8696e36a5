"""AppTest: the Rapportera page saves a missing value, or shows a Swedish error and saves nothing."""
from __future__ import annotations

from datetime import date

import pytest

from indicators.reporting import sheets
from tests.utils.actors import ADMIN, official
from tests.utils.measurements import dump, org_id, stored
from indicators.unit_of_work import UnitOfWork


def _official_app(engine):
    from indicators.access.users import create_user
    from tests.utils.apptest import logged_in_app
    create_user(UnitOfWork(engine), ADMIN, "official@exempel.invalid", "official", orgs=["SN"], password="ett-langt-losenord")
    at = logged_in_app("official", frozenset({org_id(engine, "SN")}))
    at.run()
    at.switch_page("pages/rapportera.py").run()
    assert not at.exception
    at.selectbox(key="rapportera_period").set_value("2025Q3").run()
    assert not at.exception
    item = sheets.reporting_sheet(UnitOfWork(engine), official(org_id(engine, "SN")), "2025Q3", today=date.today()).items[0]
    return at, item


def test_rapportera_page_saves_a_missing_value(engine):
    at, item = _official_app(engine)
    cell = item.cells[0]
    at.text_input(key=f"rap|{item.code}|{item.period}|{cell.key}|v").input("12,5")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception
    assert any("Sparat" in s.value for s in at.success)
    assert stored(engine, item.code, item.period, cell.gender, cell.area_code).value == 12.5


def test_rapportera_page_reports_a_value_missing_with_its_reason(engine):
    at, item = _official_app(engine)
    cell = item.cells[0]
    at.text_input(key=f"rap|{item.code}|{item.period}|{cell.key}|c").input("Uppgiften finns inte för perioden")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception and not at.error
    row = stored(engine, item.code, item.period, cell.gender, cell.area_code)
    assert row.value is None and row.missing_reason == "Uppgiften finns inte för perioden"


def test_rapportera_page_shows_swedish_error_and_saves_nothing(engine):
    at, item = _official_app(engine)
    cell = item.cells[0]
    at.text_input(key=f"rap|{item.code}|{item.period}|{cell.key}|v").input("abc")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception
    assert any("Inget sparades" in e.value for e in at.error)
    assert any("värde: 'abc' är inte ett tal" in t.value for t in at.text)
    assert dump(engine) == []


def test_rapportera_marks_values_protected_at_publication(admin_app):
    """The reporter sees the real value of a withheld cell, marked "skyddas vid publicering"."""
    from tests.utils.apptest import all_text, open_page
    at = open_page(admin_app, "pages/rapportera.py")
    at.selectbox(key="rapportera_period").set_value("2025H2").run()
    at.selectbox(key="rapportera_indicator").set_value("UTB06").run()
    assert not at.exception
    text = all_text(at)
    assert "🔒 skyddas vid publicering" in text and "visas för dig men inte för andra" in text
    assert at.text_input(key="rap|UTB06|2025H2|M|A08|v").value != ""


def test_rapportera_page_offers_the_old_comment_for_review_when_a_value_is_corrected(demo_engine):
    """The form shows the stored comment with keep / edit / remove; a corrected value without a
    choice is refused with a Swedish message, and 'Ändra' stores the new comment."""
    at, _item = _official_app(demo_engine)
    at.selectbox(key="rapportera_period").set_value("2025").run()
    at.selectbox(key="rapportera_indicator").set_value("ARB04").run()
    sheet = sheets.reporting_sheet(UnitOfWork(demo_engine), official(org_id(demo_engine, "SN")), "2025", today=date.today())
    item = next(i for i in sheet.items if i.code == "ARB04")
    cell = next(c for c in item.cells if c.comment and c.value is not None)
    radio = at.radio(key=f"rap|{item.code}|{item.period}|{cell.key}|r")
    assert radio.value is None and f"Tidigare kommentar: {cell.comment}" in [t.value for t in at.text]
    at.text_input(key=f"rap|{item.code}|{item.period}|{cell.key}|v").input(f"{cell.value + 1:.1f}".replace(".", ","))
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception and any("Inget sparades" in e.value for e in at.error)
    assert any("välj om den tidigare kommentaren" in t.value for t in at.text)
    assert stored(demo_engine, item.code, item.period, cell.gender, cell.area_code).value == cell.value
    at.radio(key=f"rap|{item.code}|{item.period}|{cell.key}|r").set_value("edit")
    at.text_input(key=f"rap|{item.code}|{item.period}|{cell.key}|c").input("Rättat efter ny körning")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception and any("Sparat" in s.value for s in at.success)
    row = stored(demo_engine, item.code, item.period, cell.gender, cell.area_code)
    assert row.value == round(cell.value + 1, 1) and row.comment == "Rättat efter ny körning"


def test_rapportera_page_takes_the_count_basis_the_indicator_requires(engine):
    """"Antal i underlaget" next to each value: a breakdown value without it is refused when the
    indicator asks for it (Swedish message naming the cell and the field), and saved with it."""
    from dataclasses import replace

    from indicators.catalogue import indicators as catalogue_indicators
    from tests.utils.records import ids
    from db.models import Indicator

    at, _ = _official_app(engine)
    items = sheets.reporting_sheet(UnitOfWork(engine), official(org_id(engine, "SN")), "2025Q3", today=date.today()).items
    item = next(it for it in items if any(c.gender == "K" for c in it.cells))
    data, version = catalogue_indicators.indicator_data(UnitOfWork(engine), ids(engine, Indicator, item.code))
    catalogue_indicators.update_indicator(UnitOfWork(engine), ADMIN, ids(engine, Indicator, item.code),
                                          replace(data, breakdown_needs_count=True), expected_version=version)
    at.selectbox(key="rapportera_indicator").set_value(item.code).run()
    women = next(c for c in item.cells if c.gender == "K")
    key = f"rap|{item.code}|{item.period}|{women.key}"
    at.text_input(key=f"{key}|v").input("12,5")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception
    assert any(f"{item.code} {item.period_label} Kvinnor, {women.area_name}, antal: {item.code} kräver antal i underlaget"
               in t.value for t in at.text)
    assert dump(engine) == []
    at.text_input(key=f"{key}|n").input("42")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception and not at.error
    saved = stored(engine, item.code, item.period, "K", women.area_code)
    assert (saved.value, saved.count_n) == (12.5, 42)
    assert at.text_input(key=f"{key}|n").value == "42"  # shown again after saving


def _sn_app(demo_engine, code: str, period: str):
    from indicators.access.users import create_user
    from tests.utils.apptest import logged_in_app
    create_user(UnitOfWork(demo_engine), ADMIN, "official@exempel.invalid", "official", orgs=["SN"],
                password="ett-langt-losenord")
    at = logged_in_app("official", frozenset({org_id(demo_engine, "SN")}))
    at.run()
    at.switch_page("pages/rapportera.py").run()
    at.selectbox(key="rapportera_period").set_value(period).run()
    at.selectbox(key="rapportera_indicator").set_value(code).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("choice", [0, 1])
def test_rapportera_asks_menade_du_and_saves_the_explicit_choice(demo_engine, choice):
    """ARB05 is a percent: a hundredth of the previous value asks "Menade du …?"; a comment does
    not answer it, only the choice "Spara 36,9 %" / "Spara 0,369 %" does."""
    from decimal import Decimal

    from indicators.reporting import values
    previous = Decimal(repr(stored(demo_engine, "ARB05", "2026Q2").value))
    meant, typed = values.plain_number(float(previous)), values.plain_number(float(previous / 100))
    at = _sn_app(demo_engine, "ARB05", "2026Q3")
    at.text_input(key="rap|ARB05|2026Q3|T|HELA|v").set_value(typed)
    at.text_input(key="rap|ARB05|2026Q3|T|HELA|c").set_value("Omräknat enligt ny definition")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception
    assert any(f"värde: Menade du {meant} %?" in t.value for t in at.text)
    before = stored(demo_engine, "ARB05", "2026Q3").value
    assert at.button(key="rapportera_slip_save").disabled  # no choice yet
    [radio] = [r for r in at.radio if r.key.startswith("rapportera_slip|")]  # not the comment choices
    assert radio.options == [f"Spara {meant} %", f"Spara {typed} %"]
    radio.set_value(radio.options[choice]).run()
    at.button(key="rapportera_slip_save").click().run()
    assert not at.exception and not at.error
    assert any("Sparat för ARB05" in s.value for s in at.success)
    after = stored(demo_engine, "ARB05", "2026Q3")
    assert after.value != before and values.plain_number(after.value) == (meant, typed)[choice]
    assert at.text_input(key="rap|ARB05|2026Q3|T|HELA|v").value == values.plain_number(after.value)
