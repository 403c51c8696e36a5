"""Reporting values: the sheet, all-or-nothing saving, plausibility, optimistic locking,
permissions per role and period locks (a locked year locks its quarters). The Rapportera page
is tested in tests/pages."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from db import crud
from db.engine import session_scope
from db.models import AuditEvent, Indicator, Organisation
from indicators.reporting import history
from indicators.reporting import locks
from indicators.reporting import outcomes
from indicators.reporting import sheets
from indicators.reporting import value_rules
from indicators.reporting import values
from indicators.reporting.entries import ValueEntry
from indicators.access.permissions import Actor, PermissionDenied
from tests.utils.actors import ADMIN, VIEWER, official
from tests.utils.demo import DEMO_TODAY
from tests.utils.measurements import dump, org_id, stored
from indicators.unit_of_work import UnitOfWork

T = DEMO_TODAY  # 2026-11-22: demo values exist up to 2026Q3, 2026H1 and 2025


def audit_count(engine, action: str | None = None) -> int:
    stmt = select(func.count()).select_from(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    with session_scope(engine) as session:
        return session.execute(stmt).scalar_one()


def entry(code="ARB05", period="2026Q4", value="12,5", gender="T", area="", comment="", expected=None, **extra):
    return {"indicator": code, "period": period, "gender": gender, "area": area, "value": value,
            "comment": comment, "expected_version": expected, **extra}


@pytest.fixture
def sn(demo_engine) -> Actor:
    return official(org_id(demo_engine, "SN"))


# --- the sheet ----------------------------------------------------------------------

def test_sheet_lists_own_indicators_missing_first(demo_engine, sn):
    sheet = sheets.reporting_sheet(UnitOfWork(demo_engine), sn, "2026Q4", today=T)
    codes = [it.code for it in sheet.items]
    assert set(codes) == {"ARB04", "ARB05", "ARB06", "BOS02", "BOS03", "BOS04", "BRO03", "DEM06", "DEM07"}
    missing = [it.missing > 0 for it in sheet.items]
    assert missing == sorted(missing, reverse=True) and missing[0]
    by_code = {it.code: it for it in sheet.items}
    assert by_code["ARB05"].period == "2026Q4" and by_code["ARB04"].period == "2025"
    assert [c.gender for c in by_code["ARB05"].cells] == ["T", "K", "M"]
    assert len(by_code["BOS04"].cells) == 9 and {c.gender for c in by_code["BOS04"].cells} == {"T"}
    total = by_code["ARB05"].cells[0]
    assert total.value is None and total.previous_value == stored(demo_engine, "ARB05", "2026Q3").value
    assert by_code["ARB04"].cells[0].version == 1 and by_code["ARB04"].range_text == "0–100"


def test_sheet_for_admin_and_viewer(demo_engine):
    assert len(sheets.reporting_sheet(UnitOfWork(demo_engine), ADMIN, "2026Q3", today=T).items) == 32
    assert sheets.reporting_sheet(UnitOfWork(demo_engine), VIEWER, "2026Q3", today=T).items == []


def test_sheet_for_a_past_quarter_shows_the_periods_due_then(demo_engine, sn):
    sheet = sheets.reporting_sheet(UnitOfWork(demo_engine), sn, "2024 kv 2", today=T)
    periods = {it.code: it.period for it in sheet.items}
    assert periods["ARB05"] == "2024Q2" and periods["ARB04"] == "2023"


# --- saving -------------------------------------------------------------------------

def test_new_value_is_created_with_audit_and_saving_again_changes_nothing(demo_engine, sn):
    previous = stored(demo_engine, "ARB05", "2026Q3").value
    text = values.plain_number(previous)
    result = values.save_values(UnitOfWork(demo_engine), sn, [entry(value=text, comment="Första")], today=T)
    assert result.ok and result.written and result.counts() == {"ny": 1, "ändrad": 0, "oförändrad": 0}
    row = stored(demo_engine, "ARB05", "2026Q4")
    assert row.value == previous and row.version == 1 and row.updated_by == sn.email and row.comment == "Första"
    with session_scope(demo_engine) as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.entity == "measurement",
                                                          AuditEvent.entity_id == str(row.id))).scalars().all()
    assert {(e.action, e.field) for e in events} == {("create", "value"), ("create", "comment"), ("create", "status")}
    before = audit_count(demo_engine)
    again = values.save_values(UnitOfWork(demo_engine), sn, [entry(value=text, comment="Första", expected=1)], today=T)
    assert again.ok and not again.written and again.counts()["oförändrad"] == 1
    assert audit_count(demo_engine) == before and stored(demo_engine, "ARB05", "2026Q4").version == 1


def test_update_bumps_version_and_audits_old_and_new(demo_engine, sn):
    row = stored(demo_engine, "ARB04", "2025")
    new = round(row.value + 0.5, 1)
    result = values.save_values(UnitOfWork(demo_engine), sn, [entry("ARB04", "2025", values.plain_number(new), expected=row.version,
                                           comment=row.comment, comment_review="behåll")], today=T)
    assert result.ok and result.counts()["ändrad"] == 1
    after = stored(demo_engine, "ARB04", "2025")
    assert after.value == new and after.version == row.version + 1
    events = history.history(UnitOfWork(demo_engine), "ARB04")
    latest = events[events["Fält"] == "värde"].iloc[0]
    assert (latest["Åtgärd"], latest["Före"], latest["Efter"]) == ("ändrad", values.plain_number(row.value), values.plain_number(new))
    # the entry gave no count basis: the old n described the old value and is cleared, audited
    count = events[events["Fält"] == "antal i underlaget"].iloc[0]
    assert (count["Före"], count["Efter"]) == (str(row.count_n), "") and after.count_n is None


def test_one_bad_row_means_nothing_is_written(demo_engine, sn):
    before, audits = dump(demo_engine), audit_count(demo_engine)
    result = values.save_values(UnitOfWork(demo_engine), sn, [entry(value="12,5", comment="Ny metod"), entry(gender="K", value="abc", label="Rad 7")], today=T)
    assert not result.ok and not result.written
    assert [str(e) for e in result.errors] == ["Rad 7, värde: 'abc' är inte ett tal"]
    assert dump(demo_engine) == before and audit_count(demo_engine) == audits


RULE_CASES = [
    ({"value": "150"}, "Rad 1, värde: '150' ligger utanför det giltiga intervallet 0–100"),
    ({"period": "2026"}, "Rad 1, period: 2026 är ett år, indikatorn rapporteras per kvartal"),
    ({"period": "2027Q1"}, "Rad 1, period: 2027 kv 1 ligger i framtiden"),
    ({"period": "2017Q4"}, "Rad 1, period: 2017 kv 4 ligger utanför programperioden 2018–2027"),
    ({"period": "2026Q9"}, "Rad 1, period: '2026Q9': kvartal måste vara 1–4"),
    ({"indicator": "XYZ99"}, "Rad 1, indikator: 'XYZ99' är ingen känd indikator"),
    ({"area": "Centrum"}, "Rad 1, område: ARB05 redovisas inte per område; lämna området tomt"),
    ({"area": "Atlantis"}, "Rad 1, område: 'Atlantis' är inget känt område"),
    ({"indicator": "ARB04", "period": "2025", "gender": "K", "expected": 1},
     "Rad 1, kön: ARB04 redovisas inte per kön; lämna kön tomt eller skriv T"),
    ({"status": "klar"}, "Rad 1, status: 'klar' är ingen status; använd preliminär eller slutlig"),
]


def test_each_rule_gives_a_swedish_error_naming_row_and_field(demo_engine, sn):
    entries = [entry(**changes, label=f"Rad {n}") for n, (changes, _) in enumerate(RULE_CASES, start=2)]
    result = values.save_values(UnitOfWork(demo_engine), sn, entries, today=T)
    expected = [message.replace("Rad 1", f"Rad {n}") for n, (_, message) in enumerate(RULE_CASES, start=2)]
    assert [str(e) for e in result.errors] == expected


def test_retired_indicator_takes_no_new_values_but_unchanged_rows_pass(demo_engine, sn):
    from sqlalchemy import update

    row = stored(demo_engine, "ARB04", "2025")
    with session_scope(demo_engine, write=True) as session:
        session.execute(update(Indicator).where(Indicator.code == "ARB04").values(active=False))
    assert "ARB04" not in [it.code for it in sheets.reporting_sheet(UnitOfWork(demo_engine), sn, "2026Q4", today=T).items]
    changed = values.save_values(UnitOfWork(demo_engine), sn, [entry("ARB04", "2025", values.plain_number(row.value + 0.1), expected=row.version)], today=T)
    assert [str(e) for e in changed.errors] == ["Rad 1, indikator: ARB04 är inte aktiv för 2025"]
    same = values.save_values(UnitOfWork(demo_engine), sn, [entry("ARB04", "2025", values.plain_number(row.value), comment=row.comment,
                                         expected=row.version)], today=T)
    assert same.ok and same.counts()["oförändrad"] == 1


def test_duplicate_rows_are_refused_naming_both(demo_engine, sn):
    result = values.save_values(UnitOfWork(demo_engine), sn, [entry(gender="K", label="Rad 2", comment="c"),
                                     entry(period="2026 kv 4", gender="kvinnor", label="Rad 5", comment="c")], today=T)
    assert [str(e) for e in result.errors] == ["Rad 5: samma indikator, period, kön och område som Rad 2"]


def test_values_only_in_measurement_years(demo_engine):
    result = values.save_values(UnitOfWork(demo_engine), ADMIN, [{"indicator": "DEM01", "period": "2025", "gender": "T", "area": "HELA",
                                         "value": "85", "expected_version": None}], today=DEMO_TODAY)
    assert result.errors and "inget mätår" in result.errors[0].message


def test_large_jump_needs_a_comment(demo_engine, sn):
    previous = stored(demo_engine, "ARB05", "2026Q3").value
    jump = values.plain_number(round(min(previous * 2, 99), 1))
    without = values.save_values(UnitOfWork(demo_engine), sn, [entry(value=jump)], today=T)
    assert [e.kind for e in without.errors] == [outcomes.JUMP]
    assert "skriv en kommentar" in str(without.errors[0]) and without.errors[0].field == "kommentar"
    with_comment = values.save_values(UnitOfWork(demo_engine), sn, [entry(value=jump, comment="Ny mätmetod")], today=T)
    assert with_comment.ok and [w.kind for w in with_comment.warnings] == [outcomes.JUMP]


@pytest.mark.parametrize("previous, value, jump", [
    (10, 14, False), (10, 16, True), (10, 6, True), (10, 7, False), (0, 0, False), (0, 1, True), (5, -5, True), (None, 99, False),
])
def test_jump_rule_is_a_ratio_either_way(previous, value, jump):
    assert value_rules.is_jump(previous, value, 1.5) is jump


def test_a_jump_needs_a_comment_written_with_the_new_value(demo_engine):
    """The old comment explains the old value: a big change needs its own explanation."""
    def save(value: str, comment, review=None):
        return values.save_values(UnitOfWork(demo_engine), ADMIN, [{"indicator": "BOS04", "period": "2026Q3", "gender": "T", "area": "HELA",
                                           "value": value, "comment": comment, "expected_version": outcomes.OVERWRITE,
                                           "comment_review": review}], today=DEMO_TODAY)

    assert save("900", "ordinarie uppföljning").ok
    refused = save("5000", None, "keep")  # keeps the stored comment
    assert [e.kind for e in refused.errors] == [outcomes.JUMP]
    accepted = save("5000", "nytt verksamhetssystem räknar alla hushåll")
    assert accepted.ok and [w.kind for w in accepted.warnings] == [outcomes.JUMP]


# --- optimistic locking -------------------------------------------------------------

def test_two_officials_save_the_same_value_exactly_one_wins(demo_engine):
    sn_id = org_id(demo_engine, "SN")
    anna = Actor("anna@test.invalid", "official", frozenset({sn_id}))
    bo = Actor("bo@test.invalid", "official", frozenset({sn_id}))
    seen = [sheets.reporting_sheet(UnitOfWork(demo_engine), a, "2026Q4", today=T) for a in (anna, bo)]
    version = {a.email: next(it for it in s.items if it.code == "ARB04").cells[0].version for a, s in zip((anna, bo), seen)}
    current = stored(demo_engine, "ARB04", "2025").value
    first = values.save_values(UnitOfWork(demo_engine), anna, [entry("ARB04", "2025", values.plain_number(current + 1), expected=version[anna.email])], today=T)
    second = values.save_values(UnitOfWork(demo_engine), bo, [entry("ARB04", "2025", values.plain_number(current + 2), expected=version[bo.email])], today=T)
    assert first.ok and not second.ok
    assert str(second.errors[0]) == (f"Rad 1, värde: Värdet har ändrats av anna@test.invalid till {values.plain_number(current + 1)} "
                                     f"sedan du läste det (ditt värde: {values.plain_number(current + 2)})")
    assert stored(demo_engine, "ARB04", "2025").value == current + 1


def test_concurrent_saves_in_threads_exactly_one_wins(demo_engine, sn):
    row = stored(demo_engine, "ARB04", "2025")
    version, candidates = row.version, [values.plain_number(round(row.value * f, 1)) for f in (1.1, 1.2)]
    barrier = threading.Barrier(2)
    results = []

    def save(value: str) -> None:
        barrier.wait()
        results.append(values.save_values(UnitOfWork(demo_engine), sn, [entry("ARB04", "2025", value, expected=version)], today=T))

    threads = [threading.Thread(target=save, args=(v,)) for v in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.ok for r in results) == [False, True]
    loser = next(r for r in results if not r.ok)
    assert loser.errors[0].kind == outcomes.CONFLICT and "sedan du läste det" in loser.errors[0].message
    assert stored(demo_engine, "ARB04", "2025").version == version + 1


def test_new_value_entered_by_someone_else_meanwhile(demo_engine, sn):
    assert values.save_values(UnitOfWork(demo_engine), sn, [entry(value="20", comment="ny mätmetod")], today=T).ok
    other = values.save_values(UnitOfWork(demo_engine), sn, [entry(value="25", comment="ny mätmetod")], today=T)
    assert other.errors[0].kind == outcomes.CONFLICT and "ändrats av official@test.invalid till 20" in other.errors[0].message
    same = values.save_values(UnitOfWork(demo_engine), sn, [entry(value="20,0", comment="ny mätmetod")], today=T)
    assert same.ok and same.counts()["oförändrad"] == 1


# --- permissions --------------------------------------------------------------------

@pytest.mark.parametrize("who, allowed", [("admin", True), ("own", True), ("other", False), ("viewer", False)])
def test_permission_matrix_for_saving(demo_engine, who, allowed):
    actor = {"admin": ADMIN, "own": official(org_id(demo_engine, "SN")), "other": official(org_id(demo_engine, "KS")),
             "viewer": VIEWER}[who]
    before, refusals = dump(demo_engine), audit_count(demo_engine, "refused")
    result = values.save_values(UnitOfWork(demo_engine), actor, [entry(value="12,5", comment="Test")], today=T)
    assert result.ok is allowed
    if allowed:
        assert stored(demo_engine, "ARB05", "2026Q4").value == 12.5
    else:
        assert result.errors[0].kind == outcomes.DENIED and "får inte rapportera värden" in str(result.errors[0])
        assert dump(demo_engine) == before and audit_count(demo_engine, "refused") == refusals + 1


# --- period locks -------------------------------------------------------------------

def test_period_lock_rules(demo_engine, sn):
    with pytest.raises(PermissionDenied):
        locks.lock_period(UnitOfWork.for_app(), sn, "2026Q4", "granskad")
    with pytest.raises(outcomes.ValuesError):
        locks.lock_period(UnitOfWork(demo_engine), ADMIN, "2026Q4", "")
    assert locks.lock_period(UnitOfWork(demo_engine), ADMIN, "2026 kv 4", "Granskad av processtödet") == "2026Q4"
    assert list(locks.locked_periods(UnitOfWork(demo_engine))["period"]) == ["2026Q4"]
    refused = values.save_values(UnitOfWork(demo_engine), sn, [entry(comment="x")], today=T)
    assert refused.errors[0].kind == outcomes.LOCKED and "perioden 2026 kv 4 är låst" in str(refused.errors[0])
    no_reason = values.save_values(UnitOfWork(demo_engine), ADMIN, [entry(comment="x")], today=T)
    assert no_reason.needs_lock_reason() and "ange ett skäl" in str(no_reason.errors[0])
    ok = values.save_values(UnitOfWork(demo_engine), ADMIN, [entry(comment="x")], today=T, lock_reason="Rättelse efter granskning")
    assert ok.ok
    events = history.history(UnitOfWork(demo_engine), "ARB05")
    assert set(events["Skäl"]) == {"Rättelse efter granskning"}
    assert locks.unlock_period(UnitOfWork(demo_engine), ADMIN, "2026Q4", "Öppnad igen") == "2026Q4"
    assert locks.locked_periods(UnitOfWork(demo_engine)).empty
    with pytest.raises(outcomes.ValuesError):
        locks.unlock_period(UnitOfWork(demo_engine), ADMIN, "2026Q4", "igen")


def test_locking_a_year_locks_its_quarters(demo_engine):
    with session_scope(demo_engine) as session:
        sn = crud.by_code(session, Organisation, "SN").id
    locks.lock_period(UnitOfWork(demo_engine), ADMIN, "2025", "årsuppföljningen är klar")
    result = values.save_values(UnitOfWork(demo_engine), official(sn), [{"indicator": "ARB05", "period": "2025Q2", "gender": "T", "area": "HELA",
                                                "value": "30", "comment": "rättelse", "expected_version": outcomes.OVERWRITE}], today=DEMO_TODAY)
    assert [e.kind for e in result.errors] == [outcomes.LOCKED]


def test_entries_for_item_skips_cells_left_empty(demo_engine, sn):
    sheet = sheets.reporting_sheet(UnitOfWork(demo_engine), sn, "2026Q4", today=T)
    item = next(it for it in sheet.items if it.code == "ARB05")
    entries = sheets.entries_for_item(item, {"K|HELA": {"value": "12,5", "comment": "", "status": "preliminär"}}, {})
    assert [(e.gender, e.value, e.expected_version) for e in entries] == [("K", "12,5", None)]
    assert entries[0].label == "ARB05 2026 kv 4 Kvinnor, Hela kommunen"


# --- a corrected value's comment is reviewed, not carried over silently ------------------

def _correct(engine, actor, comment=None, review=None, value_delta=0.5):
    row = stored(engine, "ARB04", "2025")
    result = values.save_values(UnitOfWork(engine), actor, [ValueEntry(
        "ARB04", "2025", values.plain_number(round(row.value + value_delta, 1)), comment=comment,
        expected_version=row.version, comment_review=review)], today=T)
    return row, result


@pytest.mark.parametrize("comment", [None, "same"])
def test_a_corrected_value_needs_a_choice_for_its_comment(demo_engine, sn, comment):
    before = stored(demo_engine, "ARB04", "2025")
    assert before.comment, "the demo value has an analysis comment"
    row, result = _correct(demo_engine, sn, comment=before.comment if comment == "same" else None)
    assert not result.ok and not result.written
    assert [(e.kind, e.field) for e in result.errors] == [(outcomes.REVIEW, "kommentar")]
    assert "välj om den tidigare kommentaren" in result.errors[0].message and before.comment in result.errors[0].message
    assert stored(demo_engine, "ARB04", "2025").version == row.version


@pytest.mark.parametrize("review, comment, expected", [
    ("keep", None, "old"), ("behåll", "ignored", "old"), ("remove", None, ""), ("ta bort", "x", ""),
    ("edit", "Rättat värde: ny körning", "Rättat värde: ny körning"), ("ändra", "", ""),
])
def test_the_choice_keeps_edits_or_removes_the_comment(demo_engine, sn, review, comment, expected):
    old = stored(demo_engine, "ARB04", "2025").comment
    _row, result = _correct(demo_engine, sn, comment=comment, review=review)
    assert result.ok, result.errors
    assert stored(demo_engine, "ARB04", "2025").comment == (old if expected == "old" else expected)


def test_a_new_comment_or_an_unchanged_value_needs_no_choice(demo_engine, sn):
    _row, written = _correct(demo_engine, sn, comment="Ny förklaring till det rättade värdet")
    assert written.ok and stored(demo_engine, "ARB04", "2025").comment == "Ny förklaring till det rättade värdet"
    _row, status_only = _correct(demo_engine, sn, value_delta=0, review=None)
    assert status_only.ok


def test_an_unknown_choice_is_refused(demo_engine, sn):
    _row, result = _correct(demo_engine, sn, review="kanske")
    assert [e.field for e in result.errors] == ["kommentar"] and "behåll, ändra eller ta bort" in result.errors[0].message


def test_the_choice_applies_only_when_the_value_changes(demo_engine, sn):
    old = stored(demo_engine, "ARB04", "2025").comment
    _row, result = _correct(demo_engine, sn, review="remove", value_delta=0)
    assert result.ok and stored(demo_engine, "ARB04", "2025").comment == old
