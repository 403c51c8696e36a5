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
from indicators.unit_of_work import UnitOfWork

SEATS = [("KS", 2), ("BN", 1), ("SBN", 1), ("SN", 1), ("TSN", 1), ("VAN", 1)]


def new_indicator(**changes) -> IndicatorData:
    base = IndicatorData(code="NY01", name="Ny indikator", focus_area="skola", responsible="BN", program_goals=[1],
                         result_goals=["RM2"], unit="%", valid_min=0, valid_max=100, baseline_period="2019",
                         baseline_value=40.0, targets={2027: 50.0})
    return replace(base, **changes)


# --- indicators ----------------------------------------------------------------------

def test_create_indicator_and_validation_errors(engine):
    new_id = catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator(code=" ny01 "))
    data, version = catalogue_indicators.indicator_data(UnitOfWork(engine), new_id)
    assert (data.code, data.program_goals, data.result_goals, data.targets, version) == ("NY01", [1], ["RM2"], {2027: 50.0}, 1)
    assert audit_rows(engine, entity="indicator", entity_id=str(new_id), action="create")
    with pytest.raises(AdminError, match="redan"):
        catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator())
    with pytest.raises(AdminError, match="programmål: minst ett programmål krävs .varje åtgärd ska motiveras av ett eller flera av programmets mål"):
        catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator(code="NY02", program_goals=[]))
    with pytest.raises(AdminError, match="utgångsperiod: 2019 kv 1 är inte ett år"):
        catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator(code="NY02", baseline_period="2019 kv 1"))
    with pytest.raises(AdminError, match="målår 2031 ligger utanför programperioden 2018–2027"):
        catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator(code="NY02", targets={2031: 1.0}))
    with pytest.raises(AdminError, match="högsta värde är lägre"):
        catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator(code="NY02", valid_min=10, valid_max=5, baseline_value=7,
                                                    targets={}))
    with pytest.raises(AdminError, match="'XX' är ingen känd organisation"):
        catalogue_indicators.create_indicator(UnitOfWork(engine), ADMIN, new_indicator(code="NY02", responsible="XX"))
    with session_scope(engine) as session:
        assert crud.by_code(session, Indicator, "NY02") is None


def test_update_audits_each_field_and_reports_definition_changes(engine):
    ind_id = ids(engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(UnitOfWork(engine), ind_id)
    changed = replace(data, definition="Ny definition", unit="procent", targets={2023: 78.0, 2026: 79.5},
                      program_goals=[2, 3], by_area=True, baseline_period="2018")
    assert catalogue_indicators.update_indicator(UnitOfWork(engine), ADMIN, ind_id, changed, expected_version=version) == 6
    fields = {e.field: (e.old, e.new) for e in audit_rows(engine, entity="indicator", entity_id=str(ind_id), action="update")}
    assert fields["definition"][1] == "Ny definition"
    assert fields["target:2027"] == ("80.0", None) and fields["target:2026"] == (None, "79.5")
    assert fields["program_goals"] == ("2", "2,3")
    assert [f for _d, f in catalogue_indicators.definition_changes(UnitOfWork(engine), ind_id)] == ["definition", "unit"]
    assert all(isinstance(d, date) for d, _f in catalogue_indicators.definition_changes(UnitOfWork(engine), ind_id))
    again, new_version = catalogue_indicators.indicator_data(UnitOfWork(engine), ind_id)
    assert new_version == version + 1 and again.targets == {2023: 78.0, 2026: 79.5}
    assert catalogue_indicators.update_indicator(UnitOfWork(engine), ADMIN, ind_id, again, expected_version=new_version) == 0


def test_optimistic_lock_conflict_on_indicator_edit(engine):
    ind_id = ids(engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(UnitOfWork(engine), ind_id)
    catalogue_indicators.update_indicator(UnitOfWork(engine), ADMIN, ind_id, replace(data, name="Första"), expected_version=version)
    with pytest.raises(ConflictError, match="ändrats av någon annan"):
        catalogue_indicators.update_indicator(UnitOfWork(engine), ADMIN, ind_id, replace(data, name="Andra"), expected_version=version)
    assert catalogue_indicators.indicator_data(UnitOfWork(engine), ind_id)[0].name == "Första"


def test_retire_keeps_values_and_history_and_hides_from_reporting(demo_engine):
    ind_id = ids(demo_engine, Indicator, "ARB01")
    with session_scope(demo_engine) as session:
        values = session.execute(select(func.count()).where(Measurement.indicator_id == ind_id)).scalar_one()
    catalogue_indicators.retire_indicator(UnitOfWork(demo_engine), ADMIN, ind_id, reason="ersatt")
    assert "ARB01" not in {r["code"] for r in overview.overview(UnitOfWork(demo_engine))}
    with session_scope(demo_engine) as session:
        assert session.execute(select(func.count()).where(Measurement.indicator_id == ind_id)).scalar_one() == values > 0
    assert [(e.old, e.new, e.reason) for e in audit_rows(demo_engine, entity_id=str(ind_id), field="active")] == [("True", "False", "ersatt")]
    catalogue_indicators.reactivate_indicator(UnitOfWork(demo_engine), ADMIN, ind_id)
    assert "ARB01" in {r["code"] for r in overview.overview(UnitOfWork(demo_engine))}


def test_periodicity_cannot_change_once_values_exist(demo_engine):
    ind_id = ids(demo_engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(UnitOfWork(demo_engine), ind_id)
    with pytest.raises(AdminError, match="periodiciteten kan inte ändras"):
        catalogue_indicators.update_indicator(UnitOfWork(demo_engine), ADMIN, ind_id, replace(data, periodicity="quarter", baseline_period="2018Q4"), expected_version=version)


def test_delete_refused_when_used_allowed_when_unused(demo_engine):
    with pytest.raises(AdminError, match="används .* avveckla"):
        catalogue_indicators.delete_indicator(UnitOfWork(demo_engine), ADMIN, ids(demo_engine, Indicator, "ARB01"))
    with pytest.raises(AdminError, match="värden.*inaktivera det i stället"):
        structure.delete_area(UnitOfWork(demo_engine), ADMIN, ids(demo_engine, Area, "A01"))
    with pytest.raises(AdminError, match="inaktivera den i stället"):
        structure.delete_organisation(UnitOfWork(demo_engine), ADMIN, ids(demo_engine, Organisation, "SN"))
    with pytest.raises(AdminError, match="exakt ett totalområde"):
        structure.delete_area(UnitOfWork(demo_engine), ADMIN, ids(demo_engine, Area, "HELA"))
    unused = catalogue_indicators.create_indicator(UnitOfWork(demo_engine), ADMIN, new_indicator())
    catalogue_indicators.delete_indicator(UnitOfWork(demo_engine), ADMIN, unused)
    org = structure.create_organisation(UnitOfWork(demo_engine), ADMIN, code="ny", name="Ny nämnd", kind="nämnd")
    structure.delete_organisation(UnitOfWork(demo_engine), ADMIN, org)
    with session_scope(demo_engine) as session:
        assert crud.by_code(session, Indicator, "NY01") is None and crud.by_code(session, Organisation, "NY") is None
    assert {e.entity for e in audit_rows(demo_engine, action="delete")} == {"indicator", "organisation"}


# --- structure ------------------------------------------------------------------------

def test_result_goal_create_edit_retire(engine):
    goal = structure.create_result_goal(UnitOfWork(engine), ADMIN, code="rm8", name="Nytt mål", valid_from_year=2023)
    with pytest.raises(AdminError, match="före giltig från"):
        structure.edit_result_goal(UnitOfWork(engine), ADMIN, goal, name="Nytt mål", valid_from_year=2023, valid_to_year=2020)
    assert structure.edit_result_goal(UnitOfWork(engine), ADMIN, goal, name="Nytt mål", valid_from_year=2023, valid_to_year=2026) == 1
    goals = structure.reference_data(UnitOfWork(engine))["result_goals"].set_index("code")
    assert goals.loc["RM8", "valid_to_year"] == 2026
    with pytest.raises(AdminError, match="avsluta det med ett giltigt till-år"):
        structure.delete_result_goal(UnitOfWork(engine), ADMIN, ids(engine, ResultGoal, "RM1"))
    structure.delete_result_goal(UnitOfWork(engine), ADMIN, goal)


def test_program_goal_and_focus_area_edit_text_only(engine):
    goals = structure.reference_data(UnitOfWork(engine))["program_goals"]
    goal_id = int(goals.loc[goals["number"] == 1, "id"].iloc[0])
    assert structure.edit_program_goal(UnitOfWork(engine), ADMIN, goal_id, name="Ett gemensamt språk", description="Språket först.") == 1
    with pytest.raises(AdminError, match="tomt"):
        structure.edit_program_goal(UnitOfWork(engine), ADMIN, goal_id, name="  ")
    focus_id = int(structure.reference_data(UnitOfWork(engine))["focus_areas"]["id"].iloc[0])
    assert structure.edit_focus_area(UnitOfWork(engine), ADMIN, focus_id, name="Arbetsmarknad och etablering", short_name="Arbete") >= 2


def test_organisations_areas_and_comparison_units(engine):
    with pytest.raises(AdminError, match="finns redan"):
        structure.create_organisation(UnitOfWork(engine), ADMIN, code="sn", name="Dubblett", kind="nämnd")
    with pytest.raises(AdminError, match="Okänd typ"):
        structure.create_organisation(UnitOfWork(engine), ADMIN, code="X", name="X", kind="bolag")
    sn = ids(engine, Organisation, "SN")
    assert structure.edit_organisation(UnitOfWork(engine), ADMIN, sn, name="Socialnämnden", kind="nämnd", active=False) == 1
    area = structure.create_area(UnitOfWork(engine), ADMIN, code="a09", name="Nytt område", sort_order=9)
    structure.edit_area(UnitOfWork(engine), ADMIN, area, name="Nytt område", sort_order=9, active=False)
    with pytest.raises(AdminError, match="exakt ett totalområde"):
        structure.edit_area(UnitOfWork(engine), ADMIN, ids(engine, Area, "HELA"), name="Hela kommunen", active=False)
    unit = structure.create_comparison_unit(UnitOfWork(engine), ADMIN, code="0583", name="Jämförelsekommun")
    structure.edit_comparison_unit(UnitOfWork(engine), ADMIN, unit, name="Jämförelsekommun", active=False)
    ref = structure.reference_data(UnitOfWork(engine))
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
        actions.create_action(UnitOfWork(engine), ADMIN, action(program_goals=[]))
    with pytest.raises(AdminError, match="slutdatum ligger före startdatum"):
        actions.create_action(UnitOfWork(engine), ADMIN, action(end_date=date(2025, 1, 1)))
    with pytest.raises(AdminError, match="negativ"):
        actions.create_action(UnitOfWork(engine), ADMIN, action(cost_estimate="-5"))
    with pytest.raises(AdminError, match="kostnad: '1.234,5' är tvetydigt"):
        actions.create_action(UnitOfWork(engine), ADMIN, action(cost_estimate="1.234,5"))
    new_id = actions.create_action(UnitOfWork(engine), ADMIN, action())
    data, version = actions.action_data(UnitOfWork(engine), new_id)
    assert (data.cost_estimate, data.organisations, data.indicators, version) == (1_250_000, ["BN"], ["UTB01"], 1)


def test_official_edits_own_organisation_actions_only(engine):
    bn, sn = ids(engine, Organisation, "BN"), ids(engine, Organisation, "SN")
    clerk = official(bn)
    own = actions.create_action(UnitOfWork(engine), clerk, action())
    with pytest.raises(PermissionDenied):
        actions.create_action(UnitOfWork(engine), clerk, action(organisations=["SN"]))
    other = actions.create_action(UnitOfWork(engine), ADMIN, action(name="Socialt stöd", organisations=["SN"]))
    with pytest.raises(PermissionDenied):
        actions.update_action(UnitOfWork(engine), clerk, other, action(name="Kapat", organisations=["SN", "BN"]), expected_version=1)
    with pytest.raises(PermissionDenied):  # cannot hand an own action over to another organisation alone
        actions.update_action(UnitOfWork(engine), clerk, own, action(organisations=["SN"]), expected_version=1)
    assert actions.update_action(UnitOfWork(engine), clerk, own, action(status="pågående", organisations=["BN", "SN"]), expected_version=1) == 2
    with pytest.raises(ConflictError):
        actions.update_action(UnitOfWork(engine), ADMIN, own, action(status="pausad"), expected_version=1)
    assert actions.action_org_ids(UnitOfWork(engine), own) == sorted([bn, sn])
    assert len(audit_rows(engine, action="refused", entity="action")) == 3


def test_action_list_sorts_and_totals(demo_engine):
    by_cost = actions.action_list(UnitOfWork(demo_engine), "cost")
    costs = by_cost["cost_estimate"].dropna().tolist()
    assert costs == sorted(costs, reverse=True)
    by_priority = actions.action_list(UnitOfWork(demo_engine), "priority")
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
    first, warnings = meeting_records.create_meeting(UnitOfWork(demo_engine), ADMIN, meeting)
    assert warnings == []  # demo data has one ordinary meeting in 2026
    _second, warnings = meeting_records.create_meeting(UnitOfWork(demo_engine), ADMIN, replace(meeting, date=date(2026, 11, 1)))
    assert warnings and "3 ordinarie möten" in warnings[0]
    _extra, warnings = meeting_records.create_meeting(UnitOfWork(demo_engine), ADMIN, replace(meeting, kind="extra"))
    assert warnings == []
    data, version = meeting_records.meeting_data(UnitOfWork(demo_engine), first)
    data.attendees[0].present = False
    meeting_records.update_meeting(UnitOfWork(demo_engine), ADMIN, first, replace(data, decisions="Beslut."), expected_version=version)
    again, new_version = meeting_records.meeting_data(UnitOfWork(demo_engine), first)
    assert (again.decisions, again.attendees[0].present, new_version) == ("Beslut.", False, version + 1)
    with pytest.raises(ConflictError):
        meeting_records.update_meeting(UnitOfWork(demo_engine), ADMIN, first, data, expected_version=version)
    with pytest.raises(AdminError, match="mötestyp"):
        meeting_records.create_meeting(UnitOfWork(demo_engine), ADMIN, replace(meeting, kind="årsmöte"))


# --- permissions --------------------------------------------------------------------

def test_viewer_refused_everywhere_and_refusals_audited(engine):
    ind_id = ids(engine, Indicator, "ARB01")
    data, version = catalogue_indicators.indicator_data(UnitOfWork(engine), ind_id)
    attempts = [
        lambda: catalogue_indicators.create_indicator(UnitOfWork(engine), VIEWER, new_indicator()),
        lambda: catalogue_indicators.update_indicator(UnitOfWork(engine), VIEWER, ind_id, data, expected_version=version),
        lambda: catalogue_indicators.retire_indicator(UnitOfWork(engine), VIEWER, ind_id),
        lambda: catalogue_indicators.delete_indicator(UnitOfWork(engine), VIEWER, ind_id),
        lambda: structure.create_organisation(UnitOfWork(engine), VIEWER, code="X", name="X", kind="nämnd"),
        lambda: structure.create_area(UnitOfWork(engine), VIEWER, code="X", name="X"),
        lambda: structure.create_comparison_unit(UnitOfWork(engine), VIEWER, code="X", name="X"),
        lambda: structure.create_result_goal(UnitOfWork(engine), VIEWER, code="X", name="X", valid_from_year=2020),
        lambda: actions.create_action(UnitOfWork(engine), VIEWER, action()),
        lambda: meeting_records.create_meeting(UnitOfWork(engine), VIEWER, MeetingData(date=date(2026, 1, 1))),
        lambda: catalogue_io.import_catalogue_xlsx(UnitOfWork(engine), VIEWER, b""),
        lambda: catalogue_indicators.create_indicator(UnitOfWork(engine), official(1), new_indicator()),
    ]
    before = dump(engine)
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert len(audit_rows(engine, action="refused")) == len(attempts)
    assert dump(engine) == before

