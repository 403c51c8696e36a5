"""Meeting documents: the underlag lists what changed since the previous meeting, the notes
list attendees, decisions and the distribution (by default KS and every represented board)."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import select

from db import crud
from db.engine import session_scope
from db.models import Meeting, MeetingDistribution, Organisation
from indicators.meetings import documents as meeting_docs
from tests.utils.demo import FOCUS_AREAS
from tests.utils.measurements import measurement as _value
from tests.utils.pdf import pdf_text as _pdf_text
from indicators.unit_of_work import UnitOfWork


def _meetings(engine) -> list[Meeting]:
    with session_scope(engine) as session:
        return list(session.execute(select(Meeting).order_by(Meeting.date)).scalars().all())


def test_underlag_lists_values_changed_since_the_previous_meeting(demo_engine):
    first, second = _meetings(demo_engine)
    with session_scope(demo_engine, write=True) as session:
        changed = _value(session, "ARB03", "2022")
        changed.value, changed.updated_at = 12.3, datetime(2026, 4, 15, 8, tzinfo=timezone.utc)  # on the meeting day
        earlier = _value(session, "BRO02", "2022")
        earlier.updated_at = datetime(2025, 10, 14, 18, tzinfo=timezone.utc)  # the previous meeting's day
    changes = meeting_docs.changed_totals(UnitOfWork(demo_engine), second.id)
    keys = set(zip(changes["code"], changes["period"], changes["gender"]))
    assert ("ARB03", "2022", "T") in keys and ("BRO02", "2022", "T") not in keys
    assert all(first.date < day <= second.date for day in pd.to_datetime(changes["updated_at"], utc=True).dt.date)
    assert changes.empty or not changes.loc[changes["suppressed"], "value"].notna().any()
    text = _pdf_text(meeting_docs.meeting_underlag_pdf(UnitOfWork(demo_engine), second.id))
    assert "Underlag till mötet" in text and second.date.isoformat() in text and first.date.isoformat() in text
    assert "ARB03" in text and "12,3" in text
    for name in FOCUS_AREAS:
        assert name in text
    assert meeting_docs.changed_totals(UnitOfWork(demo_engine), first.id).empty  # a first meeting has no window start
    assert "Första registrerade mötet" in _pdf_text(meeting_docs.meeting_underlag_pdf(UnitOfWork(demo_engine), first.id))


def test_notes_list_attendees_decisions_and_default_distribution(demo_engine):
    meeting = _meetings(demo_engine)[-1]
    text = _pdf_text(meeting_docs.meeting_notes_pdf(UnitOfWork(demo_engine), meeting.id))
    assert "Minnesanteckningar" in text and "Ledamot KS 1" in text and meeting.decisions[:40] in text
    with session_scope(demo_engine, write=True) as session:
        for row in session.execute(select(MeetingDistribution).where(MeetingDistribution.meeting_id == meeting.id)).scalars():
            session.delete(row)
    recipients = [code for code, _ in meeting_docs.distribution_list(UnitOfWork(demo_engine), meeting.id)]
    assert recipients == ["BN", "KS", "SBN", "SN", "TSN", "VAN"]  # KS and every represented board
    with session_scope(demo_engine, write=True) as session:
        session.add(MeetingDistribution(meeting_id=meeting.id, organisation_id=crud.by_code(session, Organisation, "KF").id))
    assert meeting_docs.distribution_list(UnitOfWork(demo_engine), meeting.id) == [("KF", "Kommunfullmäktige")]
    assert "Kommunfullmäktige (KF)" in _pdf_text(meeting_docs.meeting_notes_pdf(UnitOfWork(demo_engine), meeting.id))


def test_underlag_withholds_complementary_cells_too(demo_engine):
    """A changed breakdown that would reveal a small count (T = K + M) is withheld in the
    underlag as well, not only the small count itself."""
    from sqlalchemy import update

    from db.models import Indicator, Measurement
    from indicators.files.long_format import withheld_keys

    _first, second = _meetings(demo_engine)
    with session_scope(demo_engine) as session:
        dem04 = crud.by_code(session, Indicator, "DEM04")
        rows = session.execute(select(Measurement).where(Measurement.indicator_id == dem04.id)).scalars().all()
        small = {(m.period, m.gender, m.area_id) for m in rows if m.count_n is not None and m.count_n < 5}
    hidden = withheld_keys(UnitOfWork(demo_engine), [dem04.id])
    complementary = sorted(k[1:] for k in hidden if k[1:] not in small)
    assert complementary  # the demo data has small counts whose neighbours must hide too
    period = complementary[0][0]
    with session_scope(demo_engine, write=True) as session:
        session.execute(update(Measurement).where(Measurement.indicator_id == dem04.id, Measurement.period == period)
                        .values(updated_at=datetime(2026, 4, 15, 8, tzinfo=timezone.utc)))
    changes = meeting_docs.changed_totals(UnitOfWork(demo_engine), second.id)
    mine = changes[(changes["code"] == "DEM04") & (changes["period"] == period)]
    flagged = {(g, a) for g, a, s in zip(mine["gender"], mine["area_id"], mine["suppressed"]) if s}
    assert flagged == {(g, a) for p, g, a in hidden_for(hidden, period)}
    assert mine.loc[mine["suppressed"], "value"].isna().all()


def hidden_for(hidden: set, period: str) -> list[tuple]:
    return [k[1:] for k in hidden if k[1] == period]
