"""Analys och bedömning per focus area and period: who may write it, every version kept and
audited, a stale edit is a conflict naming both texts, text rules as for comments."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from db import crud
from db.engine import session_scope
from db.models import AuditEvent, FocusArea, Organisation
from errors import Conflict, Invalid, NotFound
from indicators.access.permissions import PermissionDenied
from indicators.reporting import assessments
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN, VIEWER, official
from tests.utils.measurements import org_id


def _responsible(engine, focus: str) -> set[str]:
    with session_scope(engine) as session:
        ids = assessments.responsible_org_ids(session, crud.by_code(session, FocusArea, focus).id)
        return {o.code for o in crud.all_rows(session, Organisation) if o.id in ids}


def test_officials_of_responsible_boards_write_versions_and_each_is_kept_and_audited(engine):
    uow = UnitOfWork(engine)
    assert {"KS", "SN"} <= _responsible(engine, "arbetsmarknad")  # ARB02 (KS), ARB04 (SN)
    sn = official(org_id(engine, "SN"))
    first = assessments.save_assessment(uow, sn, "arbetsmarknad", "2026 halvår 1", "Första texten.", expected_version=0)
    assert (first.version, first.period, first.period_label) == (1, "2026H1", "2026 halvår 1")
    second = assessments.save_assessment(uow, ADMIN, "arbetsmarknad", "2026H1", "Andra texten.\nMed två rader.",
                                         expected_version=1)
    assert second.version == 2 and second.written_by == ADMIN.email
    again = assessments.save_assessment(uow, ADMIN, "arbetsmarknad", "2026H1", "Andra texten.\nMed två rader.",
                                        expected_version=2)
    assert again.version == 2  # the same text saves nothing
    versions = assessments.history(uow, "arbetsmarknad", "2026H1")
    assert [(v.version, v.text) for v in versions] == [(2, "Andra texten.\nMed två rader."), (1, "Första texten.")]
    assert versions[1].written_by == sn.email
    with session_scope(engine) as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.entity == assessments.ENTITY)
                                 .order_by(AuditEvent.id)).scalars().all()
    assert [(e.action, e.old, e.new) for e in events] == [
        ("create", None, "Första texten."), ("update", "Första texten.", "Andra texten.\nMed två rader.")]
    assert assessments.written_periods(uow, "arbetsmarknad") == ["2026H1"]
    assert assessments.history(uow, "skola", "2026H1") == []


def test_only_responsible_boards_and_admins_may_write(engine):
    uow = UnitOfWork(engine)
    outsider = next(code for code in ("VAN", "TSN", "SBN") if code not in _responsible(engine, "arbetsmarknad"))
    for actor in (VIEWER, official(org_id(engine, outsider))):
        assert not assessments.may_write(uow, actor, "arbetsmarknad")
        with pytest.raises(PermissionDenied):
            assessments.save_assessment(uow, actor, "arbetsmarknad", "2026", "Text.", expected_version=0)
    assert assessments.may_write(uow, official(org_id(engine, "SN")), "arbetsmarknad")
    assert assessments.history(uow, "arbetsmarknad", "2026") == []
    with session_scope(engine) as session:
        refused = session.execute(select(AuditEvent).where(AuditEvent.action == "refused",
                                                           AuditEvent.entity == assessments.ENTITY)).scalars().all()
    assert len(refused) == 2 and refused[0].entity_id == "arbetsmarknad 2026"


def test_a_stale_edit_is_a_conflict_naming_both_texts(engine):
    uow = UnitOfWork(engine)
    assessments.save_assessment(uow, ADMIN, "skola", "2025", "Läst text.", expected_version=0)
    assessments.save_assessment(uow, ADMIN, "skola", "2025", "Någon annans text.", expected_version=1)
    with pytest.raises(Conflict) as caught:
        assessments.save_assessment(uow, ADMIN, "skola", "2025", "Min text.", expected_version=1)
    shown = [str(p) for p in caught.value.problems]
    assert any("Någon annans text." in p for p in shown) and any("Min text." in p for p in shown)
    assert "version 2" in caught.value.message
    with pytest.raises(Conflict):  # a first save when someone already wrote one
        assessments.save_assessment(uow, ADMIN, "skola", "2025", "Min text.", expected_version=0)
    assert len(assessments.history(uow, "skola", "2025")) == 2


@pytest.mark.parametrize("bad, words", [
    ("", "tom"), ("   \n ", "tom"), ("Text med \x00 nul", "NUL"), ("Text med \x1b escape", "U+001B"),
    ("x" * (assessments.MAX_ASSESSMENT + 1), "för lång"),
])
def test_text_rules_like_comments(engine, bad, words):
    with pytest.raises(Invalid) as caught:
        assessments.save_assessment(UnitOfWork(engine), ADMIN, "skola", "2025", bad, expected_version=0)
    assert words in caught.value.message and caught.value.problems[0].field == assessments.FIELD


def test_text_is_stored_as_nfc_and_period_and_focus_area_are_checked(engine):
    uow = UnitOfWork(engine)
    saved = assessments.save_assessment(uow, ADMIN, "skola", "2025", "  Bedo\u0308mning  ", expected_version=0)
    assert saved.text == "Bedömning"
    with pytest.raises(Invalid, match="programperioden"):
        assessments.save_assessment(uow, ADMIN, "skola", "2031", "Text.", expected_version=0)
    with pytest.raises(Invalid):
        assessments.save_assessment(uow, ADMIN, "skola", "tjugohundra", "Text.", expected_version=0)
    with pytest.raises(NotFound):
        assessments.save_assessment(uow, ADMIN, "finns-inte", "2025", "Text.", expected_version=0)


def test_versions_cannot_be_changed_or_deleted_in_the_database(engine):
    assessments.save_assessment(UnitOfWork(engine), ADMIN, "skola", "2025", "Kvar.", expected_version=0)
    for statement in ("UPDATE focus_area_assessment SET text = 'ändrad'", "DELETE FROM focus_area_assessment"):
        with pytest.raises(DBAPIError):
            with engine.begin() as conn:
                conn.execute(text(statement))
    assert assessments.history(UnitOfWork(engine), "skola", "2025")[0].text == "Kvar."


def test_latest_per_focus_area_as_known_at_a_moment_and_for_a_year(engine):
    uow = UnitOfWork(engine)
    assessments.save_assessment(uow, ADMIN, "skola", "2025H1", "Våren.", expected_version=0)
    assessments.save_assessment(uow, ADMIN, "skola", "2025H2", "Hösten.", expected_version=0)
    assessments.save_assessment(uow, ADMIN, "skola", "2026H1", "Nästa år.", expected_version=0)
    latest = assessments.latest_by_focus_area(uow)
    assert latest["skola"].text == "Nästa år." and "arbetsmarknad" not in latest
    assert assessments.latest_by_focus_area(uow, year=2025)["skola"].text == "Hösten."
    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert assessments.latest_by_focus_area(uow, written_before=long_ago) == {}


def test_period_choices_run_from_the_program_start_to_today(engine):
    from datetime import date
    choices = assessments.period_choices(UnitOfWork(engine), "skola", date(2026, 5, 2))
    assert choices[:4] == ["2026", "2026H1", "2025H2", "2025"] and "2026H2" not in choices
    assert choices[-1] == "2018H1"
