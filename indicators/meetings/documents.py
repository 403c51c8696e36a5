"""Documents for the political working group's meetings: the underlag sent out before a
meeting and the minnesanteckningar sent afterwards to KS and the represented boards.

The underlag renders ``briefing.briefing``, the content the meeting mode shows (the one
window and status-before/after rule of ``changes.changes``). Both documents are
read-only views: anyone logged in may fetch them.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from db import queries
from errors import NotFound
from indicators.files import long_format
from indicators.meetings import changes
from indicators.meetings.briefing import Briefing, FocusBrief, IndicatorBrief, briefing, shown_statuses
from indicators.rules.formatting import format_number
from indicators.files.pdf import ReportPDF, draw_sparkline
from indicators.rules.periods import period_from_code, sort_key
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


def _status_section(pdf: ReportPDF, briefing: Briefing) -> None:
    pdf.heading("Status per fokusområde", 13)
    pdf.paragraph("Status enligt statusregeln från de värden som fanns vid mötesdagens slut "
                  "(senaste värde för hela kommunen).", 9)
    rows = [[area.name] + [str(area.counts[s]) for s in STATUSES] for area in briefing.focus_areas]
    pdf.simple_table(["Fokusområde"] + [f"{STATUS_ICONS[s]} {s}" for s in STATUSES], rows,
                     widths=[54] + [20] * len(STATUSES), align=["LEFT"] + ["CENTER"] * len(STATUSES))


SPARK_W, SPARK_H = 34, 11


def _indicator_block(pdf: ReportPDF, brief: IndicatorBrief) -> None:
    """The same lines as the meeting mode's card, the small chart to the right."""
    pdf.ensure_space(26)
    top = pdf.get_y()
    pdf.set_right_margin(18 + SPARK_W + 4)
    pdf.paragraph(f"{brief.code} {brief.name}", 9.5, "B")
    pdf.paragraph(f"{brief.value_text} ({brief.period_label}) · sedan förra mötet {brief.since_meeting.text} "
                  f"(då {brief.meeting_value_text}) · sedan utgångsläget {brief.since_baseline.text} "
                  f"({brief.baseline_text})", 9)
    pdf.paragraph(f"Status: {brief.before_text} → {brief.now_text}"
                  + (f" · {brief.value_news}" if brief.value_news else ""), 9)
    if brief.comment:
        pdf.paragraph(f"Analyskommentar {brief.comment_period_label}: {brief.comment}", 9, "I")
    pdf.set_right_margin(18)
    draw_sparkline(pdf, pdf.w - 18 - SPARK_W, top + 2, SPARK_W, SPARK_H, [p[1] for p in brief.sparkline])
    pdf.set_y(max(pdf.get_y(), top + SPARK_H + 4) + 1.5)


def _focus_section(pdf: ReportPDF, area: FocusBrief, since: str) -> None:
    pdf.ensure_space(60)
    pdf.heading(f"{area.number}. {area.name}", 13)
    pdf.paragraph("  ·  ".join(f"{STATUS_ICONS[s]} {s}: {area.counts[s]}" for s in shown_statuses(area.counts)), 10, "B")
    pdf.paragraph(area.summary, 9.5)
    if area.status_moves:
        pdf.paragraph("Bytt status: " + " · ".join(area.status_moves), 9.5)
    pdf.heading("Analys och bedömning", 11)
    if area.assessment:
        pdf.paragraph(f"{area.assessment.period_label} · {area.assessment.byline}", 8.5)
        pdf.paragraph(area.assessment.text, 9.5)
    else:
        pdf.paragraph("Ingen analys och bedömning är skriven för fokusområdet ännu.", 9.5, "I")
    pdf.heading(f"Indikatorer med nya värden eller ändrad status {since}", 11)
    if not area.indicators:
        pdf.paragraph("Inga nya värden och ingen indikator har bytt status.", 9.5, "I")
    for brief in area.indicators:
        _indicator_block(pdf, brief)
    pdf.heading("Nya och ändrade insatser", 11)
    pdf.paragraph("\n".join(f"– {line}" for line in area.actions) if area.actions
                  else "Inga nya eller ändrade insatser.", 9.5)


def _values_section(pdf: ReportPDF, briefing: Briefing, totals: pd.DataFrame) -> None:
    """Bilaga: every value for the whole municipality reported or changed in the window."""
    whole = totals[(totals["gender"] == "T") & totals["is_total"].astype(bool)] if not totals.empty else totals
    if whole.empty:
        return
    pdf.heading("Bilaga: nya och ändrade värden för hela kommunen", 13)
    pdf.paragraph(f"Sedan föregående möte {briefing.previous['date'].isoformat()} (räknat från slutet av den dagen "
                  f"till slutet av mötesdagen).", 9)
    rows = [[r["code"], period_from_code(r["period"]).label, format_number(r["value"], int(r["decimals"]), r["unit"]),
             pd.Timestamp(r["updated_at"]).date().isoformat(), r["comment"] or ""] for r in whole.to_dict("records")]
    pdf.simple_table(["Kod", "Period", "Värde", "Ändrat", "Kommentar"], rows, widths=[16, 22, 24, 22, 90])


def meeting_underlag_pdf(uow: UnitOfWork, meeting_id: int) -> bytes:
    """Underlag: the meeting briefing (the meeting mode's content), one section per focus
    area, and the changed values as an appendix."""
    content = briefing(uow, meeting_id)
    meeting = content.meeting
    pdf = ReportPDF(f"Underlag {meeting['date'].isoformat()}", created=meeting["date"])
    pdf.set_title(f"Underlag till arbetsgruppens möte {meeting['date'].isoformat()}")
    _header(pdf, "Underlag till mötet", meeting["date"], meeting["kind"], meeting["title"])
    if meeting["agenda"]:
        pdf.heading("Dagordning", 13)
        pdf.paragraph(meeting["agenda"], 9.5)
    if content.previous is None:
        pdf.paragraph("Första registrerade mötet: alla värden räknas som nya.", 9)
    _status_section(pdf, content)
    for area in content.focus_areas:
        _focus_section(pdf, area, content.since_text)
    if content.previous is not None:
        _values_section(pdf, content, changed_totals(uow, meeting_id))
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
