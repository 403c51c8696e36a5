"""The working group's meetings as process support records them: date, kind, agenda,
notes, decisions, attendees by seat and the distribution list."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

import pandas as pd
from sqlalchemy import delete, select
from sqlmodel import Session

from db import crud, queries
from db.models import MEETING_KINDS, Meeting, MeetingAttendee, MeetingDistribution, Organisation
from indicators.access.audit import audit, set_fields
from indicators.access.permissions import Actor, require
from seed import load as seed_data
from indicators.catalogue.editing import AdminError, Refs, check_version, clean_text, get_row
from indicators.unit_of_work import UnitOfWork


ORDINARY_MEETINGS_PER_YEAR = 2


@dataclass
class Attendee:
    organisation: str  # organisation code of the seat
    name: str = ""  # optional; by default the seat ("Ledamot KS 1")
    present: bool = True


@dataclass
class MeetingData:
    date: date
    kind: str = "ordinarie"
    title: str = ""
    agenda: str = ""
    notes: str = ""
    decisions: str = ""
    attendees: list[Attendee] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)  # organisation codes


def working_group_seats() -> list[tuple[str, int]]:
    """(organisation code, seats) of the political working group, as the program sets it up."""
    return seed_data.working_group_seats()


def default_attendees(seats: list[tuple[str, int]]) -> list[Attendee]:
    """One attendee per seat of the working group, named by seat, not by person."""
    return [Attendee(code, f"Ledamot {code} {n}") for code, count in seats for n in range(1, count + 1)]


def default_distribution(seats: list[tuple[str, int]]) -> list[str]:
    """Minnesanteckningar go to KS and every board represented in the working group."""
    codes = ["KS"] + [code for code, _count in seats]
    return list(dict.fromkeys(codes))


def _meeting_warnings(session: Session, data: MeetingData, meeting_id: Optional[int]) -> list[str]:
    if data.kind != "ordinarie":
        return []
    stmt = select(Meeting.id, Meeting.date).where(Meeting.kind == "ordinarie")
    same_year = [i for i, day in session.execute(stmt).all() if day.year == data.date.year and i != meeting_id]
    if len(same_year) + 1 > ORDINARY_MEETINGS_PER_YEAR:
        return [f"{data.date.year} får {len(same_year) + 1} ordinarie möten; arbetsgruppen har normalt "
                f"{ORDINARY_MEETINGS_PER_YEAR} ordinarie möten per år och ett extra möte vid behov."]
    return []


def _clean_meeting(session: Session, data: MeetingData) -> tuple[dict, list[tuple[int, str, bool]], list[int]]:
    refs = Refs.load(session)
    errors = []
    if data.kind not in MEETING_KINDS:
        errors.append(f"mötestyp '{data.kind}' är inte tillåten; välj {' eller '.join(MEETING_KINDS)}")
    if not isinstance(data.date, date):
        errors.append("datum saknas")

    def org_id(code: str) -> Optional[int]:
        found = refs.code_of(refs.orgs, code)
        if found is None:
            errors.append(f"'{code}' är ingen känd organisation")
        return refs.org_ids.get(found) if found else None

    attendees = [(org_id(a.organisation), clean_text(a.name, "attendee"), bool(a.present)) for a in data.attendees]
    distribution = sorted({org_id(code) for code in data.distribution} - {None})
    if errors:
        raise AdminError("Mötet sparades inte: " + "; ".join(errors))
    columns = {"date": data.date, "kind": data.kind, "title": clean_text(data.title, "title"), "agenda": clean_text(data.agenda, "agenda"),
               "notes": clean_text(data.notes, "notes"), "decisions": clean_text(data.decisions, "decisions")}
    return columns, attendees, distribution


def create_meeting(uow: UnitOfWork, actor: Actor, data: MeetingData) -> tuple[int, list[str]]:
    """Returns (meeting id, warnings). A third ordinary meeting in a year is a warning, not an error."""
    require(uow, actor, "write_meetings", entity="meeting")
    with uow.write() as session:
        columns, attendees, distribution = _clean_meeting(session, data)
        warnings = _meeting_warnings(session, data, None)
        meeting = Meeting(**columns)
        session.add(meeting)
        session.flush()
        _write_meeting_links(session, meeting.id, attendees, distribution)
        audit(session, actor, "create", "meeting", meeting.id, new=f"{data.date} {data.kind} {columns['title']}")
        return meeting.id, warnings


def update_meeting(uow: UnitOfWork, actor: Actor, meeting_id: int, data: MeetingData, *,
                   expected_version: Optional[int]) -> list[str]:
    require(uow, actor, "write_meetings", entity="meeting", entity_id=meeting_id)
    with uow.write() as session:
        meeting = get_row(session, Meeting, meeting_id, "Mötet")
        check_version(f"Mötet {meeting.date}", expected_version, meeting.version)
        columns, attendees, distribution = _clean_meeting(session, data)
        warnings = _meeting_warnings(session, data, meeting_id)
        changed = set_fields(session, actor, "meeting", meeting, columns)
        old_attendees = [(a.organisation_id, a.name, a.present) for a in session.execute(
            select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id).order_by(MeetingAttendee.id)).scalars()]
        old_distribution = sorted(session.execute(select(MeetingDistribution.organisation_id)
                                                  .where(MeetingDistribution.meeting_id == meeting_id)).scalars())
        for name, old, new in (("attendees", old_attendees, attendees),
                               ("distribution", old_distribution, distribution)):
            if old != new:
                audit(session, actor, "update", "meeting", meeting_id, name, old, new)
                changed += 1
        if changed:
            _write_meeting_links(session, meeting_id, attendees, distribution)
            meeting.version += 1
        return warnings


def _write_meeting_links(session: Session, meeting_id: int, attendees, distribution) -> None:
    session.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id))
    session.execute(delete(MeetingDistribution).where(MeetingDistribution.meeting_id == meeting_id))
    session.add_all([MeetingAttendee(meeting_id=meeting_id, organisation_id=o, name=n, present=p) for o, n, p in attendees])
    session.add_all([MeetingDistribution(meeting_id=meeting_id, organisation_id=o) for o in distribution])


def meeting_data(uow: UnitOfWork, meeting_id: int) -> tuple[MeetingData, int]:
    with uow.read() as session:
        meeting = get_row(session, Meeting, meeting_id, "Mötet")
        codes = {o.id: o.code for o in crud.all_rows(session, Organisation)}
        attendees = session.execute(select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id)
                                    .order_by(MeetingAttendee.id)).scalars().all()
        distribution = session.execute(select(MeetingDistribution.organisation_id)
                                       .where(MeetingDistribution.meeting_id == meeting_id)).scalars().all()
        data = MeetingData(
            date=meeting.date, kind=meeting.kind, title=meeting.title, agenda=meeting.agenda, notes=meeting.notes,
            decisions=meeting.decisions, attendees=[Attendee(codes[a.organisation_id], a.name, a.present) for a in attendees],
            distribution=sorted(codes[o] for o in distribution),
        )
        return data, meeting.version


def meeting_list(uow: UnitOfWork) -> pd.DataFrame:
    with uow.read() as session:
        return queries.meetings(session)

