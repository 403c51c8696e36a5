"""Free text in the catalogue, actions and meetings passes the same rule as a value's
comment (indicators/rules/text.py): invisible control characters are refused naming the
field, and text is stored in Unicode NFC — through the services and the catalogue file."""
from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, strategies as st
from sqlalchemy import select
from openpyxl import load_workbook

from db.engine import session_scope
from db.models import Action, FocusArea, Indicator, Meeting
from indicators.catalogue import actions, structure
from indicators.catalogue import indicators as catalogue_indicators
from indicators.catalogue import workbook as catalogue_io
from indicators.catalogue.editing import AdminError
from indicators.meetings import records as meeting_records
from indicators.meetings.records import MeetingData
from indicators.rules.text import control_character, normalised
from indicators.unit_of_work import UnitOfWork
from tests.catalogue.test_admin import action, new_indicator
from tests.catalogue.test_workbook import column, edited_workbook
from tests.utils.actors import ADMIN
from tests.utils.records import dump

DECOMPOSED = "Fo\u0308rskola i Ra\u030angen"  # as typed on a Mac: o + combining diaeresis
COMPOSED = "Förskola i Rången"


@given(st.text())
def test_the_rule_refuses_exactly_the_control_characters(text):
    wrong = control_character(text)
    assert (wrong is None) == all(unicodedata.category(c) != "Cc" for c in text)
    kept = control_character(text, allow_line_breaks=True)
    assert (kept is None) == all(unicodedata.category(c) != "Cc" or c in "\n\r" for c in text)
    assert normalised(text) == unicodedata.normalize("NFC", text).strip()


def test_an_indicator_name_with_a_control_character_is_refused_naming_the_field(engine):
    with pytest.raises(AdminError, match=r"namn: innehåller ett osynligt styrtecken \(U\+0007\)"):
        catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator(name="Ny\x07 indikator"))
    with pytest.raises(AdminError, match=r"definition: innehåller ett osynligt styrtecken \(NUL\)"):
        catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator(definition="Andel\x00"))


def test_catalogue_text_is_stored_in_nfc_and_paragraphs_are_kept(engine):
    new_id = catalogue_indicators.create_indicator(
        UnitOfWork(engine), ADMIN, new_indicator(name=DECOMPOSED, definition="Första stycket.\nAndra stycket."))
    with session_scope(engine) as session:
        stored = session.get(Indicator, new_id)
        assert (stored.name, stored.definition) == (COMPOSED, "Första stycket.\nAndra stycket.")


def test_structure_actions_and_meetings_refuse_control_characters_naming_the_field(engine):
    with session_scope(engine) as session:
        focus = session.execute(select(FocusArea).order_by(FocusArea.number)).scalars().first()
        focus_id, focus_name = focus.id, focus.name
    before = dump(engine)
    with pytest.raises(AdminError, match=r"Beskrivningen innehåller ett osynligt styrtecken \(U\+001B\)"):
        structure.edit_focus_area(UnitOfWork(engine), ADMIN, focus_id, name=focus_name, description="Text\x1b[31m")
    with pytest.raises(AdminError, match=r"Namnet innehåller ett osynligt styrtecken \(U\+0008\)"):
        actions.create_action(UnitOfWork(engine), ADMIN, replace(action(), name="Läxhjälp\x08"))
    with pytest.raises(AdminError, match=r"Anteckningarna innehåller ett osynligt styrtecken \(U\+000C\)"):
        meeting_records.create_meeting(UnitOfWork(engine), ADMIN,
                                       MeetingData(date=date(2026, 10, 1), title="Höstmöte", notes="Sida 1\x0cSida 2"))
    assert dump(engine) == before


def test_structure_actions_and_meetings_store_nfc(engine):
    with session_scope(engine) as session:
        focus_id = session.execute(select(FocusArea).order_by(FocusArea.number)).scalars().first().id
    structure.edit_focus_area(UnitOfWork(engine), ADMIN, focus_id, name=DECOMPOSED, description="Rad 1\nRad 2")
    action_id = actions.create_action(UnitOfWork(engine), ADMIN, replace(action(), name=DECOMPOSED))
    meeting_id, _ = meeting_records.create_meeting(UnitOfWork(engine), ADMIN,
                                                   MeetingData(date=date(2026, 10, 1), title=DECOMPOSED))
    with session_scope(engine) as session:
        assert session.get(FocusArea, focus_id).name == COMPOSED
        assert session.get(FocusArea, focus_id).description == "Rad 1\nRad 2"
        assert session.get(Action, action_id).name == COMPOSED
        assert session.get(Meeting, meeting_id).title == COMPOSED


def test_the_catalogue_file_names_row_and_field_and_writes_nothing(engine):
    def edit(sheet):  # a tab is the control character an XLSX cell can hold (XML forbids most others)
        sheet.cell(3, column("name")).value = "Andel\telever"
    before = dump(engine)
    data = edited_workbook(engine, edit)
    assert load_workbook(io.BytesIO(data))["Indikatorer"].cell(3, column("name")).value == "Andel\telever"
    report = catalogue_io.import_catalogue_xlsx(UnitOfWork(engine), ADMIN, data)
    assert not report.ok
    assert report.errors == ["Rad 3, namn: innehåller ett osynligt styrtecken (U+0009); ta bort det"]
    assert dump(engine) == before
