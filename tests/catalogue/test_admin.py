"""Administration services: catalogue, structure, actions and meetings, with optimistic
locking, audit and permissions. The catalogue workbook (XLSX round trip, CLI) is tested in
test_workbook.py; the Administration and Insatser pages in tests/pages."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from db import crud
from db.engine import session_scope
from db.models import Area, Indicator, Measurement, Organisation, ResultGoal
from indicators.catalogue import actions
from indicators.catalogue import indicators as catalogue_indicators
from indicators.catalogue import structure
from indicators.meetings import records as meeting_records
from indicators.catalogue.actions import ActionData
from indicators.catalogue.editing import AdminError, ConflictError
from indicators.catalogue.indicators import IndicatorData
from indicators.meetings.records import MeetingData
from indicators.catalogue import workbook as catalogue_io
from indicators.views import overview
from indicators.access.permissions import PermissionDenied
from tests.utils.actors import ADMIN, VIEWER, official
from tests.utils.records import audit_rows, dump, ids

SEATS = [("KS", 2), ("BN", 1), ("SBN", 1), ("SN", 1), ("TSN", 1), ("VAN", 1)]


def new_indicator(**changes) -> IndicatorData:
    base = IndicatorData(code="NY01", name="Ny indikator", focus_area="skola", responsible="BN", program_goals=[1],
                         result_goals=["RM2"], unit="%", valid_min=0, valid_max=100, baseline_period="2019",
                         baseline_value=40.0, targets={2027: 50.0})
    return replace(base, **changes)


# --- indicators ----------------------------------------------------------------------

def test_create_indicator_and_validation_errors(engine):
    new_id = catalogue_indicators.create_indicator(ADMIN, new_indicator(code=" ny01 "), engine=engine)
    data, version = catalogue_indicators.indicator_data(new_id, engine)
    assert (data.code, data.program_goals, data.result_goals, data.targets, version) == ("NY01", [1], ["RM2"], {2027: 50.0}, 1)
    assert audit_rows(engine, entity="indicator", entity_id=str(new_id), action="create")
    with pytest.raises(AdminError, match="redan"):
        catalogue_indicators.create_indicator(ADMIN, new_indicator(), engine=engine)
    with pytest.raises(AdminError, match="programmål: minst ett programmål krävs .varje åtgärd ska motiveras av ett eller flera av programmets mål"):
        catalogue_indicators.create_indicator(ADMIN, new_indicator(code="NY02", program_goals=[]), engine=engine)
    with pytest.raises(AdminError, match="utgångsperiod: '2019Q1' är inte ett år"):
        catalogue_indicators.create_indicator(ADMIN, new_indicator(code="NY02", baseline_period="2019 kv 1"), engine=engine)
    with pytest.raises(AdminError, match="målår 2031 ligger utanför programperioden 2018–2027"):
        catalogue_indicators.create_indicator(ADMIN, new_indicator(code="NY02", targets={2031: 1.0}), engine=engine)
    with pytest.raises(AdminError, match="högsta värde är lägre"):
        catalogue_indicators.create_indicator(ADMIN, new_indicator(code="NY02", valid_min=10, valid_max=5, baseline_value=7,
                                                    targets={}), engine=engine)
    with pytest.raises(AdminError, match="'XX' är ingen känd organisation"):
        catalogue_indicators.create_indicator(ADMIN, new_indicator(code="NY02", responsible="XX"), engine=engine)
    with session_scope(engine) as session:
        assert crud.by_code(session, Indicator, "NY02") is None


def test_update_audits_each_field_and_reports_definition_changes(engine):
    ind_id = ids(engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(ind_id, engine)
    changed = replace(data, definition="Ny definition", unit="procent", targets={2023: 78.0, 2026: 79.5},
                      program_goals=[2, 3], by_area=True, baseline_period="2018")
    assert catalogue_indicators.update_indicator(ADMIN, ind_id, changed, expected_version=version, engine=engine) == 6
    fields = {e.field: (e.old, e.new) for e in audit_rows(engine, entity="indicator", entity_id=str(ind_id), action="update")}
    assert fields["definition"][1] == "Ny definition"
    assert fields["target:2027"] == ("80.0", None) and fields["target:2026"] == (None, "79.5")
    assert fields["program_goals"] == ("2", "2,3")
    assert [f for _d, f in catalogue_indicators.definition_changes(ind_id, engine)] == ["definition", "unit"]
    assert all(isinstance(d, date) for d, _f in catalogue_indicators.definition_changes(ind_id, engine))
    again, new_version = catalogue_indicators.indicator_data(ind_id, engine)
    assert new_version == version + 1 and again.targets == {2023: 78.0, 2026: 79.5}
    assert catalogue_indicators.update_indicator(ADMIN, ind_id, again, expected_version=new_version, engine=engine) == 0


def test_optimistic_lock_conflict_on_indicator_edit(engine):
    ind_id = ids(engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(ind_id, engine)
    catalogue_indicators.update_indicator(ADMIN, ind_id, replace(data, name="Första"), expected_version=version, engine=engine)
    with pytest.raises(ConflictError, match="ändrats av någon annan"):
        catalogue_indicators.update_indicator(ADMIN, ind_id, replace(data, name="Andra"), expected_version=version, engine=engine)
    assert catalogue_indicators.indicator_data(ind_id, engine)[0].name == "Första"


def test_retire_keeps_values_and_history_and_hides_from_reporting(demo_engine):
    ind_id = ids(demo_engine, Indicator, "ARB01")
    with session_scope(demo_engine) as session:
        values = session.execute(select(func.count()).where(Measurement.indicator_id == ind_id)).scalar_one()
    catalogue_indicators.retire_indicator(ADMIN, ind_id, reason="ersatt", engine=demo_engine)
    assert "ARB01" not in set(overview.overview(demo_engine)["code"])
    with session_scope(demo_engine) as session:
        assert session.execute(select(func.count()).where(Measurement.indicator_id == ind_id)).scalar_one() == values > 0
    assert [(e.old, e.new, e.reason) for e in audit_rows(demo_engine, entity_id=str(ind_id), field="active")] == [("True", "False", "ersatt")]
    catalogue_indicators.reactivate_indicator(ADMIN, ind_id, engine=demo_engine)
    assert "ARB01" in set(overview.overview(demo_engine)["code"])


def test_periodicity_cannot_change_once_values_exist(demo_engine):
    ind_id = ids(demo_engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(ind_id, demo_engine)
    with pytest.raises(AdminError, match="periodiciteten kan inte ändras"):
        catalogue_indicators.update_indicator(ADMIN, ind_id, replace(data, periodicity="quarter", baseline_period="2018Q4"),
                               expected_version=version, engine=demo_engine)


def test_delete_refused_when_used_allowed_when_unused(demo_engine):
    with pytest.raises(AdminError, match="används .* avveckla"):
        catalogue_indicators.delete_indicator(ADMIN, ids(demo_engine, Indicator, "ARB01"), engine=demo_engine)
    with pytest.raises(AdminError, match="värden.*inaktivera det i stället"):
        structure.delete_area(ADMIN, ids(demo_engine, Area, "A01"), engine=demo_engine)
    with pytest.raises(AdminError, match="inaktivera den i stället"):
        structure.delete_organisation(ADMIN, ids(demo_engine, Organisation, "SN"), engine=demo_engine)
    with pytest.raises(AdminError, match="exakt ett totalområde"):
        structure.delete_area(ADMIN, ids(demo_engine, Area, "HELA"), engine=demo_engine)
    unused = catalogue_indicators.create_indicator(ADMIN, new_indicator(), engine=demo_engine)
    catalogue_indicators.delete_indicator(ADMIN, unused, engine=demo_engine)
    org = structure.create_organisation(ADMIN, code="ny", name="Ny nämnd", kind="nämnd", engine=demo_engine)
    structure.delete_organisation(ADMIN, org, engine=demo_engine)
    with session_scope(demo_engine) as session:
        assert crud.by_code(session, Indicator, "NY01") is None and crud.by_code(session, Organisation, "NY") is None
    assert {e.entity for e in audit_rows(demo_engine, action="delete")} == {"indicator", "organisation"}


# --- structure ------------------------------------------------------------------------

def test_result_goal_create_edit_retire(engine):
    goal = structure.create_result_goal(ADMIN, code="rm8", name="Nytt mål", valid_from_year=2023, engine=engine)
    with pytest.raises(AdminError, match="före giltig från"):
        structure.edit_result_goal(ADMIN, goal, name="Nytt mål", valid_from_year=2023, valid_to_year=2020, engine=engine)
    assert structure.edit_result_goal(ADMIN, goal, name="Nytt mål", valid_from_year=2023, valid_to_year=2026, engine=engine) == 1
    goals = structure.reference_data(engine)["result_goals"].set_index("code")
    assert goals.loc["RM8", "valid_to_year"] == 2026
    with pytest.raises(AdminError, match="avsluta det med ett giltigt till-år"):
        structure.delete_result_goal(ADMIN, ids(engine, ResultGoal, "RM1"), engine=engine)
    structure.delete_result_goal(ADMIN, goal, engine=engine)


def test_program_goal_and_focus_area_edit_text_only(engine):
    goals = structure.reference_data(engine)["program_goals"]
    goal_id = int(goals.loc[goals["number"] == 1, "id"].iloc[0])
    assert structure.edit_program_goal(ADMIN, goal_id, name="Ett gemensamt språk", description="Språket först.", engine=engine) == 1
    with pytest.raises(AdminError, match="tomt"):
        structure.edit_program_goal(ADMIN, goal_id, name="  ", engine=engine)
    focus_id = int(structure.reference_data(engine)["focus_areas"]["id"].iloc[0])
    assert structure.edit_focus_area(ADMIN, focus_id, name="Arbetsmarknad och etablering", short_name="Arbete", engine=engine) >= 2


def test_organisations_areas_and_comparison_units(engine):
    with pytest.raises(AdminError, match="finns redan"):
        structure.create_organisation(ADMIN, code="sn", name="Dubblett", kind="nämnd", engine=engine)
    with pytest.raises(AdminError, match="Okänd typ"):
        structure.create_organisation(ADMIN, code="X", name="X", kind="bolag", engine=engine)
    sn = ids(engine, Organisation, "SN")
    assert structure.edit_organisation(ADMIN, sn, name="Socialnämnden", kind="nämnd", active=False, engine=engine) == 1
    area = structure.create_area(ADMIN, code="a09", name="Nytt område", sort_order=9, engine=engine)
    structure.edit_area(ADMIN, area, name="Nytt område", sort_order=9, active=False, engine=engine)
    with pytest.raises(AdminError, match="exakt ett totalområde"):
        structure.edit_area(ADMIN, ids(engine, Area, "HELA"), name="Hela kommunen", active=False, engine=engine)
    unit = structure.create_comparison_unit(ADMIN, code="0583", name="Jämförelsekommun", engine=engine)
    structure.edit_comparison_unit(ADMIN, unit, name="Jämförelsekommun", active=False, engine=engine)
    ref = structure.reference_data(engine)
    assert not ref["organisations"].set_index("code").loc["SN", "active"]
    assert ref["areas"]["is_total"].sum() == 1
    assert not ref["comparison_units"].set_index("code").loc["0583", "active"]


# --- actions ------------------------------------------------------------------------

def action(**changes) -> ActionData:
    base = ActionData(name="Läxhjälp", focus_area="skola", program_goals=[1], organisations=["BN"], status="planerad",
                      start_date=date(2026, 1, 1), end_date=date(2027, 6, 30), cost_estimate="1 250 000", priority=2,
                      indicators=["UTB01"])
    return replace(base, **changes)


def test_action_without_program_goal_refused_quoting_the_program(engine):
    with pytest.raises(AdminError, match="Varje åtgärd ska motiveras av ett eller flera av programmets mål"):
        actions.create_action(ADMIN, action(program_goals=[]), engine=engine)
    with pytest.raises(AdminError, match="slutdatum ligger före startdatum"):
        actions.create_action(ADMIN, action(end_date=date(2025, 1, 1)), engine=engine)
    with pytest.raises(AdminError, match="negativ"):
        actions.create_action(ADMIN, action(cost_estimate="-5"), engine=engine)
    with pytest.raises(AdminError, match="kostnad: '1.234,5' är tvetydigt"):
        actions.create_action(ADMIN, action(cost_estimate="1.234,5"), engine=engine)
    new_id = actions.create_action(ADMIN, action(), engine=engine)
    data, version = actions.action_data(new_id, engine)
    assert (data.cost_estimate, data.organisations, data.indicators, version) == (1_250_000, ["BN"], ["UTB01"], 1)


def test_official_edits_own_organisation_actions_only(engine):
    bn, sn = ids(engine, Organisation, "BN"), ids(engine, Organisation, "SN")
    clerk = official(bn)
    own = actions.create_action(clerk, action(), engine=engine)
    with pytest.raises(PermissionDenied):
        actions.create_action(clerk, action(organisations=["SN"]), engine=engine)
    other = actions.create_action(ADMIN, action(name="Socialt stöd", organisations=["SN"]), engine=engine)
    with pytest.raises(PermissionDenied):
        actions.update_action(clerk, other, action(name="Kapat", organisations=["SN", "BN"]), expected_version=1, engine=engine)
    with pytest.raises(PermissionDenied):  # cannot hand an own action over to another organisation alone
        actions.update_action(clerk, own, action(organisations=["SN"]), expected_version=1, engine=engine)
    assert actions.update_action(clerk, own, action(status="pågående", organisations=["BN", "SN"]), expected_version=1, engine=engine) == 2
    with pytest.raises(ConflictError):
        actions.update_action(ADMIN, own, action(status="pausad"), expected_version=1, engine=engine)
    assert actions.action_org_ids(own, engine) == sorted([bn, sn])
    assert len(audit_rows(engine, action="refused", entity="action")) == 3


def test_action_list_sorts_and_totals(demo_engine):
    by_cost = actions.action_list("cost", engine=demo_engine)
    costs = by_cost["cost_estimate"].dropna().tolist()
    assert costs == sorted(costs, reverse=True)
    by_priority = actions.action_list("priority", engine=demo_engine)
    assert by_priority["priority"].dropna().is_monotonic_increasing
    totals = actions.action_totals(by_priority)
    assert totals["focus_area"]["kostnad (kr)"].sum() == totals["total"] == int(by_priority["cost_estimate"].sum())
    assert totals["organisation"]["kostnad (kr)"].sum() >= totals["total"]  # shared actions count under each org
    assert set(totals["organisation"]["organisation"]) <= {"KS", "BN", "SBN", "SN", "TSN", "VAN"}


# --- meetings ----------------------------------------------------------------------

def test_meeting_warns_on_third_ordinary_meeting_of_a_year(demo_engine):
    meeting = MeetingData(date=date(2026, 10, 1), title="Höstmöte", attendees=meeting_records.default_attendees(SEATS),
                          distribution=meeting_records.default_distribution(SEATS), agenda="1. Uppföljning")
    assert len(meeting.attendees) == 7 and meeting.distribution[0] == "KS"
    first, warnings = meeting_records.create_meeting(ADMIN, meeting, engine=demo_engine)
    assert warnings == []  # demo data has one ordinary meeting in 2026
    _second, warnings = meeting_records.create_meeting(ADMIN, replace(meeting, date=date(2026, 11, 1)), engine=demo_engine)
    assert warnings and "3 ordinarie möten" in warnings[0]
    _extra, warnings = meeting_records.create_meeting(ADMIN, replace(meeting, kind="extra"), engine=demo_engine)
    assert warnings == []
    data, version = meeting_records.meeting_data(first, demo_engine)
    data.attendees[0].present = False
    meeting_records.update_meeting(ADMIN, first, replace(data, decisions="Beslut."), expected_version=version, engine=demo_engine)
    again, new_version = meeting_records.meeting_data(first, demo_engine)
    assert (again.decisions, again.attendees[0].present, new_version) == ("Beslut.", False, version + 1)
    with pytest.raises(ConflictError):
        meeting_records.update_meeting(ADMIN, first, data, expected_version=version, engine=demo_engine)
    with pytest.raises(AdminError, match="mötestyp"):
        meeting_records.create_meeting(ADMIN, replace(meeting, kind="årsmöte"), engine=demo_engine)


# --- permissions --------------------------------------------------------------------

def test_viewer_refused_everywhere_and_refusals_audited(engine):
    ind_id = ids(engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(ind_id, engine)
    attempts = [
        lambda: catalogue_indicators.create_indicator(VIEWER, new_indicator(), engine=engine),
        lambda: catalogue_indicators.update_indicator(VIEWER, ind_id, data, expected_version=version, engine=engine),
        lambda: catalogue_indicators.retire_indicator(VIEWER, ind_id, engine=engine),
        lambda: catalogue_indicators.delete_indicator(VIEWER, ind_id, engine=engine),
        lambda: structure.create_organisation(VIEWER, code="X", name="X", kind="nämnd", engine=engine),
        lambda: structure.create_area(VIEWER, code="X", name="X", engine=engine),
        lambda: structure.create_comparison_unit(VIEWER, code="X", name="X", engine=engine),
        lambda: structure.create_result_goal(VIEWER, code="X", name="X", valid_from_year=2020, engine=engine),
        lambda: actions.create_action(VIEWER, action(), engine=engine),
        lambda: meeting_records.create_meeting(VIEWER, MeetingData(date=date(2026, 1, 1)), engine=engine),
        lambda: catalogue_io.import_catalogue_xlsx(VIEWER, b"", engine),
        lambda: catalogue_indicators.create_indicator(official(1), new_indicator(), engine=engine),
    ]
    before = dump(engine)
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert len(audit_rows(engine, action="refused")) == len(attempts)
    assert dump(engine) == before

