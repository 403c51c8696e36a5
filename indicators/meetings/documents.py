"""Documents for the political working group's meetings: the underlag sent out before a
meeting and the minnesanteckningar sent afterwards to KS and the represented boards.

What changed since the previous meeting comes from ``changes.changes`` (the one
window and status-before/after rule the meeting mode also uses). Both documents are
read-only views: anyone logged in may fetch them.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from db import queries
from errors import NotFound
from indicators.files import long_format
from indicators.meetings import changes
from indicators.rules.formatting import format_number
from indicators.files.pdf import ReportPDF
from indicators.rules.periods import sort_key
from indicators.rules.vocabulary import GENDER_ORDER, MEETING_KIND_LABELS, STATUS_ICONS, STATUSES, label
from indicators.unit_of_work import UnitOfWork

DEFAULT_RECIPIENT = "KS"
PROGRAM_LINE = "Politisk arbetsgrupp – Program för inkludering och social sammanhållning"


def _meeting(session, meeting_id: int):
    meeting = queries.meeting_row(session, meeting_id)
    if meeting is None:
        raise NotFound(f"Mötet {meeting_id} finns inte")
    return meeting


def meeting_choices(uow: UnitOfWork) -> list[tuple[int, str]]:
    """(id, label) for every meeting, newest first: for choosing which documents to fetch."""
    with uow.read() as session:
        df = queries.meetings(session)
    rows = sorted(df.to_dict("records"), key=lambda r: (r["date"], r["id"]), reverse=True)
    return [(int(r["id"]), f"{r['date']} – {label(MEETING_KIND_LABELS, r['kind'])}" + (f": {r['title']}" if r["title"] else ""))
            for r in rows]


def changed_totals(uow: UnitOfWork, meeting_id: int) -> pd.DataFrame:
    """The values changed in the meeting's window (meetings_view: end of the previous
    meeting's day to the end of this one's), with their numbers. Breakdowns below the
    (the disclosure rule, applied to the indicators' full tables) keep their key but lose value and comment. Empty for a first
    meeting, whose window has no start."""
    with uow.read() as session:
        meeting = _meeting(session, meeting_id)
        previous = queries.previous_meeting(session, meeting)
        if previous is None:
            return pd.DataFrame()
        start, end = changes.end_of_day(previous.date), changes.end_of_day(meeting.date)
        df = queries.values_updated_between(session, start.to_pydatetime(), end.to_pydatetime())
    if df.empty:
        return df
    hidden = long_format.withheld_keys(uow, set(df["indicator_id"]))
    df = df.assign(suppressed=[k in hidden for k in
                               zip(df["indicator_id"], df["period"], df["gender"], df["area_id"])])
    df.loc[df["suppressed"], "value"] = None
    df.loc[df["suppressed"], "comment"] = ""
    df["key"] = df["period"].map(sort_key)
    df["gender_order"] = df["gender"].map(GENDER_ORDER)
    return df.sort_values(["focus_number", "code", "key", "sort_order", "gender_order"]).reset_index(drop=True)


def distribution_list(uow: UnitOfWork, meeting_id: int) -> list[tuple[str, str]]:
    """The meeting's sändlista; without one, KS and every board represented at the meeting."""
    with uow.read() as session:
        _meeting(session, meeting_id)
        chosen = queries.meeting_distribution(session, meeting_id)
        if not chosen.empty:
            return list(zip(chosen["code"], chosen["name"]))
        orgs = queries.organisations(session)
        attendees = queries.meeting_attendees(session, meeting_id)
    boards = set(orgs.loc[orgs["kind"] == "nämnd", "code"])
    codes = {DEFAULT_RECIPIENT} | (set(attendees["org_code"]) & boards)
    names = dict(zip(orgs["code"], orgs["name"]))
    return [(c, names[c]) for c in sorted(codes) if c in names]


def _header(pdf: ReportPDF, heading: str, day: date, kind: str, title: str) -> None:
    pdf.add_page()
    pdf.heading(heading, 17)
    pdf.paragraph(PROGRAM_LINE, 10, "B")
    pdf.paragraph(f"Datum: {day.isoformat()}    {label(MEETING_KIND_LABELS, kind)}")
    if title:
        pdf.paragraph(title)


def _focus_areas(uow: UnitOfWork) -> pd.DataFrame:
    with uow.read() as session:
        return queries.focus_areas(session)


def _status_section(pdf: ReportPDF, result: dict, focus_areas: pd.DataFrame) -> None:
    pdf.heading("Status per fokusområde", 13)
    pdf.paragraph("Status enligt statusregeln från de värden som fanns vid mötesdagens slut "
                  "(senaste värde för hela kommunen).", 9)
    rows = []
    for area in focus_areas.itertuples():
        counts = changes.status_counts(changes.for_focus_area(result, area.code)["status"])
        rows.append([area.name] + [str(counts[s]) for s in STATUSES])
    pdf.simple_table(["Fokusområde"] + [f"{STATUS_ICONS[s]} {s}" for s in STATUSES], rows,
                     widths=[54] + [20] * len(STATUSES), align=["LEFT"] + ["CENTER"] * len(STATUSES))
    moved = result["status_changes"]
    if not moved.empty:
        pdf.paragraph("Indikatorer som bytt status sedan föregående möte:", 9.5, "B")
        pdf.simple_table(["Kod", "Indikator", "Före", "Nu"],
                         [[r.code, r.name, r.before_label, r.after_label] for r in moved.itertuples()],
                         widths=[16, 86, 36, 36])


def _values_section(pdf: ReportPDF, result: dict, totals: pd.DataFrame) -> None:
    previous = result["previous"]
    pdf.heading("Nya och ändrade värden", 13)
    if previous is None:
        pdf.paragraph("Första registrerade mötet: alla värden räknas som nya.", 9)
    else:
        pdf.paragraph(f"Sedan föregående möte {previous['date'].isoformat()} (räknat från slutet av den dagen "
                      f"till slutet av mötesdagen).", 9)
    values = result["values"]
    if values.empty:
        pdf.paragraph("Inga värden har rapporterats eller ändrats.", 9.5, "I")
        return
    pdf.simple_table(["Kod", "Indikator", "Ändring", "Perioder"],
                     [[r.code, r.name, changes.describe_values(r.new, r.updated), r.periods] for r in values.itertuples()],
                     widths=[16, 90, 36, 32])
    whole = totals[(totals["gender"] == "T") & totals["is_total"].astype(bool)] if not totals.empty else totals
    if not whole.empty:
        pdf.paragraph("Värden för hela kommunen, totalt:", 9.5, "B")
        rows = [[r["code"], r["period"], format_number(r["value"], int(r["decimals"]), r["unit"]),
                 pd.Timestamp(r["updated_at"]).date().isoformat(), r["comment"] or ""] for r in whole.to_dict("records")]
        pdf.simple_table(["Kod", "Period", "Värde", "Ändrat", "Kommentar"], rows, widths=[16, 18, 24, 22, 94])


def _actions_section(pdf: ReportPDF, result: dict) -> None:
    actions = result["actions"]
    if actions.empty:
        return
    pdf.heading("Nya och ändrade insatser", 13)
    pdf.simple_table(["Insats", "Status", "Ändring"], [[r.name, r.status, r.change] for r in actions.itertuples()],
                     widths=[120, 30, 24])


def meeting_underlag_pdf(uow: UnitOfWork, meeting_id: int) -> bytes:
    """Underlag: status per focus area and what changed since the previous meeting."""
    result = changes.changes(uow, meeting_id)
    meeting = result["meeting"]
    pdf = ReportPDF(f"Underlag {meeting['date'].isoformat()}", created=meeting["date"])
    pdf.set_title(f"Underlag till arbetsgruppens möte {meeting['date'].isoformat()}")
    _header(pdf, "Underlag till mötet", meeting["date"], meeting["kind"], meeting["title"])
    if meeting["agenda"]:
        pdf.heading("Dagordning", 13)
        pdf.paragraph(meeting["agenda"], 9.5)
    _status_section(pdf, result, _focus_areas(uow))
    _values_section(pdf, result, changed_totals(uow, meeting_id))
    _actions_section(pdf, result)
    return bytes(pdf.output())


def meeting_notes_pdf(uow: UnitOfWork, meeting_id: int) -> bytes:
    """Minnesanteckningar: date, kind, attendees, agenda, notes, decisions, sändlista."""
    with uow.read() as session:
        meeting = _meeting(session, meeting_id)
        attendees = queries.meeting_attendees(session, meeting_id)
    recipients = distribution_list(uow, meeting_id)
    pdf = ReportPDF(f"Minnesanteckningar {meeting.date.isoformat()}", created=meeting.date)
    pdf.set_title(f"Minnesanteckningar {meeting.date.isoformat()}")
    _header(pdf, "Minnesanteckningar", meeting.date, meeting.kind, meeting.title)
    pdf.heading("Närvarande", 13)
    if attendees.empty:
        pdf.paragraph("Ingen närvaro registrerad.", 9.5, "I")
    else:
        rows = [[r["org_name"], r["name"] or "–", "ja" if r["present"] else "nej"] for r in attendees.to_dict("records")]
        pdf.simple_table(["Organisation", "Ledamot", "Närvarande"], rows, widths=[64, 70, 40])
    for title, text in (("Dagordning", meeting.agenda), ("Anteckningar", meeting.notes),
                        ("Beslut", meeting.decisions)):
        pdf.heading(title, 13)
        pdf.paragraph(text or "–", 9.5)
    pdf.heading("Sändlista", 13)
    pdf.paragraph("\n".join(f"{name} ({code})" for code, name in recipients), 9.5)
    return bytes(pdf.output())
